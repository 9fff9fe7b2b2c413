// Calling the JSON API of the server under test.
import { BASE } from './env.mjs';

// `method path` with a bearer token and a JSON body; returns {status, body, json, where}
// (`json` is `body`, for files that call it so; `where` describes the call for messages).
export async function api(method, path, token, body, headers = {}) {
  const init = { method, headers: { accept: 'application/json', ...headers } };
  if (token) init.headers.authorization = `Bearer ${token}`;
  if (body !== undefined) {
    init.headers['content-type'] = 'application/json';
    init.body = JSON.stringify(body);
  }
  const res = await fetch(`${BASE}${path}`, init);
  const text = await res.text();
  let json = null;
  try { json = text ? JSON.parse(text) : null; } catch { json = undefined; }
  return { status: res.status, body: json, json, where: `${method} ${path} -> ${res.status} ${text.slice(0, 400)}` };
}
