// Direct access to the test database (sqlite3 or psql, installed by
// scripts/install-deps.sh --test), for what the API cannot do: moving rows back in time,
// tampering with the audit log.
import assert from 'node:assert/strict';
import { run } from './cli.mjs';
import { DB_URL, ENGINE } from './env.mjs';

// sqlite:/abs/path, sqlite:///abs/path or sqlite:relative/path → the file.
export const sqlitePath = () => DB_URL.replace(/^sqlite:/, '').replace(/^\/\/(?=\/)/, '');

// Rows of a SELECT, as objects.
export function dbRows(sql) {
  if (ENGINE === 'sqlite') {
    const r = run('sqlite3', ['-cmd', '.timeout 10000', '-json', sqlitePath(), sql]);
    assert.equal(r.status, 0, `sqlite3: ${r.stderr}`);
    return r.stdout.trim() ? JSON.parse(r.stdout) : [];
  }
  const r = run('psql', [DB_URL, '-X', '-q', '-A', '-t', '-v', 'ON_ERROR_STOP=1', '-c',
    `SELECT coalesce(json_agg(t), '[]'::json) FROM (${sql}) t`]);
  assert.equal(r.status, 0, `psql: ${r.stderr}`);
  return JSON.parse(r.stdout.trim());
}

// Runs statements that return nothing.
export function dbExec(sql) {
  const r = ENGINE === 'sqlite'
    ? run('sqlite3', ['-cmd', '.timeout 10000', sqlitePath(), sql])
    : run('psql', [DB_URL, '-X', '-q', '-v', 'ON_ERROR_STOP=1', '-c', sql]);
  assert.equal(r.status, 0, `${ENGINE}: ${sql}\n${r.stderr}`);
}

// A string as an SQL literal.
export const sqlString = (s) => `'${String(s).replace(/'/g, "''")}'`;

// A timestamp `days` days ago as the server stores them (RFC 3339 UTC with milliseconds).
export const storedTimeDaysAgo = (days) => new Date(Date.now() - days * 86400_000).toISOString();
