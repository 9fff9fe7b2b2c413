-- The caseload of a worker with thousands of cases (7,574 open at 1,000,000 people): their
-- open cases read from these two user indexes alone (id, person, organization and status are
-- in them; a closed case is not), and the open actions of those cases by due date. Without
-- them each count and each alert read every case and every action row at random.
CREATE INDEX cases_owner_user_open ON cases(owner_user_id, id, person_id, owner_org_id, status)
  WHERE status <> 'closed';
CREATE INDEX cases_assigned_user_open ON cases(assigned_user_id, id, person_id, owner_org_id, status)
  WHERE status <> 'closed';
CREATE INDEX case_actions_open_case ON case_actions(case_id, due_on, id) WHERE done_on IS NULL;
