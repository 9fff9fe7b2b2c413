-- The access log's journal (SQLite only; PostgreSQL never writes this table). Views of files
-- are first appended to a journal file next to the database and moved into audit_log in
-- batches; each journal file (named by the random id in its header) has a row here with the
-- byte offset ingested so far, updated in the same transaction as the entries it moved, so
-- that ingesting again after a crash neither loses nor duplicates an entry.
CREATE TABLE audit_journal (
  id TEXT PRIMARY KEY,
  ingested BIGINT NOT NULL
);
