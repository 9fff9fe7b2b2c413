// The administrators' list of merges (GET /people/merges and GET /api/v1/people/merges):
// file numbers of both records, when and by whom, never a name; each row links to the
// merged record's undo page; an undone merge leaves the active list. Coordinators and
// social workers (who do not unmerge) get 403 and no navigation link.
//
//   JISR_BASE_URL=http://127.0.0.1:8080 JISR_BIN=$PWD/build/jisr JISR_DB_URL=sqlite:/tmp/jisr.db \
//     node --test tests/api/person-merges.test.mjs
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { BASE, BIN, DB_URL, catalog, latinLetters, newSuffix } from '../lib/env.mjs';
import { addUser, cliToken } from '../lib/cli.mjs';
import { api } from '../lib/http.mjs';
import { createPerson } from '../lib/people.mjs';

const PASSWORD = 'a-long-password-123';
const SUFFIX = newSuffix();
const T = {};
const U = {};
const P = {};

const page = (path, token, lang = 'fr') => api('GET', path, token, undefined, { accept: 'text/html', 'accept-language': lang });
// The [merged file number, href, survivor file number, state] of each row of the page.
const rows = (html) => [...html.matchAll(
  /<tr data-testid="merge-row">\s*<th[^>]*><a class="list-table__link" href="([^"]*)" data-testid="merge-link"><code[^>]*>([^<]*)<\/code><\/a><\/th>\s*<td[^>]*><code[^>]*data-testid="merge-into">([^<]*)<\/code>[\s\S]*?data-testid="merge-state">([^<]*)<\/td>/g,
)].map((m) => ({ href: m[1], file_number: m[2], into_file_number: m[3], state: m[4] }));
const nextHref = (html) => (html.match(/href="([^"]*)" rel="next" data-testid="next-page"/) || [])[1]?.replaceAll('&amp;', '&');

before(async () => {
  assert.ok(BASE && BIN && DB_URL, 'set JISR_BASE_URL, JISR_BIN and JISR_DB_URL');
  for (const [key, role, scope] of [['admin', 'admin', 'national'], ['cas', 'provincial_coordinator', 'province:MA-CAS'],
    ['sw', 'social_worker', 'province:MA-CAS']]) {
    U[key] = addUser({ username: `pm-${key}-${SUFFIX}`, role, scope, password: PASSWORD });
    T[key] = cliToken(U[key]);
  }
  let n = 0;
  for (const key of ['survivor', 'first', 'second']) {
    n += 1;
    P[key] = await createPerson(T.cas, latinLetters(`${SUFFIX}${n}`));
  }
  for (const key of ['first', 'second']) {
    const r = await api('POST', `/api/v1/people/${P[key].id}/merge`, T.cas, { into: P.survivor.id });
    assert.equal(r.status, 200, r.where);
  }
});

test('the administrator finds a coordinator\'s merge in the list: both file numbers, no name, a link to the undo page', async () => {
  for (const lang of ['fr', 'ar', 'en']) {
    const msgs = catalog(lang, 'person');
    const r = await page(`/people/merges?lang=${lang}&limit=500`, T.admin, lang);
    assert.equal(r.status, 200, r.where);
    assert.ok(r.text.includes(msgs['person.page.merges']), `${lang}: the title`);
    if (lang === 'ar') assert.match(r.text, /<html[^>]*dir="rtl"/);
    assert.match(r.text, /data-testid="nav-person-merges"[^>]*aria-current="page"/, `${lang}: the navigation link, current`);
    const mine = rows(r.text).filter((x) => x.into_file_number === P.survivor.file_number);
    assert.deepEqual(mine.map((x) => [x.file_number, x.href]).sort(), [
      [P.first.file_number, `/people/${P.first.id}`], [P.second.file_number, `/people/${P.second.id}`],
    ].sort());
    for (const x of mine) assert.equal(x.state, msgs['person.merges.state_active']);
    for (const p of [P.survivor, P.first, P.second]) {
      assert.ok(!r.text.includes(p.first_name_lat) && !r.text.includes(p.first_name_ar), 'no name: administrators read no files');
    }
  }
  const undo = await page(`/people/${P.first.id}`, T.admin);
  assert.equal(undo.status, 200, undo.where);
  assert.match(undo.text, new RegExp(`<form method="post" action="/people/${P.first.id}/unmerge" data-testid="unmerge-form"`));
});

test('the API lists the same merge with who merged it, and no name', async () => {
  const r = await api('GET', '/api/v1/people/merges?limit=500', T.admin);
  assert.equal(r.status, 200, r.where);
  const m = r.body.items.find((x) => x.person_id === P.second.id);
  assert.ok(m, 'the merge is listed');
  assert.equal(m.file_number, P.second.file_number);
  assert.equal(m.into_id, P.survivor.id);
  assert.equal(m.into_file_number, P.survivor.file_number);
  assert.equal(m.merged_by, U.cas);
  assert.equal(m.undone, false);
  assert.ok(!JSON.stringify(r.body).includes(P.second.first_name_lat), 'no name');
  const at = r.body.items.map((x) => x.merged_at);
  assert.deepEqual(at, [...at].sort().reverse(), 'newest first');
});

test('after the undo the merge leaves the active list, and stays with include_undone=1', async () => {
  // The undo page's form, as the administrator submits it.
  const r = await api('POST', `/api/v1/people/${P.first.id}/unmerge`, T.admin, {});
  assert.equal(r.status, 200, r.where);
  const active = await page('/people/merges?limit=500', T.admin);
  assert.ok(!rows(active.text).some((x) => x.href === `/people/${P.first.id}`), 'undone: not in the active list');
  assert.ok(rows(active.text).some((x) => x.href === `/people/${P.second.id}`), 'the other one stays');
  const api1 = await api('GET', '/api/v1/people/merges?limit=500', T.admin);
  assert.ok(!api1.body.items.some((x) => x.person_id === P.first.id));
  assert.ok(api1.body.items.some((x) => x.person_id === P.second.id));
  const all = await api('GET', '/api/v1/people/merges?limit=500&include_undone=1', T.admin);
  const undone = all.body.items.find((x) => x.person_id === P.first.id);
  assert.ok(undone, 'listed with include_undone=1');
  assert.equal(undone.undone, true);
  assert.ok(undone.undone_at);
  const allPage = await page('/people/merges?include_undone=1&limit=500', T.admin);
  const row = rows(allPage.text).find((x) => x.href === `/people/${P.first.id}`);
  assert.equal(row?.state, catalog('fr', 'person')['person.merges.state_undone']);
});

test('coordinators and social workers get 403 and no navigation link', async () => {
  for (const key of ['cas', 'sw']) {
    assert.equal((await page('/people/merges', T[key])).status, 403, key);
    const a = await api('GET', '/api/v1/people/merges', T[key]);
    assert.equal(a.status, 403, key);
    assert.equal(a.body.error.code, 'forbidden');
    const home = await page('/', T[key]);
    assert.equal(home.status, 200, home.where);
    assert.ok(!home.text.includes('href="/people/merges"'), `${key}: no link`);
  }
  const adminHome = await page('/', T.admin);
  assert.ok(adminHome.text.includes('href="/people/merges"'), 'the administrator has the link');
});

test('25 merges a page; the next page continues without repeats; a bad cursor is refused', async () => {
  const survivor = await createPerson(T.cas, latinLetters(`${SUFFIX}ff`));
  const ids = new Set();
  for (let i = 0; i < 26; i += 1) {
    const p = await createPerson(T.cas, latinLetters(`${SUFFIX}e${i.toString(16).padStart(2, '0')}`));
    const r = await api('POST', `/api/v1/people/${p.id}/merge`, T.cas, { into: survivor.id });
    assert.equal(r.status, 200, r.where);
    ids.add(`/people/${p.id}`);
  }
  const first = await page('/people/merges', T.admin);
  const firstRows = rows(first.text);
  assert.equal(firstRows.length, 25, 'a page holds 25 merges');
  // Walking the next-page links finds all 26, each once.
  const seen = firstRows.map((x) => x.href);
  let next = nextHref(first.text);
  assert.ok(next, 'a next-page link');
  for (let pages = 0; next && pages < 40 && ![...ids].every((id) => seen.includes(id)); pages += 1) {
    const r = await page(next, T.admin);
    assert.equal(r.status, 200, r.where);
    assert.match(r.text, /data-testid="first-page"/);
    seen.push(...rows(r.text).map((x) => x.href));
    next = nextHref(r.text);
  }
  assert.equal(new Set(seen).size, seen.length, 'no repeats');
  assert.ok([...ids].every((id) => seen.includes(id)), 'all 26 merges are found');
  // The API pages the same way with a small limit.
  const a = await api('GET', '/api/v1/people/merges?limit=2', T.admin);
  assert.equal(a.body.items.length, 2);
  const b = await api('GET', `/api/v1/people/merges?limit=2&cursor=${a.body.next_cursor}`, T.admin);
  assert.equal(b.status, 200, b.where);
  assert.ok(!b.body.items.some((x) => a.body.items.some((y) => y.id === x.id)));
  assert.equal((await api('GET', '/api/v1/people/merges?cursor=garbage', T.admin)).status, 400);
});
