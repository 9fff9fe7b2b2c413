// The administrator's way to an undo: the survivor's address lists the records merged into
// it, each linking to its own undo page (an administrator reads no files, so this is the
// undo page of the survivor, with file numbers only). Coordinators, who merge but do not
// unmerge, see their usual file without the list.
//
//   JISR_BASE_URL=http://127.0.0.1:8080 JISR_BIN=$PWD/build/jisr JISR_DB_URL=sqlite:/tmp/jisr.db \
//     node --test tests/api/merged-records.test.mjs
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { BASE, BIN, DB_URL, catalog, latinLetters, newSuffix } from '../lib/env.mjs';
import { addUser, cliToken } from '../lib/cli.mjs';
import { api } from '../lib/http.mjs';
import { createPerson } from '../lib/people.mjs';

const PASSWORD = 'a-long-password-123';
const SUFFIX = newSuffix();
const FR = catalog('fr', 'person');
const AR = catalog('ar', 'person');
const T = {};
const P = {};

const page = (path, token, lang = 'fr') => api('GET', path, token, undefined, { accept: 'text/html', 'accept-language': lang });
// The [file number, href] of each entry of the "merged records" list of a page, in order.
const mergedRecords = (html) => [...html.matchAll(
  /data-testid="merged-record"><a href="([^"]*)" data-testid="merged-record-link"><code[^>]*>([^<]*)<\/code>/g,
)].map((m) => [m[2], m[1]]);

before(async () => {
  assert.ok(BASE && BIN && DB_URL, 'set JISR_BASE_URL, JISR_BIN and JISR_DB_URL');
  for (const [key, role] of [['admin', 'admin'], ['cas', 'provincial_coordinator']]) {
    const username = addUser({ username: `merged-${key}-${SUFFIX}`, role, scope: key === 'admin' ? 'national' : 'province:MA-CAS', password: PASSWORD });
    T[key] = cliToken(username);
  }
  let n = 0;
  for (const key of ['survivor', 'first', 'second', 'other']) {
    n += 1;
    P[key] = await createPerson(T.cas, latinLetters(`${SUFFIX}${n}`));
  }
  for (const key of ['first', 'second']) {
    const r = await api('POST', `/api/v1/people/${P[key].id}/merge`, T.cas, { into: P.survivor.id });
    assert.equal(r.status, 200, r.where);
  }
});

test('an administrator opening the survivor gets the list of merged records, linking to their undo pages', async () => {
  for (const [lang, msgs] of [['fr', FR], ['ar', AR]]) {
    const r = await page(`/people/${P.survivor.id}?lang=${lang}`, T.admin, lang);
    assert.equal(r.status, 200, r.where);
    assert.ok(r.text.includes(msgs['person.unmerge.merged_records']), `${lang}: the list's title`);
    assert.ok(r.text.includes(P.survivor.file_number), 'the survivor\'s file number');
    assert.ok(!r.text.includes(P.survivor.first_name_lat), 'no name: administrators read no files');
    assert.deepEqual(mergedRecords(r.text).sort(), [
      [P.first.file_number, `/people/${P.first.id}`], [P.second.file_number, `/people/${P.second.id}`],
    ].sort());
    assert.ok(!r.text.includes('data-testid="unmerge-form"'), 'the survivor itself has no merge to undo');
  }
  // The link leads to the merged record's undo page.
  const undo = await page(`/people/${P.first.id}`, T.admin);
  assert.equal(undo.status, 200, undo.where);
  assert.match(undo.text, new RegExp(`<form method="post" action="/people/${P.first.id}/unmerge" data-testid="unmerge-form"`));
});

test('an undone merge leaves the list; a record with nothing merged into it stays forbidden to the administrator', async () => {
  const r = await api('POST', `/api/v1/people/${P.first.id}/unmerge`, T.admin, {});
  assert.equal(r.status, 200, r.where);
  const after = await page(`/people/${P.survivor.id}`, T.admin);
  assert.equal(after.status, 200, after.where);
  assert.deepEqual(mergedRecords(after.text), [[P.second.file_number, `/people/${P.second.id}`]]);
  assert.equal((await page(`/people/${P.other.id}`, T.admin)).status, 403);
  assert.equal((await page(`/people/${P.first.id}`, T.admin)).status, 403, 'active again, nothing merged into it');
});

test('a coordinator (merges, does not unmerge) sees the file without the list', async () => {
  const r = await page(`/people/${P.survivor.id}`, T.cas);
  assert.equal(r.status, 200, r.where);
  assert.ok(r.text.includes(P.survivor.first_name_lat), 'the file');
  assert.ok(!r.text.includes('data-testid="merged-records"'), r.where);
});
