// Access control against a running server: API tokens, login throttling, users API (CRUD,
// roles, territorial scope, stale versions, validation), and the sign-in pages (form login,
// CSRF, session renewal, sign-out).
//
//   JISR_BASE_URL=http://127.0.0.1:8080 JISR_BIN=$PWD/build/jisr JISR_DB_URL=sqlite:/tmp/jisr.db \
//     node --test tests/api/
//
// The server starts with an empty user table; users are created with `jisr user add` on the
// database the server uses (JISR_DB_URL). All test files share one server and database, so
// every username made here starts with "access-" and ends with a random suffix.
import { describe, test, before } from 'node:test';
import assert from 'node:assert/strict';
import { addUser as addCliUser, jisrRaw as jisr } from '../lib/cli.mjs';
import { request } from '../lib/http.mjs';
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';

const BASE = (process.env.JISR_BASE_URL || '').replace(/\/+$/, '');
const BIN = process.env.JISR_BIN || '';
const DB_URL = process.env.JISR_DB_URL || '';
const catalog = (lang) =>
  JSON.parse(readFileSync(new URL(`../../web/locales/${lang}.json`, import.meta.url), 'utf8'));
const FR = catalog('fr');

const PASSWORD = 'a-long-password-123';
const SUFFIX = randomBytes(4).toString('hex');
// Usernames: lower-case letters, digits, dot, hyphen, underscore; 3 to 64 characters.
const uname = (name) => `access-${name}-${SUFFIX}`;

before(() => {
  assert.ok(BASE, 'set JISR_BASE_URL to the base URL of a running Jisr server');
  assert.ok(BIN, 'set JISR_BIN to the absolute path of the jisr binary');
  assert.ok(DB_URL, 'set JISR_DB_URL to the database URL the server uses');
});

// --- command line ----------------------------------------------------------------------

// `jisr user add`; scope is "national", "region:MA-06", "province:MA-CAS"...
const addUser = (username, role, scope, { displayName, email, lang, password = PASSWORD } = {}) =>
  addCliUser({ username, role, scope, displayName, email, lang, password });

// `jisr token create`: one line on stdout, the token.
function cliToken(username, days) {
  const args = ['token', 'create', '--db', DB_URL, '--user', username];
  if (days) args.push('--days', String(days));
  const out = jisr(args);
  assert.match(out, /^\S+\n?$/, `one token on one line, got ${JSON.stringify(out)}`);
  return out.trim();
}

// --- HTTP ------------------------------------------------------------------------------

// Redirects are not followed: the tests look at them.
const api = (method, path, options = {}) => request(method, path, { ...options, redirect: 'manual' });

function assertError(r, status, code) {
  assert.equal(r.status, status, r.where);
  assert.match(r.res.headers.get('content-type') || '', /^application\/json/, r.where);
  assert.equal(r.body?.error?.code, code, r.where);
  assert.equal(typeof r.body.error.message, 'string', r.where);
  assert.ok(r.body.error.message.length > 0, r.where);
  return r.body.error;
}

async function apiToken(username, password = PASSWORD, extra = {}) {
  const r = await api('POST', '/api/v1/auth/token', { body: { username, password, ...extra } });
  assert.equal(r.status, 200, r.where);
  assert.equal(typeof r.body.token, 'string', r.where);
  assert.ok(r.body.token.length >= 20, 'a token long enough to be unguessable');
  return r.body;
}

// No password, hash or secret anywhere in a user as the API shows it.
function assertNoSecrets(value, where) {
  const walk = (v, path) => {
    if (Array.isArray(v)) v.forEach((x, i) => walk(x, `${path}[${i}]`));
    else if (v && typeof v === 'object') {
      for (const [k, x] of Object.entries(v)) {
        assert.doesNotMatch(k, /^password$|password_hash|hash|salt|secret/i, `${where}: key ${path}.${k}`);
        walk(x, `${path}.${k}`);
      }
    } else if (typeof v === 'string') {
      assert.doesNotMatch(v, /^\$(argon2|2[aby]|scrypt|pbkdf2)/, `${where}: ${path} looks like a password hash`);
      assert.ok(!v.includes(PASSWORD), `${where}: ${path} contains the password`);
    }
  };
  walk(value, '');
}

// Every item of a list, following next_cursor.
async function listAll(path, token) {
  const items = [];
  let cursor = null;
  for (let pages = 0; pages < 100; pages++) {
    const sep = path.includes('?') ? '&' : '?';
    const url = cursor === null ? path : `${path}${sep}cursor=${encodeURIComponent(cursor)}`;
    const r = await api('GET', url, { token });
    assert.equal(r.status, 200, r.where);
    assert.ok(Array.isArray(r.body.items), r.where);
    assert.ok('next_cursor' in r.body, `${r.where}: next_cursor is present`);
    items.push(...r.body.items);
    cursor = r.body.next_cursor;
    if (cursor === null) return items;
  }
  throw new Error(`${path}: more than 100 pages`);
}

// --- pages: cookies by hand --------------------------------------------------------------

// A minimal cookie jar: remembers what Set-Cookie says, sends it back.
class Jar {
  constructor(cookies = {}) { this.cookies = new Map(Object.entries(cookies)); }

  update(res) {
    for (const line of res.headers.getSetCookie()) {
      const c = parseSetCookie(line);
      const expired = c.value === '' || /^max-age=0$/i.test(c.attrs.find((a) => /^max-age=/i.test(a)) || '') ||
        (c.expires && c.expires.getTime() < Date.now());
      if (expired) this.cookies.delete(c.name);
      else this.cookies.set(c.name, c.value);
    }
  }

  get(name) { return this.cookies.get(name); }

  header() { return [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; '); }
}

function parseSetCookie(line) {
  const [pair, ...rest] = line.split(';');
  const eq = pair.indexOf('=');
  const attrs = rest.map((a) => a.trim()).filter(Boolean);
  const expires = attrs.find((a) => /^expires=/i.test(a));
  return {
    name: pair.slice(0, eq).trim(),
    value: pair.slice(eq + 1).trim(),
    attrs,
    expires: expires ? new Date(expires.slice(8)) : null,
    raw: line,
  };
}

// The Set-Cookie of a response for one cookie name, or undefined.
const setCookie = (res, name) =>
  res.headers.getSetCookie().map(parseSetCookie).find((c) => c.name === name);

// A session cookie was handed out (a non-empty value, not an expiry).
function givesSession(res) {
  const c = setCookie(res, 'jisr_session');
  return Boolean(c && c.value !== '' && !(c.expires && c.expires.getTime() < Date.now()) &&
    !c.attrs.some((a) => /^max-age=0$/i.test(a)));
}

async function page(method, path, jar, { form, headers = {} } = {}) {
  const init = { method, redirect: 'manual', headers: { 'accept-language': 'fr', ...headers } };
  const cookie = jar ? jar.header() : '';
  if (cookie) init.headers.cookie = cookie;
  if (form) {
    init.headers['content-type'] = 'application/x-www-form-urlencoded';
    init.body = new URLSearchParams(form).toString();
  }
  const res = await fetch(`${BASE}${path}`, init);
  if (jar) jar.update(res);
  const text = await res.text();
  const location = res.headers.get('location');
  return { res, status: res.status, text, location, where: `${method} ${path} -> ${res.status} ${location || ''}` };
}

// Page text with the five entities of the server's one escaper decoded (web::append_html_escaped).
const decodeHtml = (s) => s.replace(/&quot;/g, '"').replace(/&apos;/g, "'")
  .replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&');

// The value of an attribute in the first tag that matches `tagPattern`.
function attr(html, tagPattern, name) {
  const tag = html.match(tagPattern)?.[0];
  if (!tag) return undefined;
  const m = tag.match(new RegExp(`\\s${name}="([^"]*)"`));
  return m ? decodeHtml(m[1]) : undefined;
}
const hiddenInput = (html, name) => attr(html, new RegExp(`<input\\b[^>]*\\bname="${name}"[^>]*>`), 'value');
const metaCsrf = (html) => attr(html, /<meta\b[^>]*\bname="csrf-token"[^>]*>/, 'content');
const formAttr = (html, testid, name) => attr(html, new RegExp(`<form\\b[^>]*\\bdata-testid="${testid}"[^>]*>`), name);

// Path and query of a Location header (relative or absolute).
function target(location) {
  assert.ok(location, 'a Location header');
  const url = new URL(location, BASE);
  assert.equal(url.origin, new URL(BASE).origin, `redirect stays on the site: ${location}`);
  return url.pathname + url.search;
}

// Signs in through the login form; returns the jar (holding jisr_session) and the answer.
async function formLogin(username, password = PASSWORD, { next, jar = new Jar() } = {}) {
  const login = await page('GET', '/login', jar);
  assert.equal(login.status, 200, login.where);
  const csrf = hiddenInput(login.text, '_csrf');
  assert.ok(csrf, 'the login form has a _csrf field');
  const form = { username, password, _csrf: csrf };
  if (next !== undefined) form.next = next;
  const res = await page('POST', '/login', jar, { form });
  return { jar, res, csrf };
}

// --- API tokens ------------------------------------------------------------------------

describe('API tokens', () => {
  let admin;

  before(() => {
    admin = addUser(uname('tok'), 'admin', 'national', {
      displayName: 'Token Admin', email: `${uname('tok')}@example.org`, lang: 'fr',
    });
  });

  test('POST /api/v1/auth/token issues a token that /api/v1/me accepts', async () => {
    const before = Date.now();
    const issued = await apiToken(admin);
    assert.match(issued.expires_at, /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z$/, 'RFC 3339 UTC');
    assert.ok(Date.parse(issued.expires_at) > before + 3600_000, 'expires in the future');
    assertNoSecrets({ expires_at: issued.expires_at }, 'token answer');

    const me = await api('GET', '/api/v1/me', { token: issued.token });
    assert.equal(me.status, 200, me.where);
    assert.equal(typeof me.body.id, 'string', me.where);
    assert.equal(me.body.username, admin);
    assert.equal(me.body.display_name, 'Token Admin');
    assert.equal(me.body.role, 'admin');
    assert.equal(me.body.scope?.level, 'national', me.where);
    assert.ok(!me.body.scope.code, `a national scope has no code: ${me.where}`);
    assert.equal(me.body.preferred_language, 'fr');
    assert.ok('organization_id' in me.body, me.where);
    assertNoSecrets(me.body, '/me');
  });

  test('expires_in_days sets the expiry; out of range is refused', async () => {
    const now = Date.now();
    const issued = await apiToken(admin, PASSWORD, { expires_in_days: 2 });
    const expected = now + 2 * 86400_000;
    const got = Date.parse(issued.expires_at);
    assert.ok(Math.abs(got - expected) < 10 * 60_000, `expires_at ${issued.expires_at} is about two days away`);
    for (const days of [0, 366]) {
      const r = await api('POST', '/api/v1/auth/token', {
        body: { username: admin, password: PASSWORD, expires_in_days: days },
      });
      const err = assertError(r, 422, 'validation_failed');
      assert.ok(err.fields?.expires_in_days, r.where);
    }
    const typo = await api('POST', '/api/v1/auth/token', {
      body: { username: admin, password: PASSWORD, expires_in_days: 'ten' },
    });
    assert.ok([400, 422].includes(typo.status), typo.where);
  });

  test('no token, a malformed one or an unknown one: 401 unauthorized', async () => {
    assertError(await api('GET', '/api/v1/me'), 401, 'unauthorized');
    assertError(await api('GET', '/api/v1/me', { token: 'not-a-real-token' }), 401, 'unauthorized');
    assertError(await api('GET', '/api/v1/me', { headers: { authorization: 'Basic YWRtaW46YWRtaW4=' } }), 401, 'unauthorized');
    const real = (await apiToken(admin)).token;
    const forged = real.slice(0, -2) + (real.endsWith('aa') ? 'bb' : 'aa');
    assertError(await api('GET', '/api/v1/me', { token: forged }), 401, 'unauthorized');
  });

  test('DELETE /api/v1/auth/tokens/current revokes the token used, and only it', async () => {
    const a = (await apiToken(admin)).token;
    const b = (await apiToken(admin)).token;
    assert.notEqual(a, b, 'each call issues a new token');
    const del = await api('DELETE', '/api/v1/auth/tokens/current', { token: a });
    assert.equal(del.status, 204, del.where);
    assert.equal(del.text, '');
    assertError(await api('GET', '/api/v1/me', { token: a }), 401, 'unauthorized');
    assertError(await api('DELETE', '/api/v1/auth/tokens/current', { token: a }), 401, 'unauthorized');
    assert.equal((await api('GET', '/api/v1/me', { token: b })).status, 200, 'the other token still works');
  });

  test('jisr token create prints a token the API accepts', async () => {
    const token = cliToken(admin, 1);
    const me = await api('GET', '/api/v1/me', { token });
    assert.equal(me.status, 200, me.where);
    assert.equal(me.body.username, admin);
  });

  test('unknown user and wrong password get the same 401 answer', async () => {
    const wrong = await api('POST', '/api/v1/auth/token', {
      body: { username: admin, password: 'not-the-password-1' }, headers: { 'accept-language': 'fr' },
    });
    const unknown = await api('POST', '/api/v1/auth/token', {
      body: { username: uname('nobody'), password: 'not-the-password-1' }, headers: { 'accept-language': 'fr' },
    });
    const e1 = assertError(wrong, 401, 'unauthorized');
    const e2 = assertError(unknown, 401, 'unauthorized');
    assert.equal(e1.message, e2.message, 'the message never tells which one was wrong');
    assert.deepEqual(wrong.body, unknown.body, 'the whole answer is the same');
    assert.equal(e1.message, FR['auth.login_failed']);
    assert.ok(!wrong.text.includes(admin), 'the answer does not echo the username');
  });

  test('malformed body: 400 or 422, never 500', async () => {
    const r = await api('POST', '/api/v1/auth/token', { body: '{"username": ' });
    assert.equal(r.status, 400, r.where);
    const missing = await api('POST', '/api/v1/auth/token', { body: { username: admin } });
    assert.ok([400, 401, 422].includes(missing.status), missing.where);
  });
});

// --- throttling --------------------------------------------------------------------------

describe('login throttling', () => {
  test('5 failures for one username: the next attempt is 429, even with the right password', async () => {
    const user = addUser(uname('throttle'), 'social_worker', 'province:MA-CAS');
    for (let i = 1; i <= 5; i++) {
      const r = await api('POST', '/api/v1/auth/token', { body: { username: user, password: `wrong-password-${i}` } });
      assertError(r, 401, 'unauthorized');
    }
    assertError(await api('POST', '/api/v1/auth/token', { body: { username: user, password: 'wrong-password-6' } }),
      429, 'rate_limited');
    assertError(await api('POST', '/api/v1/auth/token', { body: { username: user, password: PASSWORD } }),
      429, 'rate_limited');
    // Other usernames are not affected.
    const other = addUser(uname('throttle-other'), 'social_worker', 'province:MA-CAS');
    await apiToken(other);
  });

  test('a username that does not exist is throttled the same way', async () => {
    const ghost = uname('ghost');
    for (let i = 1; i <= 5; i++) {
      const r = await api('POST', '/api/v1/auth/token', { body: { username: ghost, password: `wrong-password-${i}` } });
      assertError(r, 401, 'unauthorized');
    }
    assertError(await api('POST', '/api/v1/auth/token', { body: { username: ghost, password: 'wrong-password-6' } }),
      429, 'rate_limited');
  });
});

// --- users API ---------------------------------------------------------------------------

describe('users API', () => {
  let adminToken;
  let workerToken;

  before(async () => {
    const admin = addUser(uname('admin'), 'admin', 'national', { displayName: 'Users Admin' });
    adminToken = cliToken(admin);
    const worker = addUser(uname('worker'), 'social_worker', 'province:MA-CAS');
    workerToken = cliToken(worker);
  });

  const newUser = (name, extra = {}) => ({
    username: uname(name),
    display_name: `Salma Alaoui ${name}`,
    email: `${uname(name)}@example.org`,
    preferred_language: 'ar',
    role: 'social_worker',
    scope: { level: 'province', code: 'MA-CAS' },
    password: PASSWORD,
    ...extra,
  });

  test('create, read, list, update with version, stale version 409', async () => {
    const input = newUser('crud');
    const created = await api('POST', '/api/v1/users', { token: adminToken, body: input });
    assert.equal(created.status, 201, created.where);
    const u = created.body;
    assertNoSecrets(u, 'created user');
    assert.equal(typeof u.id, 'string', created.where);
    assert.equal(u.username, input.username);
    assert.equal(u.display_name, input.display_name);
    assert.equal(u.email, input.email);
    assert.equal(u.preferred_language, 'ar');
    assert.equal(u.role, 'social_worker');
    assert.deepEqual({ level: u.scope?.level, code: u.scope?.code }, { level: 'province', code: 'MA-CAS' });
    assert.equal(u.active, true);
    assert.ok(Number.isInteger(u.version), `version is an integer: ${created.where}`);

    const got = await api('GET', `/api/v1/users/${encodeURIComponent(u.id)}`, { token: adminToken });
    assert.equal(got.status, 200, got.where);
    assertNoSecrets(got.body, 'GET user');
    assert.equal(got.body.username, input.username);
    assert.equal(got.body.version, u.version);

    const listed = await listAll(`/api/v1/users?q=${encodeURIComponent(input.username)}`, adminToken);
    assertNoSecrets(listed, 'user list');
    assert.deepEqual(listed.filter((x) => x.id === u.id).map((x) => x.username), [input.username]);

    // The new user can sign in, with the role and scope given.
    const own = await apiToken(input.username);
    const me = await api('GET', '/api/v1/me', { token: own.token });
    assert.equal(me.body.role, 'social_worker', me.where);
    assert.deepEqual(me.body.scope, { level: 'province', code: 'MA-CAS' });

    const patched = await api('PATCH', `/api/v1/users/${encodeURIComponent(u.id)}`, {
      token: adminToken, body: { version: u.version, display_name: 'Salma El Alaoui' },
    });
    assert.equal(patched.status, 200, patched.where);
    assertNoSecrets(patched.body, 'PATCH user');
    assert.equal(patched.body.display_name, 'Salma El Alaoui');
    assert.equal(patched.body.username, input.username, 'untouched fields are kept');
    assert.equal(patched.body.email, input.email);
    assert.ok(patched.body.version > u.version, 'the version moves on');

    const stale = await api('PATCH', `/api/v1/users/${encodeURIComponent(u.id)}`, {
      token: adminToken, body: { version: u.version, display_name: 'Lost update' },
    });
    assertError(stale, 409, 'stale_version');
    const after = await api('GET', `/api/v1/users/${encodeURIComponent(u.id)}`, { token: adminToken });
    assert.equal(after.body.display_name, 'Salma El Alaoui', 'the stale update changed nothing');

    const noVersion = await api('PATCH', `/api/v1/users/${encodeURIComponent(u.id)}`, {
      token: adminToken, body: { display_name: 'No version' },
    });
    assert.ok([409, 422].includes(noVersion.status), `PATCH without version is refused: ${noVersion.where}`);
  });

  test('a username is taken only once', async () => {
    const input = newUser('dup');
    assert.equal((await api('POST', '/api/v1/users', { token: adminToken, body: input })).status, 201);
    const again = await api('POST', '/api/v1/users', { token: adminToken, body: { ...input, email: undefined } });
    assert.ok([409, 422].includes(again.status), again.where);
    if (again.status === 422) {
      assert.equal(again.body.error.code, 'validation_failed', again.where);
      assert.ok(again.body.error.fields?.username, again.where);
    }
  });

  test('unknown user id: 404', async () => {
    assertError(await api('GET', '/api/v1/users/999999999', { token: adminToken }), 404, 'not_found');
    assertError(await api('GET', '/api/v1/users/not-an-id', { token: adminToken }), 404, 'not_found');
  });

  test('an API client chooses the language of messages with Accept-Language, over the account\'s', async () => {
    const messages = { fr: FR['error.not_found'], ar: catalog('ar')['error.not_found'], en: catalog('en')['error.not_found'] };
    assert.equal(new Set(Object.values(messages)).size, 3);
    for (const [lang, message] of Object.entries(messages)) {
      const r = await api('GET', '/api/v1/users/999999999', { token: adminToken, headers: { 'accept-language': lang } });
      assertError(r, 404, 'not_found');
      assert.equal(r.body.error.message, message, lang);
    }
    // Without the header, the account's own language (French here); ?lang= still comes first.
    assert.equal((await api('GET', '/api/v1/users/999999999', { token: adminToken })).body.error.message, messages.fr);
    const q = await api('GET', '/api/v1/users/999999999?lang=en', { token: adminToken, headers: { 'accept-language': 'ar' } });
    assert.equal(q.body.error.message, messages.en);
  });

  test('validation: 422 validation_failed with the field and a translated reason', async () => {
    const cases = [
      ['short password', newUser('v-pw', { password: 'short' }), /^password$/],
      ['bad email', newUser('v-email', { email: 'not an email' }), /^email$/],
      ['unknown role', newUser('v-role', { role: 'emperor' }), /^role$/],
      ['unknown territory', newUser('v-terr', { scope: { level: 'region', code: 'MA-99' } }), /^scope/],
      ['region scope without code', newUser('v-nocode', { scope: { level: 'region' } }), /^scope/],
      ['bad username', newUser('v-user', { username: 'Bad Name!' }), /^username$/],
      ['missing display name', newUser('v-name', { display_name: '' }), /^display_name$/],
    ];
    for (const [label, body, field] of cases) {
      const r = await api('POST', '/api/v1/users?lang=fr', { token: adminToken, body });
      const err = assertError(r, 422, 'validation_failed');
      const keys = Object.keys(err.fields || {});
      assert.ok(keys.some((k) => field.test(k)), `${label}: fields ${JSON.stringify(err.fields)} name ${field}`);
      for (const k of keys) assert.ok(typeof err.fields[k] === 'string' && err.fields[k].length > 0, `${label}: ${k}`);
      const listed = await listAll(`/api/v1/users?q=${encodeURIComponent(body.username)}`, adminToken);
      assert.ok(!listed.some((x) => x.username === body.username), `${label}: nothing was created`);
    }
    const r = await api('POST', '/api/v1/users?lang=fr', { token: adminToken, body: newUser('v-pw2', { password: 'short' }) });
    assert.equal(r.body.error.fields.password, FR['validation.password_too_short'], r.where);
  });

  test('a social worker may not create, change or disable users: 403', async () => {
    const r = await api('POST', '/api/v1/users', { token: workerToken, body: newUser('by-worker') });
    assertError(r, 403, 'forbidden');
    const target = await api('POST', '/api/v1/users', { token: adminToken, body: newUser('target') });
    assert.equal(target.status, 201, target.where);
    const id = encodeURIComponent(target.body.id);
    assertError(await api('PATCH', `/api/v1/users/${id}`, {
      token: workerToken, body: { version: target.body.version, role: 'admin' },
    }), 403, 'forbidden');
    assertError(await api('POST', `/api/v1/users/${id}/disable`, { token: workerToken }), 403, 'forbidden');
    assertError(await api('POST', `/api/v1/users/${id}/password`, {
      token: workerToken, body: { password: 'another-long-password-1' },
    }), 403, 'forbidden');
    const still = await api('GET', `/api/v1/users/${id}`, { token: adminToken });
    assert.equal(still.body.role, 'social_worker');
    assert.equal(still.body.active, true);
    const listed = await listAll(`/api/v1/users?q=${encodeURIComponent(uname('by-worker'))}`, adminToken);
    assert.equal(listed.length, 0, 'nothing was created');
  });

  test('disabling a user kills their tokens at once; enabling lets them sign in again', async () => {
    const created = await api('POST', '/api/v1/users', { token: adminToken, body: newUser('disable') });
    assert.equal(created.status, 201, created.where);
    const id = encodeURIComponent(created.body.id);
    const own = (await apiToken(created.body.username)).token;
    assert.equal((await api('GET', '/api/v1/me', { token: own })).status, 200);

    const off = await api('POST', `/api/v1/users/${id}/disable`, { token: adminToken });
    assert.ok([200, 204].includes(off.status), off.where);
    assertError(await api('GET', '/api/v1/me', { token: own }), 401, 'unauthorized');
    const refused = await api('POST', '/api/v1/auth/token', {
      body: { username: created.body.username, password: PASSWORD },
    });
    assertError(refused, 401, 'unauthorized');
    const got = await api('GET', `/api/v1/users/${id}`, { token: adminToken });
    assert.equal(got.body.active, false, got.where);
    const disabled = await listAll(`/api/v1/users?active=false&q=${encodeURIComponent(created.body.username)}`, adminToken);
    assert.deepEqual(disabled.map((x) => x.username), [created.body.username]);
    const active = await listAll(`/api/v1/users?active=true&q=${encodeURIComponent(created.body.username)}`, adminToken);
    assert.deepEqual(active, []);

    const on = await api('POST', `/api/v1/users/${id}/enable`, { token: adminToken });
    assert.ok([200, 204].includes(on.status), on.where);
    await apiToken(created.body.username);
  });

  test('password reset: the new password works, the old one no longer does', async () => {
    const created = await api('POST', '/api/v1/users', { token: adminToken, body: newUser('reset') });
    assert.equal(created.status, 201, created.where);
    const id = encodeURIComponent(created.body.id);
    const short = await api('POST', `/api/v1/users/${id}/password`, { token: adminToken, body: { password: 'short' } });
    const err = assertError(short, 422, 'validation_failed');
    assert.ok(err.fields?.password, short.where);
    const newPassword = 'a-brand-new-password-456';
    const r = await api('POST', `/api/v1/users/${id}/password`, { token: adminToken, body: { password: newPassword } });
    assert.ok([200, 204].includes(r.status), r.where);
    if (r.body) assertNoSecrets(r.body, 'password answer');
    assert.ok(!r.text.includes(newPassword));
    await apiToken(created.body.username, newPassword);
    assertError(await api('POST', '/api/v1/auth/token', {
      body: { username: created.body.username, password: PASSWORD },
    }), 401, 'unauthorized');
  });

  test('list: filters by role, pages with limit and cursor', async () => {
    for (const n of ['page-1', 'page-2', 'page-3']) {
      const r = await api('POST', '/api/v1/users', { token: adminToken, body: newUser(n) });
      assert.equal(r.status, 201, r.where);
    }
    const q = encodeURIComponent(`access-page-`);
    const first = await api('GET', `/api/v1/users?limit=2&q=${q}`, { token: adminToken });
    assert.equal(first.status, 200, first.where);
    assert.equal(first.body.items.length, 2, first.where);
    assert.equal(typeof first.body.next_cursor, 'string', first.where);
    const all = await listAll(`/api/v1/users?limit=2&q=${q}`, adminToken);
    const mine = all.filter((x) => x.username.endsWith(SUFFIX)).map((x) => x.username);
    assert.equal(new Set(mine).size, mine.length, 'no user twice across pages');
    assert.deepEqual(mine.sort(), ['page-1', 'page-2', 'page-3'].map(uname).sort());

    const admins = await listAll('/api/v1/users?role=admin', adminToken);
    assert.ok(admins.length >= 1);
    assert.ok(admins.every((x) => x.role === 'admin'), 'only admins');
    assertError(await api('GET', '/api/v1/users?limit=0', { token: adminToken }), 400, 'bad_request');
  });

  test('no token: 401 on every users endpoint', async () => {
    assertError(await api('GET', '/api/v1/users'), 401, 'unauthorized');
    assertError(await api('POST', '/api/v1/users', { body: newUser('anon') }), 401, 'unauthorized');
  });
});

// --- territorial scope -------------------------------------------------------------------

describe('users API: territorial scope', () => {
  let coordToken;
  let adminToken;
  const ids = {};

  before(async () => {
    adminToken = cliToken(addUser(uname('scope-admin'), 'admin', 'national'));
    coordToken = cliToken(addUser(uname('coord-cas'), 'provincial_coordinator', 'province:MA-CAS'));
    const make = async (name, scope) => {
      const r = await api('POST', '/api/v1/users', {
        token: adminToken,
        body: {
          username: uname(name), display_name: name, role: 'social_worker', scope, password: PASSWORD,
        },
      });
      assert.equal(r.status, 201, r.where);
      ids[name] = r.body.id;
    };
    await make('in-cas', { level: 'province', code: 'MA-CAS' });
    await make('in-rab', { level: 'province', code: 'MA-RAB' });
  });

  test('a provincial coordinator of MA-CAS sees the users of MA-CAS, not those of MA-RAB', async () => {
    const all = await listAll('/api/v1/users?limit=500', coordToken);
    const names = all.map((x) => x.username);
    assert.ok(names.includes(uname('in-cas')), 'in-scope user listed');
    assert.ok(!names.includes(uname('in-rab')), 'out-of-scope user not listed');
    assert.ok(!names.includes(uname('scope-admin')), 'national admin not listed');
    for (const u of all) {
      assert.equal(u.scope?.level === 'national' || u.scope?.level === 'region', false,
        `only users inside MA-CAS: ${JSON.stringify(u)}`);
    }
    const searched = await listAll(`/api/v1/users?q=${encodeURIComponent(uname('in-rab'))}`, coordToken);
    assert.deepEqual(searched, [], 'a search does not reveal it either');
  });

  test('GET of an in-scope user: 200; of an out-of-scope user: 404, like a missing one', async () => {
    const ok = await api('GET', `/api/v1/users/${encodeURIComponent(ids['in-cas'])}`, { token: coordToken });
    assert.equal(ok.status, 200, ok.where);
    const hidden = await api('GET', `/api/v1/users/${encodeURIComponent(ids['in-rab'])}`, { token: coordToken });
    assertError(hidden, 404, 'not_found');
    const missing = await api('GET', '/api/v1/users/999999999', { token: coordToken });
    assertError(missing, 404, 'not_found');
    assert.equal(hidden.body.error.message, missing.body.error.message);
  });

  test('the users page links to the administration form only for those who may use it', async () => {
    const html = (token, path) => api('GET', path, { token, headers: { accept: 'text/html', cookie: 'jisr_lang=fr' } });
    const asCoord = await html(coordToken, `/admin/users?q=${encodeURIComponent(uname('in-cas'))}`);
    assert.equal(asCoord.status, 200, asCoord.where);
    assert.ok(asCoord.text.includes(uname('in-cas')), 'the coordinator sees the user');
    assert.doesNotMatch(asCoord.text, /href="\/admin\/users\/[^"?]+"/, 'but no link to a form they cannot use');
    const asAdmin = await html(adminToken, `/admin/users?q=${encodeURIComponent(uname('in-cas'))}`);
    assert.ok(asAdmin.text.includes(`href="/admin/users/${ids['in-cas']}"`), asAdmin.where);
    // Typed in anyway: a refusal page, not an error to try again.
    const refused = await html(coordToken, `/admin/users/${ids['in-cas']}`);
    assert.equal(refused.status, 403, refused.where);
    assert.ok(refused.text.includes('data-testid="forbidden"') && refused.text.includes(FR['page.forbidden.title']), refused.where);
    assert.ok(!refused.text.includes(FR['page.error.text']), 'no "try again in a moment"');
  });

  test('a provincial coordinator may not write: 403', async () => {
    const r = await api('POST', '/api/v1/users', {
      token: coordToken,
      body: {
        username: uname('coord-made'), display_name: 'x', role: 'social_worker',
        scope: { level: 'province', code: 'MA-CAS' }, password: PASSWORD,
      },
    });
    assertError(r, 403, 'forbidden');
    assertError(await api('POST', `/api/v1/users/${encodeURIComponent(ids['in-cas'])}/disable`, { token: coordToken }),
      403, 'forbidden');
  });
});

// --- pages: sign-in, CSRF, sessions, sign-out ------------------------------------------------

describe('sign-in pages', () => {
  let admin;
  let worker;

  before(() => {
    admin = addUser(uname('form'), 'admin', 'national', { displayName: 'Nadia Form Admin', lang: 'fr' });
    worker = addUser(uname('form-worker'), 'social_worker', 'province:MA-CAS', { lang: 'fr' });
  });

  test('GET /login: the form, and a pre-session CSRF cookie equal to its _csrf field', async () => {
    const jar = new Jar();
    const r = await page('GET', '/login', jar);
    assert.equal(r.status, 200, r.where);
    assert.match(r.res.headers.get('content-type') || '', /^text\/html/);
    assert.match(r.text, /data-testid="login-form"/);
    assert.equal(formAttr(r.text, 'login-form', 'method'), 'post');
    assert.equal(formAttr(r.text, 'login-form', 'action'), '/login');
    const cookie = setCookie(r.res, 'jisr_csrf');
    assert.ok(cookie && cookie.value, 'jisr_csrf cookie is set');
    assert.equal(hiddenInput(r.text, '_csrf'), cookie.value);
    assert.ok(!givesSession(r.res), 'no session before signing in');
    assert.match(r.text, /autocomplete="current-password"/);
  });

  test('form login: 303 to next, HttpOnly SameSite=Lax session cookie, pages open', async () => {
    const { jar, res } = await formLogin(admin, PASSWORD, { next: '/admin/users' });
    assert.equal(res.status, 303, res.where);
    assert.equal(target(res.location), '/admin/users');
    const c = setCookie(res.res, 'jisr_session');
    assert.ok(c && c.value, 'jisr_session is set');
    assert.ok(c.attrs.some((a) => /^httponly$/i.test(a)), `HttpOnly: ${c.raw}`);
    assert.ok(c.attrs.some((a) => /^samesite=lax$/i.test(a)), `SameSite=Lax: ${c.raw}`);
    assert.ok(!c.value.includes(admin), 'the cookie is an opaque id');

    const users = await page('GET', '/admin/users', jar);
    assert.equal(users.status, 200, users.where);
    assert.ok(users.text.includes('Nadia Form Admin'), 'the header names the signed-in user');
    assert.ok(users.text.includes('data-testid="user-row"'), 'the list shows users');
    assert.ok(metaCsrf(users.text), 'the layout publishes the session CSRF token');
    assert.match(users.text, /<form\b[^>]*action="\/logout"/);
  });

  test('without next, or with a next that leaves the site: 303 to /', async () => {
    for (const next of [undefined, 'https://evil.example/', '//evil.example/x', '/\\evil.example', 'javascript:alert(1)']) {
      const { res } = await formLogin(admin, PASSWORD, { next });
      assert.equal(res.status, 303, `${next}: ${res.where}`);
      assert.equal(target(res.location), '/', `next=${next}`);
    }
  });

  test('each login gets a new session id; a planted session id is never kept', async () => {
    const one = await formLogin(admin);
    const two = await formLogin(admin);
    const a = one.jar.get('jisr_session');
    const b = two.jar.get('jisr_session');
    assert.ok(a && b);
    assert.notEqual(a, b);

    const planted = 'planted-by-someone-else-0123456789abcdef';
    const fixed = await formLogin(admin, PASSWORD, { jar: new Jar({ jisr_session: planted }) });
    assert.equal(fixed.res.status, 303, fixed.res.where);
    assert.ok(givesSession(fixed.res.res), 'a fresh session cookie is set');
    assert.notEqual(fixed.jar.get('jisr_session'), planted);

    // Signing in again from a browser that is still signed in renews the id too (when the
    // server shows the form to a signed-in browser at all).
    const jar = new Jar({ jisr_session: a });
    const form = await page('GET', '/login', jar);
    if (form.status === 200) {
      const again = await page('POST', '/login', jar, {
        form: { username: admin, password: PASSWORD, _csrf: hiddenInput(form.text, '_csrf') },
      });
      assert.equal(again.status, 303, again.where);
      assert.ok(givesSession(again.res), 'a new session cookie');
      assert.notEqual(jar.get('jisr_session'), a, 'renewed at login');
    }
  });

  test('wrong password or unknown user: the same generic message, no session', async () => {
    const texts = [];
    for (const [username, password] of [[admin, 'not-the-password-9'], [uname('form-nobody'), 'not-the-password-9']]) {
      const { res } = await formLogin(username, password);
      assert.ok([200, 401].includes(res.status), res.where);
      assert.ok(!givesSession(res.res), 'no session cookie');
      assert.ok(decodeHtml(res.text).includes(FR['auth.login_failed']), 'generic message shown');
      assert.match(res.text, /role="alert"/);
      texts.push(res.status);
    }
    assert.equal(texts[0], texts[1], 'same status for both');
  });

  test('login without, or with a wrong, _csrf: 403 and no session', async () => {
    const jar = new Jar();
    const login = await page('GET', '/login', jar);
    assert.equal(login.status, 200);
    const good = hiddenInput(login.text, '_csrf');
    const none = await page('POST', '/login', jar, { form: { username: admin, password: PASSWORD } });
    assert.equal(none.status, 403, none.where);
    assert.ok(!givesSession(none.res));
    const wrong = await page('POST', '/login', jar, { form: { username: admin, password: PASSWORD, _csrf: `${good}x` } });
    assert.equal(wrong.status, 403, wrong.where);
    assert.ok(!givesSession(wrong.res));
    // The right value without the cookie it must match is refused too.
    const noCookie = await page('POST', '/login', new Jar(), { form: { username: admin, password: PASSWORD, _csrf: good } });
    assert.equal(noCookie.status, 403, noCookie.where);
    assert.ok(!givesSession(noCookie.res));
    // Neither cookie nor field (a cross-site form posted from a browser that never opened
    // /login): two empty values are not a match.
    const neither = await page('POST', '/login', new Jar(), { form: { username: admin, password: PASSWORD } });
    assert.equal(neither.status, 403, `login CSRF: ${neither.where}`);
    assert.ok(!givesSession(neither.res));
    const emptyBoth = await page('POST', '/login', new Jar({ jisr_csrf: '' }), {
      form: { username: admin, password: PASSWORD, _csrf: '' },
    });
    assert.equal(emptyBoth.status, 403, emptyBoth.where);
  });

  test('GET /admin/users without a session: 303 to /login?next=%2Fadmin%2Fusers', async () => {
    const r = await page('GET', '/admin/users', null);
    assert.equal(r.status, 303, r.where);
    assert.equal(target(r.location), '/login?next=%2Fadmin%2Fusers');
    const bogus = await page('GET', '/admin/users', new Jar({ jisr_session: 'no-such-session' }));
    assert.equal(bogus.status, 303, bogus.where);
    assert.equal(new URL(bogus.location, BASE).pathname, '/login');
  });

  test('a social worker is refused the users pages: 403 page', async () => {
    const { jar, res } = await formLogin(worker);
    assert.equal(res.status, 303, res.where);
    const r = await page('GET', '/admin/users', jar);
    assert.equal(r.status, 403, r.where);
    assert.match(r.res.headers.get('content-type') || '', /^text\/html/);
    assert.ok(decodeHtml(r.text).includes(FR['error.forbidden']), 'the 403 page explains');
    const audit = await page('GET', '/audit', jar);
    assert.equal(audit.status, 403, audit.where);
    const home = await page('GET', '/', jar);
    assert.equal(home.status, 200);
    assert.doesNotMatch(home.text, /href="\/admin\/users"/, 'no link to a page the user cannot open');
  });

  test('logout: needs _csrf; then 303 to /login and the old session is dead', async () => {
    const { jar } = await formLogin(admin);
    const old = jar.get('jisr_session');
    const home = await page('GET', '/', jar);
    const csrf = metaCsrf(home.text);
    assert.ok(csrf, 'csrf-token meta on a signed-in page');
    assert.equal(hiddenInput(home.text, '_csrf'), csrf, 'the logout form carries the same token');

    const noToken = await page('POST', '/logout', jar, { form: {} });
    assert.equal(noToken.status, 403, noToken.where);
    assert.equal((await page('GET', '/admin/users', jar)).status, 200, 'still signed in');

    const out = await page('POST', '/logout', jar, { form: { _csrf: csrf } });
    assert.equal(out.status, 303, out.where);
    assert.equal(new URL(out.location, BASE).pathname, '/login');
    const after = await page('GET', '/admin/users', new Jar({ jisr_session: old }));
    assert.equal(after.status, 303, after.where);
    const to = new URL(after.location, BASE);
    assert.equal(to.pathname, '/login', after.where);
    assert.equal(to.searchParams.get('next'), '/admin/users', after.where);
  });

  test('a state-changing form POST without the right _csrf: 403 and nothing changed', async () => {
    const adminToken = cliToken(admin);
    const { jar } = await formLogin(admin);
    const form = await page('GET', '/admin/users/new', jar);
    assert.equal(form.status, 200, form.where);
    const action = formAttr(form.text, 'user-form', 'action');
    assert.ok(action, 'the new-user form has an action');
    const csrf = hiddenInput(form.text, '_csrf');
    assert.equal(csrf, metaCsrf(form.text));
    const username = uname('csrf-made');
    const fields = {
      username, display_name: 'CSRF Test', email: '', preferred_language: 'fr', role: 'social_worker',
      scope_level: 'province', scope_code: 'MA-CAS', organization_id: '',
      password: PASSWORD, password_confirm: PASSWORD,
    };
    for (const bad of [undefined, 'forged-token', '']) {
      const body = bad === undefined ? fields : { ...fields, _csrf: bad };
      const r = await page('POST', action, jar, { form: body });
      assert.equal(r.status, 403, `_csrf=${bad}: ${r.where}`);
      // An expired form is to be sent again, not a refusal of the account.
      assert.ok(decodeHtml(r.text).includes(FR['error.csrf']) && !r.text.includes('data-testid="forbidden"'), r.where);
    }
    // The token of the pre-session cookie is not the session's.
    const pre = await page('GET', '/login', new Jar());
    const r = await page('POST', action, jar, { form: { ...fields, _csrf: hiddenInput(pre.text, '_csrf') } });
    assert.equal(r.status, 403, r.where);
    assert.deepEqual(await listAll(`/api/v1/users?q=${encodeURIComponent(username)}`, adminToken), [],
      'no user was created');

    // The same form with the right token goes through (so the 403s above were the CSRF check).
    const ok = await page('POST', action, jar, { form: { ...fields, _csrf: csrf } });
    assert.equal(ok.status, 303, ok.where);
    const made = await listAll(`/api/v1/users?q=${encodeURIComponent(username)}`, adminToken);
    assert.deepEqual(made.map((x) => x.username), [username]);

    // Disabling through the status form needs the token as well.
    const list = await page('GET', `/admin/users?q=${encodeURIComponent(username)}`, jar);
    const href = attr(list.text, /<tr\b[^>]*data-testid="user-row"[^>]*>[\s\S]*?<a\b[^>]*>/, 'href');
    assert.ok(href, 'the row links to the user');
    const edit = await page('GET', href, jar);
    assert.equal(edit.status, 200, edit.where);
    const statusAction = formAttr(edit.text, 'status-form', 'action');
    assert.ok(statusAction, 'the edit page has a status form');
    const refused = await page('POST', statusAction, jar, { form: {} });
    assert.equal(refused.status, 403, refused.where);
    const still = await api('GET', `/api/v1/users/${encodeURIComponent(made[0].id)}`, { token: adminToken });
    assert.equal(still.body.active, true, 'still active');
    const done = await page('POST', statusAction, jar, { form: { _csrf: csrf } });
    assert.equal(done.status, 303, done.where);
    const now = await api('GET', `/api/v1/users/${encodeURIComponent(made[0].id)}`, { token: adminToken });
    assert.equal(now.body.active, false, 'disabled with the token');
  });
});
