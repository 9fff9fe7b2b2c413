// API tests of /api/v1/territories against a running server.
//
//   JISR_BASE_URL=http://127.0.0.1:8080 node --test tests/api/
//
// Expected data is computed from data/territories.csv, the reference file the server loads.
import { describe, test, before } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';

const BASE = (process.env.JISR_BASE_URL || '').replace(/\/+$/, '');
const ARABIC = /[\u0600-\u06FF]/;

// --- reference data ------------------------------------------------------------------

// Minimal RFC 4180 reader (quoted fields, doubled quotes), enough for the reference file.
function parseCsv(text) {
  const rows = [];
  let row = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') { field += '"'; i++; }
      else if (c === '"') quoted = false;
      else field += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') { row.push(field); field = ''; }
    else if (c === '\n' || c === '\r') {
      if (c === '\r' && text[i + 1] === '\n') i++;
      row.push(field); field = '';
      if (row.some((f) => f !== '')) rows.push(row);
      row = [];
    } else field += c;
  }
  row.push(field);
  if (row.some((f) => f !== '')) rows.push(row);
  const [header, ...body] = rows;
  return body.map((r) => Object.fromEntries(header.map((h, i) => [h, r[i]])));
}

const csv = parseCsv(readFileSync(new URL('../../data/territories.csv', import.meta.url), 'utf8'));
const REGIONS = new Map();  // code -> {name_fr, name_ar}
const PROVINCES = new Map();  // code -> {parent_code, name_fr, name_ar, kind}
for (const r of csv) {
  if (!REGIONS.has(r.region_code)) {
    REGIONS.set(r.region_code, { name_fr: r.region_fr, name_ar: r.region_ar });
  }
  PROVINCES.set(r.province_code, {
    parent_code: r.region_code, name_fr: r.province_fr, name_ar: r.province_ar, kind: r.kind,
  });
}
const TOTAL = REGIONS.size + PROVINCES.size;
// A region and one of its provinces that exist in the reference data.
const CASABLANCA_SETTAT = 'MA-06';
const CASABLANCA = 'MA-CAS';

// --- helpers -------------------------------------------------------------------------

async function getJson(path, init) {
  const res = await fetch(`${BASE}${path}`, init);
  const type = res.headers.get('content-type') || '';
  assert.match(type, /^application\/json/, `${path}: content-type ${type}`);
  return { res, body: await res.json() };
}

// Follows next_cursor from `path` to the last page; returns every item and the page count.
async function getAll(path) {
  const items = [];
  let pages = 0;
  let cursor = null;
  do {
    const sep = path.includes('?') ? '&' : '?';
    const url = cursor === null ? path : `${path}${sep}cursor=${encodeURIComponent(cursor)}`;
    const { res, body } = await getJson(url);
    assert.equal(res.status, 200, `${url}: ${JSON.stringify(body)}`);
    assert.ok(Array.isArray(body.items), `${url}: items is an array`);
    assert.ok('next_cursor' in body, `${url}: next_cursor is present`);
    assert.ok(body.next_cursor === null || typeof body.next_cursor === 'string');
    items.push(...body.items);
    cursor = body.next_cursor;
    pages++;
    assert.ok(pages <= 100, 'pagination terminates');
  } while (cursor !== null);
  return { items, pages };
}

function assertBadRequest(res, body, field) {
  assert.equal(res.status, 400, JSON.stringify(body));
  assert.equal(body.error?.code, 'bad_request');
  assert.equal(typeof body.error.message, 'string');
  assert.ok(body.error.message.length > 0);
  if (field) {
    assert.equal(typeof body.error.fields?.[field], 'string', `fields.${field} in ${JSON.stringify(body)}`);
    assert.ok(body.error.fields[field].length > 0);
  }
}

// --- tests ---------------------------------------------------------------------------

describe('GET /api/v1/territories', () => {
  before(() => {
    assert.ok(BASE, 'set JISR_BASE_URL to the base URL of a running Jisr server');
    assert.equal(REGIONS.size, 12, 'reference data: 12 regions');
    assert.equal(PROVINCES.size, 75, 'reference data: 75 provinces and prefectures');
  });

  test('first page holds the default 50 items and a cursor', async () => {
    const { res, body } = await getJson('/api/v1/territories');
    assert.equal(res.status, 200);
    assert.deepEqual(Object.keys(body).sort(), ['items', 'next_cursor']);
    assert.equal(body.items.length, 50);
    assert.equal(typeof body.next_cursor, 'string');
    assert.ok(body.next_cursor.length > 0);
  });

  test('every territory of the reference data, across pages, exactly once', async () => {
    const { items, pages } = await getAll('/api/v1/territories');
    assert.equal(items.length, TOTAL);
    assert.equal(TOTAL, 87);
    assert.equal(pages, Math.ceil(TOTAL / 50));
    const codes = items.map((t) => t.code);
    assert.equal(new Set(codes).size, codes.length, 'no territory twice');
    assert.equal(items.filter((t) => t.level === 'region').length, 12);
    assert.equal(items.filter((t) => t.level === 'province').length, 75);
    for (const t of items) {
      for (const f of ['code', 'level', 'parent_code', 'name_fr', 'name_ar', 'kind']) {
        assert.ok(f in t, `${t.code}: field ${f}`);
      }
      assert.match(t.code, /^MA-[0-9A-Z]{2,3}$/);
      assert.match(t.name_ar, ARABIC, `${t.code}: name_ar is Arabic`);
      if (t.level === 'region') {
        const ref = REGIONS.get(t.code);
        assert.ok(ref, `${t.code} is a region of the reference data`);
        assert.equal(t.parent_code, null);
        assert.equal(t.kind, 'region');
        assert.equal(t.name_fr, ref.name_fr);
        assert.equal(t.name_ar, ref.name_ar);
      } else {
        assert.equal(t.level, 'province');
        const ref = PROVINCES.get(t.code);
        assert.ok(ref, `${t.code} is a province of the reference data`);
        assert.ok(REGIONS.has(t.parent_code), `${t.code}: parent ${t.parent_code} is a region`);
        assert.equal(t.parent_code, ref.parent_code);
        assert.equal(t.kind, ref.kind);
        assert.ok(['province', 'prefecture'].includes(t.kind));
        assert.equal(t.name_fr, ref.name_fr);
        assert.equal(t.name_ar, ref.name_ar);
      }
    }
  });

  test('?limit=500 returns everything on one page', async () => {
    const { res, body } = await getJson('/api/v1/territories?limit=500');
    assert.equal(res.status, 200);
    assert.equal(body.items.length, TOTAL);
    assert.equal(body.next_cursor, null);
  });

  test('small pages chain without gap or overlap', async () => {
    const { items, pages } = await getAll('/api/v1/territories?level=region&limit=5');
    assert.equal(pages, 3);
    assert.deepEqual(new Set(items.map((t) => t.code)), new Set(REGIONS.keys()));
    assert.equal(items.length, REGIONS.size);
  });

  test('?level=region gives the 12 regions', async () => {
    const { res, body } = await getJson('/api/v1/territories?level=region');
    assert.equal(res.status, 200);
    assert.equal(body.items.length, 12);
    assert.equal(body.next_cursor, null);
    assert.ok(body.items.every((t) => t.level === 'region'));
    assert.deepEqual(new Set(body.items.map((t) => t.code)), new Set(REGIONS.keys()));
  });

  test('?level=province gives the 75 provinces and prefectures', async () => {
    const { items } = await getAll('/api/v1/territories?level=province');
    assert.equal(items.length, 75);
    assert.ok(items.every((t) => t.level === 'province'));
  });

  test(`?parent=${CASABLANCA_SETTAT} gives the provinces of that region only`, async () => {
    const expected = [...PROVINCES].filter(([, p]) => p.parent_code === CASABLANCA_SETTAT).map(([c]) => c);
    assert.ok(expected.length > 0);
    const { items } = await getAll(`/api/v1/territories?parent=${CASABLANCA_SETTAT}`);
    assert.equal(items.length, expected.length);
    assert.deepEqual(new Set(items.map((t) => t.code)), new Set(expected));
    assert.ok(items.every((t) => t.parent_code === CASABLANCA_SETTAT && t.level === 'province'));
  });

  for (const bad of ['0', '501', 'abc', '-1', '1.5']) {
    test(`?limit=${bad} is refused with 400 and the field named`, async () => {
      const { res, body } = await getJson(`/api/v1/territories?limit=${bad}`);
      assertBadRequest(res, body, 'limit');
    });
  }

  test('?cursor=garbage is refused with 400', async () => {
    const { res, body } = await getJson('/api/v1/territories?cursor=garbage');
    assertBadRequest(res, body, 'cursor');
  });

  test('?level=planet is refused with 400', async () => {
    const { res, body } = await getJson('/api/v1/territories?level=planet');
    assertBadRequest(res, body, 'level');
  });

  test('error messages follow ?lang=', async () => {
    const fr = await getJson('/api/v1/territories?limit=0&lang=fr');
    const ar = await getJson('/api/v1/territories?limit=0&lang=ar');
    assert.doesNotMatch(fr.body.error.fields.limit, ARABIC);
    assert.match(ar.body.error.message, ARABIC);
    assert.match(ar.body.error.fields.limit, ARABIC);
  });
});

describe('GET /api/v1/territories/{code}', () => {
  test(`${CASABLANCA} is a prefecture of ${CASABLANCA_SETTAT}`, async () => {
    const ref = PROVINCES.get(CASABLANCA);
    assert.ok(ref, `${CASABLANCA} is in the reference data`);
    const { res, body } = await getJson(`/api/v1/territories/${CASABLANCA}`);
    assert.equal(res.status, 200);
    assert.equal(body.code, CASABLANCA);
    assert.equal(body.level, 'province');
    assert.equal(body.parent_code, ref.parent_code);
    assert.equal(body.kind, ref.kind);
    assert.equal(body.name_fr, ref.name_fr);
    assert.equal(body.name_ar, ref.name_ar);
  });

  test(`a region: ${CASABLANCA_SETTAT}`, async () => {
    const { res, body } = await getJson(`/api/v1/territories/${CASABLANCA_SETTAT}`);
    assert.equal(res.status, 200);
    assert.equal(body.level, 'region');
    assert.equal(body.parent_code, null);
    assert.equal(body.name_fr, REGIONS.get(CASABLANCA_SETTAT).name_fr);
  });

  test('an unknown code is 404 not_found', async () => {
    const { res, body } = await getJson('/api/v1/territories/MA-XXX?lang=fr');
    assert.equal(res.status, 404);
    assert.equal(body.error?.code, 'not_found');
    assert.equal(typeof body.error.message, 'string');
    assert.doesNotMatch(body.error.message, ARABIC);
  });

  test('?lang=ar gives the message in Arabic', async () => {
    const { res, body } = await getJson('/api/v1/territories/MA-XXX?lang=ar');
    assert.equal(res.status, 404);
    assert.equal(body.error?.code, 'not_found');
    assert.match(body.error.message, ARABIC);
  });

  test('Accept-Language: ar gives the message in Arabic too', async () => {
    const { res, body } = await getJson('/api/v1/territories/MA-XXX', {
      headers: { 'Accept-Language': 'ar-MA,ar;q=0.9' },
    });
    assert.equal(res.status, 404);
    assert.match(body.error.message, ARABIC);
  });
});
