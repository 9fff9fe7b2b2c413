// `jisr demo-data` on a database of its own (never the server's: it would add people that
// other test files see): a SQLite temp file, or on PostgreSQL a database created for the
// test on the same throwaway cluster and dropped after. Checks the counts it prints against
// the database, every workflow state, one account per role, and that `jisr audit verify`
// passes on the loaded data.
//
//   JISR_BIN=$PWD/build/jisr JISR_DB_URL=... JISR_DB_ENGINE=sqlite|postgres node --test tests/api/demo-data.test.mjs
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';

const BIN = process.env.JISR_BIN || '';
const DB_URL = process.env.JISR_DB_URL || '';
const ENGINE = process.env.JISR_DB_ENGINE || (DB_URL.startsWith('sqlite:') ? 'sqlite' : 'postgres');

let dir = '';
let url = '';
let pgName = '';

function run(file, args) {
  try {
    const stdout = execFileSync(file, args, {
      encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], timeout: 120_000,
    });
    return { status: 0, stdout, stderr: '' };
  } catch (e) {
    return { status: e.status ?? 1, stdout: e.stdout || '', stderr: e.stderr || String(e) };
  }
}

function sql(query) {
  const r = ENGINE === 'sqlite'
    ? run('sqlite3', ['-cmd', '.timeout 10000', url.slice('sqlite:'.length), query])
    : run('psql', [url, '-X', '-q', '-A', '-t', '-v', 'ON_ERROR_STOP=1', '-c', query]);
  assert.equal(r.status, 0, `${ENGINE}: ${r.stderr}`);
  return r.stdout.trim();
}

const count = (query) => Number(sql(query));

before(() => {
  assert.ok(BIN, 'set JISR_BIN to the absolute path of the jisr binary');
  dir = mkdtempSync(join(tmpdir(), 'jisr-demo-data-'));
  if (ENGINE === 'sqlite') {
    url = `sqlite:${join(dir, 'demo.db')}`;
  } else {
    assert.ok(DB_URL, 'set JISR_DB_URL to the throwaway cluster');
    pgName = `jisr_demo_${randomBytes(4).toString('hex')}`;
    const r = run('psql', [DB_URL, '-X', '-q', '-v', 'ON_ERROR_STOP=1', '-c', `CREATE DATABASE ${pgName}`]);
    assert.equal(r.status, 0, `CREATE DATABASE: ${r.stderr}`);
    const u = new URL(DB_URL);
    u.pathname = `/${pgName}`;
    url = u.toString();
  }
});

after(() => {
  if (pgName) run('psql', [DB_URL, '-X', '-q', '-c', `DROP DATABASE IF EXISTS ${pgName}`]);
  if (dir) rmSync(dir, { recursive: true, force: true });
});

test('demo-data loads 200 people through the services, with every state and role, and the audit chain verifies', () => {
  const truth = join(dir, 'truth.csv');
  const r = run(BIN, ['demo-data', '--people', '200', '--seed', '7', '--institutions', '100',
    '--db', url, '--truth-out', truth, '--log-level', 'warn']);
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

  const v = run(BIN, ['audit', 'verify', '--db', url, '--log-level', 'warn']);
  assert.equal(v.status, 0, v.stdout + v.stderr);

  // A second load into the same database is refused (it is not fresh any more).
  const again = run(BIN, ['demo-data', '--people', '5', '--db', url, '--log-level', 'warn']);
  assert.notEqual(again.status, 0);
  assert.match(again.stderr, /fresh database/);
});
