// A social worker's day in the browser: register a child with an Arabic name, open a case,
// assess, plan, record a service, refer to another organization (whose worker accepts it),
// admit to an institution, discharge; then the caseload with its alert, and the case page in
// Arabic (right to left).
//
//   JISR_BASE_URL=... JISR_BIN=... JISR_DB_URL=... node --test tests/e2e/casework.test.mjs
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { chromium } from 'playwright-core';

const BASE = (process.env.JISR_BASE_URL || '').replace(/\/+$/, '');
const BIN = process.env.JISR_BIN || '';
const DB_URL = process.env.JISR_DB_URL || '';
const catalog = (lang) => ({
  ...JSON.parse(readFileSync(new URL(`../../web/locales/${lang}.json`, import.meta.url), 'utf8')),
  ...JSON.parse(readFileSync(new URL(`../../web/locales/casework/${lang}.json`, import.meta.url), 'utf8')),
});
const FR = catalog('fr');
const AR = catalog('ar');
const PASSWORD = 'a-long-password-123';
const SUFFIX = randomBytes(4).toString('hex');
const AR_LETTERS = 'بتثجحخدذرزسشصضطظ';
const AR_TAG = [...SUFFIX].map((c) => AR_LETTERS[parseInt(c, 16)]).join('');
const CHILD_AR = { first: 'سلمى', last: `العلوي${AR_TAG}` };
const LAUNCH_ARGS = ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync', '--disable-dev-shm-usage'];

function jisr(args, input) {
  return execFileSync(BIN, [...args, '--db', DB_URL, '--log-level', 'warn'],
    { input, encoding: 'utf8', stdio: ['pipe', 'pipe', 'pipe'], timeout: 30_000 }).trim();
}
const user = (name, role, scope, org) => {
  const username = `e2e-case-${name}-${SUFFIX}`;
  const args = ['user', 'add', '--username', username, '--role', role, '--scope', scope,
    '--display-name', `Travailleuse ${name}`, '--lang', 'fr', '--password-stdin'];
  if (org) args.push('--org', org);
  jisr(args, `${PASSWORD}\n`);
  return username;
};
async function api(method, path, token, body) {
  const res = await fetch(BASE + path, {
    method, headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body) });
  return { status: res.status, json: await res.json().catch(() => null) };
}
const today = () => new Date().toISOString().slice(0, 10);
const daysAgo = (n) => new Date(Date.now() - n * 86400_000).toISOString().slice(0, 10);

describe("a social worker's day", () => {
  let browser;
  const S = { org: {} };

  before(async () => {
    assert.ok(BASE && BIN && DB_URL, 'JISR_BASE_URL, JISR_BIN and JISR_DB_URL must be set');
    const admin = user('admin', 'admin', 'national');
    const adminToken = jisr(['token', 'create', '--user', admin]);
    for (const [key, kind, extra] of [['A', 'association', {}], ['B', 'association', {}],
      ['EPS', 'eps', { category: 'children', capacity: { female: 10, male: 10 } }]]) {
      const r = await api('POST', '/api/v1/organizations', adminToken,
        { kind, name_fr: `Jour ${key} ${SUFFIX}`, name_ar: `جمعية ${AR_TAG} ${key}`, province: 'MA-CAS', ...extra });
      assert.equal(r.status, 201, JSON.stringify(r.json));
      S.org[key] = r.json;
    }
    S.worker = user('a', 'social_worker', 'province:MA-CAS', S.org.A.id);
    S.workerToken = jisr(['token', 'create', '--user', S.worker]);
    S.receiver = user('b', 'social_worker', 'province:MA-CAS', S.org.B.id);
    browser = await chromium.launch({ executablePath: process.env.CHROMIUM_PATH || '/usr/bin/chromium', headless: true, args: LAUNCH_ARGS });
  });

  after(async () => { if (browser) await browser.close(); });

  async function signedIn(username) {
    const context = await browser.newContext();
    context.setDefaultTimeout(10_000);
    const page = await context.newPage();
    const errors = [];
    // Refused forms answer 422 and the browser logs that; what must never happen is a script or
    // style refused by the Content-Security-Policy, or a script error.
    page.on('console', (m) => { if (m.type() === 'error' && !m.text().startsWith('Failed to load resource')) errors.push(m.text()); });
    page.on('pageerror', (e) => errors.push(String(e)));
    await page.goto(`${BASE}/login`);
    const form = page.locator('[data-testid=login-form]');
    await form.locator('input[name=username]').fill(username);
    await form.locator('input[name=password]').fill(PASSWORD);
    await Promise.all([page.waitForNavigation(), form.locator('button[type=submit]').click()]);
    return { context, page, errors };
  }
  const submit = async (page, form) => Promise.all([page.waitForNavigation(), form.locator('button[type=submit]').first().click()]);

  test('from registration to discharge', async () => {
    const { context, page, errors } = await signedIn(S.worker);
    // 1. Register the child with an Arabic name (the people form).
    await page.goto(`${BASE}/people/new`);
    const pf = page.locator('[data-testid=person-form]');
    await pf.locator('[name=first_name_ar]').fill(CHILD_AR.first);
    await pf.locator('[name=last_name_ar]').fill(CHILD_AR.last);
    await pf.locator('[name=first_name_lat]').fill('Salma');
    await pf.locator('[name=last_name_lat]').fill(`Alaoui${SUFFIX}`);
    await pf.locator('[name=sex]').selectOption('F');
    await pf.locator('[name=birth_date]').fill('2013-04-02');
    await pf.locator('[name=province]').selectOption('MA-CAS');
    if (await pf.locator('[name=consent]').count()) await pf.locator('[name=consent]').check();
    await submit(page, pf);
    if (await page.locator('[data-testid=confirm-new]').count()) {
      await page.locator('[data-testid=confirm-new]').first().check();
      await submit(page, page.locator('[data-testid=person-form]'));
    }
    const personId = new URL(page.url()).pathname.split('/')[2];
    assert.match(new URL(page.url()).pathname, /^\/people\/[0-9A-Z]{26}$/, page.url());

    // 2. Open a case.
    await page.goto(`${BASE}/people/${personId}/cases/new`);
    const cf = page.locator('[data-testid=case-new-form]');
    await submit(page, cf);
    assert.equal(await page.locator('#case-module-error').textContent(), FR['case.validation.invalid_module']);
    await cf.locator('[name=module]').selectOption('child_protection');
    await cf.locator('[name=risk_level]').selectOption('high');
    await cf.locator('[name=summary]').fill('Enfant signalée par l\'école');
    await submit(page, cf);
    assert.match(new URL(page.url()).pathname, /^\/cases\/[0-9A-Z]{26}$/);
    const caseUrl = new URL(page.url()).pathname;
    const status = () => page.locator('[data-testid=case-status]').getAttribute('data-status');
    assert.equal(await status(), 'open');
    assert.equal((await page.locator('[data-testid=person-name]').textContent()).trim(), `Salma Alaoui${SUFFIX}`);

    // 3. Assess.
    await submit(page, page.locator('[data-testid=transition-form]:has(button[data-to=assessment])'));
    assert.equal(await status(), 'assessment');
    const af = page.locator('[data-testid=assessment-form]');
    await af.locator('[name=score_safety]').selectOption('3');
    await af.locator('[name=comment_safety]').fill('Conflits familiaux');
    await af.locator('[name=score_education]').selectOption('2');
    await submit(page, af);
    assert.equal(await page.locator('[name=score_safety]').inputValue(), '3');
    assert.equal(await page.locator('[name=comment_safety]').inputValue(), 'Conflits familiaux');

    // 4. Plan: a goal and an action already late.
    await submit(page, page.locator('[data-testid=transition-form]:has(button[data-to=plan])'));
    assert.equal(await status(), 'plan');
    const gf = page.locator('[data-testid=goal-form]');
    await gf.locator('[name=title]').fill('Rescolarisation');
    await submit(page, gf);
    const acf = page.locator('[data-testid=action-form]');
    await acf.locator('[name=goal_id]').selectOption({ label: 'Rescolarisation' });
    await acf.locator('[name=title]').fill("Inscription à l'école");
    await acf.locator('[name=responsible]').fill('Mme Idrissi');
    await acf.locator('[name=due_on]').fill(daysAgo(2));
    await submit(page, acf);
    assert.equal(await page.locator('[data-testid=plan-action]').count(), 1);
    assert.match(await page.locator('[data-testid=plan-action]').textContent(), new RegExp(FR['case.plan.overdue']));

    // 5. Services: record one.
    await submit(page, page.locator('[data-testid=transition-form]:has(button[data-to=services])'));
    assert.equal(await status(), 'services');
    const sf = page.locator('[data-testid=service-form]');
    await sf.locator('[name=type]').selectOption('meals');
    await sf.locator('[name=quantity]').fill('0');
    await submit(page, sf);
    assert.equal(await page.locator('#service-quantity-error').textContent(), FR['service.validation.invalid_quantity']);
    await page.locator('[data-testid=service-form] [name=quantity]').fill('3');
    await submit(page, page.locator('[data-testid=service-form]'));
    assert.equal(await page.locator('[data-testid=service]').count(), 1);

    // 6. Refer to organization B: refused without consent, the typed reason is kept.
    const rf = page.locator('[data-testid=referral-form]');
    await rf.locator('[name=to_org]').selectOption(S.org.B.id);
    await rf.locator('[name=reason]').fill('Soutien psychologique');
    await submit(page, rf);
    assert.equal(await page.locator('#referral-consent-error').textContent(), FR['referral.validation.consent_required']);
    assert.equal(await page.locator('[data-testid=referral-form] [name=reason]').inputValue(), 'Soutien psychologique');
    await page.locator('[data-testid=referral-form] [name=consent]').check();
    await submit(page, page.locator('[data-testid=referral-form]'));
    assert.equal(await page.locator('[data-testid=case-referral]').getAttribute('data-status'), 'pending');

    // 7. The other organization accepts it from its queue.
    const other = await signedIn(S.receiver);
    await other.page.goto(`${BASE}/referrals`);
    const card = other.page.locator('[data-testid=incoming-referral]', { hasText: 'Soutien psychologique' });
    assert.equal(await card.count(), 1);
    await submit(other.page, card.locator('[data-testid=accept-form]'));
    assert.equal(await other.page.locator('[data-testid=incoming-referral]', { hasText: 'Soutien psychologique' }).getAttribute('data-status'), 'accepted');
    await other.context.close();
    await page.goto(`${BASE}${caseUrl}`);
    assert.equal(await page.locator('[data-testid=case-referral]').getAttribute('data-status'), 'accepted');

    // 8. Admit to the institution.
    await page.goto(`${BASE}/people/${personId}/admissions/new`);
    const adf = page.locator('[data-testid=admission-form]');
    await adf.locator('[name=institution_id]').selectOption(S.org.EPS.id);
    await adf.locator('[name=admitted_on]').fill(daysAgo(1));
    await adf.locator('[name=reason]').selectOption('judicial_order');
    await submit(page, adf);
    assert.equal(new URL(page.url()).pathname, `/people/${personId}`);
    const adm = await api('GET', `/api/v1/admissions?person=${personId}`, S.workerToken);
    assert.equal(adm.json.items.length, 1);
    assert.equal(adm.json.items[0].current, true);

    // 9. Discharge: a date before the admission is refused, then the right one.
    await page.goto(`${BASE}/admissions/${adm.json.items[0].id}/discharge`);
    const df = page.locator('[data-testid=discharge-form]');
    await df.locator('[name=discharged_on]').fill(daysAgo(5));
    await df.locator('[name=discharge_reason]').selectOption('return_to_family');
    await submit(page, df);
    assert.equal(await page.locator('#dis-date-error').textContent(), FR['admission.validation.discharge_before_admission']);
    await page.locator('[data-testid=discharge-form] [name=discharged_on]').fill(today());
    await page.locator('[data-testid=discharge-form] [name=destination]').fill('Famille, Casablanca');
    await submit(page, page.locator('[data-testid=discharge-form]'));
    assert.equal(new URL(page.url()).pathname, `/people/${personId}`);
    const after = await api('GET', `/api/v1/admissions?person=${personId}`, S.workerToken);
    assert.equal(after.json.items[0].discharge_reason, 'return_to_family');

    // 10. The caseload shows the case and the overdue action.
    await page.goto(`${BASE}/caseload`);
    const row = page.locator('[data-testid=case-row]', { hasText: `Alaoui${SUFFIX}` });
    assert.equal(await row.count(), 1);
    assert.equal(await row.getAttribute('data-status'), 'services');
    assert.ok(await page.locator('[data-testid=alert][data-kind=overdue_action]', { hasText: `Alaoui${SUFFIX}` }).count() >= 1);

    // 11. The case page in Arabic: right to left, the Arabic name first.
    await page.goto(`${BASE}/lang/ar?next=${encodeURIComponent(caseUrl)}`);
    assert.equal(await page.locator('html').getAttribute('dir'), 'rtl');
    assert.equal((await page.locator('[data-testid=person-name]').textContent()).trim(), `${CHILD_AR.first} ${CHILD_AR.last}`);
    assert.equal((await page.locator('[data-testid=case-status]').textContent()).trim(), AR['case.status.services']);
    assert.deepEqual(errors, [], 'no script error, nothing refused by the CSP');
    await context.close();
  });
});
