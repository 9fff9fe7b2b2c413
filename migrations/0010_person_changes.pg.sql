-- The change log of people: one row per write that changes what the search index holds
-- (names, province, status), written in the same transaction as the write. Every server
-- applies rows newer than the last it saw before answering a search (docs/matching.md §6).
CREATE TABLE person_changes (
  seq BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  person_id TEXT NOT NULL,
  at TEXT NOT NULL
);

-- Merges of two files: what moved to the survivor, so that an administrator can undo it.
CREATE TABLE person_merges (
  id TEXT PRIMARY KEY,
  person_id TEXT NOT NULL REFERENCES people(id),
  into_id TEXT NOT NULL REFERENCES people(id),
  moved TEXT NOT NULL,
  merged_at TEXT NOT NULL,
  merged_by TEXT REFERENCES users(id),
  undone_at TEXT,
  undone_by TEXT REFERENCES users(id)
);
CREATE INDEX person_merges_person ON person_merges(person_id, merged_at);
CREATE INDEX person_merges_into ON person_merges(into_id, merged_at);

-- The duplicate warning looks up people born the same day.
CREATE INDEX people_birth_date ON people(birth_date);
