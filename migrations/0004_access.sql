-- Users, server-side sessions, API tokens and login throttling. Secrets (session ids,
-- tokens) are stored only as BLAKE2b hashes; passwords as Argon2id hashes.
CREATE TABLE users (
  id TEXT PRIMARY KEY,
  username TEXT NOT NULL UNIQUE,
  display_name TEXT NOT NULL,
  email TEXT,
  preferred_language TEXT NOT NULL DEFAULT 'fr' CHECK (preferred_language IN ('fr', 'ar', 'en')),
  organization_id TEXT REFERENCES organizations(id),
  role TEXT NOT NULL,
  scope_level TEXT NOT NULL CHECK (scope_level IN ('national', 'region', 'province', 'organization')),
  scope_code TEXT,
  -- Where the user sits, derived from the scope: what supervisors' scope filters compare.
  home_region TEXT REFERENCES territories(code),
  home_province TEXT REFERENCES territories(code),
  password_hash TEXT NOT NULL,
  active INTEGER NOT NULL DEFAULT 1,
  version INTEGER NOT NULL DEFAULT 1,
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL,
  password_changed_at TEXT NOT NULL
);
CREATE INDEX users_home_region ON users(home_region, id);
CREATE INDEX users_home_province ON users(home_province, id);
CREATE INDEX users_organization ON users(organization_id, id);

CREATE TABLE sessions (
  id_hash TEXT PRIMARY KEY,
  user_id TEXT NOT NULL REFERENCES users(id),
  csrf_token TEXT NOT NULL,
  created_at TEXT NOT NULL,
  last_seen_at TEXT NOT NULL,
  expires_at TEXT NOT NULL,
  ip TEXT,
  user_agent TEXT
);
CREATE INDEX sessions_user ON sessions(user_id);

CREATE TABLE api_tokens (
  id TEXT PRIMARY KEY,
  token_hash TEXT NOT NULL UNIQUE,
  user_id TEXT NOT NULL REFERENCES users(id),
  name TEXT,
  created_at TEXT NOT NULL,
  expires_at TEXT NOT NULL,
  revoked_at TEXT,
  last_used_at TEXT
);
CREATE INDEX api_tokens_user ON api_tokens(user_id);

-- Failed logins per key ("user:NAME" or "ip:ADDRESS"), shared by every server.
CREATE TABLE login_failures (
  key TEXT PRIMARY KEY,
  failures INTEGER NOT NULL,
  first_failure_at TEXT NOT NULL,
  locked_until TEXT
);
