// Browser tests of sign-in, user administration and sign-out in headless Chromium.
//
//   JISR_BASE_URL=http://127.0.0.1:8080 JISR_BIN=$PWD/build/jisr JISR_DB_URL=sqlite:/tmp/jisr.db \
//     node --test tests/e2e/
//
// CHROMIUM_PATH overrides the browser binary (default /usr/bin/chromium). The server starts
// with an empty user table; the administrator is created with `jisr user add`.
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import {
  assertAccessible, fieldLabel as label, htmlAttr, isNoise, launchBrowser, submitLogin, watchProblems, withPage,
} from '../lib/browser.mjs';
import { addUser } from '../lib/cli.mjs';
import { BASE, BIN, DB_URL, catalog } from '../lib/env.mjs';

const FR = catalog('fr');
const AR = catalog('ar');

const PASSWORD = 'a-long-password-123';
const SUFFIX = randomBytes(4).toString('hex');
const ADMIN = `e2e-admin-${SUFFIX}`;
const ADMIN_NAME = 'Amina Bennani';
const NEW_USER = `e2e-ar-${SUFFIX}`;
const NEW_USER_NAME = 'سلمى العلوي';

describe('sign-in and user administration in the browser', () => {
  let browser;

  before(async () => {
    assert.ok(BASE, 'set JISR_BASE_URL to the base URL of a running Jisr server');
    assert.ok(BIN && DB_URL, 'set JISR_BIN and JISR_DB_URL (the server\'s database)');
    addUser({ username: ADMIN, role: 'admin', scope: 'national', displayName: ADMIN_NAME, lang: 'fr', password: PASSWORD });
    browser = await launchBrowser();
  });

  after(async () => {
    if (browser) await browser.close();
  });

  const path = (page) => {
    const url = new URL(page.url());
    return url.pathname + url.search;
  };

  async function login(page, username = ADMIN, password = PASSWORD) {
    await page.goto(`${BASE}/login`);
    await submitLogin(page, username, password);
  }

  // Opens a page in a given language, whatever the signed-in user's preference.
  const gotoIn = (page, lang, p) => page.goto(`${BASE}/lang/${lang}?next=${encodeURIComponent(p)}`);

  // The ids in a field's aria-describedby.
  const describedBy = async (field) =>
    ((await field.getAttribute('aria-describedby')) || '').split(/\s+/).filter(Boolean);

  async function switchLanguage(page, name) {
    await Promise.all([
      page.waitForNavigation({ waitUntil: 'load' }),
      page.locator('[data-testid=language-switcher]').getByRole('link', { name }).click(),
    ]);
  }

  test('sign in (French): generic error first, then the header names the user', async () => {
    await withPage(browser, { locale: 'fr-FR' }, async (page) => {
      const response = await page.goto(`${BASE}/login`);
      assert.equal(response.status(), 200);
      assert.equal(await htmlAttr(page, 'lang'), 'fr');
      assert.match(await page.title(), new RegExp(FR['page.login.title']));
      // Labelled fields, with the autocomplete a password manager needs.
      const username = page.getByLabel(FR['page.login.username'], { exact: true });
      const password = page.getByLabel(FR['page.login.password'], { exact: true });
      assert.equal(await username.getAttribute('autocomplete'), 'username');
      assert.equal(await username.getAttribute('autocapitalize'), 'none');
      assert.equal(await password.getAttribute('autocomplete'), 'current-password');
      assert.equal(await password.getAttribute('type'), 'password');
      assert.equal(await page.locator('[data-testid=user-name]').count(), 0, 'nobody signed in yet');
      await page.locator('[data-testid=login-link]').waitFor();

      // A wrong password: the generic message, the username kept, no session.
      await submitLogin(page, ADMIN, 'not-the-password-0');
      const alert = page.locator('[role=alert]');
      assert.equal((await alert.textContent()).trim(), FR['auth.login_failed']);
      assert.equal(await page.locator('[data-testid=login-form] input[name=username]').inputValue(), ADMIN);
      assert.equal(await page.locator('[data-testid=login-form] input[name=password]').inputValue(), '');

      await submitLogin(page, ADMIN, PASSWORD);
      assert.equal(path(page), '/');
      const name = page.locator('header [data-testid=user-name]');
      assert.equal((await name.textContent()).trim(), ADMIN_NAME);
      assert.equal((await page.locator('header [data-testid=user-role]').textContent()).trim(), FR['role.admin']);
      assert.equal(await page.locator('[data-testid=login-link]').count(), 0);
      // Links to the pages an administrator may open.
      const nav = page.getByRole('navigation', { name: FR['nav.main'] });
      assert.equal(await nav.getByRole('link', { name: FR['nav.users'] }).getAttribute('href'), '/admin/users');
      assert.equal(await nav.getByRole('link', { name: FR['nav.audit'] }).getAttribute('href'), '/audit');
      // The session cookie is out of reach of scripts.
      assert.equal(await page.evaluate(() => document.cookie.includes('jisr_session')), false);
      const csrf = await page.locator('meta[name=csrf-token]').getAttribute('content');
      assert.ok(csrf && csrf.length >= 16, 'the page carries the session CSRF token');
    });
  });

  test('htmx requests carry the CSRF token in X-CSRF-Token (app.js)', async () => {
    await withPage(browser, { locale: 'fr-FR' }, async (page) => {
      await login(page);
      const csrf = await page.locator('meta[name=csrf-token]').getAttribute('content');
      let seen = null;
      await page.route('**/__csrf_probe', async (route) => {
        seen = route.request().headers()['x-csrf-token'] ?? '';
        await route.fulfill({ status: 200, contentType: 'text/html', body: '' });
      });
      await page.evaluate(() => window.htmx.ajax('POST', '/__csrf_probe', { target: 'body', swap: 'none' }));
      for (let i = 0; i < 50 && seen === null; i++) await page.waitForTimeout(50);
      assert.equal(seen, csrf);
    });
  });

  test('create a user in Arabic: error next to the password, nothing typed lost, then saved', async () => {
    await withPage(browser, { locale: 'fr-FR' }, async (page) => {
      const problems = [];
      page.on('pageerror', (err) => problems.push(`page error: ${err.message}`));
      page.on('console', (msg) => {
        if (msg.type() === 'error' && !isNoise(msg.location().url) && !/status of 4\d\d/.test(msg.text())) {
          problems.push(`console: ${msg.text()}`);
        }
      });
      await login(page);
      await switchLanguage(page, 'العربية');
      assert.equal(await htmlAttr(page, 'dir'), 'rtl');
      assert.equal(await htmlAttr(page, 'lang'), 'ar');

      await page.goto(`${BASE}/admin/users`);
      assert.equal(await htmlAttr(page, 'dir'), 'rtl');
      assert.equal((await page.locator('h1').textContent()).trim(), AR['page.users.title']);
      await Promise.all([
        page.waitForNavigation({ waitUntil: 'load' }),
        page.locator('[data-testid=new-user]').click(),
      ]);
      assert.equal(new URL(page.url()).pathname, '/admin/users/new');
      assert.equal(await htmlAttr(page, 'dir'), 'rtl');
      assert.equal((await page.locator('h1').textContent()).trim(), AR['page.users.new']);

      // Every field is found by its Arabic label.
      const form = page.locator('[data-testid=user-form]');
      const field = (key) => form.getByLabel(label(AR[key]));
      const username = field('field.username');
      const displayName = field('field.display_name');
      const email = field('field.email');
      const password = form.locator('input[name=password]');
      const confirm = form.locator('input[name=password_confirm]');
      assert.equal(await username.getAttribute('name'), 'username');
      assert.equal(await displayName.getAttribute('name'), 'display_name');
      assert.equal(await email.getAttribute('name'), 'email');
      assert.equal(await email.getAttribute('type'), 'email');
      assert.equal(await field('field.role').getAttribute('name'), 'role');
      assert.equal(await field('field.scope_level').getAttribute('name'), 'scope_level');
      assert.equal(await field('field.scope_code').getAttribute('name'), 'scope_code');
      assert.equal(await field('field.preferred_language').getAttribute('name'), 'preferred_language');
      assert.equal(await field('field.password').getAttribute('name'), 'password');
      assert.equal(await field('field.password_confirm').getAttribute('name'), 'password_confirm');
      assert.equal(await password.getAttribute('autocomplete'), 'new-password');

      await username.fill(NEW_USER);
      await displayName.fill(NEW_USER_NAME);
      await email.fill(`${NEW_USER}@example.org`);
      await field('field.role').selectOption('social_worker');
      await field('field.scope_level').selectOption('province');
      await field('field.scope_code').selectOption('MA-CAS');
      await field('field.preferred_language').selectOption('ar');
      await password.fill('short');
      await confirm.fill('short');
      await Promise.all([
        page.waitForNavigation({ waitUntil: 'load' }),
        form.locator('button[type=submit]').click(),
      ]);

      // Refused: still on the form, in Arabic, the error tied to the password field.
      assert.equal(await htmlAttr(page, 'dir'), 'rtl');
      const pw = page.locator('[data-testid=user-form] input[name=password]');
      assert.equal(await pw.getAttribute('aria-invalid'), 'true');
      const error = page.getByText(AR['validation.password_too_short'], { exact: true });
      assert.equal(await error.count(), 1, 'the Arabic error is shown once');
      assert.ok(await error.isVisible());
      const errorId = await error.getAttribute('id');
      assert.ok(errorId && (await describedBy(pw)).includes(errorId),
        'the password field points to its error with aria-describedby');
      // Next to the field: in the same form group, right after it.
      const between = await pw.evaluate((input, id) => {
        const err = document.getElementById(id);
        return Boolean(input.parentElement && input.parentElement.contains(err));
      }, errorId);
      assert.ok(between, 'the error sits with the password field');
      // What was typed is still there (except the passwords).
      const again = page.locator('[data-testid=user-form]');
      assert.equal(await again.locator('input[name=username]').inputValue(), NEW_USER);
      assert.equal(await again.locator('input[name=display_name]').inputValue(), NEW_USER_NAME);
      assert.equal(await again.locator('input[name=email]').inputValue(), `${NEW_USER}@example.org`);
      assert.equal(await again.locator('select[name=role]').inputValue(), 'social_worker');
      assert.equal(await again.locator('select[name=scope_code]').inputValue(), 'MA-CAS');

      await again.locator('input[name=password]').fill(PASSWORD);
      await again.locator('input[name=password_confirm]').fill(PASSWORD);
      await Promise.all([
        page.waitForNavigation({ waitUntil: 'load' }),
        again.locator('button[type=submit]').click(),
      ]);
      assert.equal(await page.locator('[aria-invalid=true]').count(), 0, 'saved without error');
      assert.equal(await page.locator('[data-testid=user-form] input[name=password]').count(), 0,
        'the creation form is gone');

      // Found in the list with the search filter.
      await page.goto(`${BASE}/admin/users`);
      const filter = page.locator('[data-testid=users-filter]');
      await filter.getByLabel(AR['page.users.search_label']).fill(NEW_USER);
      await Promise.all([
        page.waitForNavigation({ waitUntil: 'load' }),
        filter.getByRole('button', { name: AR['page.users.filter'] }).click(),
      ]);
      assert.equal(new URL(page.url()).searchParams.get('q'), NEW_USER);
      const row = page.locator('[data-testid=user-row]');
      assert.equal(await row.count(), 1);
      assert.equal(await row.getAttribute('data-username'), NEW_USER);
      assert.equal(await row.getAttribute('data-status'), 'active');
      assert.ok((await row.textContent()).includes(NEW_USER_NAME));
      assert.ok((await row.textContent()).includes(AR['role.social_worker']));

      // Disable it from its page.
      await Promise.all([
        page.waitForNavigation({ waitUntil: 'load' }),
        row.getByRole('link', { name: NEW_USER_NAME }).click(),
      ]);
      const readOnly = page.locator('[data-testid=user-form] #user-username');
      assert.equal(await readOnly.inputValue(), NEW_USER);
      assert.equal(await readOnly.getAttribute('readonly'), '');
      assert.equal(await page.locator('[data-testid=user-status]').getAttribute('data-status'), 'active');
      const statusButton = page.locator('[data-testid=status-form] button[type=submit]');
      assert.equal((await statusButton.textContent()).trim(), AR['page.users.disable']);
      await Promise.all([page.waitForNavigation({ waitUntil: 'load' }), statusButton.click()]);
      assert.equal(await htmlAttr(page, 'dir'), 'rtl');

      await page.goto(`${BASE}/admin/users?q=${encodeURIComponent(NEW_USER)}`);
      assert.equal(await page.locator('[data-testid=user-row]').getAttribute('data-status'), 'disabled');
      // The status filter finds it among the disabled accounts.
      await page.locator('[data-testid=users-filter] select[name=status]').selectOption('disabled');
      await Promise.all([
        page.waitForNavigation({ waitUntil: 'load' }),
        page.locator('[data-testid=users-filter] button[type=submit]').click(),
      ]);
      assert.equal(await page.locator(`[data-testid=user-row][data-username="${NEW_USER}"]`).count(), 1);
      assert.deepEqual(problems, []);
    });
  });

  test('sign out; a protected page then asks to sign in and comes back after', async () => {
    await withPage(browser, { locale: 'ar-MA' }, async (page) => {
      await login(page);
      await gotoIn(page, 'ar', '/admin/users');
      assert.equal(await htmlAttr(page, 'dir'), 'rtl');
      const logout = page.locator('header [data-testid=logout-form] button[type=submit]');
      assert.equal((await logout.textContent()).trim(), AR['nav.logout']);
      await Promise.all([page.waitForNavigation({ waitUntil: 'load' }), logout.click()]);
      assert.equal(new URL(page.url()).pathname, '/login');
      assert.equal(await page.locator('[data-testid=user-name]').count(), 0);

      await page.goto(`${BASE}/admin/users`);
      assert.equal(new URL(page.url()).pathname, '/login');
      assert.equal(new URL(page.url()).searchParams.get('next'), '/admin/users');
      assert.equal(await page.locator('[data-testid=login-form] input[name=next]').inputValue(), '/admin/users');
      await submitLogin(page, ADMIN, PASSWORD);
      assert.equal(path(page), '/admin/users');
      assert.equal((await page.locator('header [data-testid=user-name]').textContent()).trim(), ADMIN_NAME);
    });
  });

  test('a disabled account cannot sign in (generic message)', async () => {
    await withPage(browser, { locale: 'fr-FR' }, async (page) => {
      await login(page, NEW_USER, PASSWORD);
      assert.equal(new URL(page.url()).pathname, '/login');
      assert.equal(await page.locator('[data-testid=user-name]').count(), 0);
      const text = (await page.locator('[role=alert]').textContent()).trim();
      assert.ok([FR['auth.disabled_user'], FR['auth.login_failed']].includes(text), text);
    });
  });

  test('no CSP violation, console error or failed request on the new pages', async () => {
    for (const locale of ['fr-FR', 'ar-MA']) {
      await withPage(browser, { locale }, async (page) => {
        const problems = await watchProblems(page);
        await page.goto(`${BASE}/login`, { waitUntil: 'load' });
        await submitLogin(page, ADMIN, PASSWORD);
        for (const p of ['/admin/users', '/admin/users/new', '/audit']) {
          await page.goto(`${BASE}${p}`, { waitUntil: 'load' });
          assert.equal(await page.evaluate(() => typeof window.htmx), 'object', `htmx on ${p}`);
        }
        await page.waitForTimeout(100);
        assert.deepEqual(problems, [], `${locale}:\n${problems.join('\n')}`);
      });
    }
  });

  test('phone width: no sideways scrolling, user rows become cards, 44 px touch targets', async () => {
    await withPage(browser, { locale: 'ar-MA', viewport: { width: 360, height: 740 }, isMobile: true, hasTouch: true }, async (page) => {
      await login(page);
      for (const p of ['/login', '/admin/users', '/admin/users/new', '/audit']) {
        await gotoIn(page, 'ar', p);
        const overflow = await page.evaluate(() =>
          document.documentElement.scrollWidth - document.documentElement.clientWidth);
        assert.ok(overflow <= 0, `${p} is ${overflow}px wider than the screen`);
        const targets = page.locator('header a, header button, main a.btn, main button, main input:not([type=hidden]), main select');
        for (const el of await targets.all()) {
          if (!(await el.isVisible())) continue;
          const box = await el.boundingBox();
          assert.ok(box.height >= 44, `${p}: ${await el.evaluate((e) => e.outerHTML.slice(0, 80))} is ${box.height}px high`);
        }
      }
      await page.goto(`${BASE}/admin/users`);
      const row = page.locator('[data-testid=user-row]').first();
      assert.equal(await row.evaluate((el) => getComputedStyle(el).display), 'block');
    });
  });

  test('accessibility (axe-core): no serious or critical violation', async () => {
    // addScriptTag injects the file as an inline script, which the page's CSP rightly
    // refuses; this test alone bypasses the CSP to be able to run axe.
    const pages = [
      ['ar-MA', '/login', false], ['fr-FR', '/login', false],
      ['ar-MA', '/admin/users', true], ['ar-MA', '/admin/users/new', true], ['ar-MA', '/audit', true],
      ['fr-FR', '/admin/users', true],
    ];
    for (const [locale, p, signedIn] of pages) {
      await withPage(browser, { locale, bypassCSP: true }, async (page) => {
        if (signedIn) await login(page);
        await gotoIn(page, locale.slice(0, 2), p);
        assert.equal(path(page), p, 'on the page to check');
        if (locale === 'ar-MA') assert.equal(await htmlAttr(page, 'dir'), 'rtl');
        await assertAccessible(page, `${locale} ${p}`);
      });
    }
  });
});
