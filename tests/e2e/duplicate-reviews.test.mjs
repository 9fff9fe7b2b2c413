// Browser test of the page "تكرارات محتملة" (likely duplicates) in headless Chromium: a
// provincial coordinator working in Arabic sees the pair that `jisr dedup --db` found
// between two files of the same child, side by side with links to both files, dismisses it
// ("ليس نفس الشخص") and it leaves the list. Accessibility (axe-core), CSP and console checks.
//
//   JISR_BASE_URL=http://127.0.0.1:8080 JISR_BIN=$PWD/build/jisr JISR_DB_URL=sqlite:/tmp/jisr.db \
//     node --test tests/e2e/
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { chromium } from 'playwright-core';

const BASE = (process.env.JISR_BASE_URL || '').replace(/\/+$/, '');
const BIN = process.env.JISR_BIN || '';
const DB_URL = process.env.JISR_DB_URL || '';
const require = createRequire(import.meta.url);
const AXE_PATH = require.resolve('axe-core/axe.min.js');
const AR = JSON.parse(readFileSync(new URL('../../web/locales/dedupreview/ar.json', import.meta.url), 'utf8'));

const PASSWORD = 'a-long-password-123';
const SUFFIX = randomBytes(4).toString('hex');
const COORDINATOR = `e2e-dupes-${SUFFIX}`;
const WORKER = `e2e-dupes-sw-${SUFFIX}`;
const TAG = [...SUFFIX].map((c) => 'bcdfghjklmnprstv'[parseInt(c, 16)]).join('');
const LAUNCH_ARGS = ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync', '--disable-dev-shm-usage'];
const isNoise = (url) => /\/favicon\.ico(\?|$)/.test(url || '');

function jisr(args, input) {
  try {
    return execFileSync(BIN, args, { input, encoding: 'utf8', stdio: ['pipe', 'pipe', 'pipe'], timeout: 120_000 });
  } catch (e) {
    throw new Error(`jisr ${args.join(' ')} failed (status ${e.status}):\n${e.stdout || ''}\n${e.stderr || ''}`);
  }
}

describe('likely duplicates page in the browser (provincial coordinator, Arabic)', () => {
  let browser;
  const people = [];

  before(async () => {
    assert.ok(BASE && BIN && DB_URL, 'set JISR_BASE_URL, JISR_BIN and JISR_DB_URL');
    jisr(['user', 'add', '--db', DB_URL, '--username', COORDINATOR, '--role', 'provincial_coordinator',
      '--scope', 'province:MA-CAS', '--lang', 'ar', '--password-stdin'], `${PASSWORD}\n`);
    jisr(['user', 'add', '--db', DB_URL, '--username', WORKER, '--role', 'social_worker',
      '--scope', 'province:MA-CAS', '--password-stdin'], `${PASSWORD}\n`);
    const token = jisr(['token', 'create', '--db', DB_URL, '--user', COORDINATOR]).trim();
    for (const [first, firstAr] of [['Mohamed', null], ['Mohammed', 'محمد']]) {
      const body = { first_name_lat: first, last_name_lat: `Bennani${TAG}`, sex: 'M', birth_date: '2013-06-21',
        province: 'MA-CAS', confirm_new: true };
      if (firstAr) body.first_name_ar = firstAr;
      const res = await fetch(`${BASE}/api/v1/people`, {
        method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
        body: JSON.stringify(body) });
      assert.equal(res.status, 201);
      people.push(await res.json());
    }
    jisr(['dedup', '--db', DB_URL, '--log-level', 'warn']);
    browser = await chromium.launch({ executablePath: process.env.CHROMIUM_PATH || '/usr/bin/chromium',
      headless: true, args: LAUNCH_ARGS });
  });

  after(async () => {
    if (browser) await browser.close();
  });

  async function withPage(options, fn) {
    const context = await browser.newContext(options);
    context.setDefaultTimeout(10_000);
    context.setDefaultNavigationTimeout(15_000);
    try {
      return await fn(await context.newPage());
    } finally {
      await context.close();
    }
  }

  async function login(page, username = COORDINATOR) {
    await page.goto(`${BASE}/login`);
    const form = page.locator('[data-testid=login-form]');
    await form.locator('input[name=username]').fill(username);
    await form.locator('input[name=password]').fill(PASSWORD);
    await Promise.all([page.waitForNavigation({ waitUntil: 'load' }), form.locator('button[type=submit]').click()]);
  }

  const ourRow = (page) => page.locator(
    `[data-testid=review-row][data-person-a="${[people[0].id, people[1].id].sort()[0]}"]` +
    `[data-person-b="${[people[0].id, people[1].id].sort()[1]}"]`);

  test('accessibility (axe-core) of the page in Arabic and French: no serious or critical violation', async () => {
    for (const [locale, lang] of [['ar-MA', 'ar'], ['fr-FR', 'fr']]) {
      await withPage({ locale, bypassCSP: true }, async (page) => {
        await login(page);
        await page.goto(`${BASE}/lang/${lang}?next=${encodeURIComponent('/duplicate-reviews?limit=500')}`);
        assert.equal(await page.locator('html').getAttribute('lang'), lang);
        await page.addScriptTag({ path: AXE_PATH });
        const violations = await page.evaluate(async () => {
          const result = await window.axe.run(document, { resultTypes: ['violations'] });
          return result.violations.map((v) => ({ id: v.id, impact: v.impact, help: v.help,
            nodes: v.nodes.slice(0, 3).map((n) => n.target.join(' ')) }));
        });
        const serious = violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
        assert.deepEqual(serious, [], `${lang}: ${JSON.stringify(serious, null, 2)}`);
      });
    }
  });

  test('the pair side by side in Arabic, links to both files, dismissed and gone', async () => {
    await withPage({ locale: 'fr-FR' }, async (page) => {
      const problems = [];
      page.on('console', (msg) => { if (msg.type() === 'error' && !isNoise(msg.location().url)) problems.push(msg.text()); });
      page.on('pageerror', (err) => problems.push(err.message));
      page.on('response', (res) => { if (res.status() >= 400 && !isNoise(res.url())) problems.push(`HTTP ${res.status()} ${res.url()}`); });
      await login(page);
      await page.goto(`${BASE}/duplicate-reviews?limit=500`);
      // The coordinator's language is Arabic whatever the browser asks for.
      assert.equal(await page.locator('html').getAttribute('dir'), 'rtl');
      assert.equal((await page.locator('h1').textContent()).trim(), AR['dedupreview.page.title']);
      const row = ourRow(page);
      assert.equal(await row.count(), 1, 'our pair is listed once');
      const hrefs = [await row.locator('[data-testid=review-link-a]').getAttribute('href'),
        await row.locator('[data-testid=review-link-b]').getAttribute('href')].sort();
      assert.deepEqual(hrefs, people.map((p) => `/people/${p.id}`).sort());
      const text = await row.textContent();
      assert.ok(text.includes('محمد'), 'the Arabic name is shown');
      assert.ok(text.includes(`Mohamed Bennani${TAG}`) && text.includes(`Mohammed Bennani${TAG}`));
      for (const p of people) assert.ok(text.includes(p.file_number));
      assert.match(await row.locator('[data-testid=review-score]').textContent(), /^\d{2,3} %$/);

      await Promise.all([page.waitForNavigation({ waitUntil: 'load' }),
        row.getByRole('button', { name: AR['dedupreview.dismiss'] }).click()]);
      assert.equal(new URL(page.url()).pathname, '/duplicate-reviews');
      assert.equal((await page.locator('[data-testid=review-dismissed]').textContent()).trim(), AR['dedupreview.dismissed']);
      await page.goto(`${BASE}/duplicate-reviews?limit=500`);
      assert.equal(await ourRow(page).count(), 0, 'dismissed pairs leave the list');
      assert.deepEqual(problems, []);
    });
  });

  test('the main navigation leads a coordinator to the queue; a social worker has no such link', async () => {
    await withPage({ locale: 'fr-FR' }, async (page) => {
      await login(page);
      await page.goto(`${BASE}/people`);
      const link = page.locator('header nav [data-testid=nav-duplicate-reviews]');
      assert.equal((await link.textContent()).trim(), AR['dedupreview.nav']);
      await Promise.all([page.waitForNavigation({ waitUntil: 'load' }), link.click()]);
      assert.equal(new URL(page.url()).pathname, '/duplicate-reviews');
      assert.equal((await page.locator('h1').textContent()).trim(), AR['dedupreview.page.title']);
      assert.equal(await page.locator('header nav a[aria-current=page]').getAttribute('href'), '/duplicate-reviews');
    });
    await withPage({ locale: 'fr-FR' }, async (page) => {
      await login(page, WORKER);
      await page.goto(`${BASE}/people`);
      assert.ok(await page.locator('header nav a[href="/people"]').count() > 0, 'the worker has a navigation');
      assert.equal(await page.locator('header nav a[href="/duplicate-reviews"]').count(), 0);
    });
  });
});
