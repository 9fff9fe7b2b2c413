// A social worker's day in the browser: register a child with an Arabic name, open a case,
// assess, plan, record a service, refer to another organization (whose worker accepts it),
// admit to an institution, discharge; then the caseload with its alert, and the case page in
// Arabic (right to left).
//
//   JISR_BASE_URL=... JISR_BIN=... JISR_DB_URL=... node --test tests/e2e/casework.test.mjs
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { BASE, BIN, DB_URL, catalog as catalogOf, daysFromNow, newSuffix, arabicLetters } from '../lib/env.mjs';
import { addUser, cliToken } from '../lib/cli.mjs';
import { api as callApi } from '../lib/http.mjs';
import { dbExec, sqlString, storedTimeDaysAgo } from '../lib/db.mjs';
import { createPerson } from '../lib/people.mjs';
import { assertAccessible, launchBrowser, signIn } from '../lib/browser.mjs';

const catalog = (lang) => catalogOf(lang, 'casework');
const FR = catalog('fr');
const AR = catalog('ar');
const PASSWORD = 'a-long-password-123';
const SUFFIX = newSuffix();
const AR_TAG = arabicLetters(SUFFIX);
const CHILD_AR = { first: 'سلمى', last: `العلوي${AR_TAG}` };

const user = (name, role, scope, org) => addUser({
  username: `e2e-case-${name}-${SUFFIX}`, role, scope, org, displayName: `Travailleuse ${name}`, lang: 'fr', password: PASSWORD });
async function api(method, path, token, body) {
  const r = await callApi(method, path, token, body);
  return { status: r.status, json: r.json };
}
const today = () => daysFromNow(0);
const daysAgo = (n) => daysFromNow(-n);

describe("a social worker's day", () => {
  let browser;
  const S = { org: {} };

  before(async () => {
    assert.ok(BASE && BIN && DB_URL, 'JISR_BASE_URL, JISR_BIN and JISR_DB_URL must be set');
    const admin = user('admin', 'admin', 'national');
    const adminToken = cliToken(admin);
    for (const [key, kind, extra] of [['A', 'association', {}], ['B', 'association', {}],
      ['EPS', 'eps', { category: 'children', capacity: { female: 10, male: 10 } }]]) {
      const r = await api('POST', '/api/v1/organizations', adminToken,
        { kind, name_fr: `Jour ${key} ${SUFFIX}`, name_ar: `جمعية ${AR_TAG} ${key}`, province: 'MA-CAS', ...extra });
      assert.equal(r.status, 201, JSON.stringify(r.json));
      S.org[key] = r.json;
    }
    S.worker = user('a', 'social_worker', 'province:MA-CAS', S.org.A.id);
    S.workerToken = cliToken(S.worker);
    S.receiver = user('b', 'social_worker', 'province:MA-CAS', S.org.B.id);
    S.receiverToken = cliToken(S.receiver);
    browser = await launchBrowser();
  });

  after(async () => { if (browser) await browser.close(); });

  async function signedIn(username, options = {}) {
    const context = await browser.newContext(options);
    context.setDefaultTimeout(10_000);
    const page = await context.newPage();
    const errors = [];
    // Refused forms answer 422 and the browser logs that; what must never happen is a script or
    // style refused by the Content-Security-Policy, or a script error.
    page.on('console', (m) => { if (m.type() === 'error' && !m.text().startsWith('Failed to load resource')) errors.push(m.text()); });
    page.on('pageerror', (e) => errors.push(String(e)));
    await signIn(page, username, PASSWORD);
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
    // 5b. Correct it: a delivered service dated in the future is refused (the form stays open
    // with what was typed); then the quantity and a comment are saved.
    const serviceId = await page.locator('[data-testid=service]').getAttribute('data-id');
    await page.locator('[data-testid=service-edit] summary').click();
    const ef = page.locator('[data-testid=service-edit-form]');
    await ef.locator('[name=date]').fill(daysFromNow(3));
    await ef.locator('[name=quantity]').fill('4');
    await submit(page, ef);
    assert.equal(await page.locator(`#svc-${serviceId}-date-error`).textContent(), FR['service.validation.delivered_in_future']);
    assert.equal(await page.locator('[data-testid=service-edit-form] [name=quantity]').inputValue(), '4');
    await page.locator('[data-testid=service-edit-form] [name=date]').fill(today());
    await page.locator('[data-testid=service-edit-form] [name=comment]').fill('Repas du soir');
    await submit(page, page.locator('[data-testid=service-edit-form]'));
    const edited = (await api('GET', `${caseUrl.replace('/cases/', '/api/v1/cases/')}/services`, S.workerToken)).json.items[0];
    assert.deepEqual([edited.quantity, edited.comment, edited.version, edited.status], [4, 'Repas du soir', 2, 'delivered']);

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

    // 9b. The person's file lists the service under its services tab, with a link to the case.
    await page.locator('[data-testid=person-sections] a[href="#person-services"]').click();
    const svcRow = page.locator('[data-testid=person-service-row]');
    assert.equal(await svcRow.count(), 1);
    assert.equal(await svcRow.getAttribute('data-status'), 'delivered');
    assert.match(await svcRow.textContent(), new RegExp(`Restauration[\\s\\S]*Jour A ${SUFFIX}[\\s\\S]*4`));
    assert.equal(await svcRow.locator('[data-testid=person-service-case]').getAttribute('href'), `${caseUrl}#services`);

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

  test('the caseload shows a referral unanswered after 7 days, and not after 6', async () => {
    const p = await createPerson(S.workerToken, `alertzz${[...SUFFIX].map((c) => 'abcdefghijklmnop'[parseInt(c, 16)]).join('')}`);
    const c = await api('POST', '/api/v1/cases', S.workerToken, { person_id: p.id, module: 'child_protection' });
    assert.equal(c.status, 201);
    const ref = await api('POST', '/api/v1/referrals', S.workerToken, { case_id: c.json.id, to_org: S.org.B.id, reason: 'Bilan', consent: true });
    assert.equal(ref.status, 201);
    const alert = (page) => page.locator(`[data-testid=alert][data-kind=referral_unanswered]:has(a[href$="referral-${ref.json.id}"])`);
    dbExec(`UPDATE referrals SET created_at = ${sqlString(storedTimeDaysAgo(6))} WHERE id = ${sqlString(ref.json.id)}`);
    const { context, page, errors } = await signedIn(S.receiver);
    await page.goto(`${BASE}/caseload`);
    assert.equal(await alert(page).count(), 0, 'not after 6 days');
    dbExec(`UPDATE referrals SET created_at = ${sqlString(storedTimeDaysAgo(8))} WHERE id = ${sqlString(ref.json.id)}`);
    await page.reload();
    assert.equal(await alert(page).count(), 1, 'after 8 days');
    assert.match(await alert(page).textContent(), new RegExp(`Salma${'alertzz'}`));
    assert.equal(await alert(page).locator('.badge').textContent(), FR['alert.kind.referral_unanswered']);
    assert.deepEqual(errors, []);
    await context.close();
  });

  test('accessibility (axe-core) of the casework pages in French and Arabic', async () => {
    // Records for every page: a person with a case (service, plan action, note), a current
    // admission to discharge, a pending referral in the other organization's queue.
    const tagOf = (n) => `axe${n}${[...SUFFIX].map((ch) => 'abcdefghijklmnop'[parseInt(ch, 16)]).join('')}`;
    const p = await createPerson(S.workerToken, tagOf('a'), { birth_date: '2012-01-02' });
    const other = await createPerson(S.workerToken, tagOf('b'));
    const c = (await api('POST', '/api/v1/cases', S.workerToken, { person_id: p.id, module: 'child_protection' })).json;
    for (const to of ['assessment', 'plan', 'services']) {
      assert.equal((await api('POST', `/api/v1/cases/${c.id}/transition`, S.workerToken, { to })).status, 200);
    }
    assert.equal((await api('POST', `/api/v1/cases/${c.id}/services`, S.workerToken, { type: 'meals', date: today() })).status, 201);
    assert.equal((await api('POST', `/api/v1/cases/${c.id}/plan`, S.workerToken, { kind: 'action', title: 'Visite', due_on: daysAgo(1) })).status, 201);
    assert.equal((await api('POST', `/api/v1/cases/${c.id}/notes`, S.workerToken, { body: 'Note' })).status, 201);
    assert.equal((await api('POST', '/api/v1/referrals', S.workerToken, { case_id: c.id, to_org: S.org.B.id, reason: 'Axe', consent: true })).status, 201);
    const adm = await api('POST', '/api/v1/admissions', S.workerToken,
      { person_id: p.id, institution_id: S.org.EPS.id, admitted_on: daysAgo(3), reason: 'emergency' });
    assert.equal(adm.status, 201, JSON.stringify(adm.json));
    const tabs = ['person-identity', 'person-relations', 'person-cases', 'person-services', 'person-admissions', 'person-referrals', 'person-history'];
    const pages = [
      [S.worker, '/caseload'],
      [S.worker, `/cases/${c.id}`],
      ...tabs.map((t) => [S.worker, `/people/${p.id}#${t}`]),
      [S.worker, '/referrals'],
      [S.receiver, '/referrals'],
      [S.worker, `/people/${other.id}/cases/new`],
      [S.worker, `/people/${other.id}/admissions/new`],
      [S.worker, `/admissions/${adm.json.id}/discharge`],
    ];
    for (const lang of ['fr', 'ar']) {
      for (const who of [S.worker, S.receiver]) {
        // addScriptTag injects axe as an inline script, which the CSP rightly refuses: this
        // test alone bypasses the CSP. Reduced motion: axe must not sample a button halfway
        // through its colour transition (the clicked tab).
        const { context, page } = await signedIn(who,
          { bypassCSP: true, reducedMotion: 'reduce', locale: lang === 'ar' ? 'ar-MA' : 'fr-FR' });
        for (const [user, path] of pages.filter(([u]) => u === who)) {
          await page.goto(`${BASE}/lang/${lang}?next=${encodeURIComponent(path.split('#')[0])}`);
          assert.equal(new URL(page.url()).pathname, path.split('#')[0].split('?')[0], `${user} ${path}`);
          if (path.includes('#')) {
            const id = path.split('#')[1];
            await page.locator(`[data-testid=person-sections] a[href="#${id}"]`).click();
            assert.ok(await page.locator(`#${id}`).isVisible(), `${path}: the tab's section is shown`);
          }
          assert.equal(await page.locator('html').getAttribute('lang'), lang);
          assert.equal(await page.locator('html').getAttribute('dir'), lang === 'ar' ? 'rtl' : 'ltr');
          await assertAccessible(page, `${lang} ${path}`);
        }
        await context.close();
      }
    }
  });
});
