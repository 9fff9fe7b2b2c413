// The caseload in pages of 25 in the browser: a worker with 26 open cases sees 25 rows and
// "1 to 25 of 26", follows the next-page link to the 26th case and comes back; the same pages
// in Arabic (right to left) pass axe-core.
//
//   JISR_BASE_URL=... JISR_BIN=... JISR_DB_URL=... node --test tests/e2e/caseload-pages.test.mjs
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { BASE, BIN, DB_URL, catalog as catalogOf, latinLetters, newSuffix } from '../lib/env.mjs';
import { addUser, cliToken } from '../lib/cli.mjs';
import { api } from '../lib/http.mjs';
import { createPerson } from '../lib/people.mjs';
import { assertAccessible, launchBrowser, signIn } from '../lib/browser.mjs';

const FR = catalogOf('fr', 'casework');
const AR = catalogOf('ar', 'casework');
const PASSWORD = 'a-long-password-123';
const SUFFIX = newSuffix();
const fill = (text, values) => text.replace(/\{\{(\w+)\}\}/g, (_, k) => String(values[k]));

describe('caseload pages', () => {
  let browser;
  const S = { cases: [] };

  before(async () => {
    assert.ok(BASE && BIN && DB_URL, 'JISR_BASE_URL, JISR_BIN and JISR_DB_URL must be set');
    const admin = cliToken(addUser({ username: `e2e-cl-admin-${SUFFIX}`, role: 'admin', scope: 'national', password: PASSWORD }));
    const org = await api('POST', '/api/v1/organizations', admin,
      { kind: 'association', name_fr: `Pages ${SUFFIX}`, province: 'MA-CAS' });
    assert.equal(org.status, 201, org.where);
    S.worker = addUser({ username: `e2e-cl-sw-${SUFFIX}`, role: 'social_worker', scope: 'province:MA-CAS',
      org: org.body.id, lang: 'fr', password: PASSWORD });
    const token = cliToken(S.worker);
    for (let i = 0; i < 26; i += 1) {
      const p = await createPerson(token, latinLetters(`${SUFFIX}${i.toString(16)}`));
      const c = await api('POST', '/api/v1/cases', token, { person_id: p.id, module: 'child_protection' });
      assert.equal(c.status, 201, c.where);
      S.cases.push(c.body.id);
    }
    S.cases.sort();
    browser = await launchBrowser();
  });

  after(async () => { if (browser) await browser.close(); });

  test('25 rows, the count, next and previous pages, in French then Arabic', async () => {
    const context = await browser.newContext({ bypassCSP: true, reducedMotion: 'reduce' });
    context.setDefaultTimeout(10_000);
    const page = await context.newPage();
    await signIn(page, S.worker, PASSWORD);
    await page.goto(`${BASE}/caseload`);
    const rows = page.locator('[data-testid=case-row]');
    assert.equal(await rows.count(), 25);
    assert.equal(await rows.first().getAttribute('data-id'), S.cases[0]);
    assert.equal((await page.locator('[data-testid=caseload-range]').textContent()).trim(),
      fill(FR['caseload.range'], { from: 1, to: 25, total: 26 }));
    assert.equal(await page.locator('[data-testid=prev-page]').count(), 0);
    await page.locator('[data-testid=next-page]').click();
    await page.waitForURL(/\/caseload\?page=2$/);
    assert.equal(await rows.count(), 1);
    assert.equal(await rows.first().getAttribute('data-id'), S.cases[25]);
    assert.equal(await page.locator('[data-testid=next-page]').count(), 0);

    await page.goto(`${BASE}/lang/ar?next=${encodeURIComponent('/caseload?page=2')}`);
    assert.equal(await page.locator('html').getAttribute('dir'), 'rtl');
    assert.equal((await page.locator('[data-testid=caseload-range]').textContent()).trim(),
      fill(AR['caseload.range'], { from: 26, to: 26, total: 26 }));
    assert.equal((await page.locator('[data-testid=prev-page]').textContent()).trim(), AR['caseload.previous']);
    await assertAccessible(page, '/caseload?page=2 (ar)');
    await page.locator('[data-testid=prev-page]').click();
    await page.waitForURL(/\/caseload\?page=1$/);
    assert.equal(await rows.count(), 25);
    await context.close();
  });
});
