// Browser tests of the people pages in headless Chromium: a provincial coordinator working
// in Arabic registers a child, is warned of the likely duplicate when registering the same
// child again (candidates side by side, nothing typed lost), confirms, and finds both files
// by the Latin name. Accessibility (axe-core), CSP and console checks on the three pages.
//
//   JISR_BASE_URL=http://127.0.0.1:8080 JISR_BIN=$PWD/build/jisr JISR_DB_URL=sqlite:/tmp/jisr.db \
//     node --test tests/e2e/
//
// CHROMIUM_PATH overrides the browser binary (default /usr/bin/chromium). The coordinator is
// created with `jisr user add` on the server's database.
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import {
  assertAccessible, fieldLabel as label, htmlAttr, launchBrowser, signIn, submitForm as submit,
  watchProblems as watch, withPage,
} from '../lib/browser.mjs';
import { addUser } from '../lib/cli.mjs';
import { BASE, BIN, DB_URL, catalog } from '../lib/env.mjs';

const AR = catalog('ar', 'person');

const PASSWORD = 'a-long-password-123';
const SUFFIX = randomBytes(4).toString('hex');
const COORDINATOR = `e2e-people-${SUFFIX}`;
// Names unique to this run (the suffix in letters), so that the duplicate warning only
// meets the child registered here.
const TAG = [...SUFFIX].map((c) => 'abcdefghijklmnop'[parseInt(c, 16)]).join('');
const AR_TAG = [...SUFFIX].map((c) => 'بتثجحخدذرزسشصضطظ'[parseInt(c, 16)]).join('');
const CHILD = {
  first_name_ar: 'يوسف',
  last_name_ar: `العلوي ${AR_TAG}`,
  first_name_lat: 'Youssef',
  last_name_lat: `Alaoui${TAG}`,
  birth_year: '2016',
};
const AR_NAME = `${CHILD.first_name_ar} ${CHILD.last_name_ar}`;
const LAT_NAME = `${CHILD.first_name_lat} ${CHILD.last_name_lat}`;
const FILE_NUMBER = /^JSR-\d{4}-\d{7}$/;

describe('people pages in the browser (provincial coordinator, Arabic)', () => {
  let browser;
  const files = []; // {id, fileNumber} of the two files registered

  before(async () => {
    assert.ok(BASE, 'set JISR_BASE_URL to the base URL of a running Jisr server');
    assert.ok(BIN && DB_URL, 'set JISR_BIN and JISR_DB_URL (the server\'s database)');
    addUser({ username: COORDINATOR, role: 'provincial_coordinator', scope: 'province:MA-CAS',
      displayName: 'نزهة الإدريسي', lang: 'ar', password: PASSWORD });
    browser = await launchBrowser();
  });

  after(async () => {
    if (browser) await browser.close();
  });

  async function login(page, username = COORDINATOR) {
    await signIn(page, username, PASSWORD);
    assert.equal(new URL(page.url()).pathname, '/', 'signed in');
  }

  // Fills the registration form with CHILD (the labels are the Arabic ones).
  async function fillChild(page) {
    const form = page.locator('[data-testid=person-form]');
    const field = (key) => form.getByLabel(label(AR[key]));
    await field('person.field.first_name_ar').fill(CHILD.first_name_ar);
    await field('person.field.last_name_ar').fill(CHILD.last_name_ar);
    await field('person.field.first_name_lat').fill(CHILD.first_name_lat);
    await field('person.field.last_name_lat').fill(CHILD.last_name_lat);
    await field('person.field.sex').selectOption('M');
    await field('person.field.birth_date').fill(CHILD.birth_year);
    await field('person.field.birth_date_precision').selectOption('year');
    await field('person.field.province').selectOption('MA-CAS');
    await form.getByLabel(AR['person.group.children_without_family'], { exact: true }).check();
    await form.getByLabel(AR['person.form.consent_label'], { exact: true }).check();
    return form;
  }

  test('register a child in Arabic, get warned of the duplicate, confirm, find both', async () => {
    await withPage(browser, { locale: 'fr-FR' }, async (page) => {
      const problems = await watch(page, { allowStatus: [409] });
      await login(page);
      // The coordinator's language is Arabic, whatever the browser asks for.
      assert.equal(await htmlAttr(page, 'lang'), 'ar');
      assert.equal(await htmlAttr(page, 'dir'), 'rtl');
      const nav = page.getByRole('navigation', { name: AR['nav.main'] });
      await Promise.all([
        page.waitForNavigation({ waitUntil: 'load' }),
        nav.getByRole('link', { name: AR['nav.people'], exact: true }).click(),
      ]);
      assert.equal(new URL(page.url()).pathname, '/people');
      assert.equal(await htmlAttr(page, 'dir'), 'rtl');
      assert.equal((await page.locator('h1').textContent()).trim(), AR['person.page.list']);
      assert.equal(await page.locator('header nav a[aria-current=page]').getAttribute('href'), '/people');

      // Register.
      await Promise.all([
        page.waitForNavigation({ waitUntil: 'load' }),
        page.locator('[data-testid=new-person]').click(),
      ]);
      assert.equal(new URL(page.url()).pathname, '/people/new');
      assert.equal((await page.locator('h1').textContent()).trim(), AR['person.page.new']);
      const form = await fillChild(page);
      const birth = form.getByLabel(label(AR['person.field.birth_date']));
      assert.equal(await birth.getAttribute('inputmode'), 'numeric');
      assert.equal(await birth.getAttribute('placeholder'), AR['person.form.birth_date_placeholder']);
      assert.equal(await form.getByLabel(label(AR['person.field.first_name_ar'])).getAttribute('dir'), 'rtl');
      assert.equal(await form.getByLabel(label(AR['person.field.first_name_lat'])).getAttribute('dir'), 'ltr');
      await submit(page, form);

      // The file: the Arabic name first, the Latin one beside it, the file number.
      const first = new URL(page.url()).pathname;
      assert.match(first, /^\/people\/[^/]+$/, `on the new file, not ${page.url()}`);
      const file = page.locator('[data-testid=person-file]');
      await file.waitFor();
      assert.equal(await htmlAttr(page, 'dir'), 'rtl');
      assert.equal((await file.locator('[data-testid=person-name]').textContent()).trim(), AR_NAME);
      const other = file.locator('[data-testid=person-name-other]');
      assert.equal((await other.textContent()).trim(), LAT_NAME);
      assert.equal(await other.getAttribute('lang'), 'fr');
      const fileNumber = (await file.locator('[data-testid=file-number]').textContent()).trim();
      assert.match(fileNumber, FILE_NUMBER);
      assert.equal(await file.getAttribute('data-file-number'), fileNumber);
      assert.ok((await file.locator('[data-testid=person-groups]').textContent())
        .includes(AR['person.group.children_without_family']));
      assert.ok((await file.locator('[data-testid=person-birth]').textContent()).includes(CHILD.birth_year));
      assert.equal(await file.locator('[data-testid=person-consent]').getAttribute('data-consent'), 'given');
      files.push({ id: first.split('/').pop(), fileNumber });

      // The same child again: the warning, the candidate, nothing typed lost.
      await page.goto(`${BASE}/people/new`);
      const again = await fillChild(page);
      const refused = await submit(page, again);
      assert.equal(refused.status(), 409);
      assert.equal(new URL(page.url()).pathname, '/people/new');
      assert.equal(await htmlAttr(page, 'dir'), 'rtl');
      const candidates = page.locator('[data-testid=duplicate-candidate]');
      assert.equal(await candidates.count(), 1);
      const candidate = candidates.first();
      assert.equal(await candidate.getAttribute('data-file-number'), fileNumber);
      assert.ok((await candidate.textContent()).includes(AR['person.possible_duplicate']));
      assert.equal((await candidate.locator('[data-testid=duplicate-name]').textContent()).trim(), AR_NAME);
      assert.match((await candidate.locator('[data-testid=duplicate-score]').textContent()).trim(), /^(9\d|100) %$/);
      assert.ok((await candidate.textContent()).includes(LAT_NAME));
      const link = candidate.locator('[data-testid=duplicate-link]');
      assert.equal(await link.getAttribute('href'), first);
      assert.equal(await link.getAttribute('target'), '_blank');
      const kept = page.locator('[data-testid=person-form]');
      assert.equal(await kept.locator('input[name=first_name_ar]').inputValue(), CHILD.first_name_ar);
      assert.equal(await kept.locator('input[name=last_name_ar]').inputValue(), CHILD.last_name_ar);
      assert.equal(await kept.locator('input[name=first_name_lat]').inputValue(), CHILD.first_name_lat);
      assert.equal(await kept.locator('input[name=last_name_lat]').inputValue(), CHILD.last_name_lat);
      assert.equal(await kept.locator('select[name=sex]').inputValue(), 'M');
      assert.equal(await kept.locator('input[name=birth_date]').inputValue(), CHILD.birth_year);
      assert.equal(await kept.locator('select[name=birth_date_precision]').inputValue(), 'year');
      assert.equal(await kept.locator('select[name=province]').inputValue(), 'MA-CAS');
      assert.equal(await kept.locator('input[name=tg_children_without_family]').isChecked(), true);
      assert.equal(await kept.locator('input[name=tg_women]').isChecked(), false);
      assert.equal(await kept.locator('input[name=consent]').isChecked(), true);
      const confirm = kept.getByLabel(AR['person.form.confirm_new'], { exact: true });
      assert.equal(await confirm.count(), 1);
      assert.equal(await confirm.getAttribute('name'), 'confirm_new');
      assert.equal(await confirm.isChecked(), false);

      // Sent again without confirming: still refused, still no second file.
      const stillRefused = await submit(page, kept);
      assert.equal(stillRefused.status(), 409);
      assert.equal(await page.locator('[data-testid=duplicate-candidate]').count(), 1);

      // Confirmed: a second file.
      await page.locator('[data-testid=person-form]').getByLabel(AR['person.form.confirm_new'], { exact: true }).check();
      await submit(page, page.locator('[data-testid=person-form]'));
      const second = new URL(page.url()).pathname;
      assert.match(second, /^\/people\/[^/]+$/, `on the second file, not ${page.url()}`);
      assert.notEqual(second, first);
      const secondNumber = (await page.locator('[data-testid=file-number]').textContent()).trim();
      assert.match(secondNumber, FILE_NUMBER);
      assert.notEqual(secondNumber, fileNumber);
      files.push({ id: second.split('/').pop(), fileNumber: secondNumber });

      // Both found by the Latin name.
      await page.goto(`${BASE}/people`);
      const search = page.locator('[data-testid=person-search]');
      await search.getByLabel(AR['person.list.search_label'], { exact: true }).fill(CHILD.last_name_lat);
      await submit(page, search);
      assert.equal(new URL(page.url()).searchParams.get('q'), CHILD.last_name_lat);
      const rows = page.locator('[data-testid=person-row]');
      assert.equal(await rows.count(), 2);
      const numbers = await rows.evaluateAll((trs) => trs.map((tr) => tr.getAttribute('data-file-number')));
      assert.deepEqual([...numbers].sort(), [fileNumber, secondNumber].sort());
      for (const row of await rows.all()) {
        assert.ok((await row.textContent()).includes(AR_NAME));
        assert.equal(await row.locator('.name-other').getAttribute('lang'), 'fr');
      }
      // And by the Arabic name.
      await page.goto(`${BASE}/people?q=${encodeURIComponent(CHILD.last_name_ar)}`);
      assert.equal(await page.locator('[data-testid=person-row]').count(), 2);
      // A search that finds nobody says so.
      await page.goto(`${BASE}/people?q=${encodeURIComponent(`nobody-${SUFFIX}`)}`);
      assert.equal(await page.locator('[data-testid=person-row]').count(), 0);
      assert.equal((await page.locator('[data-testid=person-empty]').textContent()).trim(), AR['person.list.empty']);

      await page.waitForTimeout(100);
      assert.deepEqual(problems, [], problems.join('\n'));
    });
  });

  test('a validation error sits next to its field, in Arabic, nothing typed lost', async () => {
    await withPage(browser, { locale: 'ar-MA' }, async (page) => {
      const problems = await watch(page, { allowStatus: [422] });
      await login(page);
      await page.goto(`${BASE}/people/new`);
      const form = await fillChild(page);
      await form.getByLabel(label(AR['person.field.birth_date_precision'])).selectOption('exact');
      await form.getByLabel(label(AR['person.field.cin'])).fill('12AB');
      const response = await submit(page, form);
      assert.equal(response.status(), 422);
      const kept = page.locator('[data-testid=person-form]');
      for (const [name, key] of [['cin', 'validation.invalid_cin'], ['birth_date', 'validation.exact_date_needs_day']]) {
        const input = kept.locator(`input[name=${name}]`);
        assert.equal(await input.getAttribute('aria-invalid'), 'true', name);
        const error = page.getByText(AR[key], { exact: true });
        assert.equal(await error.count(), 1, `${name}: the Arabic error once`);
        const id = await error.getAttribute('id');
        const describedBy = ((await input.getAttribute('aria-describedby')) || '').split(/\s+/);
        assert.ok(id && describedBy.includes(id), `${name} points to its error`);
        assert.ok(await input.evaluate((el, errId) => el.parentElement.contains(document.getElementById(errId)), id),
          `${name}: the error is next to the field`);
      }
      assert.equal(await kept.locator('input[name=cin]').inputValue(), '12AB');
      assert.equal(await kept.locator('input[name=last_name_ar]').inputValue(), CHILD.last_name_ar);
      assert.equal(await kept.locator('input[name=tg_children_without_family]').isChecked(), true);
      assert.equal(await page.locator('[data-testid=duplicate-candidate]').count(), 0);
      await page.waitForTimeout(100);
      assert.deepEqual(problems, [], problems.join('\n'));
    });
  });

  test('edit from the file: the form holds the file, saving comes back to it; a stale form is refused', async () => {
    assert.equal(files.length, 2, 'the registration test ran first');
    await withPage(browser, { locale: 'ar-MA' }, async (page) => {
      const problems = await watch(page, { allowStatus: [409] });
      await login(page);
      await page.goto(`${BASE}/people/${files[1].id}`);
      await Promise.all([
        page.waitForNavigation({ waitUntil: 'load' }),
        page.locator('[data-testid=edit-person]').click(),
      ]);
      assert.equal(new URL(page.url()).pathname, `/people/${files[1].id}/edit`);
      assert.equal((await page.locator('h1').textContent()).trim(), AR['person.page.edit']);
      const form = page.locator('[data-testid=person-form]');
      assert.equal(await form.locator('input[name=last_name_ar]').inputValue(), CHILD.last_name_ar);
      assert.equal(await form.locator('select[name=birth_date_precision]').inputValue(), 'year');
      assert.equal(await form.locator('input[name=tg_children_without_family]').isChecked(), true);
      assert.equal(await form.locator('input[name=consent]').isChecked(), true);
      assert.equal(await form.locator('input[name=version]').inputValue(), '1');
      // A second tab saves first: this form's version is now stale.
      const other = await page.context().newPage();
      await other.goto(`${BASE}/people/${files[1].id}/edit`);
      const otherForm = other.locator('[data-testid=person-form]');
      await otherForm.getByLabel(label(AR['person.field.father_first_name'])).fill('إدريس');
      await submit(other, otherForm);
      assert.equal(new URL(other.url()).pathname, `/people/${files[1].id}`);
      assert.ok((await other.locator('[data-testid=person-identity]').textContent()).includes('إدريس'));
      await other.close();

      await form.getByLabel(label(AR['person.field.father_first_name'])).fill('أحمد');
      const refused = await submit(page, form);
      assert.equal(refused.status(), 409);
      assert.equal((await page.locator('[data-testid=form-error]').textContent()).trim(), AR['error.stale_version']);
      assert.equal(await page.locator('[data-testid=person-form] input[name=father_first_name]').inputValue(), 'أحمد',
        'what was typed is kept');
      // Reloaded, the form has the other tab's change and saves.
      await page.goto(`${BASE}/people/${files[1].id}/edit`);
      const fresh = page.locator('[data-testid=person-form]');
      assert.equal(await fresh.locator('input[name=father_first_name]').inputValue(), 'إدريس');
      await fresh.getByLabel(label(AR['person.field.father_first_name'])).fill('أحمد');
      await submit(page, fresh);
      assert.equal(new URL(page.url()).pathname, `/people/${files[1].id}`);
      assert.ok((await page.locator('[data-testid=person-identity]').textContent()).includes('أحمد'));
      assert.ok(await page.locator('[data-testid=history-row]').count() >= 3, 'registration and two edits');
      await page.waitForTimeout(100);
      assert.deepEqual(problems, [], problems.join('\n'));
    });
  });

  test('phone width: no sideways scrolling, people rows become cards', async () => {
    assert.equal(files.length, 2, 'the registration test ran first');
    await withPage(browser, { locale: 'ar-MA', viewport: { width: 360, height: 740 }, isMobile: true, hasTouch: true }, async (page) => {
      await login(page);
      for (const p of [`/people?q=${encodeURIComponent(CHILD.last_name_lat)}`, '/people/new', `/people/${files[0].id}`]) {
        await page.goto(`${BASE}${p}`);
        const overflow = await page.evaluate(() =>
          document.documentElement.scrollWidth - document.documentElement.clientWidth);
        assert.ok(overflow <= 0, `${p} is ${overflow}px wider than the screen`);
        const targets = page.locator('main a.btn, main button, main input:not([type=hidden]):not([type=checkbox]), main select');
        for (const el of await targets.all()) {
          if (!(await el.isVisible())) continue;
          const box = await el.boundingBox();
          assert.ok(box.height >= 44, `${p}: ${await el.evaluate((e) => e.outerHTML.slice(0, 80))} is ${box.height}px high`);
        }
      }
      await page.goto(`${BASE}/people?q=${encodeURIComponent(CHILD.last_name_lat)}`);
      const row = page.locator('[data-testid=person-row]').first();
      assert.equal(await row.evaluate((el) => getComputedStyle(el).display), 'block');
    });
  });

  test('printing the file: the identity block stays, the navigation goes', async () => {
    assert.equal(files.length, 2, 'the registration test ran first');
    await withPage(browser, { locale: 'ar-MA' }, async (page) => {
      await login(page);
      await page.goto(`${BASE}/people/${files[0].id}`);
      await page.emulateMedia({ media: 'print' });
      assert.equal(await page.locator('[data-testid=person-identity]').isVisible(), true);
      assert.equal(await page.locator('[data-testid=file-number]').isVisible(), true);
      assert.equal(await page.locator('[data-testid=person-sections]').isVisible(), false);
      assert.equal(await page.locator('header.site-header').isVisible(), false);
      assert.equal(await page.locator('[data-testid=edit-person]').isVisible(), false);
    });
  });

  test('accessibility (axe-core): no serious or critical violation on list, form, duplicates and file', async () => {
    assert.equal(files.length, 2, 'the registration test ran first');
    // addScriptTag injects the file as an inline script, which the page's CSP rightly
    // refuses; this test alone bypasses the CSP to be able to run axe.
    const checks = [
      ['ar-MA', 'ar', `/people?q=${encodeURIComponent(CHILD.last_name_lat)}`],
      ['ar-MA', 'ar', '/people/new'],
      ['ar-MA', 'ar', 'duplicates'],
      ['ar-MA', 'ar', `/people/${files[0].id}`],
      ['fr-FR', 'fr', `/people?q=${encodeURIComponent(CHILD.last_name_lat)}`],
      ['fr-FR', 'fr', '/people/new'],
      ['fr-FR', 'fr', `/people/${files[0].id}`],
      ['fr-FR', 'fr', `/people?q=${encodeURIComponent(`nobody-${SUFFIX}`)}`],
    ];
    for (const [locale, lang, p] of checks) {
      await withPage(browser, { locale, bypassCSP: true }, async (page) => {
        await login(page);
        if (p === 'duplicates') {
          await page.goto(`${BASE}/lang/${lang}?next=${encodeURIComponent('/people/new')}`);
          const response = await submit(page, await fillChild(page));
          assert.equal(response.status(), 409);
        } else {
          await page.goto(`${BASE}/lang/${lang}?next=${encodeURIComponent(p)}`);
          assert.equal(new URL(page.url()).pathname, p.split('?')[0]);
        }
        assert.equal(await htmlAttr(page, 'lang'), lang);
        await assertAccessible(page, `${locale} ${p}`);
      });
    }
  });

  test('no CSP violation, console error or failed request on the people pages', async () => {
    assert.equal(files.length, 2, 'the registration test ran first');
    for (const locale of ['fr-FR', 'ar-MA']) {
      await withPage(browser, { locale }, async (page) => {
        const problems = await watch(page);
        await login(page);
        for (const p of ['/people', `/people?q=${encodeURIComponent(CHILD.last_name_lat)}`, '/people/new',
          `/people/${files[0].id}`, `/people/${files[0].id}/edit`]) {
          await page.goto(`${BASE}${p}`, { waitUntil: 'load' });
          assert.equal(await page.evaluate(() => typeof window.htmx), 'object', `htmx on ${p}`);
        }
        await page.waitForTimeout(100);
        assert.deepEqual(problems, [], `${locale}:\n${problems.join('\n')}`);
      });
    }
  });
  test('merge from a person file: both side by side, confirm, land on the survivor; an administrator finds it from the survivor and undoes it', async () => {
    assert.equal(files.length, 2, 'the registration test ran first');
    const admin = `e2e-people-admin-${SUFFIX}`;
    addUser({ username: admin, role: 'admin', scope: 'national', lang: 'fr', password: PASSWORD });
    await withPage(browser, { locale: 'ar-MA' }, async (page) => {
      const problems = await watch(page);
      await login(page);
      await page.goto(`${BASE}/people/${files[1].id}`);
      await Promise.all([
        page.waitForNavigation({ waitUntil: 'load' }),
        page.locator('[data-testid=merge-person]').click(),
      ]);
      assert.equal(new URL(page.url()).pathname, `/people/${files[1].id}/merge`);
      assert.equal((await page.locator('h1').textContent()).trim(), AR['person.page.merge']);
      const form = page.locator('[data-testid=merge-form]');
      await form.getByLabel(AR['person.merge.into_file_number'], { exact: true }).fill(files[0].fileNumber);
      await submit(page, form);
      // Both files side by side before anything changes.
      assert.equal(await page.locator('[data-testid=merge-from]').getAttribute('data-id'), files[1].id);
      const into = page.locator('[data-testid=merge-into]');
      assert.equal(await into.getAttribute('data-id'), files[0].id);
      assert.ok((await into.textContent()).includes(files[0].fileNumber));
      assert.ok((await into.textContent()).includes(AR_NAME));
      await submit(page, page.locator('[data-testid=merge-confirm-form]'));
      assert.equal(new URL(page.url()).pathname, `/people/${files[0].id}`);
      assert.ok((await page.locator('[data-testid=merged-from]').textContent()).includes(files[1].fileNumber));
      // The merged file's address lands on the survivor; a search finds one file.
      await page.goto(`${BASE}/people/${files[1].id}`);
      assert.equal(new URL(page.url()).pathname, `/people/${files[0].id}`);
      await page.goto(`${BASE}/people?q=${encodeURIComponent(CHILD.last_name_lat)}`);
      assert.equal(await page.locator('[data-testid=person-row]').count(), 1);
      await page.waitForTimeout(100);
      assert.deepEqual(problems, [], problems.join('\n'));
    });
    // The list of merges, in Arabic (right to left), passes axe (CSP bypassed for axe only).
    await withPage(browser, { locale: 'ar-MA', bypassCSP: true }, async (page) => {
      await login(page, admin);
      await page.goto(`${BASE}/lang/ar?next=${encodeURIComponent('/people/merges')}`);
      assert.equal(new URL(page.url()).pathname, '/people/merges');
      assert.equal(await htmlAttr(page, 'dir'), 'rtl');
      assert.equal((await page.locator('h1').textContent()).trim(), AR['person.page.merges']);
      await assertAccessible(page, 'ar /people/merges');
      await page.goto(`${BASE}/lang/fr?next=/`);
    });
    // The administrator (who reads no files) opens the survivor: the records merged into it,
    // each a link to its undo page; and finds the merge from the navigation, in the list of
    // merges, whose row links to the same undo page.
    await withPage(browser, { locale: 'fr-FR' }, async (page) => {
      const problems = await watch(page);
      await login(page, admin);
      await page.goto(`${BASE}/people/${files[0].id}`);
      assert.equal(await page.locator('[data-testid=person-identity]').count(), 0, 'not the file itself');
      const link = page.locator('[data-testid=merged-records] [data-testid=merged-record-link]');
      assert.equal(await link.count(), 1);
      assert.equal((await link.textContent()).trim(), files[1].fileNumber);
      await Promise.all([page.waitForNavigation({ waitUntil: 'load' }), page.locator('[data-testid=nav-person-merges]').click()]);
      assert.equal(new URL(page.url()).pathname, '/people/merges');
      const row = page.locator('[data-testid=merge-row]', { hasText: files[1].fileNumber });
      assert.equal(await row.count(), 1);
      assert.equal((await row.locator('[data-testid=merge-into]').textContent()).trim(), files[0].fileNumber);
      assert.ok(!(await page.content()).includes(CHILD.last_name_lat), 'no name in the list');
      await Promise.all([page.waitForNavigation({ waitUntil: 'load' }), row.locator('[data-testid=merge-link]').click()]);
      assert.equal(new URL(page.url()).pathname, `/people/${files[1].id}`);
      assert.equal((await page.locator('[data-testid=unmerge-into]').textContent()).trim(), files[0].fileNumber);
      assert.equal(await page.locator('[data-testid=person-identity]').count(), 0, 'not the file itself');
      await submit(page, page.locator('[data-testid=unmerge-form]'));
      assert.equal(await page.locator('[data-testid=unmerge-done]').count(), 1);
      assert.equal(await page.locator('[data-testid=unmerge-form]').count(), 0);
      await page.waitForTimeout(100);
      assert.deepEqual(problems, [], problems.join('\n'));
    });
    // Two files again.
    await withPage(browser, { locale: 'ar-MA' }, async (page) => {
      await login(page);
      await page.goto(`${BASE}/people/${files[1].id}`);
      assert.equal(new URL(page.url()).pathname, `/people/${files[1].id}`);
      await page.goto(`${BASE}/people?q=${encodeURIComponent(CHILD.last_name_lat)}`);
      assert.equal(await page.locator('[data-testid=person-row]').count(), 2);
    });
  });
});
