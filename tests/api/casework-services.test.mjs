// Services of casework against a running server: editing a recorded service (status rules,
// optimistic version, audit, scope), the catalog of service types, and a person's services
// across the cases the caller may see (scope, pagination, language, access log).
//
//   JISR_BASE_URL=... JISR_BIN=... JISR_DB_URL=... JISR_DB_ENGINE=sqlite \
//     node --test tests/api/casework-services.test.mjs
import { describe, test, before } from 'node:test';
import assert from 'node:assert/strict';
import { BASE, BIN, DB_URL, daysFromNow, latinLetters, newSuffix } from '../lib/env.mjs';
import { addUser, cliToken } from '../lib/cli.mjs';
import { api } from '../lib/http.mjs';
import { dbExec, dbRows, sqlString } from '../lib/db.mjs';
import { createPerson } from '../lib/people.mjs';

const PASSWORD = 'a-long-password-123';
const SUFFIX = newSuffix();
let counter = 0;
const tag = () => latinLetters(`${SUFFIX}${(counter += 1).toString(16)}`);
const S = { tok: {}, org: {} };

function user(name, role, scope, org) {
  const username = addUser({ username: `svc-${name}-${SUFFIX}`, role, scope, org, password: PASSWORD });
  return cliToken(username);
}

function expectError(r, status, code, field) {
  assert.equal(r.status, status, r.where);
  assert.equal(r.body?.error?.code, code, r.where);
  if (field) assert.ok(r.body.error.fields?.[field], `${r.where}: field ${field} named`);
}

async function openCase(token, personId) {
  const r = await api('POST', '/api/v1/cases', token, { person_id: personId, module: 'child_protection' });
  assert.equal(r.status, 201, r.where);
  return r.body;
}

async function service(token, caseId, fields = {}) {
  const r = await api('POST', `/api/v1/cases/${caseId}/services`, token, { type: 'meals', date: daysFromNow(-3), ...fields });
  assert.equal(r.status, 201, r.where);
  return r.body;
}

const getService = async (token, caseId, id) =>
  (await api('GET', `/api/v1/cases/${caseId}/services`, token)).body.items.find((s) => s.id === id);

before(async () => {
  assert.ok(BASE && BIN && DB_URL, 'JISR_BASE_URL, JISR_BIN and JISR_DB_URL must be set');
  S.tok.admin = user('admin', 'admin', 'national');
  for (const [key, province] of [['A', 'MA-CAS'], ['B', 'MA-CAS'], ['R', 'MA-RAB']]) {
    const r = await api('POST', '/api/v1/organizations', S.tok.admin,
      { kind: 'association', name_fr: `Services ${key} ${SUFFIX}`, name_ar: `جمعية ${key}`, province });
    assert.equal(r.status, 201, r.where);
    S.org[key] = r.body.id;
  }
  S.tok.swA = user('sw-a', 'social_worker', 'province:MA-CAS', S.org.A);
  S.tok.swB = user('sw-b', 'social_worker', 'province:MA-CAS', S.org.B);
  S.tok.swR = user('sw-r', 'social_worker', 'province:MA-RAB', S.org.R);
  S.tok.coord = user('coord', 'provincial_coordinator', 'province:MA-CAS');
  S.tok.auditor = user('auditor', 'auditor', 'province:MA-CAS');
});

describe('editing a recorded service', () => {
  test('planned → delivered → cancelled, each with the current version, audited', async () => {
    const p = await createPerson(S.tok.swA, tag());
    const c = await openCase(S.tok.swA, p.id);
    const s = await service(S.tok.swA, c.id, { status: 'planned', date: daysFromNow(5), quantity: 2 });
    assert.equal(s.version, 1);
    // Delivered in the future: refused, nothing changed.
    let r = await api('PATCH', `/api/v1/cases/${c.id}/services/${s.id}`, S.tok.swA, { version: 1, status: 'delivered' });
    expectError(r, 422, 'validation_failed', 'date');
    assert.equal((await getService(S.tok.swA, c.id, s.id)).status, 'planned');
    r = await api('PATCH', `/api/v1/cases/${c.id}/services/${s.id}`, S.tok.swA,
      { version: 1, status: 'delivered', date: daysFromNow(-1), quantity: 3, comment: 'Repas servis' });
    assert.equal(r.status, 200, r.where);
    assert.deepEqual([r.body.status, r.body.date, r.body.quantity, r.body.comment, r.body.version],
      ['delivered', daysFromNow(-1), 3, 'Repas servis', 2]);
    r = await api('PATCH', `/api/v1/cases/${c.id}/services/${s.id}`, S.tok.swA, { version: 2, status: 'cancelled' });
    assert.equal(r.status, 200, r.where);
    assert.equal(r.body.version, 3);
    const stored = await getService(S.tok.swA, c.id, s.id);
    assert.deepEqual([stored.status, stored.quantity, stored.comment, stored.version], ['cancelled', 3, 'Repas servis', 3]);
    const entries = dbRows(`SELECT action, before, after FROM audit_log WHERE record_type = 'case_service' AND record_id = ${sqlString(s.id)} ORDER BY seq`);
    assert.deepEqual(entries.map((e) => e.action), ['create', 'update', 'update']);
    assert.equal(JSON.parse(entries[1].before).status, 'planned');
    assert.equal(JSON.parse(entries[1].after).status, 'delivered');
    assert.equal(JSON.parse(entries[2].after).status, 'cancelled');
  });

  test('a cancelled service stays cancelled; a delivered one does not go back to planned (409)', async () => {
    const p = await createPerson(S.tok.swA, tag());
    const c = await openCase(S.tok.swA, p.id);
    const cancelled = await service(S.tok.swA, c.id, { status: 'cancelled' });
    for (const status of ['delivered', 'planned']) {
      const r = await api('PATCH', `/api/v1/cases/${c.id}/services/${cancelled.id}`, S.tok.swA, { version: 1, status });
      expectError(r, 409, 'illegal_transition');
    }
    // Its comment may still be corrected.
    let r = await api('PATCH', `/api/v1/cases/${c.id}/services/${cancelled.id}`, S.tok.swA, { version: 1, comment: 'Famille absente' });
    assert.equal(r.status, 200, r.where);
    assert.equal(r.body.status, 'cancelled');
    const delivered = await service(S.tok.swA, c.id);
    r = await api('PATCH', `/api/v1/cases/${c.id}/services/${delivered.id}`, S.tok.swA, { version: 1, status: 'planned' });
    expectError(r, 409, 'illegal_transition');
    assert.equal((await getService(S.tok.swA, c.id, delivered.id)).status, 'delivered');
  });

  test('a stale version is 409 stale_version and nothing is overwritten', async () => {
    const p = await createPerson(S.tok.swA, tag());
    const c = await openCase(S.tok.swA, p.id);
    const s = await service(S.tok.swA, c.id, { quantity: 4 });
    let r = await api('PATCH', `/api/v1/cases/${c.id}/services/${s.id}`, S.tok.swA, { version: 1, quantity: 5 });
    assert.equal(r.status, 200, r.where);
    r = await api('PATCH', `/api/v1/cases/${c.id}/services/${s.id}`, S.tok.swA, { version: 1, quantity: 9, comment: 'Trop tard' });
    expectError(r, 409, 'stale_version');
    const stored = await getService(S.tok.swA, c.id, s.id);
    assert.deepEqual([stored.quantity, stored.comment, stored.version], [5, null, 2]);
    const updates = dbRows(`SELECT seq FROM audit_log WHERE record_type = 'case_service' AND action = 'update' AND record_id = ${sqlString(s.id)}`);
    assert.equal(updates.length, 1, 'the refused edit is not audited');
  });

  test('bad input: no version, quantity 0, unknown status, wrong types (422, nothing changed)', async () => {
    const p = await createPerson(S.tok.swA, tag());
    const c = await openCase(S.tok.swA, p.id);
    const s = await service(S.tok.swA, c.id);
    const path = `/api/v1/cases/${c.id}/services/${s.id}`;
    expectError(await api('PATCH', path, S.tok.swA, { quantity: 2 }), 422, 'validation_failed', 'version');
    expectError(await api('PATCH', path, S.tok.swA, { version: 1, quantity: 0 }), 422, 'validation_failed', 'quantity');
    expectError(await api('PATCH', path, S.tok.swA, { version: 1, status: 'lost' }), 422, 'validation_failed', 'status');
    expectError(await api('PATCH', path, S.tok.swA, { version: 1, date: '2026-02-30' }), 422, 'validation_failed', 'date');
    expectError(await api('PATCH', path, S.tok.swA, { version: 1, quantity: '2' }), 422, 'validation_failed', 'quantity');
    expectError(await api('PATCH', path, S.tok.swA, { version: 1, date: daysFromNow(3) }), 422, 'validation_failed', 'date');
    const stored = await getService(S.tok.swA, c.id, s.id);
    assert.deepEqual([stored.quantity, stored.version, stored.date], [1, 1, daysFromNow(-3)]);
  });

  test('scope: another organization, another province, another case → 404; read-only roles → 403', async () => {
    const p = await createPerson(S.tok.swA, tag());
    const c = await openCase(S.tok.swA, p.id);
    const other = await openCase(S.tok.swA, (await createPerson(S.tok.swA, tag())).id);
    const s = await service(S.tok.swA, c.id);
    const body = { version: 1, status: 'cancelled' };
    expectError(await api('PATCH', `/api/v1/cases/${c.id}/services/${s.id}`, S.tok.swB, body), 404, 'not_found');
    expectError(await api('PATCH', `/api/v1/cases/${c.id}/services/${s.id}`, S.tok.swR, body), 404, 'not_found');
    expectError(await api('PATCH', `/api/v1/cases/${other.id}/services/${s.id}`, S.tok.swA, body), 404, 'not_found');
    expectError(await api('PATCH', `/api/v1/cases/${c.id}/services/${s.id}`, S.tok.auditor, body), 403, 'forbidden');
    assert.equal((await getService(S.tok.swA, c.id, s.id)).status, 'delivered');
  });
});

describe('the catalog of service types', () => {
  test('active types only, with their names in the three languages; sign-in required', async () => {
    const code = `zz_inactive_${SUFFIX}`;
    dbExec(`INSERT INTO service_types(code, name_fr, name_ar, name_en, sort_order, active) VALUES (${sqlString(code)}, 'Ancienne', 'قديمة', 'Old', 99, 0)`);
    const r = await api('GET', '/api/v1/service-types', S.tok.auditor);
    assert.equal(r.status, 200, r.where);
    const meals = r.body.items.find((t) => t.code === 'meals');
    assert.deepEqual(meals, { code: 'meals', name_fr: 'Restauration', name_ar: 'الإطعام', name_en: 'Meals' });
    assert.ok(!r.body.items.some((t) => t.code === code), 'an inactive type is not offered');
    const active = dbRows('SELECT code FROM service_types WHERE active = 1').map((t) => t.code).sort();
    assert.deepEqual(r.body.items.map((t) => t.code).sort(), active);
    assert.equal(r.body.next_cursor, null);
    expectError(await api('GET', '/api/v1/service-types'), 401, 'unauthorized');
  });
});

describe("a person's services across their cases", () => {
  test('every visible case, newest first, paged; field workers see their organization only', async () => {
    const p = await createPerson(S.tok.swA, tag());
    const caseA = await openCase(S.tok.swA, p.id);
    const caseB = await openCase(S.tok.swB, p.id);
    const a1 = await service(S.tok.swA, caseA.id, { date: daysFromNow(-10) });
    const a2 = await service(S.tok.swA, caseA.id, { date: daysFromNow(-2), type: 'accommodation', quantity: 7 });
    const a3 = await service(S.tok.swA, caseA.id, { date: daysFromNow(4), status: 'planned' });
    const b1 = await service(S.tok.swB, caseB.id, { date: daysFromNow(-5) });
    const all = async (token, limit) => {
      const ids = [];
      let cursor = null;
      let pages = 0;
      do {
        const r = await api('GET', `/api/v1/people/${p.id}/services?limit=${limit}${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`, token);
        assert.equal(r.status, 200, r.where);
        assert.ok(r.body.items.length <= limit);
        ids.push(...r.body.items.map((s) => s.id));
        cursor = r.body.next_cursor;
        pages += 1;
      } while (cursor && pages < 10);
      return { ids, pages };
    };
    const coord = await all(S.tok.coord, 2);
    assert.deepEqual(coord.ids, [a3.id, a2.id, b1.id, a1.id]);
    assert.equal(coord.pages, 2);
    assert.deepEqual((await all(S.tok.swA, 50)).ids, [a3.id, a2.id, a1.id]);
    assert.deepEqual((await all(S.tok.swB, 50)).ids, [b1.id]);
    const one = (await api('GET', `/api/v1/people/${p.id}/services?lang=ar`, S.tok.swA)).body.items.find((s) => s.id === a2.id);
    assert.deepEqual([one.type, one.type_name, one.quantity, one.status, one.case_id, one.provider_org],
      ['accommodation', 'الإيواء', 7, 'delivered', caseA.id, S.org.A]);
    assert.equal(one.provider_name, 'جمعية A');
  });

  test('out of scope or unknown 404, bad cursor 400; the read is access-logged', async () => {
    const p = await createPerson(S.tok.swA, tag());
    await service(S.tok.swA, (await openCase(S.tok.swA, p.id)).id);
    expectError(await api('GET', `/api/v1/people/${p.id}/services`, S.tok.swR), 404, 'not_found');
    expectError(await api('GET', '/api/v1/people/01JZZZZZZZZZZZZZZZZZZZZZZZ/services', S.tok.coord), 404, 'not_found');
    expectError(await api('GET', `/api/v1/people/${p.id}/services?cursor=@@`, S.tok.coord), 400, 'bad_request');
    // Views reach audit_log through the access journal (SQLite): reading the log as an
    // auditor ingests it first.
    const flush = async () => assert.equal((await api('GET', '/api/v1/audit?limit=1', S.tok.admin)).status, 200);
    await flush();
    const before = dbRows(`SELECT seq FROM audit_log WHERE action = 'view' AND record_type = 'person' AND record_id = ${sqlString(p.id)}`).length;
    assert.equal((await api('GET', `/api/v1/people/${p.id}/services`, S.tok.coord)).status, 200);
    await flush();
    const after = dbRows(`SELECT username FROM audit_log WHERE action = 'view' AND record_type = 'person' AND record_id = ${sqlString(p.id)} ORDER BY seq`);
    assert.equal(after.length, before + 1);
    assert.equal(after.at(-1).username, `svc-coord-${SUFFIX}`);
  });

  test('the services tab of the file pages 20 at a time, types named in the user\'s language', async () => {
    const p = await createPerson(S.tok.swA, tag());
    const c = await openCase(S.tok.swA, p.id);
    for (let i = 0; i < 22; i += 1) await service(S.tok.swA, c.id, { date: daysFromNow(-1 - i), quantity: i + 1 });
    const rows = (html) => html.split('data-testid="person-service-row"').length - 1;
    const href = (html, testid) => html.match(new RegExp(`href="([^"]+)" data-testid="${testid}"`))?.[1]?.replace(/&amp;/g, '&');
    const page = async (path) => {
      const res = await fetch(`${BASE}${path}`, { headers: { authorization: `Bearer ${S.tok.swA}` } });
      assert.equal(res.status, 200, path);
      return res.text();
    };
    const first = await page(`/people/${p.id}`);
    assert.equal(rows(first), 20);
    assert.ok(first.includes('<th scope="row" data-label="Prestation">Restauration</th>'), 'type names in French');
    assert.equal(href(first, 'person-services-first'), undefined);
    const more = href(first, 'person-services-more');
    assert.match(more, new RegExp(`^/people/${p.id}\\?services=[^#]+#person-services$`));
    const second = await page(more);
    assert.equal(rows(second), 2);
    assert.equal(href(second, 'person-services-more'), undefined);
    assert.equal(href(second, 'person-services-first'), `/people/${p.id}#person-services`);
    assert.ok(second.includes(`href="/cases/${c.id}#services"`), 'a link to the case');
  });
});
