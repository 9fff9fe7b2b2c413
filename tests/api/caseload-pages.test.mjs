// The caseload page (GET /caseload) in pages of 25 cases against a running server, on both
// databases: a worker with 27 open cases (26 opened by them, one opened by a colleague and
// assigned to them) and one closed case sees 25 rows, the range "1 to 25 of 27" and a next
// link, then the last 2 rows with a previous link; a page past the end shows the last page;
// a colleague's own cases never appear. Pages are read with a bearer token, the language
// from the jisr_lang cookie.
//
//   JISR_BASE_URL=... JISR_BIN=... JISR_DB_URL=... node --test tests/api/caseload-pages.test.mjs
import { describe, test, before } from 'node:test';
import assert from 'node:assert/strict';
import { BASE, BIN, DB_URL, latinLetters, newSuffix } from '../lib/env.mjs';
import { addUser, cliToken } from '../lib/cli.mjs';
import { api, request } from '../lib/http.mjs';
import { createPerson } from '../lib/people.mjs';

const PASSWORD = 'a-long-password-123';
const SUFFIX = newSuffix();
let counter = 0;
const tag = () => latinLetters(`${SUFFIX}${(counter += 1).toString(16)}`);
const S = { tok: {}, mine: new Set(), others: new Set() };

const user = (name, role, scope, org) =>
  cliToken(addUser({ username: `cl-${name}-${SUFFIX}`, role, scope, org, password: PASSWORD }));

async function openCase(token, body) {
  const r = await api('POST', '/api/v1/cases', token, { module: 'child_protection', ...body });
  assert.equal(r.status, 201, r.where);
  return r.body;
}

// The caseload page in `lang`: its case ids (in order), the range text and the pager links.
async function caseload(token, query = '', lang = 'en') {
  const r = await request('GET', `/caseload${query}`, {
    token, headers: { accept: 'text/html', cookie: `jisr_lang=${lang}` },
  });
  assert.equal(r.status, 200, r.where);
  const ids = [...r.text.matchAll(/data-testid="case-row" data-id="([^"]+)"/g)].map((m) => m[1]);
  const range = (r.text.match(/data-testid="caseload-range">([^<]*)</) ?? [])[1];
  const link = (rel) => (r.text.match(new RegExp(`href="([^"]*)" rel="${rel}"`)) ?? [])[1];
  return { ids, range, prev: link('prev'), next: link('next'), text: r.text };
}

before(async () => {
  assert.ok(BASE && BIN && DB_URL, 'JISR_BASE_URL, JISR_BIN and JISR_DB_URL must be set');
  const admin = user('admin', 'admin', 'national');
  const org = await api('POST', '/api/v1/organizations', admin,
    { kind: 'association', name_fr: `Caseload ${SUFFIX}`, province: 'MA-CAS' });
  assert.equal(org.status, 201, org.where);
  S.tok.sw = user('sw', 'social_worker', 'province:MA-CAS', org.body.id);
  S.tok.colleague = user('colleague', 'social_worker', 'province:MA-CAS', org.body.id);
  S.tok.empty = user('empty', 'social_worker', 'province:MA-CAS', org.body.id);
  const me = await api('GET', '/api/v1/me', S.tok.sw);
  assert.equal(me.status, 200, me.where);
  for (let i = 0; i < 26; i += 1) {
    const p = await createPerson(S.tok.sw, tag());
    S.mine.add((await openCase(S.tok.sw, { person_id: p.id })).id);
  }
  const assigned = await openCase(S.tok.colleague,
    { person_id: (await createPerson(S.tok.colleague, tag())).id, assigned_user_id: me.body.id });
  S.mine.add(assigned.id);
  S.others.add((await openCase(S.tok.colleague,
    { person_id: (await createPerson(S.tok.colleague, tag())).id })).id);
  // A closed case of the worker is not on the caseload.
  const closed = await openCase(S.tok.sw, { person_id: (await createPerson(S.tok.sw, tag())).id });
  const r = await api('POST', `/api/v1/cases/${closed.id}/transition`, S.tok.sw,
    { to: 'closed', closure_reason: 'goals_achieved' });
  assert.equal(r.status, 200, r.where);
  S.others.add(closed.id);
});

describe('caseload pages', () => {
  test('25 cases a page, with the count and a link to the next page', async () => {
    const first = await caseload(S.tok.sw);
    assert.equal(first.ids.length, 25);
    assert.equal(first.range, 'Cases 1 to 25 of 27');
    assert.equal(first.prev, undefined);
    assert.equal(first.next, '/caseload?page=2');
    const second = await caseload(S.tok.sw, '?page=2');
    assert.equal(second.ids.length, 2);
    assert.equal(second.range, 'Cases 26 to 27 of 27');
    assert.equal(second.prev, '/caseload?page=1');
    assert.equal(second.next, undefined);
    const all = [...first.ids, ...second.ids];
    assert.deepEqual(new Set(all), S.mine, 'owned and assigned open cases, each once');
    assert.deepEqual([...all].sort(), all, 'ordered by case id');
    for (const id of S.others) assert.ok(!all.includes(id), `case ${id} is not the worker's open case`);
  });

  test('a page past the end, or not a number, shows the last or the first page', async () => {
    assert.equal((await caseload(S.tok.sw, '?page=9')).range, 'Cases 26 to 27 of 27');
    assert.equal((await caseload(S.tok.sw, '?page=x')).range, 'Cases 1 to 25 of 27');
    assert.equal((await caseload(S.tok.sw, '?page=0')).range, 'Cases 1 to 25 of 27');
  });

  test('the range and the links in French and Arabic', async () => {
    const fr = await caseload(S.tok.sw, '?page=2', 'fr');
    assert.equal(fr.range, 'Dossiers 26 à 27 sur 27');
    assert.match(fr.text, /Page précédente/);
    const ar = await caseload(S.tok.sw, '', 'ar');
    assert.equal(ar.range, 'الملفات من 1 إلى 25 من أصل 27');
    assert.match(ar.text, /الصفحة التالية/);
  });

  test('one page needs no pager; no case shows the empty state', async () => {
    const colleague = await caseload(S.tok.colleague);
    assert.equal(colleague.ids.length, 2);
    assert.equal(colleague.range, undefined);
    assert.equal(colleague.next, undefined);
    const none = await caseload(S.tok.empty);
    assert.equal(none.ids.length, 0);
    assert.match(none.text, /data-testid="caseload-empty"/);
  });
});
