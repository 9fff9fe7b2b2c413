// Pages under concurrent load against a running server (found by `make bench`): a handler
// that holds a pooled database connection while something it calls borrows a second one
// drains the pool as soon as every request thread does it at once; requests then wait for
// the pool's timeout (5 s) and fail with 503.
//
//   JISR_BASE_URL=http://127.0.0.1:8080 JISR_BIN=$PWD/build/jisr JISR_DB_URL=sqlite:/tmp/jisr.db \
//     node --test tests/api/concurrency.test.mjs
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';

const BASE = (process.env.JISR_BASE_URL || '').replace(/\/+$/, '');
const BIN = process.env.JISR_BIN || '';
const DB_URL = process.env.JISR_DB_URL || '';
const SUFFIX = randomBytes(4).toString('hex');
const TAG = [...SUFFIX].map((c) => 'abcdefghijklmnop'[parseInt(c, 16)]).join('');

const jisr = (args, input) => execFileSync(BIN, args, {
  input, encoding: 'utf8', stdio: ['pipe', 'pipe', 'pipe'], timeout: 30_000,
});

let token;
let personId;

before(async () => {
  assert.ok(BASE && BIN && DB_URL, 'set JISR_BASE_URL, JISR_BIN and JISR_DB_URL');
  const username = `concurrency-coord-${SUFFIX}`;
  jisr(['user', 'add', '--db', DB_URL, '--username', username, '--role', 'provincial_coordinator',
    '--scope', 'province:MA-CAS', '--password-stdin'], 'a-long-password-123\n');
  token = jisr(['token', 'create', '--db', DB_URL, '--user', username]).trim();
  const res = await fetch(`${BASE}/api/v1/people`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json', accept: 'application/json' },
    body: JSON.stringify({
      first_name_lat: `Karim${TAG}`, last_name_lat: `Tazi${TAG}`, sex: 'M', birth_date: '2014-02-03',
      birth_date_precision: 'exact', province: 'MA-CAS', target_groups: ['children_without_family'],
      consent: { given: true }, confirm_new: true,
    }),
  });
  const text = await res.text();
  assert.equal(res.status, 201, text);
  personId = JSON.parse(text).id;
});

test('64 concurrent requests for a person file page all answer 200, without waiting for the pool timeout', async () => {
  const started = Date.now();
  const statuses = await Promise.all(Array.from({ length: 64 }, async () => {
    const res = await fetch(`${BASE}/people/${personId}`, {
      headers: { authorization: `Bearer ${token}`, accept: 'text/html' },
    });
    await res.arrayBuffer();
    return res.status;
  }));
  const elapsed = Date.now() - started;
  assert.deepEqual(statuses.filter((s) => s !== 200), [], 'every request answered 200');
  assert.ok(elapsed < 4000, `64 pages took ${elapsed} ms (the pool gives up after 5000 ms)`);
});
