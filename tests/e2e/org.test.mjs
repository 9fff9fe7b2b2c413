// Browser test of the institutions registry: a provincial coordinator creates an institution
// in Arabic (a refused form keeps what was typed and shows the error beside the field), finds
// it through the filters, opens its page; axe-core finds no serious violation.
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { assertAccessible, launchBrowser, signIn, withPage } from '../lib/browser.mjs';
import { addUser } from '../lib/cli.mjs';
import { BASE, BIN, DB_URL, catalog } from '../lib/env.mjs';

const AR = catalog('ar', 'org');

const PASSWORD = 'a-long-password-123';
const SUFFIX = randomBytes(4).toString('hex');
const COORD = `e2e-coord-${SUFFIX}`;
const NAME_AR = `دار الأمل ${SUFFIX}`;

describe('institutions registry in the browser', () => {
  let browser;
  before(async () => {
    assert.ok(BASE && BIN && DB_URL, 'set JISR_BASE_URL, JISR_BIN and JISR_DB_URL');
    addUser({ username: COORD, role: 'provincial_coordinator', scope: 'province:MA-CAS', displayName: 'منسق إقليمي', lang: 'ar', password: PASSWORD });
    browser = await launchBrowser();
  });
  after(async () => { if (browser) await browser.close(); });

  const login = (page) => signIn(page, COORD, PASSWORD);
  const submit = (page, locator) => Promise.all([page.waitForNavigation({ waitUntil: 'load' }), locator.click()]);

  test('import page: choose a CSV file, check it, see every row error in Arabic; nothing written', async () => {
    await withPage(browser, { locale: 'ar-MA' }, async (page) => {
      await login(page);
      await page.goto(`${BASE}/organizations/import`);
      const form = page.locator('[data-testid=import-form]');
      await form.locator('[data-testid=import-file]').setInputFiles(
        new URL('../fixtures/org/broken.csv', import.meta.url).pathname);
      // The upload travels as multipart/form-data: the CSRF token must be read from it.
      await submit(page, form.locator('[data-testid=dry-run]'));
      assert.equal(await page.locator('[data-testid=import-failed]').count(), 1);
      assert.ok(await page.locator('[data-testid=import-error]').count() >= 4);
      assert.ok((await page.locator('#import-csv').inputValue()).includes('Broken One'),
        'the file content is kept in the text area');
    });
  });

  test('create an institution in Arabic and find it through the filters', async () => {
    await withPage(browser, { locale: 'ar-MA' }, async (page) => {
      const problems = [];
      page.on('pageerror', (e) => problems.push(e.message));
      await login(page);
      await page.goto(`${BASE}/institutions`);
      assert.equal(await page.locator('html').getAttribute('dir'), 'rtl');
      const nav = page.getByRole('navigation', { name: AR['nav.main'] });
      assert.equal(await nav.getByRole('link', { name: AR['org.nav.institutions'] }).getAttribute('href'), '/institutions');
      await submit(page, page.locator('[data-testid=new-record]'));
      assert.equal(new URL(page.url()).pathname, '/institutions/new');
      assert.equal((await page.locator('h1').textContent()).trim(), AR['org.page.new_institution']);

      const form = page.locator('[data-testid=org-form]');
      await form.getByLabel(AR['org.field.name_ar']).fill(NAME_AR);
      await form.locator('select[name=province]').selectOption('MA-CAS');
      await form.locator('select[name=category]').selectOption('women');
      await form.getByLabel(AR['org.service.accommodation']).check();
      await form.getByLabel(AR['org.service.psychosocial']).check();
      await form.getByLabel(AR['org.field.capacity_female']).fill('-4');
      await form.getByLabel(AR['org.field.director']).fill('السيدة نعيمة');
      await submit(page, form.locator('[data-testid=save]'));
      // Refused: the error beside the field, in Arabic, and nothing typed lost.
      const err = page.locator('[data-testid=error-capacity_female]');
      assert.equal((await err.textContent()).trim(), AR['org.validation.negative']);
      assert.equal(await form.getByLabel(AR['org.field.capacity_female']).getAttribute('aria-invalid'), 'true');
      assert.equal(await form.getByLabel(AR['org.field.name_ar']).inputValue(), NAME_AR);
      assert.equal(await form.getByLabel(AR['org.field.director']).inputValue(), 'السيدة نعيمة');
      assert.equal(await form.locator('select[name=category]').inputValue(), 'women');
      assert.ok(await form.getByLabel(AR['org.service.psychosocial']).isChecked());

      await form.getByLabel(AR['org.field.capacity_female']).fill('24');
      await form.getByLabel(AR['org.field.capacity_male']).fill('0');
      await submit(page, form.locator('[data-testid=save]'));
      assert.match(new URL(page.url()).pathname, /^\/institutions\/[0-9A-Z]{26}$/);
      assert.equal((await page.locator('[data-testid=notice]').textContent()).trim(), AR['org.form.saved']);
      assert.ok((await page.locator('h1').textContent()).includes(NAME_AR));
      assert.equal((await page.locator('[data-testid=capacity-female]').textContent()).trim(), '24');
      assert.equal((await page.locator('[data-testid=residents-female]').textContent()).trim(), '0');
      assert.equal(await page.locator('[data-testid=history-row]').count(), 1);
      const id = new URL(page.url()).pathname.split('/').pop();

      // Find it through the filters: category, status, free text.
      await page.goto(`${BASE}/institutions`);
      const filter = page.locator('[data-testid=org-filter]');
      await filter.locator('select[name=category]').selectOption('women');
      await filter.locator('select[name=authorization_status]').selectOption('pending');
      await filter.locator('input[name=q]').fill(`الأمل ${SUFFIX}`);
      await submit(page, filter.locator('[data-testid=filter-submit]'));
      const rows = page.locator('[data-testid=org-row]');
      assert.equal(await rows.count(), 1);
      assert.equal(await rows.first().getAttribute('data-id'), id);
      // Another category: absent.
      await filter.locator('select[name=category]').selectOption('elderly');
      await submit(page, filter.locator('[data-testid=filter-submit]'));
      assert.equal(await page.locator('[data-testid=org-row]').count(), 0);
      assert.equal(await page.locator('[data-testid=org-empty]').count(), 1);
      assert.deepEqual(problems, []);
    });
  });

  test('accessibility (axe-core): institution pages have no serious or critical violation', async () => {
    for (const p of ['/institutions', '/institutions/new', '/institutions/expiring', '/organizations/import']) {
      await withPage(browser, { locale: 'ar-MA', bypassCSP: true }, async (page) => {
        await login(page);
        await page.goto(`${BASE}${p}`);
        await assertAccessible(page, `${p}`);
      });
    }
  });
});
