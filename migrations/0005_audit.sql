-- The audit and access log: append-only, hash-chained. Each entry's hash covers its content
-- and the previous entry's hash; audit_head holds the last sequence number and hash, and is
-- updated in the same transaction as each append, which also serialises appends.
CREATE TABLE audit_log (
  seq BIGINT PRIMARY KEY,
  at TEXT NOT NULL,
  user_id TEXT,
  username TEXT,
  action TEXT NOT NULL,
  record_type TEXT NOT NULL,
  record_id TEXT,
  ip TEXT,
  request_id TEXT,
  before TEXT,
  after TEXT,
  -- Where the record sits, so that scoped auditors see only their territory's entries.
  region_code TEXT,
  province_code TEXT,
  organization_id TEXT,
  prev_hash TEXT NOT NULL,
  hash TEXT NOT NULL
);
CREATE INDEX audit_log_record ON audit_log(record_type, record_id, seq);
CREATE INDEX audit_log_user ON audit_log(user_id, seq);
CREATE INDEX audit_log_at ON audit_log(at, seq);
CREATE INDEX audit_log_region ON audit_log(region_code, seq);
CREATE INDEX audit_log_province ON audit_log(province_code, seq);

CREATE TABLE audit_head (
  id INTEGER PRIMARY KEY CHECK (id = 1),
  seq BIGINT NOT NULL,
  hash TEXT NOT NULL
);
INSERT INTO audit_head(id, seq, hash) VALUES (1, 0, 'genesis');
