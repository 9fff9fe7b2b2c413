// Authorization matrix, generated from the permission table (`jisr permissions --json`):
// every role × every protected API route × a record in the caller's scope and one outside it.
// Expected: the role lacks the action → 403 for both; it has it → success in scope, 404 out
// of scope (and, for lists, the in-scope record present and the other absent).
// A new /api/v1 route that is neither here nor in PUBLIC makes this test fail.
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';

const BASE = process.env.JISR_BASE_URL;
const BIN = process.env.JISR_BIN;
const DB = process.env.JISR_DB_URL;
assert.ok(BASE && BIN && DB, 'JISR_BASE_URL, JISR_BIN and JISR_DB_URL must be set');

const suffix = Math.random().toString(36).slice(2, 8);
const PASSWORD = 'matrix-password-12345';
const IN_SCOPE = 'MA-CAS';
const OUT_OF_SCOPE = 'MA-RAB';

const perms = JSON.parse(execFileSync(BIN, ['permissions', '--json'], { encoding: 'utf8' }));
const allowed = (role, action) => perms.allowed[action].includes(role);

function cli(args, input) {
  return execFileSync(BIN, [...args, '--db', DB, '--log-level', 'warn'], {
    input, encoding: 'utf8', stdio: ['pipe', 'pipe', 'pipe'],
  }).trim();
}

async function api(method, path, token, body) {
  const headers = { Authorization: `Bearer ${token}` };
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  const res = await fetch(BASE + path, {
    method, headers, body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  if (!(res.headers.get('content-type') || '').includes('json')) return { status: res.status, json: null, text };
  let json = null;
  try { json = text ? JSON.parse(text) : null; } catch { json = null; }
  return { status: res.status, json };
}

// Routes that need no permission (public reference data, sign-in) or only a sign-in.
const PUBLIC = new Set([
  'GET /api/v1/territories', 'GET /api/v1/territories/{code}', 'GET /api/v1/openapi.json',
  'POST /api/v1/auth/token', 'GET /api/v1/me', 'DELETE /api/v1/auth/tokens/current',
  // The catalog of service types: reference data for any signed-in user
  // (tests/api/casework-services.test.mjs checks 401 without a token).
  'GET /api/v1/service-types',
]);

const state = { rootToken: '', tokens: {}, inTarget: null, outTarget: null };

async function fresh(target) {
  const r = await api('GET', `/api/v1/users/${target.id}`, state.rootToken);
  assert.equal(r.status, 200);
  return r.json;
}

// Each protected route: the action it needs, and how to call it on a target user.
const ROUTES = [
  { key: 'GET /api/v1/users', action: 'user.read', list: true,
    call: (tok) => api('GET', '/api/v1/users?limit=500', tok),
    listed: (json) => json.items.map((u) => u.id) },
  { key: 'GET /api/v1/users/{id}', action: 'user.read',
    call: (tok, t) => api('GET', `/api/v1/users/${t.id}`, tok) },
  { key: 'PATCH /api/v1/users/{id}', action: 'user.manage',
    call: async (tok, t) => api('PATCH', `/api/v1/users/${t.id}`, tok,
      { version: (await fresh(t)).version, display_name: `Matrix ${Date.now()}` }) },
  { key: 'POST /api/v1/users/{id}/disable', action: 'user.manage',
    call: (tok, t) => api('POST', `/api/v1/users/${t.id}/disable`, tok, {}),
    undo: (t) => api('POST', `/api/v1/users/${t.id}/enable`, state.rootToken, {}) },
  { key: 'POST /api/v1/users/{id}/enable', action: 'user.manage',
    call: (tok, t) => api('POST', `/api/v1/users/${t.id}/enable`, tok, {}) },
  { key: 'POST /api/v1/users/{id}/password', action: 'user.manage', success: 204,
    call: (tok, t) => api('POST', `/api/v1/users/${t.id}/password`, tok, { password: PASSWORD }) },
  { key: 'POST /api/v1/users', action: 'user.manage', success: 201, outStatus: 403,
    call: (tok, t) => api('POST', '/api/v1/users', tok, {
      username: `mx-new-${Math.random().toString(36).slice(2, 10)}`, display_name: 'New',
      role: 'social_worker', scope: { level: 'province', code: t.scope.code }, password: PASSWORD }) },
  { key: 'GET /api/v1/audit', action: 'audit.read', list: true,
    call: (tok) => api('GET', '/api/v1/audit?action=create&record_type=user&limit=500', tok),
    listed: (json) => json.items.map((e) => e.record_id) },
  // Pages answer the same way (a Bearer token also authenticates a page).
  { key: 'PAGE GET /admin/users', action: 'user.read', list: true, page: true,
    call: (tok) => api('GET', '/admin/users?limit=500', tok),
    listed: (_json, res) => [state.inTarget, state.outTarget]
      .filter((u) => res.text.includes(`data-testid="user-row" data-id="${u.id}"`)).map((u) => u.id) },
  { key: 'PAGE GET /admin/users/{id}', action: 'user.manage', page: true,
    call: (tok, t) => api('GET', `/admin/users/${t.id}`, tok) },
  { key: 'PAGE GET /audit', action: 'audit.read', list: true, page: true,
    call: (tok) => api('GET', '/audit?action=create&record_type=user&limit=500', tok),
    listed: (_json, res) => [state.inTarget, state.outTarget]
      .filter((u) => res.text.includes(u.id)).map((u) => u.id) },
];

// People: the targets are people, one registered in each province by a provincial
// coordinator of that province (national roles may not register people). `targets` gives
// a row its own in-scope and out-of-scope records.
const people = { in: null, out: null, owner: {} };
const merges = { in: null, out: null };
const personTargets = () => [people.in, people.out];
const PERSON_TAG = `mxperson${suffix}`;
async function freshPerson(target) {
  const r = await api('GET', `/api/v1/people/${target.id}`, people.owner[target.id]);
  assert.equal(r.status, 200);
  return r.json;
}
// A new person in MA-CAS, to relate the target to.
async function relative() {
  const r = await api('POST', '/api/v1/people', people.owner.in, {
    first_name_lat: 'Relative', last_name_lat: `${PERSON_TAG}r${Math.random().toString(36).slice(2, 8)}`,
    sex: 'F', province: IN_SCOPE, confirm_new: true });
  assert.equal(r.status, 201, JSON.stringify(r.json));
  return r.json.id;
}
// A throwaway person of a side's province (registered by that province's coordinator),
// to merge into the side's target.
async function mergeable(side) {
  const r = await api('POST', '/api/v1/people', people.owner[side], {
    first_name_lat: 'Merge', last_name_lat: `${PERSON_TAG}m${Math.random().toString(36).slice(2, 8)}`,
    sex: 'F', province: side === 'in' ? IN_SCOPE : OUT_OF_SCOPE, confirm_new: true });
  assert.equal(r.status, 201, JSON.stringify(r.json));
  return r.json.id;
}
ROUTES.push(
  { key: 'GET /api/v1/people', action: 'person.read', list: true, targets: personTargets,
    call: (tok) => api('GET', `/api/v1/people?limit=500&q=${PERSON_TAG}`, tok),
    listed: (json) => json.items.map((p) => p.id) },
  { key: 'GET /api/v1/people/{id}', action: 'person.read', targets: personTargets,
    call: (tok, t) => api('GET', `/api/v1/people/${t.id}`, tok) },
  { key: 'PATCH /api/v1/people/{id}', action: 'person.write', targets: personTargets,
    call: async (tok, t) => api('PATCH', `/api/v1/people/${t.id}`, tok,
      { version: (await freshPerson(t)).version, father_first_name: `Matrix${Date.now()}` }) },
  { key: 'POST /api/v1/people', action: 'person.write', success: 201, outStatus: 422, targets: personTargets,
    call: (tok, t) => api('POST', '/api/v1/people', tok, {
      first_name_lat: 'New', last_name_lat: `${PERSON_TAG}n${Math.random().toString(36).slice(2, 8)}`,
      sex: 'M', province: t.province, confirm_new: true }) },
  { key: 'POST /api/v1/people/{id}/relations', action: 'person.write', success: 204, targets: personTargets,
    call: async (tok, t) => api('POST', `/api/v1/people/${t.id}/relations`, tok,
      { related_person_id: await relative(), kind: 'sibling' }) },
  { key: 'PAGE GET /people', action: 'person.read', list: true, page: true, targets: personTargets,
    call: (tok) => api('GET', `/people?limit=500&q=${PERSON_TAG}`, tok),
    listed: (_json, res) => personTargets()
      .filter((p) => res.text.includes(`/people/${p.id}"`)).map((p) => p.id) },
  { key: 'PAGE GET /people/{id}', action: 'person.read', page: true, targets: personTargets,
    call: (tok, t) => api('GET', `/people/${t.id}`, tok) },
  { key: 'POST /api/v1/people/{id}/merge', action: 'person.merge', targets: () => ['in', 'out'],
    call: async (tok, side) => api('POST', `/api/v1/people/${await mergeable(side)}/merge`, tok,
      { into: people[side].id }) },
  { key: 'POST /api/v1/people/{id}/unmerge', action: 'person.unmerge', targets: () => ['in', 'out'],
    call: async (tok, side) => {
      const id = await mergeable(side);
      const m = await api('POST', `/api/v1/people/${id}/merge`, people.owner[side], { into: people[side].id });
      assert.equal(m.status, 200, JSON.stringify(m.json));
      return api('POST', `/api/v1/people/${id}/unmerge`, tok, {});
    } },
  { key: 'PAGE GET /people/{id}/merge', action: 'person.merge', page: true, targets: personTargets,
    call: (tok, t) => api('GET', `/people/${t.id}/merge`, tok) },
  // The administrators' list of merges: the targets are merged records, one in each province.
  { key: 'GET /api/v1/people/merges', action: 'person.unmerge', list: true, targets: () => [merges.in, merges.out],
    call: (tok) => api('GET', '/api/v1/people/merges?limit=500', tok),
    listed: (json) => json.items.map((m) => m.person_id) },
  { key: 'PAGE GET /people/merges', action: 'person.unmerge', list: true, page: true, targets: () => [merges.in, merges.out],
    call: (tok) => api('GET', '/people/merges?limit=500', tok),
    listed: (_json, res) => [merges.in, merges.out].filter((m) => res.text.includes(`/people/${m.id}"`)).map((m) => m.id) },
);

before(async () => {
  for (const [name, code] of [['in', IN_SCOPE], ['out', OUT_OF_SCOPE]]) {
    const username = `mx-person-owner-${name}-${suffix}`;
    cli(['user', 'add', '--username', username, '--role', 'provincial_coordinator', '--scope', `province:${code}`, '--password-stdin'], PASSWORD + '\n');
    const token = cli(['token', 'create', '--user', username]);
    const r = await api('POST', '/api/v1/people', token, {
      first_name_lat: 'Target', last_name_lat: `${PERSON_TAG}${name}`, sex: 'F', province: code });
    assert.equal(r.status, 201, JSON.stringify(r.json));
    people[name] = r.json;
    people.owner[name] = token;
    people.owner[r.json.id] = token;
  }
  // One merge in each province (by that province's coordinator), for the list of merges;
  // into a throwaway survivor (a survivor opens as the undo page for the administrator).
  for (const side of ['in', 'out']) {
    const id = await mergeable(side);
    const into = await mergeable(side);
    const m = await api('POST', `/api/v1/people/${id}/merge`, people.owner[side], { into });
    assert.equal(m.status, 200, JSON.stringify(m.json));
    merges[side] = { id };
  }
});

before(async () => {
  const root = `mx-root-${suffix}`;
  cli(['user', 'add', '--username', root, '--role', 'admin', '--scope', 'national', '--password-stdin'], PASSWORD + '\n');
  state.rootToken = cli(['token', 'create', '--user', root]);
  for (const [name, code] of [['in', IN_SCOPE], ['out', OUT_OF_SCOPE]]) {
    const r = await api('POST', '/api/v1/users', state.rootToken, {
      username: `mx-target-${name}-${suffix}`, display_name: `Target ${name}`,
      role: 'social_worker', scope: { level: 'province', code }, password: PASSWORD });
    assert.equal(r.status, 201, JSON.stringify(r.json));
    state[name === 'in' ? 'inTarget' : 'outTarget'] = r.json;
  }
  for (const role of perms.roles) {
    const username = `mx-${role.replaceAll('_', '-')}-${suffix}`;
    cli(['user', 'add', '--username', username, '--role', role, '--scope', `province:${IN_SCOPE}`, '--password-stdin'], PASSWORD + '\n');
    state.tokens[role] = cli(['token', 'create', '--user', username]);
  }
});

// Casework: cases, their parts, referrals, admissions and alerts. Field workers see only the
// cases of their organization, so these rows run as role users that belong to an
// organization in MA-CAS (`cw.tokens`, same roles and scope as state.tokens); fixtures are
// made by workers of organizations in each province (cw.maker).
const cw = { tokens: {}, org: {}, maker: {}, in: null, out: null };
const cwToken = (tok) => {
  const role = Object.keys(state.tokens).find((r) => state.tokens[r] === tok);
  return cw.tokens[role] ?? tok;
};
const cwCases = () => [cw.in.case, cw.out.case];
const cwSide = (t) => (t === cw.in.case || t === cw.in.referral || t === cw.in.admission ? cw.in : cw.out);
async function cwPerson(side) {
  const r = await api('POST', '/api/v1/people', cw.maker[side], {
    first_name_lat: 'Casework', last_name_lat: `mxcw${suffix}${Math.random().toString(36).slice(2, 8)}`,
    sex: 'F', birth_date: '2012-05-06', province: side === 'in' ? IN_SCOPE : OUT_OF_SCOPE, confirm_new: true });
  assert.equal(r.status, 201, JSON.stringify(r.json));
  return r.json;
}
async function cwReferral(side, accepted = false) {
  // In scope: from organization C to the role users' organization A; out: R1 → R2.
  const s = side === 'in' ? cw.in : cw.out;
  const r = await api('POST', '/api/v1/referrals', side === 'in' ? cw.maker.c : cw.maker.out, {
    case_id: s.senderCase.id, to_org: side === 'in' ? cw.org.a : cw.org.r2, reason: 'Matrix', consent: true });
  assert.equal(r.status, 201, JSON.stringify(r.json));
  if (accepted) {
    const a = await api('POST', `/api/v1/referrals/${r.json.id}/accept`, cw.maker.in, {});
    assert.equal(a.status, 200, JSON.stringify(a.json));
  }
  return r.json;
}
async function cwAdmission(side) {
  const p = await cwPerson(side);
  const r = await api('POST', '/api/v1/admissions', cw.maker[side], {
    person_id: p.id, institution_id: side === 'in' ? cw.org.eps : cw.org.epsR,
    admitted_on: '2026-01-05', reason: 'judicial_order' });
  assert.equal(r.status, 201, JSON.stringify(r.json));
  return r.json;
}
const cwFresh = async (t) => (await api('GET', `/api/v1/cases/${t.id}`, cwSide(t).owner)).json;
const cwRow = (row) => ({ ...row, call: (tok, t) => row.call(cwToken(tok), t) });
ROUTES.push(...[
  { key: 'POST /api/v1/cases', action: 'case.write', success: 201, outStatus: 422, targets: cwCases,
    call: (tok, t) => api('POST', '/api/v1/cases', tok, { person_id: t.person_id, module: 'child_protection' }) },
  { key: 'GET /api/v1/cases', action: 'case.read', list: true, targets: cwCases,
    call: (tok) => api('GET', '/api/v1/cases?limit=500', tok), listed: (json) => json.items.map((c) => c.id) },
  { key: 'GET /api/v1/cases/{id}', action: 'case.read', targets: cwCases,
    call: (tok, t) => api('GET', `/api/v1/cases/${t.id}`, tok) },
  { key: 'PATCH /api/v1/cases/{id}', action: 'case.write', targets: cwCases,
    call: async (tok, t) => api('PATCH', `/api/v1/cases/${t.id}`, tok,
      { version: (await cwFresh(t)).version, risk_level: 'high' }) },
  { key: 'POST /api/v1/cases/{id}/transition', action: 'case.write', targets: cwCases,
    call: (tok, t) => api('POST', `/api/v1/cases/${t.id}/transition`, tok, { to: 'closed', closure_reason: 'other' }),
    undo: (t) => api('POST', `/api/v1/cases/${t.id}/transition`, cwSide(t).owner, { to: 'open' }) },
  { key: 'POST /api/v1/cases/{id}/services', action: 'case.write', success: 201, targets: cwCases,
    call: (tok, t) => api('POST', `/api/v1/cases/${t.id}/services`, tok, { type: 'meals', date: '2026-01-10' }) },
  { key: 'GET /api/v1/cases/{id}/services', action: 'case.read', targets: cwCases,
    call: (tok, t) => api('GET', `/api/v1/cases/${t.id}/services`, tok) },
  { key: 'PATCH /api/v1/cases/{id}/services/{service_id}', action: 'case.write', targets: cwCases,
    call: async (tok, t) => {
      const s = await api('POST', `/api/v1/cases/${t.id}/services`, cwSide(t).owner, { type: 'meals', date: '2099-01-10', status: 'planned' });
      assert.equal(s.status, 201, JSON.stringify(s.json));
      return api('PATCH', `/api/v1/cases/${t.id}/services/${s.json.id}`, tok, { version: s.json.version, status: 'cancelled' });
    } },
  { key: 'GET /api/v1/people/{id}/services', action: 'case.read', targets: cwCases,
    call: (tok, t) => api('GET', `/api/v1/people/${t.person_id}/services`, tok) },
  { key: 'POST /api/v1/cases/{id}/notes', action: 'case.write', success: 201, targets: cwCases,
    call: (tok, t) => api('POST', `/api/v1/cases/${t.id}/notes`, tok, { body: 'Matrix note' }) },
  { key: 'GET /api/v1/cases/{id}/notes', action: 'case.read', targets: cwCases,
    call: (tok, t) => api('GET', `/api/v1/cases/${t.id}/notes`, tok) },
  { key: 'PUT /api/v1/cases/{id}/assessment', action: 'case.write', targets: cwCases,
    call: (tok, t) => api('PUT', `/api/v1/cases/${t.id}/assessment`, tok, { domains: [{ domain: 'safety', score: 2 }] }) },
  { key: 'GET /api/v1/cases/{id}/assessment', action: 'case.read', targets: cwCases,
    call: (tok, t) => api('GET', `/api/v1/cases/${t.id}/assessment`, tok) },
  { key: 'POST /api/v1/cases/{id}/plan', action: 'case.write', success: 201, targets: cwCases,
    call: (tok, t) => api('POST', `/api/v1/cases/${t.id}/plan`, tok, { kind: 'goal', title: 'Matrix goal' }) },
  { key: 'GET /api/v1/cases/{id}/plan', action: 'case.read', targets: cwCases,
    call: (tok, t) => api('GET', `/api/v1/cases/${t.id}/plan`, tok) },
  { key: 'POST /api/v1/cases/{id}/plan/actions/{action_id}/done', action: 'case.write', targets: cwCases,
    call: (tok, t) => api('POST', `/api/v1/cases/${t.id}/plan/actions/${cwSide(t).action.id}/done`, tok, {}) },
  { key: 'GET /api/v1/alerts', action: 'case.read', list: true, targets: cwCases,
    call: (tok) => api('GET', '/api/v1/alerts?limit=500', tok), listed: (json) => json.items.map((a) => a.case_id) },
  { key: 'PAGE GET /cases/{id}', action: 'case.read', page: true, targets: cwCases,
    call: (tok, t) => api('GET', `/cases/${t.id}`, tok) },
  { key: 'POST /api/v1/referrals', action: 'referral.manage', success: 201, outStatus: 422, targets: cwCases,
    call: (tok, t) => api('POST', '/api/v1/referrals', tok, {
      case_id: t.id, to_org: t === cw.in.case ? cw.org.c : cw.org.r2, reason: 'Matrix', consent: true }) },
  { key: 'GET /api/v1/referrals', action: 'case.read', list: true, targets: () => [cw.in.referral, cw.out.referral],
    call: (tok) => api('GET', '/api/v1/referrals?limit=500', tok), listed: (json) => json.items.map((x) => x.id) },
  { key: 'GET /api/v1/referrals/{id}', action: 'case.read', targets: () => [cw.in.referral, cw.out.referral],
    call: (tok, t) => api('GET', `/api/v1/referrals/${t.id}`, tok) },
  { key: 'POST /api/v1/referrals/{id}/accept', action: 'referral.manage', targets: () => ['in', 'out'],
    call: async (tok, side) => api('POST', `/api/v1/referrals/${(await cwReferral(side)).id}/accept`, tok, {}) },
  { key: 'POST /api/v1/referrals/{id}/decline', action: 'referral.manage', targets: () => ['in', 'out'],
    call: async (tok, side) => api('POST', `/api/v1/referrals/${(await cwReferral(side)).id}/decline`, tok, { reason: 'Matrix' }) },
  { key: 'POST /api/v1/referrals/{id}/complete', action: 'referral.manage', targets: () => ['in', 'out'],
    call: async (tok, side) => api('POST', `/api/v1/referrals/${(await cwReferral(side, side === 'in')).id}/complete`, tok, {}) },
  { key: 'POST /api/v1/admissions', action: 'admission.manage', success: 201, outStatus: 422, targets: () => ['in', 'out'],
    call: async (tok, side) => api('POST', '/api/v1/admissions', tok, {
      person_id: (await cwPerson(side)).id, institution_id: cw.org.eps, admitted_on: '2026-01-05', reason: 'emergency' }) },
  { key: 'GET /api/v1/admissions', action: 'case.read', list: true, targets: () => [cw.in.admission, cw.out.admission],
    call: (tok) => api('GET', '/api/v1/admissions?limit=500', tok), listed: (json) => json.items.map((a) => a.id) },
  { key: 'GET /api/v1/admissions/{id}', action: 'case.read', targets: () => [cw.in.admission, cw.out.admission],
    call: (tok, t) => api('GET', `/api/v1/admissions/${t.id}`, tok) },
  { key: 'POST /api/v1/admissions/{id}/discharge', action: 'admission.manage', targets: () => ['in', 'out'],
    call: async (tok, side) => api('POST', `/api/v1/admissions/${(await cwAdmission(side)).id}/discharge`, tok,
      { discharged_on: '2026-01-06', reason: 'return_to_family' }) },
].map(cwRow));

before(async () => {
  const admin = `mx-cw-admin-${suffix}`;
  cli(['user', 'add', '--username', admin, '--role', 'admin', '--scope', 'national', '--password-stdin'], PASSWORD + '\n');
  const adminToken = cli(['token', 'create', '--user', admin]);
  const org = async (key, kind, province, extra = {}) => {
    const r = await api('POST', '/api/v1/organizations', adminToken, {
      kind, name_fr: `Matrix casework ${key} ${suffix}`, province, ...extra });
    assert.equal(r.status, 201, JSON.stringify(r.json));
    cw.org[key] = r.json.id;
  };
  await org('a', 'association', IN_SCOPE);
  await org('c', 'association', IN_SCOPE);
  await org('eps', 'eps', IN_SCOPE, { category: 'children', capacity: { female: 500, male: 500 } });
  await org('r1', 'association', OUT_OF_SCOPE);
  await org('r2', 'association', OUT_OF_SCOPE);
  await org('epsR', 'eps', OUT_OF_SCOPE, { category: 'children', capacity: { female: 500, male: 500 } });
  const maker = (name, scope, orgId) => {
    const username = `mx-cw-${name}-${suffix}`;
    cli(['user', 'add', '--username', username, '--role', 'social_worker', '--scope', scope, '--org', orgId, '--password-stdin'], PASSWORD + '\n');
    return cli(['token', 'create', '--user', username]);
  };
  cw.maker.in = maker('maker-in', `province:${IN_SCOPE}`, cw.org.a);
  cw.maker.c = maker('maker-c', `province:${IN_SCOPE}`, cw.org.c);
  cw.maker.out = maker('maker-out', `province:${OUT_OF_SCOPE}`, cw.org.r1);
  for (const role of perms.roles) {
    const username = `mx-cw-role-${role.replaceAll('_', '-')}-${suffix}`;
    cli(['user', 'add', '--username', username, '--role', role, '--scope', `province:${IN_SCOPE}`, '--org', cw.org.a, '--password-stdin'], PASSWORD + '\n');
    cw.tokens[role] = cli(['token', 'create', '--user', username]);
  }
  for (const side of ['in', 'out']) {
    const owner = side === 'in' ? cw.maker.in : cw.maker.out;
    const person = await cwPerson(side);
    const c = await api('POST', '/api/v1/cases', owner, { person_id: person.id, module: 'child_protection' });
    assert.equal(c.status, 201, JSON.stringify(c.json));
    // One action to mark done, and one left overdue for the alerts row.
    const action = await api('POST', `/api/v1/cases/${c.json.id}/plan`, owner,
      { kind: 'action', title: 'To do', due_on: '2099-01-01' });
    assert.equal(action.status, 201, JSON.stringify(action.json));
    const overdue = await api('POST', `/api/v1/cases/${c.json.id}/plan`, owner,
      { kind: 'action', title: 'Overdue', due_on: '2020-01-01' });
    assert.equal(overdue.status, 201, JSON.stringify(overdue.json));
    const senderOwner = side === 'in' ? cw.maker.c : cw.maker.out;
    const senderPerson = side === 'in' ? await (async () => {
      const r = await api('POST', '/api/v1/people', cw.maker.c, {
        first_name_lat: 'Sender', last_name_lat: `mxcw${suffix}s`, sex: 'M', province: IN_SCOPE, confirm_new: true });
      assert.equal(r.status, 201, JSON.stringify(r.json));
      return r.json;
    })() : person;
    const senderCase = await api('POST', '/api/v1/cases', senderOwner, { person_id: senderPerson.id, module: 'women' });
    assert.equal(senderCase.status, 201, JSON.stringify(senderCase.json));
    cw[side] = { case: c.json, owner, action: action.json, senderCase: senderCase.json };
  }
  cw.in.referral = await cwReferral('in');
  cw.out.referral = await cwReferral('out');
  cw.in.admission = await cwAdmission('in');
  cw.out.admission = await cwAdmission('out');
});

// Organizations and institutions (issue 4): one institution in each province, made by an
// administrator of this block; its authorization expires within 90 days so that it is also
// in the expiring list.
const orgs = { in: null, out: null, admin: '' };
const orgTargets = () => [orgs.in, orgs.out];
const orgUniq = () => Math.random().toString(36).slice(2, 10);
async function orgCsv(path, token, text) {
  const res = await fetch(BASE + path, {
    method: 'POST', headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'text/csv' }, body: text });
  const body = await res.text();
  return { status: res.status, json: (res.headers.get('content-type') || '').includes('json') ? JSON.parse(body) : null, text: body };
}
ROUTES.push(
  { key: 'GET /api/v1/organizations', action: 'organization.read', list: true, targets: orgTargets,
    call: (tok) => api('GET', '/api/v1/organizations?kind=eps&limit=500', tok),
    listed: (json) => json.items.map((o) => o.id) },
  { key: 'GET /api/v1/organizations/{id}', action: 'organization.read', targets: orgTargets,
    call: (tok, t) => api('GET', `/api/v1/organizations/${t.id}`, tok) },
  { key: 'POST /api/v1/organizations', action: 'organization.write', success: 201, outStatus: 403, targets: orgTargets,
    call: (tok, t) => api('POST', '/api/v1/organizations', tok,
      { kind: 'association', name_fr: `Matrix asso ${orgUniq()}`, province: t.province }) },
  { key: 'PATCH /api/v1/organizations/{id}', action: 'institution.write', targets: orgTargets,
    call: async (tok, t) => api('PATCH', `/api/v1/organizations/${t.id}`, tok, {
      version: (await api('GET', `/api/v1/organizations/${t.id}`, orgs.admin)).json.version,
      capacity: { female: Math.floor(Math.random() * 50), male: 3 } }) },
  { key: 'GET /api/v1/institutions/expiring', action: 'organization.read', list: true, targets: orgTargets,
    call: (tok) => api('GET', '/api/v1/institutions/expiring?limit=500', tok),
    listed: (json) => json.items.map((o) => o.id) },
  { key: 'POST /api/v1/organizations/import', action: 'organization.write', outStatus: 422, targets: orgTargets,
    call: (tok, t) => orgCsv('/api/v1/organizations/import?dry_run=true', tok,
      `kind;name_fr;name_ar;province\nassociation;Matrix import ${orgUniq()};;${t.province}\n`) },
  { key: 'GET /api/v1/organizations/export', action: 'export', list: true, targets: orgTargets,
    call: (tok) => api('GET', '/api/v1/organizations/export?format=csv&kind=eps', tok),
    listed: (_json, res) => orgTargets().filter((o) => res.text.includes(o.id)).map((o) => o.id) },
  { key: 'PAGE GET /institutions', action: 'organization.read', list: true, page: true, targets: orgTargets,
    call: (tok) => api('GET', '/institutions?limit=500', tok),
    listed: (_json, res) => orgTargets().filter((o) => res.text.includes(`/institutions/${o.id}"`)).map((o) => o.id) },
  { key: 'PAGE GET /institutions/{id}', action: 'organization.read', page: true, targets: orgTargets,
    call: (tok, t) => api('GET', `/institutions/${t.id}`, tok) },
);

before(async () => {
  const username = `mx-org-admin-${suffix}`;
  cli(['user', 'add', '--username', username, '--role', 'admin', '--scope', 'national', '--password-stdin'], PASSWORD + '\n');
  orgs.admin = cli(['token', 'create', '--user', username]);
  const expires = new Date(Date.now() + 30 * 86400000).toISOString().slice(0, 10);
  for (const [name, code] of [['in', IN_SCOPE], ['out', OUT_OF_SCOPE]]) {
    const r = await api('POST', '/api/v1/organizations', orgs.admin, {
      kind: 'eps', name_fr: `Matrix EPS ${name} ${suffix}`, province: code, category: 'children',
      authorization: { status: 'authorized', number: `MX-${name}`, date: '2020-01-01', expires_on: expires } });
    assert.equal(r.status, 201, JSON.stringify(r.json));
    orgs[name] = r.json;
  }
});

// Duplicate reviews: pairs filed by `jisr dedup --db`. In scope: pairs of two people of
// MA-CAS; out of scope: a pair of two people of MA-RAB. Dismissing changes a pair for good,
// so each dismissal in scope takes a fresh pair from a pool.
const dr = { out: null, pool: [], inList: null };
const drTarget = { in: { id: 'in-pool' }, out: { id: 'out' } };
const drTargets = () => [drTarget.in, drTarget.out];
ROUTES.push(
  { key: 'GET /api/v1/duplicate-reviews', action: 'person.dedup_review', list: true,
    targets: () => [dr.inList, dr.out],
    call: (tok) => api('GET', '/api/v1/duplicate-reviews?limit=500', tok),
    listed: (json) => json.items.map((r) => r.id) },
  { key: 'POST /api/v1/duplicate-reviews/{id}/dismiss', action: 'person.dedup_review', targets: drTargets,
    call: (tok, t) => api('POST', `/api/v1/duplicate-reviews/${t === drTarget.in ? dr.pool.shift().id : dr.out.id}/dismiss`, tok) },
  { key: 'PAGE GET /duplicate-reviews', action: 'person.dedup_review', list: true, page: true,
    targets: () => [dr.inList, dr.out],
    call: (tok) => api('GET', '/duplicate-reviews?limit=500', tok),
    listed: (_json, res) => [dr.inList, dr.out].filter((r) => res.text.includes(`data-id="${r.id}"`)).map((r) => r.id) },
);

before(async () => {
  const make = async (code, index) => {
    const username = `mx-dr-${code}-${index}-${suffix}`;
    cli(['user', 'add', '--username', username, '--role', 'provincial_coordinator', '--scope', `province:${code}`, '--password-stdin'], PASSWORD + '\n');
    const token = cli(['token', 'create', '--user', username]);
    const family = `Mxdup${suffix}${'bcdfghjklmnp'[index]}`;
    const ids = [];
    for (const first of ['Youssef', 'Youssouf']) {
      const r = await api('POST', '/api/v1/people', token, {
        first_name_lat: first, last_name_lat: family, sex: 'M', province: code,
        birth_date: `2010-0${1 + (index % 9)}-1${index % 10}`, confirm_new: true });
      assert.equal(r.status, 201, JSON.stringify(r.json));
      ids.push(r.json.id);
    }
    return ids.sort().join();
  };
  const inPairs = [];
  for (let i = 0; i < 11; i++) inPairs.push(await make(IN_SCOPE, i));
  const outPair = await make(OUT_OF_SCOPE, 11);
  cli(['dedup']);
  const sup = `mx-dr-sup-${suffix}`;
  cli(['user', 'add', '--username', sup, '--role', 'national_supervisor', '--scope', 'national', '--password-stdin'], PASSWORD + '\n');
  const r = await api('GET', '/api/v1/duplicate-reviews?limit=500', cli(['token', 'create', '--user', sup]));
  assert.equal(r.status, 200, JSON.stringify(r.json));
  const key = (x) => [x.person_a.id, x.person_b.id].sort().join();
  for (const pair of inPairs) {
    const found = r.json.items.find((x) => key(x) === pair);
    assert.ok(found, `pair ${pair} filed by jisr dedup --db`);
    dr.pool.push(found);
  }
  dr.inList = dr.pool.shift();  // never dismissed: the lists must show it
  dr.out = r.json.items.find((x) => key(x) === outPair);
  assert.ok(dr.out, 'out-of-scope pair filed');
});

test('every protected API route of the OpenAPI document is in the matrix', async () => {
  const doc = await (await fetch(`${BASE}/api/v1/openapi.json`)).json();
  const covered = new Set(ROUTES.map((r) => r.key));
  for (const [path, ops] of Object.entries(doc.paths)) {
    for (const method of Object.keys(ops)) {
      const key = `${method.toUpperCase()} ${path}`;
      assert.ok(covered.has(key) || PUBLIC.has(key), `${key} has no row in the authorization matrix`);
    }
  }
});

for (const route of ROUTES) {
  test(`matrix: ${route.key} (${route.action})`, async (t) => {
    for (const role of perms.roles) {
      await t.test(role, async () => {
        const tok = state.tokens[role];
        const may = allowed(role, route.action);
        const [inTarget, outTarget] = route.targets ? route.targets() : [state.inTarget, state.outTarget];
        const inRes = await route.call(tok, inTarget);
        if (route.undo && inRes.status < 300) await route.undo(inTarget);
        const outRes = await route.call(tok, outTarget);
        if (route.undo && outRes.status < 300) await route.undo(outTarget);
        if (!may) {
          assert.equal(inRes.status, 403, `${role} in scope: ${JSON.stringify(inRes.json)}`);
          assert.equal(outRes.status, 403, `${role} out of scope`);
          if (!route.page) assert.equal(inRes.json?.error?.code, 'forbidden');
          return;
        }
        assert.equal(inRes.status, route.success ?? 200, `${role} in scope: ${JSON.stringify(inRes.json)}`);
        if (route.list) {
          assert.equal(outRes.status, 200);
          const ids = route.listed(inRes.json, inRes);
          assert.ok(ids.includes(inTarget.id), `${role}: in-scope record missing from the list`);
          assert.ok(!ids.includes(outTarget.id), `${role}: out-of-scope record leaked into the list`);
        } else {
          assert.equal(outRes.status, route.outStatus ?? 404, `${role} out of scope: ${JSON.stringify(outRes.json)}`);
        }
      });
    }
  });
}

test('an out-of-scope record is also absent from searches', async () => {
  const tok = state.tokens.provincial_coordinator;
  const r = await api('GET', `/api/v1/users?q=${encodeURIComponent('mx-target-out')}`, tok);
  assert.equal(r.status, 200);
  assert.equal(r.json.items.filter((u) => u.id === state.outTarget.id).length, 0);
  const mine = await api('GET', `/api/v1/users?q=${encodeURIComponent('mx-target-in-' + suffix)}`, tok);
  assert.deepEqual(mine.json.items.map((u) => u.id), [state.inTarget.id]);
});
