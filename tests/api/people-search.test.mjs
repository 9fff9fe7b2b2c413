// The in-memory people index behind ?q= and the duplicate warning, merge and its undo:
// the index follows creates, edits and merges; search is fuzzy (typos, other script) and
// filtered by scope (out-of-scope people never appear); 409 possible_duplicate lists only
// visible candidates with scores; merging moves cases and relations, copies identifiers,
// answers 307 on the merged file and can be undone exactly by an administrator; and two
// servers on one database see each other's writes (the change log).
//
//   JISR_BASE_URL=... JISR_BIN=... JISR_DB_URL=... [JISR_DB_ENGINE=postgres] node --test tests/api/
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createServer } from 'node:net';
import { fileURLToPath } from 'node:url';

const BASE = (process.env.JISR_BASE_URL || '').replace(/\/+$/, '');
const BIN = process.env.JISR_BIN || '';
const DB_URL = process.env.JISR_DB_URL || '';
const ENGINE = process.env.JISR_DB_ENGINE || '';
const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const PASSWORD = 'a-long-password-123';
const SUFFIX = randomBytes(3).toString('hex');
const uname = (n) => `psearch-${n}-${SUFFIX}`;
const AR_LETTERS = 'بتثجحخدذرزسشصضطظ';

// Twelve random letters a–p (consonant-rich enough that two tags never look alike), and the
// same tag in Arabic letters.
const tag = () => [...randomBytes(6)].map((b) => 'bcdfghjklmnp'[b % 12] + 'abcdefghijklmnop'[b >> 4]).join('');
const arabic = (t) => [...t].map((c) => AR_LETTERS[c.charCodeAt(0) - 97]).join('');

function jisr(args, input) {
  return execFileSync(BIN, [...args, '--db', DB_URL, '--log-level', 'warn'], {
    input, encoding: 'utf8', stdio: ['pipe', 'pipe', 'pipe'], timeout: 30_000,
  }).trim();
}
function addUser(name, role, scope, org) {
  const args = ['user', 'add', '--username', uname(name), '--role', role, '--scope', scope, '--password-stdin'];
  if (org) args.push('--org', org);
  jisr(args, `${PASSWORD}\n`);
  return jisr(['token', 'create', '--user', uname(name)]);
}

async function api(method, path, token, body, base = BASE) {
  const init = { method, headers: { accept: 'application/json' }, redirect: 'manual' };
  if (token) init.headers.authorization = `Bearer ${token}`;
  if (body !== undefined) {
    init.headers['content-type'] = 'application/json';
    init.body = JSON.stringify(body);
  }
  const res = await fetch(`${base}${path}`, init);
  const text = await res.text();
  let json = null;
  try { json = text ? JSON.parse(text) : null; } catch { json = undefined; }
  return { res, status: res.status, body: json, text, where: `${method} ${path} -> ${res.status} ${text.slice(0, 500)}` };
}
function expectError(r, status, code) {
  assert.equal(r.status, status, r.where);
  assert.equal(r.body?.error?.code, code, r.where);
}

const T = {};
const O = {};

function person(extra = {}) {
  const t = tag();
  const g = tag();
  return {
    first_name_lat: `Karim${g}`, last_name_lat: `Tazi${t}`,
    first_name_ar: `كريم${arabic(g)}`, last_name_ar: `التازي${arabic(t)}`,
    sex: 'M', birth_date: '2011-07-14', birth_date_precision: 'exact', province: 'MA-CAS',
    consent: { given: true }, ...extra,
  };
}
async function create(token, body) {
  const r = await api('POST', '/api/v1/people', token, { confirm_new: true, ...body });
  assert.equal(r.status, 201, r.where);
  return r.body;
}
const searchIds = async (q, token, base = BASE) => {
  const r = await api('GET', `/api/v1/people?limit=100&q=${encodeURIComponent(q)}`, token, undefined, base);
  assert.equal(r.status, 200, r.where);
  return r.body.items.map((p) => p.id);
};

before(async () => {
  assert.ok(BASE && BIN && DB_URL, 'JISR_BASE_URL, JISR_BIN and JISR_DB_URL must be set');
  T.admin = addUser('admin', 'admin', 'province:MA-CAS');
  for (const [key, kind, province, extra] of [
    ['A', 'association', 'MA-CAS', {}], ['B', 'association', 'MA-CAS', {}],
    ['EPS', 'eps', 'MA-CAS', { category: 'children', capacity: { female: 5, male: 5 } }],
  ]) {
    const r = await api('POST', '/api/v1/organizations', T.admin, {
      kind, name_fr: `Recherche ${key} ${SUFFIX}`, name_ar: `جمعية ${key} ${SUFFIX}`, province, ...extra });
    assert.equal(r.status, 201, r.where);
    O[key] = r.body.id;
  }
  T.cas = addUser('coord-cas', 'provincial_coordinator', 'province:MA-CAS');
  T.rab = addUser('coord-rab', 'provincial_coordinator', 'province:MA-RAB');
  T.swA = addUser('sw-a', 'social_worker', 'province:MA-CAS', O.A);
  T.swE = addUser('sw-e', 'social_worker', 'province:MA-CAS', O.EPS);
  T.orgB = addUser('org-b', 'association_worker', `organization:${O.B}`, O.B);
  T.auditor = addUser('auditor', 'auditor', 'national');
});

describe('the index follows writes', () => {
  test('a new person is found at once, with a typo, in the other script', async () => {
    const body = person();
    const p = await create(T.cas, body);
    const t = body.last_name_lat.slice(4);
    assert.deepEqual(await searchIds(`tazi${t}`, T.cas), [p.id]);
    // One letter dropped from the family name, given and family name swapped.
    const typo = `${t.slice(0, 5)}${t.slice(6)}`;
    assert.deepEqual(await searchIds(`tazi${typo} ${body.first_name_lat}`, T.cas), [p.id], 'typo');
    assert.deepEqual(await searchIds(body.last_name_ar, T.cas), [p.id], 'Arabic');
    assert.deepEqual(await searchIds(`${body.first_name_ar} tazi${t}`, T.cas), [p.id], 'mixed scripts');
  });

  test('an edit: the new name finds the person, the old one no longer does', async () => {
    const body = person();
    const p = await create(T.cas, body);
    const t2 = tag();
    const r = await api('PATCH', `/api/v1/people/${p.id}`, T.cas, {
      version: p.version, last_name_lat: `Berrada${t2}`, last_name_ar: `برادة${arabic(t2)}` });
    assert.equal(r.status, 200, r.where);
    assert.deepEqual(await searchIds(`berrada${t2}`, T.cas), [p.id]);
    assert.deepEqual(await searchIds(body.last_name_lat, T.cas), []);
    assert.deepEqual(await searchIds(body.last_name_ar, T.cas), []);
  });

  test('an exact file number or CIN answers that file only', async () => {
    const cin = `KL${100000 + Math.floor(Math.random() * 899999)}`;
    const p = await create(T.cas, person({ cin }));
    assert.deepEqual(await searchIds(p.file_number.toLowerCase(), T.cas), [p.id]);
    assert.deepEqual(await searchIds(`${cin.slice(0, 2).toLowerCase()} ${cin.slice(2)}`, T.cas), [p.id]);
    assert.deepEqual(await searchIds(p.file_number, T.rab), [], 'out of scope');
  });
});

describe('scope of search', () => {
  test('namesakes in two provinces: each coordinator finds only their own; counts agree', async () => {
    const t = tag();
    const names = { first_name_lat: `Nadia${t}`, last_name_lat: `Fassi${t}`, sex: 'F' };
    const cas = [await create(T.cas, person(names)), await create(T.cas, person({ ...names, birth_date: '1999' , birth_date_precision: 'year' }))];
    const rab = await create(T.rab, person({ ...names, province: 'MA-RAB' }));
    const q = `nadia${t} fassi${t}`;
    assert.deepEqual((await searchIds(q, T.cas)).sort(), cas.map((p) => p.id).sort());
    assert.deepEqual(await searchIds(q, T.rab), [rab.id]);
    assert.deepEqual((await searchIds(q, T.auditor)).sort(), [...cas, rab].map((p) => p.id).sort());
    const filtered = await api('GET', `/api/v1/people?limit=100&province=MA-RAB&q=${encodeURIComponent(q)}`, T.auditor);
    assert.deepEqual(filtered.body.items.map((p) => p.id), [rab.id]);
    // A coordinator asking for another province gets nothing, not the other province's people.
    const other = await api('GET', `/api/v1/people?limit=100&province=MA-RAB&q=${encodeURIComponent(q)}`, T.cas);
    assert.deepEqual(other.body.items, []);
    // The list page too.
    const page = await api('GET', `/people?q=${encodeURIComponent(q)}`, T.rab);
    assert.equal(page.status, 200, page.where);
    assert.ok(page.text.includes(rab.file_number));
    for (const p of cas) assert.ok(!page.text.includes(p.file_number), 'MA-CAS file on the MA-RAB page');
  });

  test('paging through search results deeper than the first search: every in-scope match once, full pages', async () => {
    // The list asks the index for what a page needs (32 hits for a page of 2) and searches
    // deeper when the page is not full or the cursor's person is further down. Namesakes tie
    // on score (the earlier created first): the 40 people outside the target group come
    // first, so a page filtered on it needs the deeper search; the MA-RAB namesakes are out
    // of the coordinator's scope.
    const t = tag();
    const names = { first_name_lat: `Leila${t}`, last_name_lat: `Sefrioui${t}`, sex: 'F' };
    const plain = [];
    for (let i = 0; i < 40; i++) plain.push(await create(T.cas, person(names)));
    const elderly = [];
    for (let i = 0; i < 5; i++) elderly.push(await create(T.cas, person({ ...names, target_groups: ['elderly'] })));
    const away = [];
    for (let i = 0; i < 6; i++) away.push(await create(T.rab, person({ ...names, province: 'MA-RAB', target_groups: ['elderly'] })));
    const q = encodeURIComponent(`leila${t} sefrioui${t}`);
    const pages = async (path, token) => {
      const sizes = [];
      const ids = [];
      let cursor = null;
      for (let n = 0; n < 60; n++) {
        const r = await api('GET', `${path}${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`, token);
        assert.equal(r.status, 200, r.where);
        sizes.push(r.body.items.length);
        ids.push(...r.body.items.map((p) => p.id));
        cursor = r.body.next_cursor;
        if (!cursor) return { ids, sizes };
      }
      assert.fail('no end of the list');
    };
    const older = await pages(`/api/v1/people?limit=2&target_group=elderly&q=${q}`, T.cas);
    assert.deepEqual(older.ids, elderly.map((p) => p.id));
    assert.deepEqual(older.sizes, [2, 2, 1]);
    const all = await pages(`/api/v1/people?limit=7&q=${q}`, T.cas);
    assert.equal(all.ids.length, 45);
    assert.equal(new Set(all.ids).size, 45);
    assert.deepEqual([...all.ids].sort(), [...plain, ...elderly].map((p) => p.id).sort());
    assert.deepEqual(all.sizes, [7, 7, 7, 7, 7, 7, 3]);
    for (const p of away) assert.ok(!all.ids.includes(p.id), 'an MA-RAB person on an MA-CAS page');
    // The national auditor sees the MA-RAB ones too.
    const auditor = await pages(`/api/v1/people?limit=4&target_group=elderly&q=${q}`, T.auditor);
    assert.deepEqual([...auditor.ids].sort(), [...elderly, ...away].map((p) => p.id).sort());
  });

  test('an organization-scoped worker finds only the people its organization works with', async () => {
    const t = tag();
    const names = { first_name_lat: `Omar${t}`, last_name_lat: `Idrissi${t}` };
    const theirs = await create(T.swA, person(names));
    const other = await create(T.cas, person({ ...names, birth_date: '1990', birth_date_precision: 'year' }));
    const q = `omar${t} idrissi${t}`;
    assert.deepEqual(await searchIds(q, T.orgB), []);
    // Registered by B's worker: B works with this one.
    const mine = await create(T.orgB, person({ ...names, birth_date: '1980', birth_date_precision: 'year' }));
    assert.deepEqual(await searchIds(q, T.orgB), [mine.id]);
    assert.deepEqual((await searchIds(q, T.cas)).sort(), [theirs.id, other.id, mine.id].sort());
  });
});

describe('duplicate warning (409 possible_duplicate)', () => {
  test('a look-alike with a typo and the same birth date: 409 with scored candidates, then confirm_new', async () => {
    const body = person();
    const first = await create(T.cas, body);
    const typo = { ...body, first_name_lat: body.first_name_lat.replace(/^Karim/, 'Kareem'),
      last_name_lat: `${body.last_name_lat.slice(0, -1)}` };
    delete typo.first_name_ar;
    delete typo.last_name_ar;
    const r = await api('POST', '/api/v1/people', T.cas, typo);
    expectError(r, 409, 'possible_duplicate');
    const c = r.body.error.candidates;
    assert.ok(Array.isArray(c) && c.length >= 1, r.where);
    const hit = c.find((x) => x.id === first.id);
    assert.ok(hit, r.where);
    assert.ok(hit.score > 0.3 && hit.score <= 1, r.where);
    for (const x of c) assert.deepEqual(Object.keys(x).sort(), ['file_number', 'id', 'score'], r.where);
    // The other script alone finds it too.
    const ar = await api('POST', '/api/v1/people', T.cas, {
      first_name_ar: body.first_name_ar, last_name_ar: body.last_name_ar, sex: 'M',
      birth_date: body.birth_date, province: 'MA-CAS' });
    expectError(ar, 409, 'possible_duplicate');
    assert.ok(ar.body.error.candidates.some((x) => x.id === first.id), ar.where);
    // Confirmed: created.
    const ok = await api('POST', '/api/v1/people', T.cas, { ...typo, confirm_new: true });
    assert.equal(ok.status, 201, ok.where);
    // Another birth date and another sex: not a duplicate.
    const other = await api('POST', '/api/v1/people', T.cas, { ...typo, sex: 'F', birth_date: '1975', birth_date_precision: 'year' });
    assert.equal(other.status, 201, other.where);
  });

  test('candidates are only people the caller may see', async () => {
    const body = person({ province: 'MA-RAB' });
    const rab = await create(T.rab, body);
    const r = await api('POST', '/api/v1/people', T.cas, { ...body, province: 'MA-CAS' });
    assert.equal(r.status, 201, r.where);
    assert.ok(!r.text.includes(rab.id) && !r.text.includes(rab.file_number), r.where);
  });
});

describe('merge and undo', () => {
  test('cases, relations and identifiers move; the merged file points to the survivor; undo restores exactly', async () => {
    const cin = `MR${100000 + Math.floor(Math.random() * 899999)}`;
    const dupBody = person({ cin, father_first_name: 'Hassan' });
    const dup = await create(T.swA, dupBody);
    const survivor = await create(T.swA, person());
    const sibling = await create(T.swA, person({ first_name_lat: `Sara${tag()}`, sex: 'F' }));
    let r = await api('POST', '/api/v1/cases', T.swA, { person_id: dup.id, module: 'child_protection', risk_level: 'high' });
    assert.equal(r.status, 201, r.where);
    const kase = r.body;
    r = await api('POST', `/api/v1/people/${dup.id}/relations`, T.swA, { related_person_id: sibling.id, kind: 'sibling' });
    assert.equal(r.status, 204, r.where);

    // Not allowed: a social worker; out of scope: Rabat's coordinator; itself.
    expectError(await api('POST', `/api/v1/people/${dup.id}/merge`, T.swA, { into: survivor.id }), 403, 'forbidden');
    expectError(await api('POST', `/api/v1/people/${dup.id}/merge`, T.rab, { into: survivor.id }), 404, 'not_found');
    expectError(await api('POST', `/api/v1/people/${dup.id}/merge`, T.cas, { into: dup.id }), 409, 'merge_self');
    expectError(await api('POST', `/api/v1/people/${dup.id}/merge`, T.cas, {}), 422, 'validation_failed');

    r = await api('POST', `/api/v1/people/${dup.id}/merge`, T.cas, { into: survivor.id });
    assert.equal(r.status, 200, r.where);
    assert.equal(r.body.id, survivor.id);
    assert.equal(r.body.cin, cin, 'the CIN the survivor lacked is copied');
    assert.equal(r.body.father_first_name, 'Hassan');

    // The merged file: 307 to the survivor, body says merged_into.
    r = await api('GET', `/api/v1/people/${dup.id}`, T.cas);
    assert.equal(r.status, 307, r.where);
    assert.equal(r.res.headers.get('location'), `/api/v1/people/${survivor.id}`);
    assert.equal(r.body.status, 'merged');
    assert.equal(r.body.merged_into, survivor.id);
    // The page lands on the survivor.
    r = await api('GET', `/people/${dup.id}`, T.cas);
    assert.equal(r.status, 303, r.where);
    assert.match(r.res.headers.get('location'), new RegExp(`^/people/${survivor.id}\\?merged_from=`));
    // The case moved, the relation too.
    r = await api('GET', `/api/v1/cases/${kase.id}`, T.swA);
    assert.equal(r.body.person_id, survivor.id, r.where);
    r = await api('GET', `/people/${survivor.id}`, T.cas);
    assert.ok(r.text.includes(sibling.file_number), 'the sibling is on the survivor\'s file');
    // Searches for the merged person's names land on the survivor, once.
    assert.deepEqual(await searchIds(dupBody.last_name_lat, T.cas), [survivor.id]);
    assert.deepEqual(await searchIds(cin, T.cas), [survivor.id]);
    // Merging again, or into the merged file: 409.
    expectError(await api('POST', `/api/v1/people/${dup.id}/merge`, T.cas, { into: survivor.id }), 409, 'already_merged');
    expectError(await api('POST', `/api/v1/people/${sibling.id}/merge`, T.cas, { into: dup.id }), 409, 'already_merged');

    // Undo: administrators only.
    expectError(await api('POST', `/api/v1/people/${dup.id}/unmerge`, T.cas, {}), 403, 'forbidden');
    r = await api('POST', `/api/v1/people/${dup.id}/unmerge`, T.admin, {});
    assert.equal(r.status, 200, r.where);
    assert.equal(r.body.status, 'active');
    assert.equal(r.body.merged_into, null);
    expectError(await api('POST', `/api/v1/people/${dup.id}/unmerge`, T.admin, {}), 409, 'not_merged');
    r = await api('GET', `/api/v1/people/${survivor.id}`, T.cas);
    assert.equal(r.body.cin, null, 'the copied CIN is taken back');
    assert.equal(r.body.father_first_name, null);
    r = await api('GET', `/api/v1/cases/${kase.id}`, T.swA);
    assert.equal(r.body.person_id, dup.id, 'the case is back');
    r = await api('GET', `/people/${dup.id}`, T.cas);
    assert.equal(r.status, 200, r.where);
    assert.ok(r.text.includes(sibling.file_number), 'the relation is back');
    r = await api('GET', `/people/${survivor.id}`, T.cas);
    assert.ok(!r.text.includes(sibling.file_number), 'and gone from the survivor');
    assert.deepEqual(await searchIds(dupBody.last_name_lat, T.cas), [dup.id]);
    // The audit log has both.
    r = await api('GET', `/api/v1/audit?record_type=person&record_id=${dup.id}&limit=50`, T.admin);
    assert.equal(r.status, 200, r.where);
    const actions = r.body.items.map((e) => e.action);
    assert.ok(actions.includes('merge') && actions.includes('unmerge'), r.where);
  });

  test('two open admissions: merge refused with a clear 409', async () => {
    const a = await create(T.swE, person());
    const b = await create(T.swE, person());
    for (const p of [a, b]) {
      const r = await api('POST', '/api/v1/admissions', T.swE, {
        person_id: p.id, institution_id: O.EPS, admitted_on: '2026-01-05', reason: 'emergency' });
      assert.equal(r.status, 201, r.where);
    }
    const r = await api('POST', `/api/v1/people/${a.id}/merge`, T.cas, { into: b.id });
    expectError(r, 409, 'both_admitted');
    assert.ok(r.body.error.message.length > 10, r.where);
    // One admitted, the other not: allowed, and the admission moves.
    const c = await create(T.swE, person());
    const ok = await api('POST', `/api/v1/people/${a.id}/merge`, T.cas, { into: c.id });
    assert.equal(ok.status, 200, ok.where);
    const list = await api('GET', `/api/v1/admissions?institution=${O.EPS}&limit=100`, T.swE);
    assert.ok(list.body.items.some((x) => x.person_id === c.id), list.where);
    assert.ok(!list.body.items.some((x) => x.person_id === a.id), list.where);
  });
});

// A second server on the same database: what one writes, the other finds.
describe('two servers on one database', () => {
  let child = null;
  let base2 = '';
  let log = '';

  const freePort = () => new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });

  before(async () => {
    if (ENGINE !== 'postgres') return;
    const port = await freePort();
    base2 = `http://127.0.0.1:${port}`;
    child = spawn(BIN, ['serve', '--db', DB_URL, '--listen', `127.0.0.1:${port}`], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    child.stdout.on('data', (d) => { log += d; });
    child.stderr.on('data', (d) => { log += d; });
    const deadline = Date.now() + 30_000;
    for (;;) {
      try {
        const r = await fetch(`${base2}/healthz`);
        if (r.status === 200) break;
      } catch { /* not yet */ }
      if (Date.now() > deadline) throw new Error(`second server not healthy:\n${log}`);
      await new Promise((res) => setTimeout(res, 200));
    }
    assert.match(log, /people_index_loaded/, 'the start log reports the index');
  });

  after(() => {
    if (child) child.kill('SIGTERM');
  });

  const eventually = async (what, fn) => {
    const deadline = Date.now() + 5_000;
    for (;;) {
      if (await fn()) return;
      if (Date.now() > deadline) assert.fail(`${what} within 5 s`);
      await new Promise((res) => setTimeout(res, 100));
    }
  };

  test('create on A, B finds it; edit on A, B sees the new name; merge on A, B lands on the survivor',
    { skip: ENGINE !== 'postgres' && 'PostgreSQL only (several servers share PostgreSQL)' }, async () => {
      const body = person();
      const p = await create(T.cas, body);
      await eventually('B finds the new person', async () => (await searchIds(body.last_name_lat, T.cas, base2)).includes(p.id));
      const t2 = tag();
      const r = await api('PATCH', `/api/v1/people/${p.id}`, T.cas, { version: p.version, last_name_lat: `Chraibi${t2}` });
      assert.equal(r.status, 200, r.where);
      await eventually('B sees the new name', async () => (await searchIds(`chraibi${t2}`, T.cas, base2)).includes(p.id));
      assert.deepEqual(await searchIds(body.last_name_lat, T.cas, base2), [], 'and no longer the old one');
      const other = await create(T.cas, person());
      const m = await api('POST', `/api/v1/people/${other.id}/merge`, T.cas, { into: p.id });
      assert.equal(m.status, 200, m.where);
      await eventually('B lands on the survivor', async () => {
        const ids = await searchIds(other.last_name_lat, T.cas, base2);
        return ids.length === 1 && ids[0] === p.id;
      });
      // Writes on B are seen by A.
      const onB = person();
      const rb = await api('POST', '/api/v1/people', T.cas, { ...onB, confirm_new: true }, base2);
      assert.equal(rb.status, 201, rb.where);
      assert.deepEqual(await searchIds(onB.last_name_lat, T.cas), [rb.body.id]);
    });
});
