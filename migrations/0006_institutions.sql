-- Institutions (établissements de protection sociale, EPS, under law 65.15): the
-- EPS-specific part of an organization of kind 'eps', its services, its staff by function
-- and the history of its authorization. Occupancy is never stored here: it is derived from
-- admissions (migration 0008).
--
-- name_fr_key / name_ar_key hold the name folded for comparison (case, spaces), written by
-- the service, so that "same name in the same province" is one indexed equality on both
-- engines (SQLite's LOWER() only folds ASCII).
ALTER TABLE organizations ADD COLUMN name_fr_key TEXT;
ALTER TABLE organizations ADD COLUMN name_ar_key TEXT;
CREATE INDEX organizations_name_fr_key ON organizations(province_code, kind, name_fr_key);
CREATE INDEX organizations_name_ar_key ON organizations(province_code, kind, name_ar_key);
CREATE INDEX organizations_kind_province ON organizations(kind, province_code, id);
CREATE INDEX organizations_kind_region ON organizations(kind, region_code, id);

CREATE TABLE institutions (
  organization_id TEXT PRIMARY KEY REFERENCES organizations(id),
  category TEXT NOT NULL CHECK (category IN ('children', 'street_children', 'women', 'disability',
                                             'elderly', 'homeless', 'multi')),
  managed_by TEXT REFERENCES organizations(id),
  director_name TEXT,
  capacity_female INTEGER NOT NULL DEFAULT 0 CHECK (capacity_female >= 0),
  capacity_male INTEGER NOT NULL DEFAULT 0 CHECK (capacity_male >= 0),
  latitude DOUBLE PRECISION CHECK (latitude IS NULL OR (latitude >= -90 AND latitude <= 90)),
  longitude DOUBLE PRECISION CHECK (longitude IS NULL OR (longitude >= -180 AND longitude <= 180)),
  authorization_status TEXT NOT NULL DEFAULT 'pending'
    CHECK (authorization_status IN ('authorized', 'provisional', 'pending', 'unauthorized',
                                    'suspended', 'closed')),
  authorization_number TEXT,
  authorization_date TEXT,
  authorization_expires_on TEXT,
  CHECK (authorization_expires_on IS NULL OR authorization_date IS NULL
         OR authorization_expires_on >= authorization_date)
);
CREATE INDEX institutions_category ON institutions(category, organization_id);
CREATE INDEX institutions_status ON institutions(authorization_status, organization_id);
CREATE INDEX institutions_expires ON institutions(authorization_expires_on, organization_id);
CREATE INDEX institutions_capacity ON institutions((capacity_female + capacity_male), organization_id);
CREATE INDEX institutions_managed_by ON institutions(managed_by);

CREATE TABLE institution_services (
  organization_id TEXT NOT NULL REFERENCES organizations(id),
  service TEXT NOT NULL CHECK (service IN ('accommodation', 'day_care', 'listening',
                                           'rehabilitation', 'education_training', 'health_care',
                                           'psychosocial', 'meals')),
  PRIMARY KEY (organization_id, service)
);

CREATE TABLE institution_staff (
  organization_id TEXT NOT NULL REFERENCES organizations(id),
  function TEXT NOT NULL CHECK (function IN ('educators', 'social_workers', 'nurses',
                                             'psychologists', 'administrative', 'other')),
  headcount INTEGER NOT NULL CHECK (headcount >= 0),
  PRIMARY KEY (organization_id, function)
);

-- One row per change of the authorization (status, number, dates), oldest first by seq.
CREATE TABLE institution_authorization_history (
  id TEXT PRIMARY KEY,
  organization_id TEXT NOT NULL REFERENCES organizations(id),
  changed_at TEXT NOT NULL,
  changed_by TEXT,
  status_from TEXT,
  status_to TEXT NOT NULL,
  number TEXT,
  date TEXT,
  expires_on TEXT
);
CREATE INDEX institution_authorization_history_org
  ON institution_authorization_history(organization_id, changed_at, id);

UPDATE organizations SET name_fr_key = LOWER(TRIM(name_fr)), name_ar_key = TRIM(name_ar);
