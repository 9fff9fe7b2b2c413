// `jisr demo-data` on a database of its own (never the server's: it would add people that
// other test files see): a SQLite temp file, or on PostgreSQL a database created for the
// test on the same throwaway cluster and dropped after. Checks the counts it prints against
// the database, every workflow state, one account per role, and that `jisr audit verify`
// passes on the loaded data.
//
//   JISR_BIN=$PWD/build/jisr JISR_DB_URL=... JISR_DB_ENGINE=sqlite|postgres node --test tests/api/demo-data.test.mjs
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { BIN } from '../lib/env.mjs';
import { run } from '../lib/cli.mjs';
import { scratchDb } from '../lib/scratch-db.mjs';

let db = null;
let dir = '';
let url = '';
const count = (query) => db.count(query);

before(() => {
  assert.ok(BIN, 'set JISR_BIN to the absolute path of the jisr binary');
  db = scratchDb('demo-data');
  ({ dir, url } = db);
});

after(() => db?.drop());

test('demo-data loads 200 people through the services, with every state and role, and the audit chain verifies', () => {
  const truth = join(dir, 'truth.csv');
  const r = run(BIN, ['demo-data', '--people', '200', '--seed', '7', '--institutions', '100',
    '--db', url, '--truth-out', truth, '--log-level', 'warn'], undefined, 120_000);
  assert.equal(r.status, 0, r.stderr);
  const printed = (what) => Number(new RegExp(`(\\d+) ${what}`).exec(r.stdout)?.[1]);

  const people = printed('people');
  const dups = Number(/\((\d+) hidden duplicates\)/.exec(r.stdout)?.[1]);
  assert.equal(people, 200 + dups);
  assert.ok(dups >= 2, r.stdout);
  assert.equal(count('SELECT COUNT(*) FROM people'), people);
  assert.equal(count('SELECT COUNT(*) FROM cases'), printed('cases'));
  assert.ok(printed('cases') > 150 && printed('cases') < 200, r.stdout);
  assert.equal(count('SELECT COUNT(*) FROM case_services'), printed('services'));
  assert.ok(printed('services') > 600, r.stdout);
  assert.equal(count("SELECT COUNT(*) FROM organizations WHERE kind = 'eps'"), printed('institutions'));
  assert.equal(count('SELECT COUNT(*) FROM audit_log'), printed('audited writes'));

  for (const status of ['open', 'assessment', 'plan', 'services', 'review', 'closed']) {
    assert.ok(count(`SELECT COUNT(*) FROM cases WHERE status = '${status}'`) > 0, status);
  }
  assert.ok(count("SELECT COUNT(*) FROM case_transitions WHERE from_status = 'closed' AND to_status = 'open'") > 0, 'reopened');
  for (const status of ['pending', 'accepted', 'declined', 'completed']) {
    assert.ok(count(`SELECT COUNT(*) FROM referrals WHERE status = '${status}'`) > 0, status);
  }
  assert.equal(count('SELECT COUNT(DISTINCT role) FROM users'), 9);
  for (const login of ['admin', 'supervisor', 'regional', 'coordinator', 'director', 'socialworker',
    'association', 'inspector', 'auditor']) {
    assert.match(r.stdout, new RegExp(` ${login} / jisr-demo-2026 `), login);
  }
  assert.equal(readFileSync(truth, 'utf8').trim().split('\n').length, dups + 1);

  // Caseloads (docs/demo-data.md): every case has a worker of its own organization, nobody
  // holds more than 60 open cases, and the demo field accounts hold a realistic caseload.
  assert.equal(count(`SELECT COUNT(*) FROM cases c LEFT JOIN users u ON u.id = c.assigned_user_id
    WHERE u.id IS NULL OR u.organization_id <> c.owner_org_id`), 0);
  assert.ok(count(`SELECT MAX(n) FROM (SELECT COUNT(*) AS n FROM cases WHERE status <> 'closed'
    GROUP BY assigned_user_id) m`) <= 60);
  assert.ok(count("SELECT COUNT(*) FROM users WHERE username LIKE '%.%'") > 10, 'caseload workers');
  for (const login of ['socialworker', 'association']) {
    const open = count(`SELECT COUNT(*) FROM cases c JOIN users u ON u.id = c.assigned_user_id
      WHERE u.username = '${login}' AND c.status <> 'closed'`);
    assert.ok(open >= 20 && open <= 60, `${login}: ${open} open cases`);
  }

  const v = run(BIN, ['audit', 'verify', '--db', url, '--log-level', 'warn']);
  assert.equal(v.status, 0, v.stdout + v.stderr);

  // A second load into the same database is refused (it is not fresh any more).
  const again = run(BIN, ['demo-data', '--people', '5', '--db', url, '--log-level', 'warn']);
  assert.notEqual(again.status, 0);
  assert.match(again.stderr, /fresh database/);
});
