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
      .filter((u) => res.text.includes(`/admin/users/${u.id}`)).map((u) => u.id) },
  { key: 'PAGE GET /admin/users/{id}', action: 'user.manage', page: true,
    call: (tok, t) => api('GET', `/admin/users/${t.id}`, tok) },
  { key: 'PAGE GET /audit', action: 'audit.read', list: true, page: true,
    call: (tok) => api('GET', '/audit?action=create&record_type=user&limit=500', tok),
    listed: (_json, res) => [state.inTarget, state.outTarget]
      .filter((u) => res.text.includes(u.id)).map((u) => u.id) },
];

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
        const inRes = await route.call(tok, state.inTarget);
        if (route.undo && inRes.status < 300) await route.undo(state.inTarget);
        const outRes = await route.call(tok, state.outTarget);
        if (route.undo && outRes.status < 300) await route.undo(state.outTarget);
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
          assert.ok(ids.includes(state.inTarget.id), `${role}: in-scope record missing from the list`);
          assert.ok(!ids.includes(state.outTarget.id), `${role}: out-of-scope record leaked into the list`);
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
