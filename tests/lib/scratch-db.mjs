// A database of a test file's own, never the shared server's (records it adds would show in
// other files' lists): a SQLite file in a temporary folder, or on PostgreSQL a database
// created on the same throwaway cluster as JISR_DB_URL and dropped by drop().
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { run } from './cli.mjs';
import { DB_URL, ENGINE } from './env.mjs';

// Creates the database; `dir` puts the SQLite file in that folder instead of a new temporary
// one. Returns { url, dir, sql(query) → trimmed text of the rows, count(query) → number, drop() }.
export function scratchDb(prefix, { dir } = {}) {
  const ownDir = dir ? '' : mkdtempSync(join(tmpdir(), `jisr-${prefix}-`));
  let url;
  let pgName = '';
  if (ENGINE === 'sqlite') {
    url = `sqlite:${join(dir || ownDir, `${prefix}.db`)}`;
  } else {
    assert.ok(DB_URL, 'set JISR_DB_URL to the throwaway cluster');
    pgName = `jisr_${prefix.replace(/[^a-z0-9]/g, '_')}_${randomBytes(4).toString('hex')}`;
    const r = run('psql', [DB_URL, '-X', '-q', '-v', 'ON_ERROR_STOP=1', '-c', `CREATE DATABASE ${pgName}`]);
    assert.equal(r.status, 0, `CREATE DATABASE: ${r.stderr}`);
    const u = new URL(DB_URL);
    u.pathname = `/${pgName}`;
    url = u.toString();
  }
  const sql = (query) => {
    const r = ENGINE === 'sqlite'
      ? run('sqlite3', ['-cmd', '.timeout 10000', url.slice('sqlite:'.length), query])
      : run('psql', [url, '-X', '-q', '-A', '-t', '-v', 'ON_ERROR_STOP=1', '-c', query]);
    assert.equal(r.status, 0, `${ENGINE}: ${r.stderr}`);
    return r.stdout.trim();
  };
  return {
    url,
    dir: dir || ownDir,
    sql,
    count: (query) => Number(sql(query)),
    drop() {
      if (pgName) run('psql', [DB_URL, '-X', '-q', '-c', `DROP DATABASE IF EXISTS ${pgName} WITH (FORCE)`]);
      if (ownDir) rmSync(ownDir, { recursive: true, force: true });
    },
  };
}
