-- People (beneficiaries). Names in Arabic and/or Latin script; birth dates keep their
-- precision; identifiers are optional and validated by the service. region_code and
-- province_code are copied from the province at write time for scope filters;
-- person_access lists the organizations that work with the person (registration, cases,
-- admissions, accepted referrals), which is what an organization-scoped user may see.
CREATE TABLE people (
  id TEXT PRIMARY KEY,
  file_number TEXT NOT NULL UNIQUE,
  first_name_ar TEXT,
  last_name_ar TEXT,
  first_name_lat TEXT,
  last_name_lat TEXT,
  sex TEXT NOT NULL CHECK (sex IN ('F', 'M')),
  birth_date TEXT,
  birth_date_precision TEXT NOT NULL DEFAULT 'exact'
    CHECK (birth_date_precision IN ('exact', 'year', 'estimated')),
  cin TEXT,
  birth_certificate_number TEXT,
  rnp_rsu_id TEXT,
  disability_card_number TEXT,
  nationality TEXT NOT NULL DEFAULT 'MA',
  father_first_name TEXT,
  province_code TEXT NOT NULL REFERENCES territories(code),
  region_code TEXT NOT NULL REFERENCES territories(code),
  registered_by_org TEXT REFERENCES organizations(id),
  target_groups TEXT NOT NULL DEFAULT '',
  consent_given INTEGER NOT NULL DEFAULT 0,
  consent_at TEXT,
  consent_recorded_by TEXT REFERENCES users(id),
  status TEXT NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'deceased', 'merged')),
  merged_into TEXT REFERENCES people(id),
  version INTEGER NOT NULL DEFAULT 1,
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL,
  created_by TEXT REFERENCES users(id),
  CHECK (first_name_ar IS NOT NULL OR last_name_ar IS NOT NULL OR
         first_name_lat IS NOT NULL OR last_name_lat IS NOT NULL)
);
CREATE INDEX people_province ON people(province_code, id);
CREATE INDEX people_region ON people(region_code, id);
CREATE INDEX people_cin ON people(cin);
CREATE INDEX people_last_lat ON people(last_name_lat);
CREATE INDEX people_last_ar ON people(last_name_ar);

CREATE TABLE person_relations (
  person_id TEXT NOT NULL REFERENCES people(id),
  related_person_id TEXT NOT NULL REFERENCES people(id),
  kind TEXT NOT NULL CHECK (kind IN ('parent', 'child', 'sibling', 'guardian', 'ward', 'kafil', 'makfoul')),
  created_at TEXT NOT NULL,
  PRIMARY KEY (person_id, related_person_id, kind),
  CHECK (person_id <> related_person_id)
);

CREATE TABLE person_access (
  person_id TEXT NOT NULL REFERENCES people(id),
  organization_id TEXT NOT NULL REFERENCES organizations(id),
  reason TEXT NOT NULL,
  since TEXT NOT NULL,
  PRIMARY KEY (person_id, organization_id)
);
CREATE INDEX person_access_org ON person_access(organization_id, person_id);

-- Named counters for readable numbers (file numbers); incremented inside the writing
-- transaction, so numbers are unique across servers.
CREATE TABLE counters (
  name TEXT PRIMARY KEY,
  value BIGINT NOT NULL
);
