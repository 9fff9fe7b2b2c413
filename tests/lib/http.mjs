// Calling the JSON API of the server under test.
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
