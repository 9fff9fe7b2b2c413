-- Casework: cases (one person, one module, an owner organization and user), their workflow
-- transitions, assessment per domain, plan goals and actions, notes (some confidential),
-- services delivered from a catalog of service types, and referrals between organizations.
-- People are reached through person_id only; scope filters join `people` through the person
-- module's condition. Every list and filter below has its index.

CREATE TABLE service_types (
  code TEXT PRIMARY KEY,
  name_fr TEXT NOT NULL,
  name_ar TEXT NOT NULL,
  name_en TEXT NOT NULL,
  sort_order INTEGER NOT NULL DEFAULT 0,
  active INTEGER NOT NULL DEFAULT 1
);
INSERT INTO service_types(code, name_fr, name_ar, name_en, sort_order) VALUES
  ('accommodation', 'Hébergement', 'الإيواء', 'Accommodation', 1),
  ('meals', 'Restauration', 'الإطعام', 'Meals', 2),
  ('medical_care', 'Soins médicaux', 'العلاجات الطبية', 'Medical care', 3),
  ('psychological_support', 'Soutien psychologique', 'الدعم النفسي', 'Psychological support', 4),
  ('legal_aid', 'Assistance juridique', 'المساعدة القانونية', 'Legal aid', 5),
  ('schooling', 'Scolarisation', 'التمدرس', 'Schooling', 6),
  ('vocational_training', 'Formation professionnelle', 'التكوين المهني', 'Vocational training', 7),
  ('family_mediation', 'Médiation familiale', 'الوساطة الأسرية', 'Family mediation', 8),
  ('financial_aid', 'Aide financière', 'المساعدة المالية', 'Financial aid', 9),
  ('clothing', 'Habillement', 'الكسوة', 'Clothing', 10),
  ('hygiene_kit', 'Kit d''hygiène', 'لوازم النظافة', 'Hygiene kit', 11),
  ('orientation', 'Écoute et orientation', 'الاستماع والتوجيه', 'Listening and orientation', 12);

CREATE TABLE cases (
  id TEXT PRIMARY KEY,
  person_id TEXT NOT NULL REFERENCES people(id),
  module TEXT NOT NULL CHECK (module IN ('child_protection', 'women', 'disability', 'elderly',
                                         'street_homeless', 'leaving_care')),
  status TEXT NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'assessment', 'plan', 'services',
                                                        'review', 'closed')),
  owner_org_id TEXT NOT NULL REFERENCES organizations(id),
  owner_user_id TEXT REFERENCES users(id),
  assigned_user_id TEXT REFERENCES users(id),
  risk_level TEXT NOT NULL DEFAULT 'medium' CHECK (risk_level IN ('low', 'medium', 'high', 'critical')),
  summary TEXT,
  closure_reason TEXT,
  review_due_on TEXT,
  opened_on TEXT NOT NULL,
  closed_at TEXT,
  last_transition_at TEXT NOT NULL,
  assessed_at TEXT,
  assessed_by TEXT REFERENCES users(id),
  version INTEGER NOT NULL DEFAULT 1,
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL,
  created_by TEXT REFERENCES users(id)
);
CREATE INDEX cases_person ON cases(person_id, id);
CREATE INDEX cases_owner_org ON cases(owner_org_id, status, id);
CREATE INDEX cases_owner_user ON cases(owner_user_id, status, id);
CREATE INDEX cases_assigned_user ON cases(assigned_user_id, status, id);
CREATE INDEX cases_status ON cases(status, last_transition_at);
CREATE INDEX cases_review_due ON cases(review_due_on);

CREATE TABLE case_transitions (
  id TEXT PRIMARY KEY,
  case_id TEXT NOT NULL REFERENCES cases(id),
  from_status TEXT NOT NULL,
  to_status TEXT NOT NULL,
  closure_reason TEXT,
  at TEXT NOT NULL,
  by_user_id TEXT REFERENCES users(id)
);
CREATE INDEX case_transitions_case ON case_transitions(case_id, at);

CREATE TABLE case_assessment_domains (
  case_id TEXT NOT NULL REFERENCES cases(id),
  domain TEXT NOT NULL,
  score INTEGER NOT NULL CHECK (score BETWEEN 0 AND 4),
  comment TEXT,
  updated_at TEXT NOT NULL,
  updated_by TEXT REFERENCES users(id),
  PRIMARY KEY (case_id, domain)
);

CREATE TABLE case_goals (
  id TEXT PRIMARY KEY,
  case_id TEXT NOT NULL REFERENCES cases(id),
  title TEXT NOT NULL,
  created_at TEXT NOT NULL,
  created_by TEXT REFERENCES users(id)
);
CREATE INDEX case_goals_case ON case_goals(case_id, id);

CREATE TABLE case_actions (
  id TEXT PRIMARY KEY,
  case_id TEXT NOT NULL REFERENCES cases(id),
  goal_id TEXT REFERENCES case_goals(id),
  title TEXT NOT NULL,
  responsible_user_id TEXT REFERENCES users(id),
  responsible_text TEXT,
  due_on TEXT,
  done_on TEXT,
  created_at TEXT NOT NULL,
  created_by TEXT REFERENCES users(id)
);
CREATE INDEX case_actions_case ON case_actions(case_id, id);
CREATE INDEX case_actions_open_due ON case_actions(done_on, due_on);

CREATE TABLE case_notes (
  id TEXT PRIMARY KEY,
  case_id TEXT NOT NULL REFERENCES cases(id),
  body TEXT NOT NULL,
  confidential INTEGER NOT NULL DEFAULT 0,
  author_user_id TEXT REFERENCES users(id),
  author_org_id TEXT REFERENCES organizations(id),
  created_at TEXT NOT NULL
);
CREATE INDEX case_notes_case ON case_notes(case_id, id);

CREATE TABLE case_services (
  id TEXT PRIMARY KEY,
  case_id TEXT NOT NULL REFERENCES cases(id),
  service_type TEXT NOT NULL REFERENCES service_types(code),
  provider_org_id TEXT NOT NULL REFERENCES organizations(id),
  service_date TEXT NOT NULL,
  quantity INTEGER NOT NULL CHECK (quantity > 0),
  status TEXT NOT NULL CHECK (status IN ('planned', 'delivered', 'cancelled')),
  comment TEXT,
  version INTEGER NOT NULL DEFAULT 1,
  created_at TEXT NOT NULL,
  created_by TEXT REFERENCES users(id)
);
CREATE INDEX case_services_case ON case_services(case_id, service_date, id);
CREATE INDEX case_services_provider ON case_services(provider_org_id, service_date);
CREATE INDEX case_services_type ON case_services(service_type, service_date);

CREATE TABLE referrals (
  id TEXT PRIMARY KEY,
  case_id TEXT NOT NULL REFERENCES cases(id),
  person_id TEXT NOT NULL REFERENCES people(id),
  from_org_id TEXT NOT NULL REFERENCES organizations(id),
  to_org_id TEXT NOT NULL REFERENCES organizations(id),
  kind TEXT NOT NULL DEFAULT 'service' CHECK (kind IN ('service', 'admission')),
  service_type TEXT REFERENCES service_types(code),
  reason TEXT NOT NULL,
  consent INTEGER NOT NULL CHECK (consent = 1),
  status TEXT NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'accepted', 'declined',
                                                           'completed')),
  decline_reason TEXT,
  created_at TEXT NOT NULL,
  created_by TEXT REFERENCES users(id),
  answered_at TEXT,
  answered_by TEXT REFERENCES users(id),
  completed_at TEXT,
  version INTEGER NOT NULL DEFAULT 1
);
CREATE INDEX referrals_to_org ON referrals(to_org_id, status, created_at);
CREATE INDEX referrals_from_org ON referrals(from_org_id, status, created_at);
CREATE INDEX referrals_case ON referrals(case_id, id);
CREATE INDEX referrals_person ON referrals(person_id, id);
CREATE INDEX referrals_status ON referrals(status, created_at);
