// Casework against a running server: cases and their workflow (every legal transition and
// illegal ones), optimistic versions, assignment, scope (404 and absent from lists),
// confidential notes, services, assessment, plan, referrals (consent, queue, answer, access
// granted on acceptance), admissions (one institution at a time, capacity by sex, discharge
// rules, occupancy) and alerts.
//
//   JISR_BASE_URL=http://127.0.0.1:8080 JISR_BIN=$PWD/build/jisr JISR_DB_URL=sqlite:/tmp/jisr.db \
//     node --test tests/api/casework.test.mjs
//
// Users come from `jisr user add`; organizations from the organizations API; people from the
// people API. Every name carries a random suffix: all test files share one server.
import { describe, test, before } from 'node:test';
import assert from 'node:assert/strict';
import { BASE, BIN, DB_URL, daysFromNow, isoDate, latinLetters, newSuffix } from '../lib/env.mjs';
import { addUser as addCliUser, cliToken } from '../lib/cli.mjs';
import { api, request } from '../lib/http.mjs';
import { createPerson as createPersonAs } from '../lib/people.mjs';

const PASSWORD = 'a-long-password-123';
const SUFFIX = newSuffix();
const uname = (name) => `case-${name}-${SUFFIX}`;
let counter = 0;
const tag = () => {
  counter += 1;
  return latinLetters(`${SUFFIX}${counter.toString(16)}`);
};

function addUser(name, role, scope, org) {
  addCliUser({ username: uname(name), role, scope, org, displayName: `Case ${name}`, password: PASSWORD });
  return cliToken(uname(name));
}

function expectError(r, status, code, field) {
  assert.equal(r.status, status, r.where);
  assert.equal(r.body?.error?.code, code, r.where);
  if (field) assert.ok(r.body.error.fields?.[field], `${r.where}: field ${field} named`);
}

const S = { tok: {}, org: {} };

async function createOrg(key, kind, province, extra = {}) {
  const t = tag();
  const r = await api('POST', '/api/v1/organizations', S.tok.admin, {
    kind, name_fr: `Casework ${key} ${t}`, name_ar: `جمعية ${t}`, province, ...extra,
  });
  assert.equal(r.status, 201, r.where);
  S.org[key] = r.body.id;
  return r.body.id;
}

// The EPS's residents as the registry shows them, everywhere it shows them: its record, its
// row in the list and in the CSV export, and its page ("Résidents" row). All come from the
// admissions; none can be typed in.
async function registryResidents(token) {
  const one = await api('GET', `/api/v1/organizations/${S.org.EPS}`, token);
  assert.equal(one.status, 200, one.where);
  const q = encodeURIComponent(one.body.name_fr);
  const list = await api('GET', `/api/v1/organizations?q=${q}&limit=10`, token);
  const listed = list.body.items.find((o) => o.id === S.org.EPS);
  assert.ok(listed, list.where);
  const csv = await api('GET', `/api/v1/organizations/export?format=csv&q=${q}`, token);
  assert.equal(csv.status, 200, csv.where);
  const [header, ...lines] = csv.text.replace(/^\uFEFF/, '').trim().split(/\r?\n/);
  const columns = header.split(';');
  const row = lines.map((l) => l.split(';')).find((cells) => cells.includes(S.org.EPS));
  assert.ok(row, csv.where);
  const page = await request('GET', `/institutions/${S.org.EPS}`, { token, headers: { accept: 'text/html' } });
  assert.equal(page.status, 200, page.where);
  const residentsRow = page.text.match(/data-testid="residents-female">(\d+)<\/td><td[^>]*>(\d+)<\/td><td[^>]*>(\d+)</);
  assert.ok(residentsRow, 'the residents row of the institution page');
  return {
    record: [one.body.occupancy.female, one.body.occupancy.male, one.body.occupancy.rate],
    listed: [listed.occupancy.female, listed.occupancy.male],
    exported: [Number(row[columns.indexOf('residents_female')]), Number(row[columns.indexOf('residents_male')])],
    page: residentsRow.slice(1, 4).map(Number),
  };
}

const createPerson = (token, { sex = 'F', birth = '2012-03-04', province = 'MA-CAS' } = {}) =>
  createPersonAs(token, tag(), { sex, birth_date: birth, province });

async function openCase(token, personId, extra = {}) {
  const r = await api('POST', '/api/v1/cases', token, { person_id: personId, module: 'child_protection', risk_level: 'high', ...extra });
  assert.equal(r.status, 201, r.where);
  return r.body;
}

async function move(token, c, to, extra = {}) {
  return api('POST', `/api/v1/cases/${c.id}/transition`, token, { to, ...extra });
}

before(async () => {
  assert.ok(BASE && BIN && DB_URL, 'JISR_BASE_URL, JISR_BIN and JISR_DB_URL must be set');
  S.tok.admin = addUser('admin', 'admin', 'national');
  await createOrg('A', 'association', 'MA-CAS');
  await createOrg('B', 'association', 'MA-CAS');
  await createOrg('R', 'association', 'MA-RAB');
  await createOrg('EPS', 'eps', 'MA-CAS', { category: 'children', capacity: { female: 1, male: 1 } });
  S.tok.swA = addUser('sw-a', 'social_worker', 'province:MA-CAS', S.org.A);
  S.tok.swA2 = addUser('sw-a2', 'social_worker', 'province:MA-CAS', S.org.A);
  S.tok.swB = addUser('sw-b', 'social_worker', 'province:MA-CAS', S.org.B);
  S.tok.orgB = addUser('org-b', 'association_worker', `organization:${S.org.B}`, S.org.B);
  S.tok.swR = addUser('sw-r', 'social_worker', 'province:MA-RAB', S.org.R);
  S.tok.coord = addUser('coord', 'provincial_coordinator', 'province:MA-CAS');
  S.tok.dirE = addUser('dir-e', 'eps_director', `organization:${S.org.EPS}`, S.org.EPS);
  S.tok.swE = addUser('sw-e', 'social_worker', 'province:MA-CAS', S.org.EPS);
  S.tok.auditor = addUser('auditor', 'auditor', 'province:MA-CAS');
  S.tok.inspector = addUser('inspector', 'inspector', 'province:MA-CAS');
  const me = await api('GET', '/api/v1/me', S.tok.swA2);
  S.swA2id = me.body.id;
});

describe('cases and their workflow', () => {
  test('opening a case: validation, owner, person scope', async () => {
    const p = await createPerson(S.tok.swA);
    let r = await api('POST', '/api/v1/cases', S.tok.swA, { person_id: p.id, module: 'astronomy' });
    expectError(r, 422, 'validation_failed', 'module');
    r = await api('POST', '/api/v1/cases', S.tok.swA, { person_id: p.id, module: 'women', risk_level: 'extreme' });
    expectError(r, 422, 'validation_failed', 'risk_level');
    r = await api('POST', '/api/v1/cases', S.tok.swA, { person_id: p.id, module: 'women', owner_org: S.org.B });
    expectError(r, 422, 'validation_failed', 'owner_org');
    r = await api('POST', '/api/v1/cases', S.tok.swR, { person_id: p.id, module: 'women' });
    expectError(r, 422, 'validation_failed', 'person_id');
    r = await api('POST', '/api/v1/cases', S.tok.coord, { person_id: p.id, module: 'women' });
    expectError(r, 422, 'validation_failed', 'owner_org');
    r = await api('POST', '/api/v1/cases', S.tok.auditor, { person_id: p.id, module: 'women' });
    expectError(r, 403, 'forbidden');
    const c = await openCase(S.tok.swA, p.id);
    assert.equal(c.status, 'open');
    assert.equal(c.owner_org, S.org.A);
    assert.equal(c.version, 1);
    assert.deepEqual(c.next_statuses, ['assessment', 'closed']);
    assert.ok(c.person_name.includes('Salma'));
  });

  test('every legal transition, and illegal ones answer 409 illegal_transition', async () => {
    const p = await createPerson(S.tok.swA);
    const c = await openCase(S.tok.swA, p.id);
    expectError(await move(S.tok.swA, c, 'plan'), 409, 'illegal_transition');
    expectError(await move(S.tok.swA, c, 'review'), 409, 'illegal_transition');
    expectError(await move(S.tok.swA, c, 'open'), 409, 'illegal_transition');
    expectError(await move(S.tok.swA, c, 'paused'), 422, 'validation_failed', 'to');
    let version = c.version;
    for (const to of ['assessment', 'plan', 'services', 'review', 'services', 'review']) {
      const r = await move(S.tok.swA, c, to, { version });
      assert.equal(r.status, 200, r.where);
      assert.equal(r.body.status, to);
      assert.equal(r.body.version, version + 1);
      version = r.body.version;
    }
    expectError(await move(S.tok.swA, c, 'assessment'), 409, 'illegal_transition');
    expectError(await move(S.tok.swA, c, 'services', { version: version - 1 }), 409, 'stale_version');
    expectError(await move(S.tok.swA, c, 'closed'), 422, 'validation_failed', 'closure_reason');
    expectError(await move(S.tok.swA, c, 'closed', { closure_reason: 'bored' }), 422, 'validation_failed', 'closure_reason');
    let r = await move(S.tok.swA, c, 'closed', { closure_reason: 'goals_achieved' });
    assert.equal(r.status, 200, r.where);
    assert.equal(r.body.closure_reason, 'goals_achieved');
    assert.deepEqual(r.body.next_statuses, ['open']);
    expectError(await move(S.tok.swA, c, 'services'), 409, 'illegal_transition');
    expectError(await move(S.tok.swA, c, 'closed', { closure_reason: 'other' }), 409, 'illegal_transition');
    r = await move(S.tok.swA, c, 'open');
    assert.equal(r.status, 200, r.where);
    assert.equal(r.body.status, 'open');
    assert.equal(r.body.closure_reason, null);
    // Any open state may be closed.
    for (const path of [[], ['assessment'], ['assessment', 'plan'], ['assessment', 'plan', 'services']]) {
      const other = await openCase(S.tok.swA, p.id);
      for (const to of path) assert.equal((await move(S.tok.swA, other, to)).status, 200);
      const closed = await move(S.tok.swA, other, 'closed', { closure_reason: 'transferred' });
      assert.equal(closed.status, 200, closed.where);
    }
  });

  test('PATCH: stale versions are refused; assignment stays inside the organization', async () => {
    const p = await createPerson(S.tok.swA);
    const c = await openCase(S.tok.swA, p.id);
    let r = await api('PATCH', `/api/v1/cases/${c.id}`, S.tok.swA, { risk_level: 'low' });
    expectError(r, 422, 'validation_failed', 'version');
    r = await api('PATCH', `/api/v1/cases/${c.id}`, S.tok.swA, { version: 1, risk_level: 'critical', assigned_user_id: S.swA2id });
    assert.equal(r.status, 200, r.where);
    assert.equal(r.body.version, 2);
    assert.equal(r.body.assigned_user_id, S.swA2id);
    r = await api('PATCH', `/api/v1/cases/${c.id}`, S.tok.swA, { version: 1, risk_level: 'low' });
    expectError(r, 409, 'stale_version');
    const other = await api('GET', '/api/v1/me', S.tok.swB);
    r = await api('PATCH', `/api/v1/cases/${c.id}`, S.tok.swA, { version: 2, assigned_user_id: other.body.id });
    expectError(r, 422, 'validation_failed', 'assigned_user_id');
    // The colleague now finds it in their caseload (mine=true).
    const mine = await api('GET', '/api/v1/cases?mine=true&status=active&limit=500', S.tok.swA2);
    assert.ok(mine.body.items.some((x) => x.id === c.id), mine.where);
  });

  test('scope: other organization and other province get 404 and do not see the case in lists', async () => {
    const p = await createPerson(S.tok.swA);
    const c = await openCase(S.tok.swA, p.id);
    for (const who of ['swB', 'swR']) {
      expectError(await api('GET', `/api/v1/cases/${c.id}`, S.tok[who]), 404, 'not_found');
      expectError(await move(S.tok[who], c, 'assessment'), 404, 'not_found');
      expectError(await api('GET', `/api/v1/cases/${c.id}/notes`, S.tok[who]), 404, 'not_found');
      const list = await api('GET', `/api/v1/cases?person=${p.id}`, S.tok[who]);
      assert.equal(list.status, 200, list.where);
      assert.equal(list.body.items.length, 0, `${who} must not see the case in lists`);
    }
    for (const who of ['coord', 'auditor']) {
      assert.equal((await api('GET', `/api/v1/cases/${c.id}`, S.tok[who])).status, 200, who);
      const list = await api('GET', `/api/v1/cases?person=${p.id}`, S.tok[who]);
      assert.deepEqual(list.body.items.map((x) => x.id), [c.id]);
    }
    expectError(await api('GET', `/api/v1/cases/${c.id}`, S.tok.inspector), 403, 'forbidden');
    expectError(await move(S.tok.auditor, c, 'assessment'), 403, 'forbidden');
  });

  test('lists paginate with a cursor and filter by status', async () => {
    const p = await createPerson(S.tok.swA);
    const ids = [];
    for (let i = 0; i < 3; i++) ids.push((await openCase(S.tok.swA, p.id)).id);
    const first = await api('GET', `/api/v1/cases?person=${p.id}&limit=2`, S.tok.swA);
    assert.equal(first.body.items.length, 2);
    assert.ok(first.body.next_cursor);
    const second = await api('GET', `/api/v1/cases?person=${p.id}&limit=2&cursor=${first.body.next_cursor}`, S.tok.swA);
    assert.deepEqual([...first.body.items, ...second.body.items].map((x) => x.id), ids);
    assert.equal(second.body.next_cursor, null);
    await move(S.tok.swA, { id: ids[0] }, 'assessment');
    const assessing = await api('GET', `/api/v1/cases?person=${p.id}&status=assessment`, S.tok.swA);
    assert.deepEqual(assessing.body.items.map((x) => x.id), [ids[0]]);
    expectError(await api('GET', '/api/v1/cases?status=sleeping', S.tok.swA), 400, 'bad_request');
  });
});

describe('notes, assessment, plan and services', () => {
  let c; let p;
  before(async () => {
    p = await createPerson(S.tok.swA);
    c = await openCase(S.tok.swA, p.id);
  });

  test('confidential notes are seen only by the owning organization and supervisors', async () => {
    let r = await api('POST', `/api/v1/cases/${c.id}/notes`, S.tok.swA, { body: 'Visite à domicile.' });
    assert.equal(r.status, 201, r.where);
    r = await api('POST', `/api/v1/cases/${c.id}/notes`, S.tok.swA, { body: 'Signalement de violences.', confidential: true });
    assert.equal(r.status, 201, r.where);
    assert.equal(r.body.confidential, true);
    expectError(await api('POST', `/api/v1/cases/${c.id}/notes`, S.tok.swA, { body: '  ' }), 422, 'validation_failed', 'body');
    const seen = async (who) => {
      const list = await api('GET', `/api/v1/cases/${c.id}/notes`, S.tok[who]);
      assert.equal(list.status, 200, list.where);
      return list.body.items;
    };
    for (const who of ['swA', 'swA2', 'coord']) {
      const notes = await seen(who);
      assert.equal(notes.length, 2, who);
      assert.equal(notes.filter((n) => n.confidential).length, 1, `${who}: the confidential note is marked`);
    }
    const audited = await seen('auditor');
    assert.deepEqual(audited.map((n) => n.body), ['Visite à domicile.'], 'case.read alone never shows a confidential note');
    // An auditor cannot write; another organization does not even see the case.
    expectError(await api('POST', `/api/v1/cases/${c.id}/notes`, S.tok.auditor, { body: 'x' }), 403, 'forbidden');
    expectError(await api('GET', `/api/v1/cases/${c.id}/notes`, S.tok.swB), 404, 'not_found');
  });

  test('assessment: domains of the module, scores 0 to 4', async () => {
    let r = await api('PUT', `/api/v1/cases/${c.id}/assessment`, S.tok.swA, { domains: [{ domain: 'income', score: 2 }] });
    expectError(r, 422, 'validation_failed', 'domains.income');
    r = await api('PUT', `/api/v1/cases/${c.id}/assessment`, S.tok.swA, { domains: [{ domain: 'safety', score: 5 }] });
    expectError(r, 422, 'validation_failed', 'domains.safety');
    r = await api('PUT', `/api/v1/cases/${c.id}/assessment`, S.tok.swA, {
      domains: [{ domain: 'safety', score: 3, comment: 'Conflits au domicile' }, { domain: 'education', score: 1 }] });
    assert.equal(r.status, 200, r.where);
    const got = await api('GET', `/api/v1/cases/${c.id}/assessment`, S.tok.swA2);
    assert.deepEqual(got.body.domains.map((d) => d.domain),
      ['safety', 'health', 'education', 'family_ties', 'basic_needs', 'wellbeing']);
    assert.equal(got.body.domains[0].score, 3);
    assert.equal(got.body.domains[0].comment, 'Conflits au domicile');
    assert.equal(got.body.domains[1].score, null);
    assert.ok(got.body.assessed_at);
  });

  test('plan: goals, actions, overdue alert, done', async () => {
    let r = await api('POST', `/api/v1/cases/${c.id}/plan`, S.tok.swA, { kind: 'goal', title: '' });
    expectError(r, 422, 'validation_failed', 'title');
    r = await api('POST', `/api/v1/cases/${c.id}/plan`, S.tok.swA, { kind: 'goal', title: 'Rescolarisation' });
    assert.equal(r.status, 201, r.where);
    const goal = r.body;
    r = await api('POST', `/api/v1/cases/${c.id}/plan`, S.tok.swA, { kind: 'action', goal_id: 'nope', title: 'x' });
    expectError(r, 422, 'validation_failed', 'goal_id');
    r = await api('POST', `/api/v1/cases/${c.id}/plan`, S.tok.swA, {
      kind: 'action', goal_id: goal.id, title: "Inscription à l'école", responsible: 'Mme Idrissi', due_on: daysFromNow(-3) });
    assert.equal(r.status, 201, r.where);
    const action = r.body;
    assert.equal(action.overdue, true);
    assert.equal(action.responsible, 'Mme Idrissi');
    r = await api('POST', `/api/v1/cases/${c.id}/plan`, S.tok.swA, {
      kind: 'action', title: 'Rendez-vous médical', responsible_user_id: S.swA2id, due_on: daysFromNow(10) });
    assert.equal(r.status, 201, r.where);
    assert.equal(r.body.responsible, 'Case sw-a2');
    const plan = await api('GET', `/api/v1/cases/${c.id}/plan`, S.tok.swA);
    assert.equal(plan.body.goals.length, 1);
    assert.equal(plan.body.actions.length, 2);
    let alerts = await api('GET', '/api/v1/alerts?mine=true&limit=500', S.tok.swA);
    assert.ok(alerts.body.items.some((a) => a.kind === 'overdue_action' && a.case_id === c.id), alerts.where);
    alerts = await api('GET', '/api/v1/alerts?limit=500', S.tok.swB);
    assert.ok(!alerts.body.items.some((a) => a.case_id === c.id), 'no alert from an invisible case');
    r = await api('POST', `/api/v1/cases/${c.id}/plan/actions/${action.id}/done`, S.tok.swA, { done_on: daysFromNow(2) });
    expectError(r, 422, 'validation_failed', 'done_on');
    r = await api('POST', `/api/v1/cases/${c.id}/plan/actions/${action.id}/done`, S.tok.swA, {});
    assert.equal(r.status, 200, r.where);
    assert.equal(r.body.done_on, daysFromNow(0));
    alerts = await api('GET', '/api/v1/alerts?mine=true&limit=500', S.tok.swA);
    assert.ok(!alerts.body.items.some((a) => a.kind === 'overdue_action' && a.case_id === c.id));
  });

  test('services: catalog, date, quantity and status rules', async () => {
    let r = await api('POST', `/api/v1/cases/${c.id}/services`, S.tok.swA, { type: 'teleportation', date: daysFromNow(0) });
    expectError(r, 422, 'validation_failed', 'type');
    r = await api('POST', `/api/v1/cases/${c.id}/services`, S.tok.swA, { type: 'meals', date: daysFromNow(3), status: 'delivered' });
    expectError(r, 422, 'validation_failed', 'date');
    r = await api('POST', `/api/v1/cases/${c.id}/services`, S.tok.swA, { type: 'meals', date: daysFromNow(0), quantity: 0 });
    expectError(r, 422, 'validation_failed', 'quantity');
    r = await api('POST', `/api/v1/cases/${c.id}/services`, S.tok.swA, { type: 'meals', date: daysFromNow(0), provider_org: 'nowhere' });
    expectError(r, 422, 'validation_failed', 'provider_org');
    r = await api('POST', `/api/v1/cases/${c.id}/services`, S.tok.swA, { type: 'schooling', date: daysFromNow(5), status: 'planned' });
    assert.equal(r.status, 201, r.where);
    r = await api('POST', `/api/v1/cases/${c.id}/services`, S.tok.swA, { type: 'meals', date: daysFromNow(-1), quantity: 14, provider_org: S.org.B });
    assert.equal(r.status, 201, r.where);
    assert.equal(r.body.provider_org, S.org.B);
    assert.equal(r.body.status, 'delivered');
    const list = await api('GET', `/api/v1/cases/${c.id}/services`, S.tok.coord);
    assert.equal(list.body.items.length, 2);
    expectError(await api('GET', `/api/v1/cases/${c.id}/services`, S.tok.swR), 404, 'not_found');
  });

  test('a review date that has come raises a review_due alert', async () => {
    const cur = await api('GET', `/api/v1/cases/${c.id}`, S.tok.swA);
    const r = await api('PATCH', `/api/v1/cases/${c.id}`, S.tok.swA, { version: cur.body.version, review_due_on: daysFromNow(-1) });
    assert.equal(r.status, 200, r.where);
    const alerts = await api('GET', '/api/v1/alerts?mine=true&limit=500', S.tok.swA);
    assert.ok(alerts.body.items.some((a) => a.kind === 'review_due' && a.case_id === c.id), alerts.where);
  });
});

describe('referrals', () => {
  let c; let p;
  before(async () => {
    p = await createPerson(S.tok.swA);
    c = await openCase(S.tok.swA, p.id);
  });

  test('consent is required; the receiving organization must be another one', async () => {
    let r = await api('POST', '/api/v1/referrals', S.tok.swA, { case_id: c.id, to_org: S.org.B, reason: 'Soutien scolaire' });
    expectError(r, 422, 'validation_failed', 'consent');
    r = await api('POST', '/api/v1/referrals', S.tok.swA, { case_id: c.id, to_org: S.org.B, reason: 'Soutien scolaire', consent: false });
    expectError(r, 422, 'validation_failed', 'consent');
    r = await api('POST', '/api/v1/referrals', S.tok.swA, { case_id: c.id, to_org: S.org.A, reason: 'x', consent: true });
    expectError(r, 422, 'validation_failed', 'to_org');
    r = await api('POST', '/api/v1/referrals', S.tok.swA, { case_id: c.id, to_org: S.org.B, reason: '', consent: true });
    expectError(r, 422, 'validation_failed', 'reason');
    r = await api('POST', '/api/v1/referrals', S.tok.swB, { case_id: c.id, to_org: S.org.R, reason: 'x', consent: true });
    expectError(r, 422, 'validation_failed', 'case_id');
    r = await api('POST', '/api/v1/referrals', S.tok.auditor, { case_id: c.id, to_org: S.org.B, reason: 'x', consent: true });
    expectError(r, 403, 'forbidden');
  });

  test('pending → accepted → completed; the receiver sees it in its queue and gains access', async () => {
    // Before: the organization-scoped worker of B does not see the person.
    expectError(await api('GET', `/api/v1/people/${p.id}`, S.tok.orgB), 404, 'not_found');
    let r = await api('POST', '/api/v1/referrals', S.tok.swA, {
      case_id: c.id, to_org: S.org.B, reason: 'Soutien psychologique', consent: true, service_type: 'psychological_support' });
    assert.equal(r.status, 201, r.where);
    const ref = r.body;
    assert.equal(ref.status, 'pending');
    assert.equal(ref.from_org, S.org.A);
    assert.equal(ref.response_hours, null);
    const queue = await api('GET', '/api/v1/referrals?queue=incoming', S.tok.orgB);
    assert.ok(queue.body.items.some((x) => x.id === ref.id), queue.where);
    const outgoing = await api('GET', '/api/v1/referrals?queue=outgoing', S.tok.swA);
    assert.ok(outgoing.body.items.some((x) => x.id === ref.id));
    const notMine = await api('GET', '/api/v1/referrals?queue=incoming', S.tok.swA);
    assert.ok(!notMine.body.items.some((x) => x.id === ref.id));
    expectError(await api('GET', `/api/v1/referrals/${ref.id}`, S.tok.swR), 404, 'not_found');
    const listR = await api('GET', '/api/v1/referrals?limit=500', S.tok.swR);
    assert.ok(!listR.body.items.some((x) => x.id === ref.id));
    // Nothing that is not there yet is shown: no refusal reason, no response time, and the
    // case's stage without a closure reason.
    const queuePage = await request('GET', '/referrals', { token: S.tok.orgB, headers: { accept: 'text/html', cookie: 'jisr_lang=fr' } });
    const card = queuePage.text.split(`data-testid="incoming-referral" data-id="${ref.id}"`)[1]?.split('</article>')[0];
    assert.ok(card, queuePage.where);
    assert.ok(!card.includes('Motif du refus&nbsp;:') && !card.includes('Délai de réponse'), card);
    const casePage = await request('GET', `/cases/${c.id}`, { token: S.tok.swA, headers: { accept: 'text/html', cookie: 'jisr_lang=fr' } });
    assert.match(casePage.text, /data-testid="case-status"[^>]*>[^<]+<\/span><\/dd>/, 'no dangling dash after the stage');
    // Only the receiver answers.
    expectError(await api('POST', `/api/v1/referrals/${ref.id}/accept`, S.tok.swA, {}), 403, 'forbidden');
    expectError(await api('POST', `/api/v1/referrals/${ref.id}/complete`, S.tok.orgB, {}), 409, 'illegal_transition');
    r = await api('POST', `/api/v1/referrals/${ref.id}/accept`, S.tok.orgB, {});
    assert.equal(r.status, 200, r.where);
    assert.equal(r.body.status, 'accepted');
    assert.equal(typeof r.body.response_hours, 'number');
    assert.ok(r.body.answered_at);
    expectError(await api('POST', `/api/v1/referrals/${ref.id}/accept`, S.tok.orgB, {}), 409, 'illegal_transition');
    expectError(await api('POST', `/api/v1/referrals/${ref.id}/decline`, S.tok.orgB, { reason: 'x' }), 409, 'illegal_transition');
    // Accepting granted B access to the person.
    assert.equal((await api('GET', `/api/v1/people/${p.id}`, S.tok.orgB)).status, 200);
    // The person's file lists the referral with where it comes from and why; the case is
    // linked only for the sender (B sees the referral, not A's case).
    const nameOfA = (await api('GET', `/api/v1/organizations/${S.org.A}`, S.tok.admin)).body.name_fr;
    for (const [who, linked] of [['swA', true], ['orgB', false]]) {
      const file = await request('GET', `/people/${p.id}`, { token: S.tok[who], headers: { accept: 'text/html', cookie: 'jisr_lang=fr' } });
      assert.equal(file.status, 200, file.where);
      const rows = file.text.split('data-testid="referral-row"').slice(1).map((row) => row.split('</tr>')[0]);
      const row = rows.find((x) => x.includes('Soutien psychologique'));
      assert.ok(row, `${who}: the referral's reason is shown`);
      assert.match(row, new RegExp(`data-testid="referral-from"><span dir="auto">${nameOfA}<`), `${who}: from A`);
      assert.equal(row.includes(`href="/cases/${c.id}"`), linked, `${who}: link to the case`);
      if (linked) assert.equal((await request('GET', `/cases/${c.id}`, { token: S.tok[who], headers: { accept: 'text/html' } })).status, 200);
      else assert.equal((await request('GET', `/cases/${c.id}`, { token: S.tok[who], headers: { accept: 'text/html' } })).status, 404);
    }
    r = await api('POST', `/api/v1/referrals/${ref.id}/complete`, S.tok.swA, {});
    assert.equal(r.status, 200, r.where);
    assert.equal(r.body.status, 'completed');
  });

  test('the menu offers the referral queues to those who belong to an organization', async () => {
    const home = async (token) => (await request('GET', '/', { token, headers: { accept: 'text/html' } })).text;
    assert.ok((await home(S.tok.swA)).includes('data-testid="nav-referrals"'), 'a worker of organization A');
    assert.ok(!(await home(S.tok.coord)).includes('data-testid="nav-referrals"'), 'a provincial coordinator');
    assert.ok((await home(S.tok.coord)).includes('data-testid="nav-caseload"'), 'who still has the caseload');
  });

  test('declining needs a reason', async () => {
    let r = await api('POST', '/api/v1/referrals', S.tok.swA, { case_id: c.id, to_org: S.org.B, reason: 'Hébergement', consent: true, kind: 'admission' });
    assert.equal(r.status, 201, r.where);
    const ref = r.body;
    expectError(await api('POST', `/api/v1/referrals/${ref.id}/decline`, S.tok.swB, {}), 422, 'validation_failed', 'decline_reason');
    r = await api('POST', `/api/v1/referrals/${ref.id}/decline`, S.tok.swB, { reason: 'Pas de place' });
    assert.equal(r.status, 200, r.where);
    assert.equal(r.body.status, 'declined');
    assert.equal(r.body.decline_reason, 'Pas de place');
    expectError(await api('POST', `/api/v1/referrals/${ref.id}/complete`, S.tok.swB, {}), 409, 'illegal_transition');
  });
});

describe('admissions', () => {
  test('one institution at a time, capacity by sex, discharge rules, occupancy', async () => {
    const girl = await createPerson(S.tok.swE, { sex: 'F' });
    const girl2 = await createPerson(S.tok.swE, { sex: 'F' });
    const boy = await createPerson(S.tok.swE, { sex: 'M' });
    const admit = (tok, person, extra = {}) => api('POST', '/api/v1/admissions', tok, {
      person_id: person.id, institution_id: S.org.EPS, admitted_on: daysFromNow(-30), reason: 'judicial_order', ...extra });
    expectError(await admit(S.tok.swE, girl, { reason: 'whim' }), 422, 'validation_failed', 'reason');
    expectError(await admit(S.tok.swE, girl, { admitted_on: daysFromNow(2) }), 422, 'validation_failed', 'admitted_on');
    expectError(await api('POST', '/api/v1/admissions', S.tok.swE, {
      person_id: girl.id, institution_id: S.org.A, admitted_on: daysFromNow(-1), reason: 'emergency' }), 422, 'validation_failed', 'institution_id');
    expectError(await admit(S.tok.auditor, girl), 403, 'forbidden');
    expectError(await admit(S.tok.swR, girl), 422, 'validation_failed', 'person_id');
    let r = await admit(S.tok.swE, girl);
    assert.equal(r.status, 201, r.where);
    const first = r.body;
    assert.equal(first.over_capacity, false);
    assert.equal(first.current, true);
    expectError(await admit(S.tok.swE, girl), 409, 'already_admitted');
    // Capacity for girls is 1: the next girl needs a reason and is flagged.
    expectError(await admit(S.tok.swE, girl2), 422, 'validation_failed', 'over_capacity_reason');
    r = await admit(S.tok.swE, girl2, { over_capacity_reason: 'Placement judiciaire urgent' });
    assert.equal(r.status, 201, r.where);
    assert.equal(r.body.over_capacity, true);
    r = await admit(S.tok.swE, boy);
    assert.equal(r.status, 201, r.where);
    assert.equal(r.body.over_capacity, false, 'the boys have their own capacity');
    let current = await api('GET', `/api/v1/admissions?institution=${S.org.EPS}&current=true&limit=500`, S.tok.coord);
    assert.equal(current.body.items.length, 3, current.where);
    // The registry counts them: 2 girls and 1 boy for a capacity of 1 + 1.
    assert.deepEqual(await registryResidents(S.tok.coord), {
      record: [2, 1, 1.5], listed: [2, 1], exported: [2, 1], page: [2, 1, 3] });
    // Staff per resident (none yet: 0 for 3) with the decimal sign of the page's language.
    for (const [lang, shown] of [['fr', '0,00'], ['ar', '0,00'], ['en', '0.00']]) {
      const inst = await request('GET', `/institutions/${S.org.EPS}`, { token: S.tok.coord, headers: { accept: 'text/html', cookie: `jisr_lang=${lang}` } });
      assert.match(inst.text, new RegExp(`data-testid="staff-ratio">${shown.replace('.', '\\.')}<`), lang);
    }
    // The director (organization scope) sees the residents: admission granted access.
    const dir = await api('GET', `/api/v1/admissions?institution=${S.org.EPS}`, S.tok.dirE);
    assert.equal(dir.body.items.length, 3, dir.where);
    assert.equal((await api('GET', `/api/v1/people/${girl.id}`, S.tok.dirE)).status, 200);
    // Discharge rules.
    const discharge = (body) => api('POST', `/api/v1/admissions/${first.id}/discharge`, S.tok.swE, body);
    expectError(await discharge({ discharged_on: daysFromNow(-31), reason: 'return_to_family' }), 422, 'validation_failed', 'discharged_on');
    expectError(await discharge({ discharged_on: daysFromNow(-1), reason: 'vanished' }), 422, 'validation_failed', 'discharge_reason');
    expectError(await api('POST', `/api/v1/admissions/${first.id}/discharge`, S.tok.swR,
      { discharged_on: daysFromNow(-1), reason: 'kafala' }), 404, 'not_found');
    r = await discharge({ discharged_on: daysFromNow(-1), reason: 'kafala', destination: 'Famille kafil, Casablanca' });
    assert.equal(r.status, 200, r.where);
    assert.equal(r.body.current, false);
    assert.equal(r.body.discharge_reason, 'kafala');
    expectError(await discharge({ discharged_on: daysFromNow(0), reason: 'other' }), 409, 'already_discharged');
    current = await api('GET', `/api/v1/admissions?institution=${S.org.EPS}&current=true&limit=500`, S.tok.coord);
    assert.equal(current.body.items.length, 2);
    assert.deepEqual(await registryResidents(S.tok.coord), {
      record: [1, 1, 1], listed: [1, 1], exported: [1, 1], page: [1, 1, 2] }, 'a discharged girl is no longer a resident');
    // A worker whose scope holds no institution is told so on the form, not left with an
    // empty list; a worker of the province is not.
    const orgWorker = addUser('sw-a-org', 'social_worker', `organization:${S.org.A}`, S.org.A);
    const own = await createPerson(orgWorker, { sex: 'M' });
    const formFor = async (token, person) => {
      const f = await request('GET', `/people/${person.id}/admissions/new`, { token, headers: { accept: 'text/html', cookie: 'jisr_lang=fr' } });
      assert.equal(f.status, 200, f.where);
      return f.text;
    };
    assert.ok((await formFor(orgWorker, own)).includes('data-testid="no-institution"'));
    assert.ok(!(await formFor(S.tok.swE, boy)).includes('data-testid="no-institution"'));
    // The person's file: no new admission while one is open; the forms' redirects are confirmed.
    const fileOf = async (person, query = '') => {
      const f = await request('GET', `/people/${person.id}${query}`, { token: S.tok.swE, headers: { accept: 'text/html', cookie: 'jisr_lang=fr' } });
      assert.equal(f.status, 200, f.where);
      return f.text;
    };
    assert.ok(!(await fileOf(girl2)).includes('data-testid="new-admission"'), 'girl2 is in the institution');
    assert.ok((await fileOf(girl)).includes('data-testid="new-admission"'), 'girl was discharged');
    assert.match(await fileOf(girl, '?discharged=1'), /data-testid="notice">Sortie enregistrée\.</);
    assert.match(await fileOf(girl2, '?admitted=1'), /data-testid="notice">Admission enregistrée\.</);
    assert.ok(!(await fileOf(girl2)).includes('data-testid="notice"'));
    // Out of scope: absent from lists, 404.
    const other = await api('GET', `/api/v1/admissions?institution=${S.org.EPS}`, S.tok.swR);
    assert.equal(other.body.items.length, 0);
    expectError(await api('GET', `/api/v1/admissions/${first.id}`, S.tok.swR), 404, 'not_found');
    // Readmission after discharge is allowed.
    r = await admit(S.tok.swE, girl, { admitted_on: daysFromNow(0), reason: 'own_request', over_capacity_reason: 'Retour' });
    assert.equal(r.status, 201, r.where);
  });

  test('a child in care turning 18 within 12 months raises an alert', async () => {
    const dob = new Date();
    dob.setUTCFullYear(dob.getUTCFullYear() - 18);
    dob.setUTCMonth(dob.getUTCMonth() + 6);
    const teen = await createPerson(S.tok.swE, { sex: 'M', birth: isoDate(dob) });
    const r = await api('POST', '/api/v1/admissions', S.tok.swE, {
      person_id: teen.id, institution_id: S.org.EPS, admitted_on: daysFromNow(-2), reason: 'referral', over_capacity_reason: 'Plein' });
    assert.equal(r.status, 201, r.where);
    for (const who of ['coord', 'dirE']) {
      const alerts = await api('GET', '/api/v1/alerts?limit=500', S.tok[who]);
      assert.ok(alerts.body.items.some((a) => a.kind === 'turning_18' && a.person_id === teen.id), `${who}: ${alerts.where}`);
    }
    const mine = await api('GET', '/api/v1/alerts?mine=true&limit=500', S.tok.dirE);
    assert.ok(mine.body.items.some((a) => a.kind === 'turning_18' && a.person_id === teen.id), 'children of my institution');
    const far = await api('GET', '/api/v1/alerts?limit=500', S.tok.swR);
    assert.ok(!far.body.items.some((a) => a.person_id === teen.id));
  });
});

describe('the person file view and the access log', () => {
  test('each read of a case is logged', async () => {
    const p = await createPerson(S.tok.swA);
    const c = await openCase(S.tok.swA, p.id);
    await api('GET', `/api/v1/cases/${c.id}`, S.tok.swA2);
    const log = await api('GET', `/api/v1/audit?record_type=case&record_id=${c.id}&limit=50`, S.tok.auditor);
    assert.equal(log.status, 200, log.where);
    const actions = log.body.items.map((e) => e.action);
    assert.ok(actions.includes('create') && actions.includes('view'), JSON.stringify(actions));
  });
});
