// A killed server and a full disk lose nothing that was acknowledged. Each test runs its own
// `jisr serve` on a database of its own (tests/lib/scratch-db.mjs), writes and reads people
// through the API from many clients at once, then:
//   - kills the server with SIGKILL in the middle: every registration answered 201 is in the
//     database with its audit entry, every file read answered 200 has its access-log entry,
//     `jisr audit verify` passes, and a new server on the same database serves the files;
//   - (SQLite, when this process may mount a tmpfs) fills the file system under the
//     database: registrations are refused with 507 `storage_full`, nothing half-written is
//     left, and once space is freed the same server carries on and the chain verifies.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, execFileSync } from 'node:child_process';
import { createServer } from 'node:net';
import { mkdtempSync, rmSync, writeFileSync, statfsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { BIN, ENGINE, newSuffix, latinLetters } from '../lib/env.mjs';
import { jisrRaw, run } from '../lib/cli.mjs';
import { scratchDb } from '../lib/scratch-db.mjs';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const cleanups = [];
after(() => { for (const f of cleanups.reverse()) f(); });

const freePort = () => new Promise((resolve, reject) => {
  const s = createServer();
  s.once('error', reject);
  s.listen(0, '127.0.0.1', () => { const { port } = s.address(); s.close(() => resolve(port)); });
});

// Starts `jisr serve` on `url`; resolves once /healthz answers 200.
async function startServer(url) {
  const port = await freePort();
  const child = spawn(BIN, ['serve', '--db', url, '--listen', `127.0.0.1:${port}`, '--web-root', ROOT,
    '--log-level', 'error'], { cwd: ROOT, stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (d) => { stderr += d; });
  const exited = new Promise((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
  cleanups.push(() => child.kill('SIGKILL'));
  const base = `http://127.0.0.1:${port}`;
  for (let i = 0; i < 200; i++) {
    if (child.exitCode !== null) break;
    try {
      if ((await fetch(`${base}/healthz`)).status === 200) return { child, base, exited, log: () => stderr };
    } catch { /* not listening yet */ }
    await new Promise((r) => setTimeout(r, 50));
  }
  child.kill('SIGKILL');
  throw new Error(`server did not start on ${url}:\n${stderr}`);
}

// A migrated database with a Casablanca coordinator; returns the coordinator's API token.
function prepare(db) {
  const cli = (args, input) => jisrRaw([...args, '--db', db.url, '--log-level', 'warn'], input).trim();
  cli(['migrate']);
  cli(['user', 'add', '--username', 'coord-cas', '--role', 'provincial_coordinator', '--scope',
    'province:MA-CAS', '--password-stdin'], 'a-long-password-1\n');
  return cli(['token', 'create', '--user', 'coord-cas']);
}

async function call(base, method, path, token, body) {
  const r = await fetch(`${base}${path}`, {
    method,
    headers: { authorization: `Bearer ${token}`, ...(body ? { 'content-type': 'application/json' } : {}) },
    body: body ? JSON.stringify(body) : undefined,
  });
  const text = await r.text();
  let json = null;
  try { json = JSON.parse(text); } catch { /* not JSON */ }
  return { status: r.status, body: json, text };
}

const child = (tag) => ({
  first_name_lat: `Salma${tag}`, last_name_lat: `Alaoui${tag}`, first_name_ar: 'سلمى', last_name_ar: 'العلوي',
  sex: 'F', birth_date: '2012-03-04', birth_date_precision: 'exact', province: 'MA-CAS',
  target_groups: ['children_without_family'], consent: { given: true }, confirm_new: true,
});

const verifyAudit = (url) => run(BIN, ['audit', 'verify', '--db', url, '--log-level', 'warn']);
const sqlList = (ids) => ids.map((id) => `'${id.replace(/'/g, "''")}'`).join(',');

test('SIGKILL during concurrent writes and reads loses no acknowledged registration or access-log entry', async () => {
  const db = scratchDb('crash');
  cleanups.push(() => db.drop());
  const token = prepare(db);
  const server = await startServer(db.url);
  const suffix = latinLetters(newSuffix());

  const seed = [];
  for (let i = 0; i < 10; i++) {
    const r = await call(server.base, 'POST', '/api/v1/people', token, child(`${suffix}s${'abcdefghij'[i]}`));
    assert.equal(r.status, 201, r.text);
    seed.push(r.body.id);
  }

  const created = [];
  const reads = new Map(); // person id → reads answered 200
  let stop = false;
  let n = 0;
  const writer = async (w) => {
    while (!stop) {
      const tag = `${suffix}w${'abcdefgh'[w]}${latinLetters((n++).toString(16))}`;
      try {
        const r = await call(server.base, 'POST', '/api/v1/people', token, child(tag));
        if (r.status === 201) created.push(r.body.id);
      } catch { return; } // the connection died with the server
    }
  };
  const reader = async (k) => {
    let i = k;
    while (!stop) {
      const id = seed[i++ % seed.length];
      try {
        const r = await call(server.base, 'GET', `/api/v1/people/${id}`, token);
        if (r.status === 200) reads.set(id, (reads.get(id) || 0) + 1);
      } catch { return; }
    }
  };
  const clients = [...[0, 1, 2, 3].map(writer), ...[0, 1, 2, 3].map(reader)];
  // Kill once enough writes and reads have been acknowledged for the check to mean something,
  // or after 20 s. (Waiting for the writes alone, a busy machine once answered 40 writes before
  // the first read.)
  const t0 = Date.now();
  const readsSoFar = () => [...reads.values()].reduce((a, b) => a + b, 0);
  while ((created.length < 40 || readsSoFar() < 10) && Date.now() - t0 < 20_000) {
    await new Promise((r) => setTimeout(r, 20));
  }
  server.child.kill('SIGKILL');
  const { signal } = await server.exited;
  stop = true;
  await Promise.all(clients);
  assert.equal(signal, 'SIGKILL');
  assert.ok(created.length >= 40, `only ${created.length} registrations acknowledged before the kill`);
  assert.ok(readsSoFar() > 0, 'no read was acknowledged before the kill');

  // Every acknowledged registration is there, with its audit entry.
  assert.equal(db.count(`SELECT count(*) FROM people WHERE id IN (${sqlList(created)})`), created.length);
  assert.equal(db.count(`SELECT count(DISTINCT record_id) FROM audit_log WHERE record_type = 'person'
    AND action = 'create' AND record_id IN (${sqlList(created)})`), created.length);
  // On SQLite the reads' entries may still be in the access journal the killed server left:
  // `jisr audit verify` ingests it first (as a new server would at start-up), exactly once.
  const v = verifyAudit(db.url);
  assert.equal(v.status, 0, v.stdout + v.stderr);
  // Every acknowledged read of a file has its access-log entry.
  const logged = new Map();
  for (const [id, count] of reads) {
    logged.set(id, db.count(`SELECT count(*) FROM audit_log WHERE record_type = 'person' AND action = 'view'
      AND record_id = '${id}'`));
    assert.ok(logged.get(id) >= count, `${id}: ${count} reads answered 200, ${logged.get(id)} access-log entries`);
  }
  // Verifying again (the journal already ingested) adds no entry.
  assert.equal(verifyAudit(db.url).status, 0);
  for (const [id, n] of logged) {
    assert.equal(db.count(`SELECT count(*) FROM audit_log WHERE record_type = 'person' AND action = 'view'
      AND record_id = '${id}'`), n, `${id}: entries added by a second recovery`);
  }

  // A new server on the same database serves the files.
  const again = await startServer(db.url);
  const r = await call(again.base, 'GET', `/api/v1/people/${created[created.length - 1]}`, token);
  assert.equal(r.status, 200, r.text);
  again.child.kill('SIGTERM');
  await again.exited;
});

// A tmpfs of `mb` MiB mounted on a new folder, or a reason why not.
function mountTmpfs(mb) {
  if (typeof process.getuid !== 'function' || process.getuid() !== 0) return { reason: 'not root' };
  const dir = mkdtempSync(join(tmpdir(), 'jisr-full-'));
  try {
    execFileSync('mount', ['-t', 'tmpfs', '-o', `size=${mb}m`, 'tmpfs', dir], { stdio: 'pipe' });
  } catch (e) {
    rmSync(dir, { recursive: true, force: true });
    return { reason: `mount -t tmpfs refused: ${String(e.stderr || e.message).trim()}` };
  }
  return {
    dir,
    unmount() {
      run('umount', ['-l', dir]);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

test('a full disk refuses registrations with 507, keeps what was committed, and the server recovers', async (t) => {
  if (ENGINE !== 'sqlite') return t.skip('the PostgreSQL cluster does not sit on a file system the test can fill');
  const fs = mountTmpfs(64);
  if (!fs.dir) return t.skip(fs.reason);
  cleanups.push(() => fs.unmount());
  const db = scratchDb('full', { dir: fs.dir });
  const token = prepare(db);
  const server = await startServer(db.url);
  const suffix = latinLetters(newSuffix());

  const accepted = [];
  const register = async (tag) => {
    const r = await call(server.base, 'POST', '/api/v1/people', token, child(`${suffix}${tag}`));
    if (r.status === 201) accepted.push(r.body.id);
    return r;
  };
  for (const tag of ['a', 'b', 'c']) assert.equal((await register(tag)).status, 201);

  // Fill the file system, leaving less room than one page of the write-ahead log.
  const filler = join(fs.dir, 'filler');
  const free = statfsSync(fs.dir).bavail * statfsSync(fs.dir).bsize;
  writeFileSync(filler, Buffer.alloc(Math.max(0, free - 2048)));

  let refused = null;
  for (let i = 0; i < 50 && !refused; i++) {
    const r = await register(`f${latinLetters(i.toString(16))}`);
    if (r.status !== 201) refused = r;
  }
  assert.ok(refused, 'no registration was refused on a full file system');
  assert.equal(refused.status, 507, refused.text);
  assert.equal(refused.body?.error?.code, 'storage_full', refused.text);
  assert.match(refused.body.error.message, /rien n'a été enregistré|nothing was saved/);
  assert.equal(server.child.exitCode, null, `the server died on a full disk:\n${server.log()}`);

  // Free the space: the same server registers again, and everything acknowledged is there.
  rmSync(filler);
  assert.equal((await register('z')).status, 201);
  assert.equal(db.count('SELECT count(*) FROM people'), accepted.length);
  assert.equal(db.count(`SELECT count(*) FROM people WHERE id IN (${sqlList(accepted)})`), accepted.length);
  server.child.kill('SIGTERM');
  await server.exited;
  const v = verifyAudit(db.url);
  assert.equal(v.status, 0, v.stdout + v.stderr);
});
