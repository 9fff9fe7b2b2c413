// Calling the JSON API of the server under test.
import assert from 'node:assert/strict';
import { BASE } from './env.mjs';

// `method path` with an optional bearer token, JSON body (a string is sent as it is), extra
// headers and fetch's redirect mode. Returns {res, status, body, json, text, where}: `body`
// and `json` are the parsed answer (null when empty, undefined when not JSON), `where`
// describes the call for assertion messages.
export async function request(method, path, { token, body, headers = {}, redirect } = {}) {
  const init = { method, headers: { accept: 'application/json', ...headers } };
  if (redirect) init.redirect = redirect;
  if (token) init.headers.authorization = `Bearer ${token}`;
  if (body !== undefined) {
    init.headers['content-type'] = 'application/json';
    init.body = typeof body === 'string' ? body : JSON.stringify(body);
  }
  const res = await fetch(`${BASE}${path}`, init);
  const text = await res.text();
  let json = null;
  if (text) {
    try { json = JSON.parse(text); } catch { json = undefined; }
  }
  return { res, status: res.status, body: json, json, text, where: `${method} ${path} -> ${res.status} ${text.slice(0, 500)}` };
}

// The same with positional arguments: api('POST', '/api/v1/cases', token, {...}).
export const api = (method, path, token, body, headers = {}) => request(method, path, { token, body, headers });

// Signs `username` in through the login form (GET /login for the double-submit CSRF cookie
// and field, then POST /login); returns the Cookie header value that carries the session.
export async function sessionCookie(username, password) {
  const form = await fetch(`${BASE}/login`, { headers: { accept: 'text/html' } });
  const html = await form.text();
  const csrfCookie = form.headers.getSetCookie().map((c) => c.split(';')[0]).find((c) => c.startsWith('jisr_csrf='));
  const csrf = html.match(/<input\b[^>]*\bname="_csrf"[^>]*\bvalue="([^"]*)"/)?.[1];
  assert.ok(csrfCookie && csrf, 'GET /login hands out a CSRF cookie and field');
  const res = await fetch(`${BASE}/login`, {
    method: 'POST', redirect: 'manual',
    headers: { 'content-type': 'application/x-www-form-urlencoded', cookie: csrfCookie },
    body: new URLSearchParams({ username, password, _csrf: csrf }).toString(),
  });
  await res.arrayBuffer();
  assert.equal(res.status, 303, `POST /login as ${username} -> ${res.status}`);
  const session = res.headers.getSetCookie().map((c) => c.split(';')[0]).find((c) => c.startsWith('jisr_session='));
  assert.ok(session && session !== 'jisr_session=', `a session cookie for ${username}`);
  return session;
}
