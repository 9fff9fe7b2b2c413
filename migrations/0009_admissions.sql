-- Admissions of people to institutions (organizations of kind 'eps') and their discharge.
-- `sex` is copied from the person at admission so that occupancy (open admissions by sex)
-- is one indexed count; region/province are the institution's, for scope filters of lists.
-- A person is in at most one institution at a time: the partial unique index enforces it
-- even under concurrent admissions.
CREATE TABLE admissions (
  id TEXT PRIMARY KEY,
  person_id TEXT NOT NULL REFERENCES people(id),
  institution_id TEXT NOT NULL REFERENCES organizations(id),
  case_id TEXT REFERENCES cases(id),
  sex TEXT NOT NULL CHECK (sex IN ('F', 'M')),
  admitted_on TEXT NOT NULL,
  reason TEXT NOT NULL CHECK (reason IN ('judicial_order', 'own_request', 'referral', 'emergency')),
  over_capacity INTEGER NOT NULL DEFAULT 0,
  over_capacity_reason TEXT,
  discharged_on TEXT,
  discharge_reason TEXT CHECK (discharge_reason IS NULL OR discharge_reason IN (
    'return_to_family', 'kafala', 'transfer', 'autonomy_18', 'runaway', 'death', 'other')),
  destination TEXT,
  region_code TEXT NOT NULL,
  province_code TEXT NOT NULL,
  version INTEGER NOT NULL DEFAULT 1,
  created_at TEXT NOT NULL,
  created_by TEXT REFERENCES users(id),
  updated_at TEXT NOT NULL
);
CREATE UNIQUE INDEX admissions_one_open_per_person ON admissions(person_id)
  WHERE discharged_on IS NULL;
CREATE INDEX admissions_person ON admissions(person_id, admitted_on);
CREATE INDEX admissions_institution ON admissions(institution_id, discharged_on, sex);
CREATE INDEX admissions_institution_list ON admissions(institution_id, id);
CREATE INDEX admissions_province ON admissions(province_code, id);
