// Pages under concurrent load against a running server (found by `make bench`): a handler
// that holds a pooled database connection while something it calls borrows a second one
// drains the pool as soon as every request thread does it at once; requests then wait for
// the pool's timeout (5 s) and fail with 503.
//
//   JISR_BASE_URL=http://127.0.0.1:8080 JISR_BIN=$PWD/build/jisr JISR_DB_URL=sqlite:/tmp/jisr.db \
//     node --test tests/api/concurrency.test.mjs
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { BASE, BIN, DB_URL, latinLetters, newSuffix } from '../lib/env.mjs';
import { addUser, cliToken } from '../lib/cli.mjs';
import { api, sessionCookie } from '../lib/http.mjs';
import { createPerson } from '../lib/people.mjs';

const PASSWORD = 'a-long-password-123';
const SUFFIX = newSuffix();
const TAG = latinLetters(SUFFIX);

let token;
let session;
let personId;
let caseId;

before(async () => {
  assert.ok(BASE && BIN && DB_URL, 'set JISR_BASE_URL, JISR_BIN and JISR_DB_URL');
  const username = addUser({
    username: `concurrency-coord-${SUFFIX}`, role: 'provincial_coordinator', scope: 'province:MA-CAS',
    password: PASSWORD,
  });
  token = cliToken(username);
  personId = (await createPerson(token, TAG, { first_name_lat: `Karim${TAG}`, last_name_lat: `Tazi${TAG}`, sex: 'M' })).id;
  // A provincial coordinator names the case's owner organization (docs/casework.md).
  const org = await api('POST', '/api/v1/organizations', token, {
    kind: 'association', name_fr: `Concurrence ${TAG}`, name_ar: `جمعية ${TAG}`, province: 'MA-CAS',
  });
  assert.equal(org.status, 201, org.where);
  const c = await api('POST', '/api/v1/cases', token, {
    person_id: personId, module: 'child_protection', risk_level: 'high', owner_org: org.body.id,
  });
  assert.equal(c.status, 201, c.where);
  caseId = c.body.id;
  session = await sessionCookie(username, PASSWORD);
});

// Fires `n` GETs of `path` at once; returns the statuses of those that did not answer 200
// (with the start of their body) and the wall time of the whole batch.
async function burst(path, headers, n = 64) {
  const started = Date.now();
  const answers = await Promise.all(Array.from({ length: n }, async () => {
    const res = await fetch(`${BASE}${path}`, { headers: { accept: 'text/html', ...headers }, redirect: 'manual' });
    const text = await res.text();
    return { status: res.status, text };
  }));
  const elapsed = Date.now() - started;
  const failed = answers.filter((a) => a.status !== 200).map((a) => `${a.status} ${a.text.slice(0, 120)}`);
  return { failed, elapsed, answers };
}

test('64 concurrent requests for a person file page all answer 200, without waiting for the pool timeout', async () => {
  const { failed, elapsed } = await burst(`/people/${personId}`, { authorization: `Bearer ${token}` });
  assert.deepEqual(failed, [], 'every request answered 200');
  assert.ok(elapsed < 4000, `64 pages took ${elapsed} ms (the pool gives up after 5000 ms)`);
});

test('64 concurrent requests for a case page (signed-in session) all answer 200, without waiting for the pool timeout', async () => {
  const { failed, elapsed, answers } = await burst(`/cases/${caseId}`, { cookie: session });
  assert.deepEqual(failed, [], 'every request answered 200');
  assert.ok(answers.every((a) => a.text.includes(`Karim${TAG}`)), 'each answer is the case page of the person');
  assert.ok(elapsed < 4000, `64 case pages took ${elapsed} ms (the pool gives up after 5000 ms)`);
});
