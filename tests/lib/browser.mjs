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

// Signs in through the login form of /login and waits for the page after it.
export async function signIn(page, username, password) {
  await page.goto(`${BASE}/login`);
  const form = page.locator('[data-testid=login-form]');
  await form.locator('input[name=username]').fill(username);
  await form.locator('input[name=password]').fill(password);
  await Promise.all([page.waitForNavigation({ waitUntil: 'load' }), form.locator('button[type=submit]').click()]);
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
