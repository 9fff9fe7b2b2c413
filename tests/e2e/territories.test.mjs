// Browser tests of the territories page (and the page chrome around it) in headless Chromium.
//
//   JISR_BASE_URL=http://127.0.0.1:8080 node --test tests/e2e/
//
// CHROMIUM_PATH overrides the browser binary (default /usr/bin/chromium). The server must
// run with the territories reference data loaded (data/territories.csv).
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { assertAccessible, htmlAttr, launchBrowser, watchProblems, withPage } from '../lib/browser.mjs';
import { BASE, catalog } from '../lib/env.mjs';
const AR = catalog('ar');

// The expected counts come from the reference data, not from memory.
const csvRows = readFileSync(new URL('../../data/territories.csv', import.meta.url), 'utf8')
  .split('\n').slice(1).filter((l) => l.trim() !== '');
const REGION_COUNT = new Set(csvRows.map((l) => l.split(',')[0])).size;
const PROVINCE_COUNT = csvRows.length;

describe('territories page in the browser', () => {
  let browser;

  before(async () => {
    assert.ok(BASE, 'set JISR_BASE_URL to the base URL of a running Jisr server');
    browser = await launchBrowser();
  });

  after(async () => {
    if (browser) await browser.close();
  });

  test('French by default: lang, direction, every region and province', async () => {
    await withPage(browser, { locale: 'fr-FR' }, async (page) => {
      const response = await page.goto(`${BASE}/territories`);
      assert.equal(response.status(), 200);
      assert.equal(await htmlAttr(page, 'lang'), 'fr');
      assert.equal(await htmlAttr(page, 'dir'), 'ltr');
      assert.equal(await page.locator('[data-testid=region]').count(), REGION_COUNT);
      assert.equal(await page.locator('[data-testid=province]').count(), PROVINCE_COUNT);
      assert.equal(REGION_COUNT, 12);
      assert.equal(PROVINCE_COUNT, 75);
      await page.getByText('Casablanca-Settat', { exact: true }).first().waitFor({ state: 'visible' });
      // The Arabic name stands beside the French one, marked as Arabic.
      const region = page.locator('[data-testid=region]', { hasText: 'Casablanca-Settat' });
      assert.equal(await region.count(), 1);
      assert.equal(await region.locator('[lang=ar]', { hasText: 'الدار البيضاء - سطات' }).count(), 1);
      // The LTR Bootstrap build, not the RTL one.
      const bootstrap = await page.$$eval('link[rel=stylesheet]', (links) =>
        links.map((l) => l.getAttribute('href')).filter((h) => /bootstrap/i.test(h)));
      assert.equal(bootstrap.length, 1, `one Bootstrap stylesheet, got ${bootstrap}`);
      assert.doesNotMatch(bootstrap[0], /rtl/);
      // The navigation marks the current page.
      const current = page.locator('header nav a[aria-current=page]');
      assert.equal(await current.count(), 1);
      assert.equal(new URL(await current.getAttribute('href'), BASE).pathname, '/territories');
    });
  });

  test('Arabic from Accept-Language: right to left, Arabic names, RTL Bootstrap', async () => {
    await withPage(browser, { locale: 'ar-MA' }, async (page) => {
      const response = await page.goto(`${BASE}/territories`);
      assert.equal(response.status(), 200);
      assert.equal(await htmlAttr(page, 'lang'), 'ar');
      assert.equal(await htmlAttr(page, 'dir'), 'rtl');
      await page.getByText('الدار البيضاء - سطات', { exact: true }).first().waitFor({ state: 'visible' });
      assert.equal(await page.locator('[data-testid=region]').count(), REGION_COUNT);
      assert.equal(await page.locator('[data-testid=province]').count(), PROVINCE_COUNT);
      const bootstrap = await page.$$eval('link[rel=stylesheet]', (links) =>
        links.map((l) => l.getAttribute('href')).filter((h) => /bootstrap/i.test(h)));
      assert.equal(bootstrap.length, 1, `one Bootstrap stylesheet, got ${bootstrap}`);
      assert.match(bootstrap[0], /rtl/);
      // Arabic text is set in Noto Sans Arabic.
      const font = await page.locator('h1').evaluate((el) => getComputedStyle(el).fontFamily);
      assert.match(font, /Noto Sans Arabic/);
    });
  });

  test('language switcher: French → Arabic → English, remembered by cookie', async () => {
    await withPage(browser, { locale: 'fr-FR' }, async (page) => {
      await page.goto(`${BASE}/territories`);
      assert.equal(await htmlAttr(page, 'lang'), 'fr');
      const switcher = page.locator('[data-testid=language-switcher]');
      const currentFr = switcher.locator('a[aria-current]');
      assert.equal(await currentFr.getAttribute('hreflang'), 'fr');

      await switcher.getByRole('link', { name: 'العربية' }).click();
      await page.locator('html[dir=rtl]').waitFor({ state: 'attached' });
      assert.equal(await htmlAttr(page, 'lang'), 'ar');
      assert.equal(new URL(page.url()).pathname, '/territories');
      assert.equal(await page.locator('[data-testid=province]').count(), PROVINCE_COUNT);

      await switcher.getByRole('link', { name: 'English' }).click();
      await page.locator('html[lang=en]').waitFor({ state: 'attached' });
      assert.equal(await htmlAttr(page, 'dir'), 'ltr');
      assert.equal(new URL(page.url()).pathname, '/territories');

      await page.reload();
      assert.equal(await htmlAttr(page, 'lang'), 'en');
      // A plain visit (no query string, browser still asking for French) stays in English.
      await page.goto(`${BASE}/territories`);
      assert.equal(await htmlAttr(page, 'lang'), 'en');
      assert.equal(await htmlAttr(page, 'dir'), 'ltr');
    });
  });

  test('no CSP violation, console error or failed request', async () => {
    for (const locale of ['fr-FR', 'ar-MA']) {
      await withPage(browser, { locale }, async (page) => {
        const problems = await watchProblems(page);
        for (const path of ['/', '/territories']) {
          await page.goto(`${BASE}${path}`, { waitUntil: 'load' });
          // htmx loaded and initialised (deferred scripts have run by 'load').
          assert.equal(await page.evaluate(() => typeof window.htmx), 'object', `htmx on ${path}`);
        }
        await page.waitForTimeout(100);
        assert.deepEqual(problems, [], `${locale}:\n${problems.join('\n')}`);
      });
    }
  });

  test('phone width: no sideways scrolling, tables become cards, 44 px touch targets', async () => {
    await withPage(browser, { locale: 'ar-MA', viewport: { width: 360, height: 740 }, isMobile: true, hasTouch: true }, async (page) => {
      await page.goto(`${BASE}/territories`);
      const overflow = await page.evaluate(() =>
        document.documentElement.scrollWidth - document.documentElement.clientWidth);
      assert.ok(overflow <= 0, `page is ${overflow}px wider than the screen`);
      const row = page.locator('[data-testid=province]').first();
      assert.equal(await row.evaluate((el) => getComputedStyle(el).display), 'block');
      const thead = await page.locator('[data-testid=region] thead').first().boundingBox();
      assert.ok(!thead || thead.height <= 1, 'column headers are visually hidden');
      for (const link of await page.locator('header a').all()) {
        const box = await link.boundingBox();
        assert.ok(box.height >= 44, `touch target ${await link.textContent()} is ${box.height}px high`);
      }
    });
  });

  test('accessibility (axe-core): no serious or critical violation', async () => {
    // addScriptTag injects the file as an inline script, which the page's CSP rightly
    // refuses; this test alone bypasses the CSP to be able to run axe.
    const pages = [['fr-FR', '/territories'], ['ar-MA', '/territories'], ['fr-FR', '/'], ['ar-MA', '/no-such-page']];
    for (const [locale, path] of pages) {
      await withPage(browser, { locale, bypassCSP: true }, async (page) => {
        await page.goto(`${BASE}${path}`);
        await assertAccessible(page, `${locale} ${path}`);
      });
    }
  });

  test('unknown page: 404 with the translated title (Arabic)', async () => {
    await withPage(browser, { locale: 'ar-MA' }, async (page) => {
      const response = await page.goto(`${BASE}/no-such-page`);
      assert.equal(response.status(), 404);
      assert.match(response.headers()['content-type'] || '', /text\/html/);
      assert.equal(await htmlAttr(page, 'lang'), 'ar');
      assert.equal(await htmlAttr(page, 'dir'), 'rtl');
      assert.equal((await page.locator('h1').textContent()).trim(), AR['page.not_found.title']);
      assert.match(await page.title(), new RegExp(AR['page.not_found.title']));
    });
  });
});
