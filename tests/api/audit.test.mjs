// The audit log against a running server: entries written for user changes (with before and
// after, never a password or its hash), who may read it, filters and pages, and the hash
// chain that `jisr audit verify` checks — including a row changed behind the server's back.
//
//   JISR_BASE_URL=... JISR_BIN=$PWD/build/jisr JISR_DB_URL=sqlite:/tmp/jisr.db JISR_DB_ENGINE=sqlite \
//     node --test tests/api/
//
// The tamper test edits one audit row directly in the database (sqlite3 or psql on
// JISR_DB_URL) and always puts it back, so that other test files sharing the database keep an
// intact chain.
import { describe, test, before } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { BASE, BIN, DB_URL, ENGINE } from '../lib/env.mjs';
import { jisrRaw as jisr, run } from '../lib/cli.mjs';
import { dbExec, dbRows, sqlString } from '../lib/db.mjs';
import { request } from '../lib/http.mjs';

const PASSWORD = 'a-long-password-123';
const SUFFIX = randomBytes(4).toString('hex');
const uname = (name) => `audit-${name}-${SUFFIX}`;
const RFC3339_UTC = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z$/;

before(() => {
  assert.ok(BASE, 'set JISR_BASE_URL to the base URL of a running Jisr server');
  assert.ok(BIN, 'set JISR_BIN to the absolute path of the jisr binary');
  assert.ok(DB_URL, 'set JISR_DB_URL to the database URL the server uses');
});

// --- command line ----------------------------------------------------------------------

function addUser(username, role, scope) {
  jisr(['user', 'add', '--db', DB_URL, '--username', username, '--role', role, '--scope', scope,
    '--password-stdin'], `${PASSWORD}\n`);
  return username;
}

const cliToken = (username) => jisr(['token', 'create', '--db', DB_URL, '--user', username]).trim();

const verify = () => run(BIN, ['audit', 'verify', '--db', DB_URL]);

// --- direct database access (for the tamper test only) -----------------------------------

// dbRows, dbExec and sqlString: tests/lib/db.mjs.

// --- HTTP ------------------------------------------------------------------------------

const api = (method, path, options) => request(method, path, options);

function assertError(r, status, code) {
  assert.equal(r.status, status, r.where);
  assert.equal(r.body?.error?.code, code, r.where);
  return r.body.error;
}

// before/after may come as objects or as JSON text.
const obj = (v) => (typeof v === 'string' ? JSON.parse(v) : v) ?? null;

// Every audit item matching a query, following next_cursor.
async function auditAll(query, token) {
  const items = [];
  let cursor = null;
  for (let pages = 0; pages < 200; pages++) {
    const q = cursor === null ? query : `${query}&cursor=${encodeURIComponent(cursor)}`;
    const r = await api('GET', `/api/v1/audit?${q}`, { token });
    assert.equal(r.status, 200, r.where);
    assert.ok(Array.isArray(r.body.items), r.where);
    assert.ok('next_cursor' in r.body, r.where);
    items.push(...r.body.items);
    cursor = r.body.next_cursor;
    if (cursor === null) return items;
  }
  throw new Error('more than 200 pages');
}

// No password and no password hash anywhere: keys, values, nested.
function assertNoPassword(items, passwords) {
  const text = JSON.stringify(items);
  for (const p of passwords) assert.ok(!text.includes(p), 'a password appears in the audit log');
  assert.doesNotMatch(text, /\$argon2|\$2[aby]\$|\$scrypt\$|pbkdf2/i, 'a password hash appears in the audit log');
  const walk = (v, path) => {
    if (Array.isArray(v)) v.forEach((x, i) => walk(x, `${path}[${i}]`));
    else if (v && typeof v === 'object') {
      for (const [k, x] of Object.entries(v)) {
        assert.doesNotMatch(k, /^password$|password_hash|pass_hash|^hash$|salt|secret/i, `key ${path}.${k}`);
        walk(x, `${path}.${k}`);
      }
    }
  };
  for (const item of items) {
    walk(obj(item.before), 'before');
    walk(obj(item.after), 'after');
  }
}

// --- tests -------------------------------------------------------------------------------

describe('audit log', () => {
  let adminToken;
  let adminId;
  let auditorToken;
  let workerToken;
  let user;  // created in the first test
  const newPassword = 'a-fresh-password-789';

  before(async () => {
    const admin = addUser(uname('admin'), 'admin', 'national');
    adminToken = cliToken(admin);
    const me = await api('GET', '/api/v1/me', { token: adminToken });
    assert.equal(me.status, 200, me.where);
    adminId = me.body.id;
    auditorToken = cliToken(addUser(uname('auditor'), 'auditor', 'national'));
    workerToken = cliToken(addUser(uname('worker'), 'social_worker', 'province:MA-CAS'));
  });

  test('creating, changing, disabling a user and resetting the password are audited', async () => {
    const requestId = `audit-create-${SUFFIX}`;
    const created = await api('POST', '/api/v1/users', {
      token: adminToken,
      headers: { 'x-request-id': requestId },
      body: {
        username: uname('subject'), display_name: 'Khadija Subject', email: `${uname('subject')}@example.org`,
        role: 'social_worker', scope: { level: 'province', code: 'MA-CAS' }, password: PASSWORD,
      },
    });
    assert.equal(created.status, 201, created.where);
    user = created.body;
    const id = encodeURIComponent(user.id);

    const patched = await api('PATCH', `/api/v1/users/${id}`, {
      token: adminToken, body: { version: user.version, display_name: 'Khadija Changed' },
    });
    assert.equal(patched.status, 200, patched.where);
    const off = await api('POST', `/api/v1/users/${id}/disable`, { token: adminToken });
    assert.ok([200, 204].includes(off.status), off.where);
    const pw = await api('POST', `/api/v1/users/${id}/password`, { token: adminToken, body: { password: newPassword } });
    assert.ok([200, 204].includes(pw.status), pw.where);

    const items = await auditAll(`record_type=user&record_id=${id}`, adminToken);
    for (const it of items) {
      assert.equal(it.record_type, 'user');
      assert.equal(String(it.record_id), String(user.id));
      assert.ok(Number.isInteger(it.seq), JSON.stringify(it));
      assert.match(it.at, RFC3339_UTC);
      assert.equal(typeof it.hash, 'string');
      assert.ok(it.hash.length >= 32, 'a real hash');
      assert.equal(typeof it.action, 'string');
    }
    assert.equal(new Set(items.map((i) => i.seq)).size, items.length, 'seq is unique');
    const byAction = (a) => items.filter((i) => i.action === a);

    const [create] = byAction('create');
    assert.ok(create, `a create entry among ${JSON.stringify(items.map((i) => i.action))}`);
    assert.equal(create.user_id, adminId, 'who did it');
    assert.equal(create.username, uname('admin'));
    assert.equal(create.request_id, requestId, 'the request id ties the entry to the server log');
    assert.equal(typeof create.ip, 'string');
    assert.ok(create.ip.length > 0);
    assert.equal(obj(create.after).username, uname('subject'));
    assert.ok(!obj(create.before) || Object.keys(obj(create.before)).length === 0, 'nothing before a creation');

    const [update] = byAction('update');
    assert.ok(update, 'an update entry');
    assert.equal(obj(update.before).display_name, 'Khadija Subject');
    assert.equal(obj(update.after).display_name, 'Khadija Changed');
    for (const unchanged of ['username', 'email', 'role', 'scope', 'preferred_language']) {
      assert.ok(!(unchanged in obj(update.after)), `unchanged ${unchanged} is not in after`);
      assert.ok(!(unchanged in obj(update.before)), `unchanged ${unchanged} is not in before`);
    }

    const [disable] = byAction('disable');
    assert.ok(disable, 'a disable entry');
    if (obj(disable.after) && 'active' in obj(disable.after)) assert.equal(obj(disable.after).active, false);

    assert.ok(byAction('password_reset').length === 1, 'a password_reset entry');
    // Newest first or oldest first, but in order.
    const seqs = items.map((i) => i.seq);
    const sorted = [...seqs].sort((a, b) => a - b);
    assert.ok(JSON.stringify(seqs) === JSON.stringify(sorted) || JSON.stringify(seqs) === JSON.stringify([...sorted].reverse()),
      `ordered by seq: ${seqs}`);
    assert.ok(create.seq < update.seq && update.seq < disable.seq, 'seq follows the order of events');

    assertNoPassword(items, [PASSWORD, newPassword]);
  });

  test('no password or hash anywhere in the whole log', async () => {
    const all = await auditAll('limit=500', adminToken);
    assert.ok(all.length >= 4);
    assertNoPassword(all, [PASSWORD, newPassword]);
  });

  test('filters: record_id, action, user, dates; pages with limit and cursor', async () => {
    assert.ok(user, 'the first test created the user');
    const id = encodeURIComponent(user.id);
    const forRecord = await auditAll(`record_id=${id}&record_type=user`, adminToken);
    assert.ok(forRecord.length >= 4, `entries for the record: ${forRecord.length}`);
    assert.ok(forRecord.every((i) => String(i.record_id) === String(user.id)));

    const creates = await auditAll(`action=create&record_type=user&record_id=${id}`, adminToken);
    assert.deepEqual(creates.map((i) => i.action), ['create']);

    const mine = await auditAll(`user=${encodeURIComponent(uname('admin'))}&record_id=${id}`, adminToken);
    assert.ok(mine.length >= 4, 'filter by the acting user');
    assert.ok(mine.every((i) => i.username === uname('admin')));

    const today = new Date().toISOString().slice(0, 10);
    const fromToday = await auditAll(`record_id=${id}&record_type=user&from=${today}`, adminToken);
    assert.equal(fromToday.length, forRecord.length, 'from today: all of them');
    const future = await auditAll(`record_id=${id}&record_type=user&from=2999-01-01`, adminToken);
    assert.deepEqual(future, []);
    const past = await auditAll(`record_id=${id}&record_type=user&to=2000-01-01`, adminToken);
    assert.deepEqual(past, []);

    const first = await api('GET', `/api/v1/audit?record_id=${id}&record_type=user&limit=1`, { token: adminToken });
    assert.equal(first.status, 200, first.where);
    assert.equal(first.body.items.length, 1);
    assert.equal(typeof first.body.next_cursor, 'string');
    const second = await api('GET',
      `/api/v1/audit?record_id=${id}&record_type=user&limit=1&cursor=${encodeURIComponent(first.body.next_cursor)}`,
      { token: adminToken });
    assert.equal(second.status, 200, second.where);
    assert.equal(second.body.items.length, 1);
    assert.notEqual(second.body.items[0].seq, first.body.items[0].seq);

    const none = await auditAll(`record_type=user&record_id=999999999`, adminToken);
    assert.deepEqual(none, []);
  });

  test('who may read: admin and auditor yes, social worker 403, anonymous 401', async () => {
    const asAuditor = await api('GET', '/api/v1/audit?limit=5', { token: auditorToken });
    assert.equal(asAuditor.status, 200, asAuditor.where);
    assert.ok(Array.isArray(asAuditor.body.items));
    assertError(await api('GET', '/api/v1/audit', { token: workerToken }), 403, 'forbidden');
    assertError(await api('GET', '/api/v1/audit'), 401, 'unauthorized');
  });

  test('an auditor reads but may not change users: 403', async () => {
    const r = await api('POST', '/api/v1/users', {
      token: auditorToken,
      body: {
        username: uname('by-auditor'), display_name: 'x', role: 'social_worker',
        scope: { level: 'province', code: 'MA-CAS' }, password: PASSWORD,
      },
    });
    assertError(r, 403, 'forbidden');
    if (user) {
      assertError(await api('POST', `/api/v1/users/${encodeURIComponent(user.id)}/enable`, { token: auditorToken }),
        403, 'forbidden');
    }
  });

  test('the log cannot be written through the API', async () => {
    for (const method of ['POST', 'PUT', 'PATCH', 'DELETE']) {
      const r = await api(method, '/api/v1/audit', { token: adminToken, body: method === 'DELETE' ? undefined : {} });
      assert.ok([403, 404, 405].includes(r.status), r.where);
    }
  });

  test('jisr audit verify: ok, then a row changed in the database is found, then ok again', async () => {
    const ok = verify();
    assert.equal(ok.status, 0, `verify on an untouched log:\n${ok.stdout}${ok.stderr}`);
    assert.match(ok.stdout, /audit chain ok: \d+ entries/);

    // Our own user's creation entry: a row we know, changed in a way that keeps it valid JSON.
    const subject = uname('tamper');
    const created = await api('POST', '/api/v1/users', {
      token: adminToken,
      body: {
        username: subject, display_name: 'Tamper Subject', role: 'social_worker',
        scope: { level: 'province', code: 'MA-CAS' }, password: PASSWORD,
      },
    });
    assert.equal(created.status, 201, created.where);
    const [row] = dbRows(`SELECT seq, CAST("after" AS TEXT) AS after FROM audit_log
      WHERE action = 'create' AND record_type = 'user' AND record_id = ${sqlString(created.body.id)}`);
    assert.ok(row, 'the creation entry is in audit_log');
    assert.ok(row.after.includes(`"${subject}"`), `after holds the username: ${row.after}`);
    const seq = Number(row.seq);

    let type = 'text';
    if (ENGINE === 'postgres') {
      const [col] = dbRows(`SELECT data_type FROM information_schema.columns
        WHERE table_name = 'audit_log' AND column_name = 'after'`);
      type = col.data_type;
    }
    const setAfter = (from, to) => {
      const replaced = `replace(CAST("after" AS TEXT), ${sqlString(from)}, ${sqlString(to)})`;
      const value = ENGINE === 'postgres' && /json/.test(type) ? `CAST(${replaced} AS ${type})` : replaced;
      dbExec(`UPDATE audit_log SET "after" = ${value} WHERE seq = ${seq}`);
    };

    const original = `"${subject}"`;
    const forged = `"${subject}-forged"`;
    setAfter(original, forged);
    try {
      const [changed] = dbRows(`SELECT CAST("after" AS TEXT) AS after FROM audit_log WHERE seq = ${seq}`);
      assert.ok(changed.after.includes(forged), 'the row was changed');
      const broken = verify();
      assert.equal(broken.status, 1, `verify after tampering:\n${broken.stdout}${broken.stderr}`);
      const m = `${broken.stdout}\n${broken.stderr}`.match(/audit chain broken at entry (\d+)/);
      assert.ok(m, `names the entry: ${broken.stdout}${broken.stderr}`);
      assert.equal(Number(m[1]), seq, 'the entry that was changed');
    } finally {
      setAfter(forged, original);
    }
    const [restored] = dbRows(`SELECT CAST("after" AS TEXT) AS after FROM audit_log WHERE seq = ${seq}`);
    assert.equal(restored.after, row.after, 'the row is back as it was');
    const again = verify();
    assert.equal(again.status, 0, `verify after restoring:\n${again.stdout}${again.stderr}`);
    assert.match(again.stdout, /audit chain ok: \d+ entries/);
  });
});
