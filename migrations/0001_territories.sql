-- Regions and provinces/prefectures of Morocco (ISO 3166-2:MA codes). The rows are loaded by
-- migration 2 from data/territories.csv, which is compiled into the binary.
CREATE TABLE territories (
  code TEXT PRIMARY KEY,
  level TEXT NOT NULL CHECK (level IN ('region', 'province')),
  parent_code TEXT REFERENCES territories(code),
  kind TEXT NOT NULL CHECK (kind IN ('region', 'province', 'prefecture')),
  name_fr TEXT NOT NULL,
  name_ar TEXT NOT NULL,
  CHECK ((level = 'region') = (parent_code IS NULL))
);
CREATE INDEX territories_parent ON territories(parent_code, code);
CREATE INDEX territories_level ON territories(level, code);
