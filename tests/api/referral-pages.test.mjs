// The referrals page (GET /referrals) in pages of 20 per queue against a running server, on
// both databases. Organization A sends 23 referrals to B; C (another province) sends one to
// B and one to D. A's outgoing queue shows 20 then 3 (newest first), with the range and the
// links; B's incoming queue shows 24 (pending first, oldest first; an answered one goes after
// them) and the answer forms keep the page; C's referral to D is on no page of A or B. Pages
// are read with a bearer token, the language from the jisr_lang cookie.
//
//   JISR_BASE_URL=... JISR_BIN=... JISR_DB_URL=... node --test tests/api/referral-pages.test.mjs
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
const S = { tok: {}, org: {}, aToB: [], cToB: null, cToD: null };

const user = (name, role, scope, org) =>
  cliToken(addUser({ username: `rp-${name}-${SUFFIX}`, role, scope, org, password: PASSWORD }));

// A new referral of a new case of `token`'s organization to `to`; its id.
async function refer(token, province, to) {
  const p = await createPerson(token, tag(), { province });
  const c = await api('POST', '/api/v1/cases', token, { person_id: p.id, module: 'child_protection' });
  assert.equal(c.status, 201, c.where);
  const r = await api('POST', '/api/v1/referrals', token,
    { case_id: c.body.id, to_org: to, reason: `Orientation ${SUFFIX}`, consent: true });
  assert.equal(r.status, 201, r.where);
  return r.body.id;
}

// The referrals page in `lang`: the ids of each queue (in order), their ranges and links.
async function page(token, query = '', lang = 'en') {
  const r = await request('GET', `/referrals${query}`, {
    token, headers: { accept: 'text/html', cookie: `jisr_lang=${lang}` },
  });
  assert.equal(r.status, 200, r.where);
  const ids = (q) => [...r.text.matchAll(new RegExp(`data-testid="${q}-referral" data-id="([^"]+)"`, 'g'))]
    .map((m) => m[1]);
  const range = (q) => (r.text.match(new RegExp(`data-testid="${q}-range">([^<]*)<`)) ?? [])[1];
  const link = (q, rel) => (r.text.match(new RegExp(`href="([^"]*)" rel="${rel}" data-testid="${q}-`)) ?? [])[1]
    ?.replaceAll('&amp;', '&');
  const queue = (q) => ({ ids: ids(q), range: range(q), prev: link(q, 'prev'), next: link(q, 'next') });
  return { incoming: queue('incoming'), outgoing: queue('outgoing'), text: r.text, bytes: r.text.length };
}

before(async () => {
  assert.ok(BASE && BIN && DB_URL, 'JISR_BASE_URL, JISR_BIN and JISR_DB_URL must be set');
  const admin = user('admin', 'admin', 'national');
  for (const [key, province] of [['A', 'MA-CAS'], ['B', 'MA-CAS'], ['C', 'MA-RAB'], ['D', 'MA-RAB']]) {
    const r = await api('POST', '/api/v1/organizations', admin,
      { kind: 'association', name_fr: `Orientations ${key} ${SUFFIX}`, province });
    assert.equal(r.status, 201, r.where);
    S.org[key] = r.body.id;
  }
  S.tok.A = user('a', 'social_worker', 'province:MA-CAS', S.org.A);
  S.tok.B = user('b', 'social_worker', 'province:MA-CAS', S.org.B);
  S.tok.C = user('c', 'social_worker', 'province:MA-RAB', S.org.C);
  for (let i = 0; i < 23; i += 1) S.aToB.push(await refer(S.tok.A, 'MA-CAS', S.org.B));
  S.cToB = await refer(S.tok.C, 'MA-RAB', S.org.B);
  S.cToD = await refer(S.tok.C, 'MA-RAB', S.org.D);
});

describe('referral queue pages', () => {
  test('outgoing: 20 a page, newest first, with the count and the links', async () => {
    const first = await page(S.tok.A);
    assert.equal(first.outgoing.ids.length, 20);
    assert.equal(first.outgoing.range, 'Referrals 1 to 20 of 23');
    assert.equal(first.outgoing.prev, undefined);
    assert.equal(first.outgoing.next, '/referrals?outgoing_page=2#outgoing-title');
    assert.deepEqual(first.incoming.ids, [], 'nothing sent to A');
    assert.equal(first.incoming.range, undefined, 'one page needs no pager');
    const second = await page(S.tok.A, '?outgoing_page=2');
    assert.equal(second.outgoing.ids.length, 3);
    assert.equal(second.outgoing.range, 'Referrals 21 to 23 of 23');
    assert.equal(second.outgoing.prev, '/referrals#outgoing-title');
    assert.equal(second.outgoing.next, undefined);
    const all = [...first.outgoing.ids, ...second.outgoing.ids];
    assert.deepEqual(all, [...S.aToB].reverse(), 'every referral of A once, newest first');
    for (const id of [S.cToB, S.cToD]) assert.ok(!all.includes(id), 'not a referral of A');
    assert.ok(first.bytes < 60000, `page of ${first.bytes} bytes`);
  });

  test('incoming: pending first, oldest first; an answered one goes after them; forms keep the page', async () => {
    const first = await page(S.tok.B);
    assert.equal(first.incoming.range, 'Referrals 1 to 20 of 24');
    assert.deepEqual(first.incoming.ids, S.aToB.slice(0, 20));
    assert.equal(first.incoming.next, '/referrals?incoming_page=2#incoming-title');
    assert.deepEqual(first.outgoing.ids, []);
    const second = await page(S.tok.B, '?incoming_page=2');
    assert.deepEqual(second.incoming.ids, [...S.aToB.slice(20), S.cToB]);
    assert.ok(!first.text.includes(S.cToD) && !second.text.includes(S.cToD), "C's referral to D is not B's");
    assert.match(second.text, new RegExp(`action="/referrals/${S.cToB}/accept\\?incoming_page=2"`));
    const accepted = await api('POST', `/api/v1/referrals/${S.aToB[0]}/accept`, S.tok.B, {});
    assert.equal(accepted.status, 200, accepted.where);
    const after = await page(S.tok.B);
    assert.deepEqual(after.incoming.ids, S.aToB.slice(1, 21));
    const last = await page(S.tok.B, '?incoming_page=2');
    assert.deepEqual(last.incoming.ids, [...S.aToB.slice(21), S.cToB, S.aToB[0]]);
  });

  test('the pages of both queues are kept in each link; a page past the end shows the last', async () => {
    const both = await page(S.tok.B, '?incoming_page=2&outgoing_page=7');
    assert.equal(both.incoming.prev, '/referrals#incoming-title');
    const past = await page(S.tok.A, '?outgoing_page=9');
    assert.equal(past.outgoing.range, 'Referrals 21 to 23 of 23');
    assert.equal((await page(S.tok.A, '?outgoing_page=x')).outgoing.range, 'Referrals 1 to 20 of 23');
  });

  test('out of scope: C sees only its own two referrals', async () => {
    const c = await page(S.tok.C);
    assert.deepEqual(c.outgoing.ids, [S.cToD, S.cToB]);
    assert.deepEqual(c.incoming.ids, []);
    for (const id of S.aToB) assert.ok(!c.text.includes(id));
  });

  test('the range in French and Arabic', async () => {
    assert.equal((await page(S.tok.A, '?outgoing_page=2', 'fr')).outgoing.range, 'Orientations 21 à 23 sur 23');
    const ar = await page(S.tok.A, '', 'ar');
    assert.equal(ar.outgoing.range, 'التوجيهات من 1 إلى 20 من أصل 23');
    assert.match(ar.text, /dir="rtl"/);
  });
});
