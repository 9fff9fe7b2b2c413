// Platform behaviour shared by every route: health, metrics, errors, request ids, security
// headers, static assets, OpenAPI. Runs against a running server:
//
//   JISR_BASE_URL=http://127.0.0.1:8080 node --test tests/api/
import { describe, test, before } from 'node:test';
import assert from 'node:assert/strict';

const BASE = (process.env.JISR_BASE_URL || '').replace(/\/+$/, '');
const get = (path, init) => fetch(`${BASE}${path}`, init);

// The directives of a Content-Security-Policy header: name -> list of sources.
function cspDirectives(header) {
  const out = new Map();
  for (const part of header.split(';')) {
    const [name, ...sources] = part.trim().split(/\s+/);
    if (name) out.set(name.toLowerCase(), sources);
  }
  return out;
}

async function errorBody(res) {
  assert.match(res.headers.get('content-type') || '', /^application\/json/);
  const body = await res.json();
  assert.equal(typeof body.error?.code, 'string', JSON.stringify(body));
  assert.equal(typeof body.error.message, 'string');
  assert.ok(body.error.message.length > 0);
  return body.error;
}

before(() => {
  assert.ok(BASE, 'set JISR_BASE_URL to the base URL of a running Jisr server');
});

describe('health and metrics', () => {
  test('/healthz answers {status: "ok"}', async () => {
    const res = await get('/healthz');
    assert.equal(res.status, 200);
    assert.match(res.headers.get('content-type') || '', /^application\/json/);
    assert.deepEqual(await res.json(), { status: 'ok' });
  });

  test('/metrics exposes HTTP and database pool metrics', async () => {
    await get('/healthz');  // at least one observed request
    const res = await get('/metrics');
    assert.equal(res.status, 200);
    assert.match(res.headers.get('content-type') || '', /^text\/plain/);
    const text = await res.text();
    for (const name of ['jisr_http_requests_total', 'jisr_http_request_duration_seconds_bucket',
      'jisr_db_pool_connections']) {
      assert.ok(text.includes(name), `metrics contain ${name}`);
    }
  });
});

describe('errors', () => {
  test('unknown API route: 404 JSON not_found', async () => {
    const res = await get('/api/v1/nope');
    assert.equal(res.status, 404);
    assert.equal((await errorBody(res)).code, 'not_found');
  });

  test('unknown page: 404 HTML', async () => {
    const res = await get('/no-such-page');
    assert.equal(res.status, 404);
    assert.match(res.headers.get('content-type') || '', /^text\/html/);
    const html = await res.text();
    assert.match(html, /^<!doctype html>/i);
  });

  test('territories are read-only: POST is 405 method_not_allowed with Allow', async () => {
    const res = await get('/api/v1/territories', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{}',
    });
    assert.equal(res.status, 405);
    assert.equal((await errorBody(res)).code, 'method_not_allowed');
    assert.match(res.headers.get('allow') || '', /\bGET\b/);
  });

  test('a 2 MiB body is refused with 413 payload_too_large', async () => {
    const res = await get('/api/v1/territories', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: `{"x":"${'a'.repeat(2 * 1024 * 1024)}"}`,
    });
    assert.equal(res.status, 413);
    assert.equal((await errorBody(res)).code, 'payload_too_large');
  });
});

describe('request ids', () => {
  test('every response carries X-Request-Id', async () => {
    const ids = new Set();
    for (const path of ['/healthz', '/api/v1/territories?limit=1', '/api/v1/nope', '/territories', '/no-such-page']) {
      const res = await get(path);
      await res.arrayBuffer();
      const id = res.headers.get('x-request-id');
      assert.ok(id, `${path}: x-request-id`);
      assert.match(id, /^[A-Za-z0-9_-]{1,64}$/);
      ids.add(id);
    }
    assert.equal(ids.size, 5, 'a fresh id for each request');
  });

  test('a sane incoming X-Request-Id is echoed back', async () => {
    const res = await get('/healthz', { headers: { 'X-Request-Id': 'test-abc-123' } });
    assert.equal(res.headers.get('x-request-id'), 'test-abc-123');
  });

  test('an unsafe incoming X-Request-Id is replaced', async () => {
    const res = await get('/healthz', { headers: { 'X-Request-Id': 'evil id <script>' } });
    const id = res.headers.get('x-request-id');
    assert.notEqual(id, 'evil id <script>');
    assert.match(id, /^[A-Za-z0-9_-]{1,64}$/);
  });
});

describe('security headers', () => {
  test('an HTML page has a strict CSP and the usual headers', async () => {
    const res = await get('/territories');
    assert.equal(res.status, 200);
    const header = res.headers.get('content-security-policy');
    assert.ok(header, 'content-security-policy is set');
    assert.ok(header.includes("default-src 'self'"), header);
    assert.ok(header.includes("frame-ancestors 'none'"), header);
    const csp = cspDirectives(header);
    const scripts = csp.get('script-src') || csp.get('default-src');
    const styles = csp.get('style-src') || csp.get('default-src');
    assert.ok(!scripts.includes("'unsafe-inline'") && !scripts.includes("'unsafe-eval'"), header);
    assert.ok(!styles.includes("'unsafe-inline'"), header);
    assert.equal(res.headers.get('x-content-type-options'), 'nosniff');
    assert.ok(res.headers.get('referrer-policy'), 'referrer-policy is set');
  });

  test('API answers are not stored by caches and are nosniff', async () => {
    const res = await get('/api/v1/territories?limit=1');
    assert.equal(res.headers.get('x-content-type-options'), 'nosniff');
    assert.match(res.headers.get('cache-control') || '', /no-store/);
  });
});

describe('static assets', () => {
  let html;
  before(async () => {
    html = await (await get('/territories')).text();
  });

  const linked = (pattern) => [...html.matchAll(pattern)].map((m) => m[1]);

  test('the stylesheet is content-addressed, cached for a year, with an ETag and 304', async () => {
    const sheets = linked(/<link\b[^>]*\brel="stylesheet"[^>]*\bhref="([^"]+)"/g);
    const href = sheets.find((h) => h.startsWith('/assets/'));
    assert.ok(href, `a stylesheet under /assets/ in ${sheets}`);
    const res = await get(href);
    assert.equal(res.status, 200);
    assert.match(res.headers.get('content-type') || '', /^text\/css/);
    const cache = res.headers.get('cache-control') || '';
    assert.ok(cache.includes('immutable'), cache);
    assert.ok(cache.includes('max-age=31536000'), cache);
    const etag = res.headers.get('etag');
    assert.ok(etag, 'etag is set');
    assert.ok((await res.text()).length > 0);

    const again = await get(href, { headers: { 'If-None-Match': etag } });
    assert.equal(again.status, 304);
    assert.equal((await again.text()).length, 0);
  });

  test('every stylesheet and script the page links exists', async () => {
    const urls = [
      ...linked(/<link\b[^>]*\brel="stylesheet"[^>]*\bhref="([^"]+)"/g),
      ...linked(/<script\b[^>]*\bsrc="([^"]+)"/g),
    ];
    assert.ok(urls.length >= 5, `linked assets: ${urls}`);
    for (const url of urls) {
      assert.ok(url.startsWith('/assets/'), `${url} is served by us`);
      const res = await get(url);
      await res.arrayBuffer();
      assert.equal(res.status, 200, url);
    }
  });

  test('the page has no inline script or style', async () => {
    assert.doesNotMatch(html, /<script(?![^>]*\bsrc=)[^>]*>/i, 'inline <script>');
    assert.doesNotMatch(html, /<style\b/i, 'inline <style>');
    assert.doesNotMatch(html, /\sstyle=/i, 'style attribute');
    assert.doesNotMatch(html, /\son[a-z]+=/i, 'inline event handler');
  });

  test('an unknown asset is 404', async () => {
    const res = await get('/assets/0000000000/nope.css');
    await res.arrayBuffer();
    assert.equal(res.status, 404);
  });
});

describe('OpenAPI', () => {
  test('/api/v1/openapi.json is an OpenAPI 3 document describing territories', async () => {
    const res = await get('/api/v1/openapi.json');
    assert.equal(res.status, 200);
    assert.match(res.headers.get('content-type') || '', /^application\/json/);
    const doc = await res.json();
    assert.equal(typeof doc.openapi, 'string');
    assert.ok(doc.openapi.startsWith('3.'), doc.openapi);
    assert.ok(doc.paths?.['/api/v1/territories']?.get, 'GET /api/v1/territories is described');
    assert.ok(doc.paths['/api/v1/territories/{code}']?.get, 'GET /api/v1/territories/{code} is described');
  });
});
