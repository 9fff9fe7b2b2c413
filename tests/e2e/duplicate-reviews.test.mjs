// Browser test of the page "تكرارات محتملة" (likely duplicates) in headless Chromium: a
// provincial coordinator working in Arabic sees the pair that `jisr dedup --db` found
// between two files of the same child, side by side with links to both files, dismisses it
// ("ليس نفس الشخص") and it leaves the list. Accessibility (axe-core), CSP and console checks.
//
//   JISR_BASE_URL=http://127.0.0.1:8080 JISR_BIN=$PWD/build/jisr JISR_DB_URL=sqlite:/tmp/jisr.db \
//     node --test tests/e2e/
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { assertAccessible, launchBrowser, signIn, watchProblems, withPage } from '../lib/browser.mjs';
import { addUser, cliToken, jisrRaw } from '../lib/cli.mjs';
import { BASE, BIN, DB_URL, catalog, newSuffix } from '../lib/env.mjs';
import { api } from '../lib/http.mjs';

const AR = catalog('ar', 'dedupreview');

const PASSWORD = 'a-long-password-123';
const SUFFIX = newSuffix();
const COORDINATOR = `e2e-dupes-${SUFFIX}`;
const WORKER = `e2e-dupes-sw-${SUFFIX}`;
const TAG = [...SUFFIX].map((c) => 'bcdfghjklmnprstv'[parseInt(c, 16)]).join('');

describe('likely duplicates page in the browser (provincial coordinator, Arabic)', () => {
  let browser;
  const people = [];

  before(async () => {
    assert.ok(BASE && BIN && DB_URL, 'set JISR_BASE_URL, JISR_BIN and JISR_DB_URL');
    addUser({ username: COORDINATOR, role: 'provincial_coordinator', scope: 'province:MA-CAS', lang: 'ar', password: PASSWORD });
    addUser({ username: WORKER, role: 'social_worker', scope: 'province:MA-CAS', password: PASSWORD });
    const token = cliToken(COORDINATOR);
    for (const [first, firstAr] of [['Mohamed', null], ['Mohammed', 'محمد']]) {
      const body = { first_name_lat: first, last_name_lat: `Bennani${TAG}`, sex: 'M', birth_date: '2013-06-21',
        province: 'MA-CAS', confirm_new: true };
      if (firstAr) body.first_name_ar = firstAr;
      const r = await api('POST', '/api/v1/people', token, body);
      assert.equal(r.status, 201, r.where);
      people.push(r.body);
    }
    jisrRaw(['dedup', '--db', DB_URL, '--log-level', 'warn']);
    browser = await launchBrowser();
  });

  after(async () => {
    if (browser) await browser.close();
  });

  const login = (page, username = COORDINATOR) => signIn(page, username, PASSWORD);

  const ourRow = (page) => page.locator(
    `[data-testid=review-row][data-person-a="${[people[0].id, people[1].id].sort()[0]}"]` +
    `[data-person-b="${[people[0].id, people[1].id].sort()[1]}"]`);

  test('accessibility (axe-core) of the page in Arabic and French: no serious or critical violation', async () => {
    for (const [locale, lang] of [['ar-MA', 'ar'], ['fr-FR', 'fr']]) {
      await withPage(browser, { locale, bypassCSP: true }, async (page) => {
        await login(page);
        await page.goto(`${BASE}/lang/${lang}?next=${encodeURIComponent('/duplicate-reviews?limit=500')}`);
        assert.equal(await page.locator('html').getAttribute('lang'), lang);
        await assertAccessible(page, lang);
      });
    }
  });

  test('the pair side by side in Arabic, links to both files, dismissed and gone', async () => {
    await withPage(browser, { locale: 'fr-FR' }, async (page) => {
      const problems = await watchProblems(page);
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
    await withPage(browser, { locale: 'fr-FR' }, async (page) => {
      await login(page);
      await page.goto(`${BASE}/people`);
      const link = page.locator('header nav [data-testid=nav-duplicate-reviews]');
      assert.equal((await link.textContent()).trim(), AR['dedupreview.nav']);
      await Promise.all([page.waitForNavigation({ waitUntil: 'load' }), link.click()]);
      assert.equal(new URL(page.url()).pathname, '/duplicate-reviews');
      assert.equal((await page.locator('h1').textContent()).trim(), AR['dedupreview.page.title']);
      assert.equal(await page.locator('header nav a[aria-current=page]').getAttribute('href'), '/duplicate-reviews');
    });
    await withPage(browser, { locale: 'fr-FR' }, async (page) => {
      await login(page, WORKER);
      await page.goto(`${BASE}/people`);
      assert.ok(await page.locator('header nav a[href="/people"]').count() > 0, 'the worker has a navigation');
      assert.equal(await page.locator('header nav a[href="/duplicate-reviews"]').count(), 0);
    });
  });
});
