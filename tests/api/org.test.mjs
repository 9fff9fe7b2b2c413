// API tests of the organizations and institutions registry (issue 4): validation, duplicates,
// versions, permissions (organization.write vs institution.write), scope (a coordinator of
// MA-CAS never sees MA-RAB: 404, absent from lists, counts and exports), the expiring list,
// the authorization history, CSV import (dry run, all-or-nothing, row errors) and exports.
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';

const BASE = process.env.JISR_BASE_URL;
const BIN = process.env.JISR_BIN;
const DB = process.env.JISR_DB_URL;
assert.ok(BASE && BIN && DB, 'JISR_BASE_URL, JISR_BIN and JISR_DB_URL must be set');

const S = Math.random().toString(36).slice(2, 8);
const PASSWORD = 'org-test-password-123';
const fixture = (name) => readFileSync(new URL(`../fixtures/org/${name}`, import.meta.url));

function cli(args, input) {
  return execFileSync(BIN, [...args, '--db', DB, '--log-level', 'warn'], {
    input, encoding: 'utf8', stdio: ['pipe', 'pipe', 'pipe'],
  }).trim();
}

function userToken(role, scope) {
  const username = `org-${role.replaceAll('_', '-')}-${Math.random().toString(36).slice(2, 8)}`;
  cli(['user', 'add', '--username', username, '--role', role, '--scope', scope, '--password-stdin'], PASSWORD + '\n');
  return cli(['token', 'create', '--user', username]);
}

async function api(method, path, token, body, headers = {}) {
  const h = { Authorization: `Bearer ${token}`, ...headers };
  let payload = body;
  if (body !== undefined && !(body instanceof Uint8Array) && typeof body !== 'string') {
    h['Content-Type'] = 'application/json';
    payload = JSON.stringify(body);
  }
  const res = await fetch(BASE + path, { method, headers: h, body: payload });
  const buf = Buffer.from(await res.arrayBuffer());
  let json = null;
  if ((res.headers.get('content-type') || '').includes('json')) json = JSON.parse(buf.toString('utf8'));
  return { status: res.status, json, buf, headers: res.headers };
}

const eps = (over = {}) => ({
  kind: 'eps', name_fr: `Centre ${S} ${Math.random().toString(36).slice(2, 7)}`, name_ar: `مركز ${Math.random().toString(36).slice(2, 9)}`, province: 'MA-CAS',
  category: 'children', services: ['accommodation'], capacity: { female: 10, male: 12 },
  authorization: { status: 'authorized', number: 'AUT-1', date: '2024-01-01', expires_on: '2029-01-01' },
  ...over,
});

const t = {};
before(async () => {
  t.admin = userToken('admin', 'national');
  t.coord = userToken('provincial_coordinator', 'province:MA-CAS');
  t.regional = userToken('regional_supervisor', 'region:MA-06');
  t.social = userToken('social_worker', 'province:MA-CAS');
  const cas = await api('POST', '/api/v1/organizations', t.admin, eps({ name_fr: `Dar CAS ${S}`, name_ar: `دار الدار البيضاء ${S}` }));
  assert.equal(cas.status, 201, JSON.stringify(cas.json));
  t.cas = cas.json;
  const rab = await api('POST', '/api/v1/organizations', t.admin, eps({ name_fr: `Dar RAB ${S}`, province: 'MA-RAB' }));
  assert.equal(rab.status, 201, JSON.stringify(rab.json));
  t.rab = rab.json;
  t.director = userToken('eps_director', `organization:${t.cas.id}`);
});

test('create an institution: fields, region derived, occupancy derived and read-only, history', async () => {
  const r = await api('GET', `/api/v1/organizations/${t.cas.id}`, t.admin);
  assert.equal(r.status, 200);
  const o = r.json;
  assert.equal(o.kind, 'eps');
  assert.equal(o.region, 'MA-06');
  assert.deepEqual(o.capacity, { female: 10, male: 12, total: 22 });
  assert.deepEqual(o.occupancy, { female: 0, male: 0, total: 0, rate: 0, staff_to_resident_ratio: null });
  assert.equal(o.authorization.status, 'authorized');
  assert.equal(o.authorization_history.length, 1);
  assert.equal(o.version, 1);
  // occupancy cannot be typed in: it is ignored on input
  const p = await api('PATCH', `/api/v1/organizations/${t.cas.id}`, t.admin, { version: 1, occupancy: { female: 99 } });
  assert.equal(p.status, 200);
  assert.equal(p.json.occupancy.female, 0);
});

test('an organization that is not an EPS has no institution fields', async () => {
  const r = await api('POST', '/api/v1/organizations', t.admin, { kind: 'association', name_fr: `Asso ${S}`, province: 'MA-CAS', email: 'a@b.ma' });
  assert.equal(r.status, 201);
  assert.equal(r.json.capacity, undefined);
  const bad = await api('POST', '/api/v1/organizations', t.admin, { kind: 'association', name_fr: `Asso2 ${S}`, province: 'MA-CAS', capacity: { female: 3 } });
  assert.equal(bad.status, 422);
  assert.ok(bad.json.error.fields['capacity.female']);
});

test('validation: unknown province, negative capacity, expiry before date, coordinates, names', async () => {
  const r = await api('POST', '/api/v1/organizations?lang=ar', t.admin, eps({
    province: 'MA-NOPE', capacity: { female: -1, male: 'x' },
    authorization: { status: 'pending', date: '2025-06-01', expires_on: '2025-01-01' },
    coordinates: { lat: -7.5, lon: 33.5 },
  }));
  assert.equal(r.status, 422);
  const f = r.json.error.fields;
  assert.ok(f.province && f['capacity.female'] && f['capacity.male'] && f['authorization.expires_on'] && f['coordinates.lat'], JSON.stringify(f));
  assert.match(f.province, /[\u0600-\u06FF]/, 'messages in the caller\'s language');
  const noName = await api('POST', '/api/v1/organizations', t.admin, { kind: 'eps', province: 'MA-CAS', category: 'children' });
  assert.equal(noName.status, 422);
  assert.ok(noName.json.error.fields.name_fr);
  const authorized = await api('POST', '/api/v1/organizations', t.admin, eps({ authorization: { status: 'authorized' } }));
  assert.equal(authorized.status, 422);
  assert.ok(authorized.json.error.fields['authorization.number']);
  const unknown = await api('POST', '/api/v1/organizations', t.admin, eps({ category: 'pets', services: ['spa'] }));
  assert.equal(unknown.status, 422);
  assert.ok(unknown.json.error.fields.category && unknown.json.error.fields.services);
  const staff = await api('POST', '/api/v1/organizations', t.admin, eps({ staff: { wizards: 2 }, capacity: 'many' }));
  assert.equal(staff.status, 422);
  assert.ok(staff.json.error.fields['staff.wizards'] && staff.json.error.fields.capacity);
});

test('duplicate institution (same kind, name and province) is 409 naming the field; other province is fine', async () => {
  const dup = await api('POST', '/api/v1/organizations', t.admin, eps({ name_fr: `  dar cas ${S} ` }));
  assert.equal(dup.status, 409);
  assert.equal(dup.json.error.code, 'duplicate');
  assert.ok(dup.json.error.fields.name_fr);
  const other = await api('POST', '/api/v1/organizations', t.admin, eps({ name_fr: `Dar CAS ${S}`, name_ar: null, province: 'MA-MOH' }));
  assert.equal(other.status, 201);
});

test('PATCH needs the current version; a stale one is 409; authorization changes go to the history', async () => {
  const cur = (await api('GET', `/api/v1/organizations/${t.cas.id}`, t.admin)).json;
  const ok = await api('PATCH', `/api/v1/organizations/${t.cas.id}`, t.admin, {
    version: cur.version, authorization: { status: 'suspended' }, staff: { educators: 4, nurses: 1 } });
  assert.equal(ok.status, 200, JSON.stringify(ok.json));
  assert.equal(ok.json.version, cur.version + 1);
  assert.equal(ok.json.staff.educators, 4);
  const h = ok.json.authorization_history;
  assert.equal(h.at(-1).status_from, 'authorized');
  assert.equal(h.at(-1).status, 'suspended');
  const stale = await api('PATCH', `/api/v1/organizations/${t.cas.id}`, t.admin, { version: cur.version, director: 'X' });
  assert.equal(stale.status, 409);
  assert.equal(stale.json.error.code, 'stale_version');
  const back = await api('PATCH', `/api/v1/organizations/${t.cas.id}`, t.admin, { version: ok.json.version, authorization: { status: 'authorized' } });
  assert.equal(back.status, 200);
  const audit = await api('GET', `/api/v1/audit?record=${t.cas.id}&record_type=organization`, t.admin);
  assert.equal(audit.status, 200);
});

test('eps_director edits capacity/staff/services of their own institution only, not its identity', async () => {
  const cur = (await api('GET', `/api/v1/organizations/${t.cas.id}`, t.director)).json;
  const ok = await api('PATCH', `/api/v1/organizations/${t.cas.id}`, t.director, {
    version: cur.version, capacity: { female: 15, male: 12 }, services: ['accommodation', 'psychosocial'], director: 'Mme Directrice' });
  assert.equal(ok.status, 200, JSON.stringify(ok.json));
  assert.equal(ok.json.capacity.female, 15);
  const identity = await api('PATCH', `/api/v1/organizations/${t.cas.id}`, t.director, { version: ok.json.version, name_fr: 'Renamed' });
  assert.equal(identity.status, 403);
  const auth = await api('PATCH', `/api/v1/organizations/${t.cas.id}`, t.director, { version: ok.json.version, authorization: { status: 'closed' } });
  assert.equal(auth.status, 403);
  assert.equal((await api('GET', `/api/v1/organizations/${t.rab.id}`, t.director)).status, 404);
  const list = await api('GET', '/api/v1/organizations?limit=500', t.director);
  assert.deepEqual(list.json.items.map((o) => o.id), [t.cas.id]);
  assert.equal(list.json.total, 1);
  assert.equal((await api('POST', '/api/v1/organizations', t.director, eps())).status, 403);
});

test('scope: a coordinator of MA-CAS never sees MA-RAB (404, lists, counts, filters, exports)', async () => {
  assert.equal((await api('GET', `/api/v1/organizations/${t.rab.id}`, t.coord)).status, 404);
  assert.equal((await api('PATCH', `/api/v1/organizations/${t.rab.id}`, t.coord, { version: 1, director: 'x' })).status, 404);
  const all = await api('GET', '/api/v1/organizations?kind=eps&limit=500', t.coord);
  const ids = all.json.items.map((o) => o.id);
  assert.ok(ids.includes(t.cas.id));
  assert.ok(!ids.includes(t.rab.id));
  assert.ok(all.json.items.every((o) => o.province === 'MA-CAS'));
  const rabOnly = await api('GET', '/api/v1/organizations?province=MA-RAB', t.coord);
  assert.equal(rabOnly.json.total, 0);
  assert.equal(rabOnly.json.items.length, 0);
  const csv = await api('GET', '/api/v1/organizations/export?format=csv', t.coord);
  assert.equal(csv.status, 200);
  const text = csv.buf.toString('utf8');
  assert.ok(text.includes(t.cas.id) && !text.includes(t.rab.id));
  const q = await api('GET', `/api/v1/organizations?q=${encodeURIComponent(`Dar RAB ${S}`)}`, t.coord);
  assert.equal(q.json.total, 0);
  // creating in another province is refused
  assert.equal((await api('POST', '/api/v1/organizations', t.coord, eps({ province: 'MA-RAB' }))).status, 403);
  // the regional supervisor of Casablanca-Settat sees MA-CAS, not MA-RAB; may not write
  assert.equal((await api('GET', `/api/v1/organizations/${t.cas.id}`, t.regional)).status, 200);
  assert.equal((await api('GET', `/api/v1/organizations/${t.rab.id}`, t.regional)).status, 404);
  assert.equal((await api('POST', '/api/v1/organizations', t.regional, eps())).status, 403);
});

test('filters, sorting and cursor pagination', async () => {
  for (let i = 0; i < 3; i++) {
    const r = await api('POST', '/api/v1/organizations', t.admin, eps({ name_fr: `Pager ${S} ${i}`, category: 'elderly', capacity: { female: i, male: 100 } }));
    assert.equal(r.status, 201);
  }
  const seen = [];
  let cursor = '';
  for (let page = 0; page < 5; page++) {
    const r = await api('GET', `/api/v1/organizations?category=elderly&q=${encodeURIComponent(`pager ${S}`)}&sort=-capacity&limit=2${cursor ? `&cursor=${cursor}` : ''}`, t.admin);
    assert.equal(r.status, 200);
    assert.equal(r.json.total, 3);
    seen.push(...r.json.items.map((o) => o.capacity.total));
    if (!r.json.next_cursor) break;
    cursor = r.json.next_cursor;
  }
  assert.deepEqual(seen, [102, 101, 100]);
  assert.equal((await api('GET', '/api/v1/organizations?sort=colour', t.admin)).status, 400);
  assert.equal((await api('GET', '/api/v1/organizations?category=pets', t.admin)).status, 400);
  const byStatus = await api('GET', '/api/v1/organizations?authorization_status=pending&region=MA-06&limit=500', t.admin);
  assert.ok(byStatus.json.items.every((o) => o.authorization.status === 'pending' && o.region === 'MA-06'));
});

test('expiring authorizations: within 90 days or expired, in scope, soonest first', async () => {
  const day = (n) => new Date(Date.now() + n * 86400000).toISOString().slice(0, 10);
  const soon = await api('POST', '/api/v1/organizations', t.admin, eps({ name_fr: `Soon ${S}`, authorization: { status: 'authorized', number: 'S1', date: '2020-01-01', expires_on: day(30) } }));
  const gone = await api('POST', '/api/v1/organizations', t.admin, eps({ name_fr: `Gone ${S}`, authorization: { status: 'provisional', number: 'S2', date: '2020-01-01', expires_on: day(-3) } }));
  const later = await api('POST', '/api/v1/organizations', t.admin, eps({ name_fr: `Later ${S}`, authorization: { status: 'authorized', number: 'S3', date: '2020-01-01', expires_on: day(200) } }));
  const rab = await api('POST', '/api/v1/organizations', t.admin, eps({ name_fr: `Soon RAB ${S}`, province: 'MA-RAB', authorization: { status: 'authorized', number: 'S4', date: '2020-01-01', expires_on: day(10) } }));
  for (const r of [soon, gone, later, rab]) assert.equal(r.status, 201, JSON.stringify(r.json));
  const r = await api('GET', '/api/v1/institutions/expiring?limit=500', t.coord);
  assert.equal(r.status, 200);
  const ids = r.json.items.map((o) => o.id);
  assert.ok(ids.includes(soon.json.id) && ids.includes(gone.json.id));
  assert.ok(!ids.includes(later.json.id) && !ids.includes(rab.json.id));
  assert.ok(ids.indexOf(gone.json.id) < ids.indexOf(soon.json.id));
  assert.equal(r.json.items.find((o) => o.id === gone.json.id).expired, true);
  assert.equal(r.json.items.find((o) => o.id === soon.json.id).expired, false);
  const page = await fetch(`${BASE}/institutions/expiring`, { headers: { Authorization: `Bearer ${t.coord}` } });
  const html = await page.text();
  assert.equal(page.status, 200);
  assert.ok(html.includes(soon.json.id) && !html.includes(rab.json.id));
});

test('import: dry run writes nothing; good file (BOM, semicolons, decimal commas) is imported with audit entries', async () => {
  const body = fixture('good.csv');
  const dry = await api('POST', '/api/v1/organizations/import?dry_run=true', t.admin, body, { 'Content-Type': 'text/csv' });
  assert.equal(dry.status, 200, JSON.stringify(dry.json));
  assert.deepEqual([dry.json.created, dry.json.errors], [3, []]);
  const before = await api('GET', `/api/v1/organizations?q=fixture&limit=500`, t.admin);
  assert.equal(before.json.total, 0, 'a dry run writes nothing');
  const run = await api('POST', '/api/v1/organizations/import?dry_run=false', t.admin, body, { 'Content-Type': 'text/csv' });
  assert.equal(run.status, 201, JSON.stringify(run.json));
  assert.equal(run.json.created, 3);
  const after = await api('GET', `/api/v1/organizations?q=fixture&limit=500&sort=name`, t.admin);
  assert.equal(after.json.total, 3);
  const centre = after.json.items.find((o) => o.name_fr === 'Centre Fixture Dar Al Amal');
  assert.deepEqual(centre.coordinates, { lat: 33.5731, lon: -7.5898 });
  assert.deepEqual(centre.services, ['accommodation', 'education_training', 'meals']);
  assert.equal(centre.staff.educators, 6);
  const audit = await api('GET', `/api/v1/audit?record_type=organization&action=create&limit=500`, t.admin);
  assert.ok(audit.json.items.some((e) => e.record_id === centre.id));
  const comma = await api('POST', '/api/v1/organizations/import', t.admin, fixture('good_comma.csv'), { 'Content-Type': 'text/csv' });
  assert.equal(comma.status, 201, JSON.stringify(comma.json));
});

test('import page: a CSV file uploaded as multipart/form-data is checked row by row, nothing written', async () => {
  const form = new FormData();
  form.append('mode', 'import');
  form.append('file', new Blob([fixture('broken.csv')], { type: 'text/csv' }), 'broken.csv');
  const res = await fetch(`${BASE}/organizations/import?lang=fr`, {
    method: 'POST', headers: { Authorization: `Bearer ${t.admin}` }, body: form,
  });
  const html = await res.text();
  assert.equal(res.status, 422, html.slice(0, 300));
  assert.ok(html.includes('data-testid="import-failed"'));
  for (const code of ['unknown_province', 'negative', 'expiry_before_date', 'unknown_kind']) {
    assert.ok(html.includes(`data-code="${code}"`), `error ${code} shown`);
  }
  // The uploaded content comes back in the text area, ready to be corrected and re-checked.
  assert.ok(html.includes('kind;'), 'file content shown in the text area');
  const none = await api('GET', `/api/v1/organizations?q=broken&limit=500`, t.admin);
  assert.equal(none.json.total, 0);
});

test('import: a broken file reports every row error (row, column, code, translated message) and writes nothing', async () => {
  const r = await api('POST', '/api/v1/organizations/import?dry_run=false&lang=en', t.admin, fixture('broken.csv'), { 'Content-Type': 'text/csv' });
  assert.equal(r.status, 422);
  assert.equal(r.json.created, 0);
  const got = r.json.errors.map((e) => `${e.row}:${e.column ?? ''}:${e.code}`);
  for (const want of ['2:province:unknown_province', '3:capacity_female:negative',
    '4:authorization_expires_on:expiry_before_date', '5::missing_fields', '6:name_fr:duplicate', '7:kind:unknown_kind']) {
    assert.ok(got.includes(want), `${want} in ${got}`);
  }
  assert.ok(r.json.errors.every((e) => typeof e.message === 'string' && e.message.length > 0));
  const none = await api('GET', `/api/v1/organizations?q=broken&limit=500`, t.admin);
  assert.equal(none.json.total, 0);
});

test('import: another encoding, missing and unknown columns, empty body, permissions, scope', async () => {
  const latin = await api('POST', '/api/v1/organizations/import', t.admin, fixture('latin1.csv'), { 'Content-Type': 'text/csv' });
  assert.equal(latin.status, 422);
  assert.equal(latin.json.errors[0].code, 'invalid_encoding');
  assert.equal(latin.json.errors[0].row, 2);
  const cols = await api('POST', '/api/v1/organizations/import', t.admin, fixture('bad_columns.csv'), { 'Content-Type': 'text/csv' });
  assert.equal(cols.status, 422);
  const codes = cols.json.errors.map((e) => `${e.column}:${e.code}`);
  assert.ok(codes.includes('colour:unknown_column') && codes.includes('name_ar:missing_column'), codes.join());
  const empty = await api('POST', '/api/v1/organizations/import', t.admin, '', { 'Content-Type': 'text/csv' });
  assert.equal(empty.status, 422);
  assert.equal(empty.json.errors[0].code, 'empty_file');
  assert.equal((await api('POST', '/api/v1/organizations/import', t.social, fixture('good.csv'), { 'Content-Type': 'text/csv' })).status, 403);
  const out = await api('POST', '/api/v1/organizations/import?dry_run=true', t.coord,
    `kind;name_fr;name_ar;province\nassociation;Scope ${S};;MA-RAB\n`, { 'Content-Type': 'text/csv' });
  assert.equal(out.status, 422);
  assert.equal(out.json.errors[0].code, 'out_of_scope');
  assert.equal((await api('POST', '/api/v1/organizations/import?dry_run=maybe', t.admin, 'x')).status, 400);
});

test('exports: CSV with BOM and semicolons, XLSX, each written to the audit log', async () => {
  const csv = await api('GET', '/api/v1/organizations/export?format=csv&kind=eps&province=MA-CAS', t.admin);
  assert.equal(csv.status, 200);
  assert.match(csv.headers.get('content-type'), /text\/csv/);
  assert.deepEqual([...csv.buf.subarray(0, 3)], [0xef, 0xbb, 0xbf]);
  const lines = csv.buf.toString('utf8').slice(1).trim().split('\r\n');
  assert.match(lines[0], /^id;kind;name_fr;name_ar;province;/);
  assert.ok(lines.slice(1).every((l) => l.includes(';eps;') && l.includes(';MA-CAS;')));
  const xlsx = await api('GET', '/api/v1/organizations/export?format=xlsx&kind=eps&lang=ar', t.admin);
  assert.equal(xlsx.status, 200);
  assert.match(xlsx.headers.get('content-type'), /spreadsheetml/);
  assert.equal(xlsx.buf.subarray(0, 2).toString('latin1'), 'PK');
  assert.equal((await api('GET', '/api/v1/organizations/export?format=pdf', t.admin)).status, 400);
  assert.equal((await api('GET', '/api/v1/organizations/export?format=csv', t.social)).status, 403);
  const audit = await api('GET', '/api/v1/audit?action=export&record_type=organization&limit=50', t.admin);
  assert.ok(audit.json.items.length >= 2);
});

test('pages: list, record, forms answer in scope and 404 out of scope', async () => {
  const get = (path, tok) => fetch(BASE + path, { headers: { Authorization: `Bearer ${tok}` }, redirect: 'manual' });
  assert.equal((await get(`/institutions/${t.cas.id}`, t.coord)).status, 200);
  assert.equal((await get(`/institutions/${t.rab.id}`, t.coord)).status, 404);
  const list = await (await get('/institutions?limit=500', t.coord)).text();
  assert.ok(list.includes(t.cas.id) && !list.includes(t.rab.id));
  assert.equal((await get('/institutions/new', t.coord)).status, 200);
  assert.equal((await get('/institutions/new', t.director)).status, 403);
  assert.equal((await get(`/institutions/${t.cas.id}/edit`, t.director)).status, 200);
  assert.equal((await get('/organizations/import', t.coord)).status, 200);
  assert.equal((await get(`/organizations/${t.cas.id}`, t.admin)).status, 303);
});
