// The duplicate review queue against a running server: people registered through the API
// (two of them spellings of the same child), `jisr dedup --db` run on the server's database,
// the pair listed for a coordinator of the province and absent for another province's,
// dismissal ("not the same person", audited) and a re-run that does not bring it back, and
// the page in French and Arabic.
//
//   JISR_BASE_URL=http://127.0.0.1:8080 JISR_BIN=$PWD/build/jisr JISR_DB_URL=sqlite:/tmp/jisr.db \
//     node --test tests/api/
//
// All test files share one server and database, so the other files' people are in the
// table too: names here carry a random tag, and assertions only look at our own pair.
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';

const BASE = (process.env.JISR_BASE_URL || '').replace(/\/+$/, '');
const BIN = process.env.JISR_BIN || '';
const DB_URL = process.env.JISR_DB_URL || '';
const catalog = (lang) => JSON.parse(readFileSync(
  new URL(`../../web/locales/dedupreview/${lang}.json`, import.meta.url), 'utf8'));
const FR = catalog('fr');
const AR = catalog('ar');

const PASSWORD = 'a-long-password-123';
const SUFFIX = randomBytes(4).toString('hex');
const TAG = [...SUFFIX].map((c) => 'bcdfghjklmnprstv'[parseInt(c, 16)]).join('');

function jisr(args, input) {
  try {
    return execFileSync(BIN, args, { input, encoding: 'utf8', stdio: ['pipe', 'pipe', 'pipe'], timeout: 120_000 });
  } catch (e) {
    throw new Error(`jisr ${args.join(' ')} failed (status ${e.status}):\n${e.stdout || ''}\n${e.stderr || ''}`);
  }
}

function addUser(name, role, scope) {
  const username = `dupes-${name}-${SUFFIX}`;
  jisr(['user', 'add', '--db', DB_URL, '--username', username, '--role', role, '--scope', scope,
    '--password-stdin'], `${PASSWORD}\n`);
  return jisr(['token', 'create', '--db', DB_URL, '--user', username]).trim();
}

async function api(method, path, token, { body, accept = 'application/json', lang = 'fr' } = {}) {
  const init = { method, headers: { accept, 'accept-language': lang, authorization: `Bearer ${token}` }, redirect: 'manual' };
  if (body !== undefined) {
    init.headers['content-type'] = 'application/json';
    init.body = JSON.stringify(body);
  }
  const res = await fetch(`${BASE}${path}`, init);
  const text = await res.text();
  let json = null;
  if ((res.headers.get('content-type') || '').includes('json')) json = JSON.parse(text);
  return { status: res.status, body: json, text, where: `${method} ${path} -> ${res.status} ${text.slice(0, 400)}` };
}

async function listAll(path, token) {
  const items = [];
  let cursor = null;
  for (let pages = 0; pages < 200; pages++) {
    const sep = path.includes('?') ? '&' : '?';
    const r = await api('GET', cursor === null ? path : `${path}${sep}cursor=${encodeURIComponent(cursor)}`, token);
    assert.equal(r.status, 200, r.where);
    items.push(...r.body.items);
    cursor = r.body.next_cursor;
    if (cursor === null) return items;
  }
  throw new Error('too many pages');
}

const state = {};

before(async () => {
  assert.ok(BASE && BIN && DB_URL, 'set JISR_BASE_URL, JISR_BIN and JISR_DB_URL');
  state.cas = addUser('cas', 'provincial_coordinator', 'province:MA-CAS');
  state.rab = addUser('rab', 'provincial_coordinator', 'province:MA-RAB');
  state.worker = addUser('worker', 'social_worker', 'province:MA-CAS');
  state.supervisor = addUser('sup', 'national_supervisor', 'national');
  const create = async (token, person) => {
    const r = await api('POST', '/api/v1/people', token, { body: { ...person, confirm_new: true } });
    assert.equal(r.status, 201, r.where);
    return r.body;
  };
  const child = { sex: 'M', birth_date: '2015-04-09', province: 'MA-CAS', last_name_lat: `Alaoui${TAG}` };
  state.a = await create(state.cas, { ...child, first_name_lat: 'Youssef' });
  // The same child registered again: another spelling, and the Arabic given name.
  state.b = await create(state.cas, { ...child, first_name_lat: 'Youssouf', first_name_ar: 'يوسف' });
  // Someone else entirely, and the same names in Rabat (a pair Casablanca may not see).
  state.other = await create(state.cas, { ...child, first_name_lat: 'Khadija', sex: 'F', birth_date: '1988-01-20' });
  state.c = await create(state.rab, { ...child, province: 'MA-RAB', first_name_lat: 'Youssef' });
});

const ours = (items) => items.filter((r) => [r.person_a.id, r.person_b.id].every(
  (id) => [state.a.id, state.b.id, state.c.id, state.other.id].includes(id)));
const isPair = (r, x, y) => [r.person_a.id, r.person_b.id].sort().join() === [x.id, y.id].sort().join();

test('jisr dedup --db files the pair; the province coordinator sees it, another does not', async () => {
  const out = jisr(['dedup', '--db', DB_URL, '--log-level', 'warn']);
  assert.match(out, /likely pairs \d+ \(new \d+, already known \d+\)/, out);
  assert.match(out, /time: read [\d.e-]+ s, match [\d.e-]+ s, store [\d.e-]+ s/, out);

  const cas = ours(await listAll('/api/v1/duplicate-reviews?limit=100', state.cas));
  const pair = cas.find((r) => isPair(r, state.a, state.b));
  assert.ok(pair, `the pair (a, b) is pending for Casablanca: ${JSON.stringify(cas)}`);
  assert.equal(pair.status, 'pending');
  assert.ok(pair.score >= 0.5 && pair.score <= 1, `score ${pair.score}`);
  assert.ok(!cas.some((r) => r.person_a.id === state.other.id || r.person_b.id === state.other.id),
    'Khadija is nobody\'s duplicate');
  assert.ok(!cas.some((r) => r.person_a.id === state.c.id || r.person_b.id === state.c.id),
    'pairs with a Rabat person are not shown to Casablanca');
  const rab = ours(await listAll('/api/v1/duplicate-reviews?limit=100', state.rab));
  assert.ok(!rab.some((r) => isPair(r, state.a, state.b)), 'Rabat does not see Casablanca\'s pair');
  // A national supervisor sees the pair, and the cross-province ones.
  const nat = ours(await listAll('/api/v1/duplicate-reviews?limit=100', state.supervisor));
  assert.ok(nat.some((r) => isPair(r, state.a, state.b)));
  assert.ok(nat.some((r) => isPair(r, state.a, state.c)), JSON.stringify(nat.map((r) => [r.person_a.first_name_lat, r.person_b.first_name_lat])));
  state.pair = pair;

  // A social worker has no access to the queue.
  assert.equal((await api('GET', '/api/v1/duplicate-reviews', state.worker)).status, 403);
  assert.equal((await api('GET', '/api/v1/duplicate-reviews?status=bogus', state.cas)).status, 422);
});

test('the page lists the pair side by side, in French and in Arabic', async () => {
  for (const [lang, msgs] of [['fr', FR], ['ar', AR]]) {
    const r = await api('GET', `/duplicate-reviews?lang=${lang}&limit=500`, state.cas, { accept: 'text/html', lang });
    assert.equal(r.status, 200, r.where);
    assert.ok(r.text.includes(msgs['dedupreview.page.title']), `${lang} title`);
    const row = r.text.split('data-testid="review-row"').find((chunk) => chunk.includes(`data-id="${state.pair.id}"`));
    assert.ok(row, `${lang}: row of the pair`);
    assert.ok(row.includes(`href="/people/${state.a.id}"`) && row.includes(`href="/people/${state.b.id}"`));
    assert.ok(row.includes(state.a.file_number) && row.includes(state.b.file_number));
    assert.ok(row.includes('يوسف') && row.includes(`Youssouf Alaoui${TAG}`));
  }
  if ((await api('GET', '/duplicate-reviews?lang=ar', state.cas, { accept: 'text/html', lang: 'ar' })).text.includes('dir="rtl"') === false) {
    assert.fail('the Arabic page is right to left');
  }
});

test('dismiss: out of scope is 404, then dismissed once (409 after), audited, and a re-run keeps it dismissed', async () => {
  const path = `/api/v1/duplicate-reviews/${state.pair.id}/dismiss`;
  assert.equal((await api('POST', path, state.rab)).status, 404);
  assert.equal((await api('POST', path, state.worker)).status, 403);
  const r = await api('POST', path, state.cas);
  assert.equal(r.status, 200, r.where);
  assert.equal(r.body.status, 'dismissed');
  assert.ok(r.body.decided_at);
  assert.equal((await api('POST', path, state.cas)).status, 409);
  assert.equal((await api('POST', '/api/v1/duplicate-reviews/01ARZ3NDEKTSV4RRFFQ69G5FAV/dismiss', state.cas)).status, 404);

  jisr(['dedup', '--db', DB_URL, '--log-level', 'warn']);
  const pending = ours(await listAll('/api/v1/duplicate-reviews?limit=100', state.cas));
  assert.ok(!pending.some((x) => isPair(x, state.a, state.b)), 'not pending again after a re-run');
  const dismissed = ours(await listAll('/api/v1/duplicate-reviews?status=dismissed&limit=100', state.cas));
  assert.equal(dismissed.filter((x) => isPair(x, state.a, state.b)).length, 1, 'one row, still dismissed');
  assert.equal(dismissed.find((x) => isPair(x, state.a, state.b)).id, state.pair.id);
});

test('the main navigation links to the queue for those with person.dedup_review only', async () => {
  const navLink = (html) => html.match(/<a\b[^>]*href="\/duplicate-reviews"[^>]*>([^<]*)<\/a>/);
  for (const [lang, msgs] of [['fr', FR], ['ar', AR]]) {
    for (const token of [state.cas, state.supervisor]) {
      const r = await api('GET', `/people?lang=${lang}`, token, { accept: 'text/html', lang });
      assert.equal(r.status, 200, r.where);
      const link = navLink(r.text);
      assert.ok(link, `${lang}: the navigation has the link`);
      assert.equal(link[1].trim(), msgs['dedupreview.nav']);
      assert.ok(!link[0].includes('aria-current'), 'not the current page on /people');
    }
  }
  // On the queue itself the link is the current page.
  const page = await api('GET', '/duplicate-reviews', state.cas, { accept: 'text/html' });
  assert.match(navLink(page.text)[0], /aria-current="page"/);
  // A social worker (no person.dedup_review) reads files but gets no link.
  const worker = await api('GET', '/people', state.worker, { accept: 'text/html' });
  assert.equal(worker.status, 200, worker.where);
  assert.ok(worker.text.includes('href="/people"'), 'the worker has a navigation');
  assert.equal(navLink(worker.text), null, 'no link for a social worker');
});
