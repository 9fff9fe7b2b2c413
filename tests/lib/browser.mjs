// Headless Chromium for the browser tests: launch, sign in, accessibility checks (axe-core).
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { chromium } from 'playwright-core';
import { BASE } from './env.mjs';

const require = createRequire(import.meta.url);
export const AXE_PATH = require.resolve('axe-core/axe.min.js');

export const LAUNCH_ARGS = [
  '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync',
  '--disable-dev-shm-usage',
];

// Requests the browser makes on its own, not because of our pages.
export const isNoise = (url) => /\/favicon\.ico(\?|$)/.test(url || '');

// Headless Chromium (CHROMIUM_PATH, default /usr/bin/chromium).
export const launchBrowser = () => chromium.launch({
  executablePath: process.env.CHROMIUM_PATH || '/usr/bin/chromium', headless: true, args: LAUNCH_ARGS,
});

// Runs `fn(page, context)` in a fresh context (own cookies) made with `options` (locale,
// viewport, bypassCSP...), with the tests' timeouts; the context is always closed. Returns
// what `fn` returns.
export async function withPage(browser, options, fn) {
  const context = await browser.newContext(options);
  context.setDefaultTimeout(10_000);
  context.setDefaultNavigationTimeout(15_000);
  try {
    return await fn(await context.newPage(), context);
  } finally {
    await context.close();
  }
}

// An attribute of the page's <html> element (lang, dir).
export const htmlAttr = (page, name) => page.locator('html').getAttribute(name);

// A field label's text as a pattern, with or without the required-field asterisk after it.
export const fieldLabel = (text) => new RegExp(`^\\s*${text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\\s*\\*?\\s*$`);

// Sends `form` (a locator) by its submit button; waits for the page that follows and
// returns its response.
export async function submitForm(page, form) {
  const [response] = await Promise.all([
    page.waitForNavigation({ waitUntil: 'load' }),
    form.locator('button[type=submit]').click(),
  ]);
  return response;
}

// Fills and sends the sign-in form of the current page; waits for the page that follows.
export async function submitLogin(page, username, password) {
  const form = page.locator('[data-testid=login-form]');
  await form.locator('input[name=username]').fill(username);
  await form.locator('input[name=password]').fill(password);
  await Promise.all([page.waitForNavigation({ waitUntil: 'load' }), form.locator('button[type=submit]').click()]);
}

// Signs in through the login form of /login and waits for the page after it.
export async function signIn(page, username, password) {
  await page.goto(`${BASE}/login`);
  await submitLogin(page, username, password);
}

// Collects, from now on, what must never happen on our pages: CSP violations, console
// errors, page errors, failed requests and answers >= 400 (but those whose status is in
// `allowStatus`: a refused form is an expected answer). Returns the array it fills.
export async function watchProblems(page, { allowStatus = [] } = {}) {
  const problems = [];
  await page.exposeFunction('__jisrCspViolation', (text) => problems.push(`CSP: ${text}`));
  await page.addInitScript(() => {
    document.addEventListener('securitypolicyviolation', (e) => {
      window.__jisrCspViolation(`${e.violatedDirective} blocked ${e.blockedURI || 'inline'}`);
    });
  });
  page.on('console', (msg) => {
    if (msg.type() !== 'error' || isNoise(msg.location().url)) return;
    if (allowStatus.some((s) => msg.text().includes(`status of ${s}`))) return;
    problems.push(`console: ${msg.text()}`);
  });
  page.on('pageerror', (err) => problems.push(`page error: ${err.message}`));
  page.on('requestfailed', (req) => {
    if (!isNoise(req.url())) problems.push(`failed: ${req.url()} ${req.failure()?.errorText}`);
  });
  page.on('response', (res) => {
    if (res.status() >= 400 && !isNoise(res.url()) && !allowStatus.includes(res.status())) {
      problems.push(`HTTP ${res.status()}: ${res.url()}`);
    }
  });
  return problems;
}

// axe-core's violations on the page as it is ({id, impact, help, nodes}). The page's CSP
// refuses the injected script unless its context was made with bypassCSP: true.
export async function axeViolations(page) {
  await page.addScriptTag({ path: AXE_PATH });
  return page.evaluate(async () => {
    const result = await window.axe.run(document, { resultTypes: ['violations'] });
    return result.violations.map((v) => ({
      id: v.id, impact: v.impact, help: v.help,
      nodes: v.nodes.slice(0, 3).map((n) => n.target.join(' ')),
    }));
  });
}

// Fails when axe finds a serious or critical violation on the page; `where` names it.
export async function assertAccessible(page, where) {
  const serious = (await axeViolations(page)).filter((v) => v.impact === 'serious' || v.impact === 'critical');
  assert.deepEqual(serious, [], `${where}: ${JSON.stringify(serious, null, 2)}`);
}
