-- Organizations: ministry, INDH, Entraide Nationale delegations, ADS, associations, EPS,
-- health centres, schools, courts. Users belong to one; scope "organization" points at one.
-- The institutions issue adds the EPS-specific tables. region_code is derived from the
-- province at write time so that scope filters are one indexed equality.
CREATE TABLE organizations (
  id TEXT PRIMARY KEY,
  kind TEXT NOT NULL CHECK (kind IN ('ministry', 'indh', 'entraide', 'ads', 'association',
                                     'eps', 'health', 'school', 'court', 'other')),
  name_fr TEXT,
  name_ar TEXT,
  province_code TEXT NOT NULL REFERENCES territories(code),
  region_code TEXT NOT NULL REFERENCES territories(code),
  address TEXT,
  phone TEXT,
  email TEXT,
  version INTEGER NOT NULL DEFAULT 1,
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL,
  CHECK (name_fr IS NOT NULL OR name_ar IS NOT NULL)
);
CREATE INDEX organizations_province ON organizations(province_code, id);
CREATE INDEX organizations_region ON organizations(region_code, id);
CREATE INDEX organizations_kind ON organizations(kind, id);
