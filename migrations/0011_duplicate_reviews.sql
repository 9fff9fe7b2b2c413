-- The review queue of likely duplicate people, filled by `jisr dedup --db` and worked by
-- coordinators: each row is one pair of people (person_a before person_b in byte order,
-- which the code ensures) with the match
-- probability of the batch matcher. A re-run updates the score of a known pair and never
-- changes its status, so a dismissed pair ("not the same person") stays dismissed.
CREATE TABLE duplicate_reviews (
  id TEXT PRIMARY KEY,
  person_a TEXT NOT NULL REFERENCES people(id),
  person_b TEXT NOT NULL REFERENCES people(id),
  score DOUBLE PRECISION NOT NULL,
  status TEXT NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'dismissed', 'merged')),
  found_at TEXT NOT NULL,
  last_seen_at TEXT NOT NULL,
  decided_by TEXT,
  decided_at TEXT,
  CHECK (person_a <> person_b),
  UNIQUE (person_a, person_b)
);
CREATE INDEX duplicate_reviews_status ON duplicate_reviews(status, id);
CREATE INDEX duplicate_reviews_person_b ON duplicate_reviews(person_b);
