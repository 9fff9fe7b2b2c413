// The time-based alerts of casework (GET /api/v1/alerts) against a running server, on both
// databases: each alert must appear once it is due and NOT before. Time passes by moving the
// relevant rows back in the test database (sqlite3 or psql), not by a clock in the server:
//   referral unanswered — referrals.created_at 6 days ago (no alert) then 8 days (alert);
//   review due          — cases.last_transition_at 89 days ago (no) then 91 days (alert);
//   overdue action      — case_actions.due_on today (no) then yesterday (alert);
//   turning 18          — people.birth_date such that the 18th birthday is 12 months and 2
//                         days away (no), then 4 days earlier (alert).
//
//   JISR_BASE_URL=... JISR_BIN=... JISR_DB_URL=... JISR_DB_ENGINE=sqlite|postgres \
//     node --test tests/api/casework-alerts.test.mjs
import { describe, test, before } from 'node:test';
import assert from 'node:assert/strict';
import { BASE, BIN, DB_URL, daysFromNow, isoDate, latinLetters, newSuffix } from '../lib/env.mjs';
import { addUser, cliToken } from '../lib/cli.mjs';
import { api } from '../lib/http.mjs';
import { dbExec, sqlString, storedTimeDaysAgo } from '../lib/db.mjs';
import { createPerson } from '../lib/people.mjs';

const PASSWORD = 'a-long-password-123';
const SUFFIX = newSuffix();
let counter = 0;
const tag = () => latinLetters(`${SUFFIX}${(counter += 1).toString(16)}`);
const S = { tok: {}, org: {} };

const user = (name, role, scope, org) =>
  cliToken(addUser({ username: `alert-${name}-${SUFFIX}`, role, scope, org, password: PASSWORD }));

// Every alert of the caller, following the pages.
async function alerts(token, mine = false, limit = 500) {
  const items = [];
  let cursor = null;
  do {
    const query = [`limit=${limit}`, mine ? 'mine=true' : '', cursor ? `cursor=${encodeURIComponent(cursor)}` : '']
      .filter(Boolean).join('&');
    const r = await api('GET', `/api/v1/alerts?${query}`, token);
    assert.equal(r.status, 200, r.where);
    assert.ok(r.body.items.length <= limit, r.where);
    items.push(...r.body.items);
    cursor = r.body.next_cursor;
  } while (cursor);
  return items;
}
const find = (items, kind, key, id) => items.filter((a) => a.kind === kind && a[key] === id);

async function openCase(token, personId) {
  const r = await api('POST', '/api/v1/cases', token, { person_id: personId, module: 'child_protection' });
  assert.equal(r.status, 201, r.where);
  return r.body;
}

// Today moved by whole years and days, YYYY-MM-DD (UTC).
function shifted(years, days) {
  const d = new Date();
  d.setUTCFullYear(d.getUTCFullYear() + years);
  d.setUTCDate(d.getUTCDate() + days);
  return isoDate(d);
}

before(async () => {
  assert.ok(BASE && BIN && DB_URL, 'JISR_BASE_URL, JISR_BIN and JISR_DB_URL must be set');
  S.tok.admin = user('admin', 'admin', 'national');
  for (const [key, kind, extra, province = 'MA-CAS'] of [['A', 'association', {}], ['B', 'association', {}],
    ['R', 'association', {}, 'MA-RAB'], ['EPS', 'eps', { category: 'children', capacity: { female: 50, male: 50 } }]]) {
    const r = await api('POST', '/api/v1/organizations', S.tok.admin,
      { kind, name_fr: `Alertes ${key} ${SUFFIX}`, province, ...extra });
    assert.equal(r.status, 201, r.where);
    S.org[key] = r.body.id;
  }
  S.tok.swA = user('sw-a', 'social_worker', 'province:MA-CAS', S.org.A);
  S.tok.swB = user('sw-b', 'social_worker', 'province:MA-CAS', S.org.B);
  S.tok.swR = user('sw-r', 'social_worker', 'province:MA-RAB', S.org.R);
  S.tok.swA2 = user('sw-a2', 'social_worker', 'province:MA-CAS', S.org.A);
  S.tok.swEPS = user('sw-eps', 'social_worker', 'province:MA-CAS', S.org.EPS);
});

describe('time-based alerts appear when due, not before', () => {
  test('a referral unanswered after 7 days: none at 6 days, one at 8, gone once answered', async () => {
    const p = await createPerson(S.tok.swA, tag());
    const c = await openCase(S.tok.swA, p.id);
    const r = await api('POST', '/api/v1/referrals', S.tok.swA, { case_id: c.id, to_org: S.org.B, reason: 'Soutien', consent: true });
    assert.equal(r.status, 201, r.where);
    const ref = r.body;
    assert.equal(find(await alerts(S.tok.swB), 'referral_unanswered', 'referral_id', ref.id).length, 0, 'not on the day it is sent');
    dbExec(`UPDATE referrals SET created_at = ${sqlString(storedTimeDaysAgo(6))} WHERE id = ${sqlString(ref.id)}`);
    assert.equal(find(await alerts(S.tok.swB), 'referral_unanswered', 'referral_id', ref.id).length, 0, 'not after 6 days');
    const sent = storedTimeDaysAgo(8);
    dbExec(`UPDATE referrals SET created_at = ${sqlString(sent)} WHERE id = ${sqlString(ref.id)}`);
    const due = find(await alerts(S.tok.swB), 'referral_unanswered', 'referral_id', ref.id);
    assert.equal(due.length, 1, 'after 8 days');
    assert.deepEqual([due[0].person_id, due[0].date], [p.id, sent.slice(0, 10)]);
    assert.equal(find(await alerts(S.tok.swB, true), 'referral_unanswered', 'referral_id', ref.id).length, 1, 'on the caseload too');
    // The alert is the receiving organization's, not the sender's.
    assert.equal(find(await alerts(S.tok.swA), 'referral_unanswered', 'referral_id', ref.id).length, 0);
    const accepted = await api('POST', `/api/v1/referrals/${ref.id}/accept`, S.tok.swB, {});
    assert.equal(accepted.status, 200, accepted.where);
    assert.equal(find(await alerts(S.tok.swB), 'referral_unanswered', 'referral_id', ref.id).length, 0, 'answered');
  });

  test('a review due 90 days after the case entered services: none at 89 days, one at 91', async () => {
    const p = await createPerson(S.tok.swA, tag());
    const c = await openCase(S.tok.swA, p.id);
    for (const to of ['assessment', 'plan', 'services']) {
      const m = await api('POST', `/api/v1/cases/${c.id}/transition`, S.tok.swA, { to });
      assert.equal(m.status, 200, m.where);
    }
    assert.equal(find(await alerts(S.tok.swA, true), 'review_due', 'case_id', c.id).length, 0);
    dbExec(`UPDATE cases SET last_transition_at = ${sqlString(storedTimeDaysAgo(89))} WHERE id = ${sqlString(c.id)}`);
    assert.equal(find(await alerts(S.tok.swA, true), 'review_due', 'case_id', c.id).length, 0, 'not after 89 days');
    dbExec(`UPDATE cases SET last_transition_at = ${sqlString(storedTimeDaysAgo(91))} WHERE id = ${sqlString(c.id)}`);
    const due = find(await alerts(S.tok.swA, true), 'review_due', 'case_id', c.id);
    assert.equal(due.length, 1, 'after 91 days');
    assert.equal(due[0].date, daysFromNow(-1), 'due on the 90th day');
    // Out of scope (another province) or another organization: no alert.
    assert.equal(find(await alerts(S.tok.swR), 'review_due', 'case_id', c.id).length, 0);
    assert.equal(find(await alerts(S.tok.swB), 'review_due', 'case_id', c.id).length, 0);
    // Moving on to the review answers it.
    const m = await api('POST', `/api/v1/cases/${c.id}/transition`, S.tok.swA, { to: 'review' });
    assert.equal(m.status, 200, m.where);
    assert.equal(find(await alerts(S.tok.swA, true), 'review_due', 'case_id', c.id).length, 0);
  });

  test('a plan action: due today is not overdue; due yesterday is; done is not', async () => {
    const p = await createPerson(S.tok.swA, tag());
    const c = await openCase(S.tok.swA, p.id);
    const a = await api('POST', `/api/v1/cases/${c.id}/plan`, S.tok.swA, { kind: 'action', title: `Visite ${SUFFIX}`, due_on: daysFromNow(0) });
    assert.equal(a.status, 201, a.where);
    const mine = async () => find(await alerts(S.tok.swA, true), 'overdue_action', 'case_id', c.id);
    assert.equal((await mine()).length, 0, 'due today: not yet overdue');
    dbExec(`UPDATE case_actions SET due_on = ${sqlString(daysFromNow(-1))} WHERE id = ${sqlString(a.body.id)}`);
    const due = await mine();
    assert.equal(due.length, 1, 'due yesterday');
    assert.deepEqual([due[0].title, due[0].date], [`Visite ${SUFFIX}`, daysFromNow(-1)]);
    assert.equal(find(await alerts(S.tok.swB), 'overdue_action', 'case_id', c.id).length, 0, 'not for another organization');
    const done = await api('POST', `/api/v1/cases/${c.id}/plan/actions/${a.body.id}/done`, S.tok.swA, {});
    assert.equal(done.status, 200, done.where);
    assert.equal((await mine()).length, 0, 'done');
  });

  test('a child in care turning 18: not 12 months and 2 days ahead, yes 12 months less 2 days ahead', async () => {
    const admit = async (birth) => {
      const p = await createPerson(S.tok.swA, tag(), { birth_date: birth });
      const r = await api('POST', '/api/v1/admissions', S.tok.swA,
        { person_id: p.id, institution_id: S.org.EPS, admitted_on: daysFromNow(-30), reason: 'judicial_order' });
      assert.equal(r.status, 201, r.where);
      return { person: p, admission: r.body };
    };
    const later = await admit(shifted(-17, 2)); // 18 in 12 months and 2 days
    const soon = await admit(shifted(-17, -2)); // 18 in 12 months less 2 days
    const adult = await admit(shifted(-18, 0)); // 18 today: no longer a child
    const items = await alerts(S.tok.swA);
    assert.equal(find(items, 'turning_18', 'admission_id', later.admission.id).length, 0, 'more than 12 months ahead');
    assert.equal(find(items, 'turning_18', 'admission_id', adult.admission.id).length, 0, 'already 18');
    const due = find(items, 'turning_18', 'admission_id', soon.admission.id);
    assert.equal(due.length, 1, 'within 12 months');
    assert.deepEqual([due[0].person_id, due[0].date], [soon.person.id, shifted(1, -2)]);
    // Four days pass for the first child (its birth date moves back): now within 12 months.
    dbExec(`UPDATE people SET birth_date = ${sqlString(shifted(-17, -2))} WHERE id = ${sqlString(later.person.id)}`);
    assert.equal(find(await alerts(S.tok.swA), 'turning_18', 'admission_id', later.admission.id).length, 1);
    assert.equal(find(await alerts(S.tok.swR), 'turning_18', 'admission_id', later.admission.id).length, 0, 'out of scope');
    // Discharged: no longer in care, no alert.
    const d = await api('POST', `/api/v1/admissions/${soon.admission.id}/discharge`, S.tok.swA,
      { discharged_on: daysFromNow(0), reason: 'return_to_family' });
    assert.equal(d.status, 200, d.where);
    assert.equal(find(await alerts(S.tok.swA), 'turning_18', 'admission_id', soon.admission.id).length, 0);
  });
});

// The "mine" view (?mine=true, the caseload's alerts) starts from the worker's own open cases
// and their institution: a colleague's case of the same organization, or a closed case, gives
// nothing there (it does in the organization's view).
describe('the mine view: my open cases and my institution only', () => {
  test("an overdue action of my case shows; a colleague's or a closed case's does not", async () => {
    const overdue = async (token) => {
      const c = await openCase(token, (await createPerson(token, tag())).id);
      const a = await api('POST', `/api/v1/cases/${c.id}/plan`, token, { kind: 'action', title: `Appel ${SUFFIX}`, due_on: daysFromNow(0) });
      assert.equal(a.status, 201, a.where);
      dbExec(`UPDATE case_actions SET due_on = ${sqlString(daysFromNow(-3))} WHERE id = ${sqlString(a.body.id)}`);
      return c;
    };
    const mine = await overdue(S.tok.swA);
    const colleague = await overdue(S.tok.swA2);
    const closed = await overdue(S.tok.swA);
    const t = await api('POST', `/api/v1/cases/${closed.id}/transition`, S.tok.swA, { to: 'closed', closure_reason: 'goals_achieved' });
    assert.equal(t.status, 200, t.where);
    const items = await alerts(S.tok.swA, true);
    assert.equal(find(items, 'overdue_action', 'case_id', mine.id).length, 1, 'my case');
    assert.equal(find(items, 'overdue_action', 'case_id', colleague.id).length, 0, "a colleague's case");
    assert.equal(find(items, 'overdue_action', 'case_id', closed.id).length, 0, 'a closed case');
    const org = await alerts(S.tok.swA);
    assert.equal(find(org, 'overdue_action', 'case_id', colleague.id).length, 1, "the organization's view has the colleague's");
    assert.equal(find(await alerts(S.tok.swA2, true), 'overdue_action', 'case_id', colleague.id).length, 1, "the colleague's own view");
  });

  test('turning 18: a child of my open case or in my institution shows; a colleague\'s child does not', async () => {
    const child = async (token) => {
      const p = await createPerson(token, tag(), { birth_date: shifted(-17, -10) });
      const c = await openCase(token, p.id);
      const r = await api('POST', '/api/v1/admissions', token,
        { person_id: p.id, institution_id: S.org.EPS, admitted_on: daysFromNow(-30), reason: 'judicial_order' });
      assert.equal(r.status, 201, r.where);
      return { case: c, admission: r.body };
    };
    const mine = await child(S.tok.swA);
    const colleague = await child(S.tok.swA2);
    const items = await alerts(S.tok.swA, true);
    assert.equal(find(items, 'turning_18', 'admission_id', mine.admission.id).length, 1, 'my open case');
    assert.equal(find(items, 'turning_18', 'admission_id', colleague.admission.id).length, 0, "a colleague's case");
    assert.equal(find(await alerts(S.tok.swA), 'turning_18', 'admission_id', colleague.admission.id).length, 1, 'organization view');
    // The institution's worker sees both children in care there, without a case of theirs.
    const eps = await alerts(S.tok.swEPS, true);
    for (const x of [mine, colleague]) {
      assert.equal(find(eps, 'turning_18', 'admission_id', x.admission.id).length, 1, 'in my institution');
    }
    // My case closed: the child is no longer on my caseload.
    const t = await api('POST', `/api/v1/cases/${mine.case.id}/transition`, S.tok.swA, { to: 'closed', closure_reason: 'goals_achieved' });
    assert.equal(t.status, 200, t.where);
    assert.equal(find(await alerts(S.tok.swA, true), 'turning_18', 'admission_id', mine.admission.id).length, 0, 'closed case');
  });
});

describe('the list of alerts pages like every list', () => {
  test('pages of 1, 2 and 3 give the whole list once, in the same order; a bad cursor is refused', async () => {
    // Alerts of two kinds in a new organization's own caseload (nothing else touches it):
    // three overdue actions, then two reviews due.
    const r = await api('POST', '/api/v1/organizations', S.tok.admin,
      { kind: 'association', name_fr: `Pages ${tag()}`, name_ar: `جمعية ${tag()}`, province: 'MA-CAS' });
    assert.equal(r.status, 201, r.where);
    // Organization scope: the alerts of its own people only, whatever other tests add.
    const sw = user('sw-pages', 'association_worker', `organization:${r.body.id}`, r.body.id);
    for (let i = 0; i < 5; i++) {
      const c = await openCase(sw, (await createPerson(sw, tag())).id);
      if (i < 3) {
        const a = await api('POST', `/api/v1/cases/${c.id}/plan`, sw, { kind: 'action', title: `Appel ${i}`, due_on: daysFromNow(0) });
        assert.equal(a.status, 201, a.where);
        dbExec(`UPDATE case_actions SET due_on = ${sqlString(daysFromNow(-3 - i))} WHERE id = ${sqlString(a.body.id)}`);
      } else {
        dbExec(`UPDATE cases SET review_due_on = ${sqlString(daysFromNow(-1))} WHERE id = ${sqlString(c.id)}`);
      }
    }
    const all = await alerts(sw);
    assert.deepEqual(all.map((a) => a.kind), ['overdue_action', 'overdue_action', 'overdue_action', 'review_due', 'review_due']);
    const key = (a) => JSON.stringify(a);
    for (const limit of [1, 2, 3]) {
      assert.deepEqual((await alerts(sw, false, limit)).map(key), all.map(key), `limit ${limit}`);
    }
    const first = await api('GET', '/api/v1/alerts?limit=2', sw);
    assert.equal(first.body.items.length, 2);
    assert.equal(typeof first.body.next_cursor, 'string');
    const last = await api('GET', `/api/v1/alerts?limit=5`, sw);
    assert.equal(last.body.items.length, 5);
    assert.equal(last.body.next_cursor, null, 'no empty page after the last one');
    const cursor = (text) => Buffer.from(`v1:${text}`).toString('base64url');
    for (const bad of ['nope', '99:0', '0:-1', '1:x']) {
      assert.equal((await api('GET', `/api/v1/alerts?cursor=${cursor(bad)}`, sw)).status, 400, bad);
    }
  });
});
