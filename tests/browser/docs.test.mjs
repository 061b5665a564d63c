// SPDX-License-Identifier: LGPL-2.1-or-later
//
// The browser test of issue 4: Debian's chromium, driven by npm's playwright-core, opens the
// Swagger UI and ReDoc pages of the seed's example (the demo, docs/examples/c/seed.c) with the
// assets served from the local node_modules, checks that they show the `new-event` webhook
// and the `/create` route, that nothing was asked of any host but 127.0.0.1, and keeps a
// screenshot of each page.
//
//   node --test-reporter=tap docs.test.mjs WEBHOOKS_DEMO NODE_MODULES SCREENSHOT_DIR
//
// WH_CHROMIUM names another chromium binary (default /usr/bin/chromium).

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import readline from 'node:readline';

const [demo, nodeModules, screenshotDir] = process.argv.slice(2).map((arg) => path.resolve(arg));
const chromiumPath = process.env.WH_CHROMIUM || '/usr/bin/chromium';

// What is missing is said once, as the reason every test is skipped: tools/setup.sh installs
// both, but a machine without them can still run the rest of `meson test`.
let skipReason = false;
if (process.argv.length !== 5)
  throw new Error('usage: docs.test.mjs WEBHOOKS_DEMO NODE_MODULES SCREENSHOT_DIR');
if (!existsSync(chromiumPath))
  skipReason = `${chromiumPath} is missing (apt-get install chromium, or run tools/setup.sh)`;
else if (!existsSync(path.join(nodeModules, 'playwright-core')))
  skipReason = `playwright-core is missing from ${nodeModules} (run tools/setup.sh)`;

// How long a page may take to render; generous, for a loaded CI machine.
const RENDER_TIMEOUT_MS = 60_000;

let server = null;
let origin = null;
let context = null;
let userDataDir = null;
// Every request the page being tested made to another host than the test server's,
// aborted.
const foreignRequests = [];
let redocForeignRequests = null;

function startServer () {
  return new Promise((resolve, reject) => {
    // The README's demo itself, on any free port, with the pages' scripts from npm.
    server = spawn(demo, ['--port', '0', '--docs-assets-dir', nodeModules],
                   { stdio: ['ignore', 'pipe', 'inherit'] });
    server.once('error', reject);
    server.once('exit', (code, signal) =>
      reject(new Error(`the demo exited (${signal ?? code}) before it listened`)));
    readline.createInterface({ input: server.stdout }).once('line', (line) => {
      const match = /^Serving .* on http:\/\/127\.0\.0\.1:(\d+) /.exec(line);
      if (match)
        resolve(`http://127.0.0.1:${match[1]}`);
      else
        reject(new Error(`the demo said “${line}” instead of where it serves`));
    });
  });
}

before(async () => {
  if (skipReason)
    return;

  origin = await startServer();

  const require = createRequire(path.join(nodeModules, 'noop.js'));
  const { chromium } = require('playwright-core');

  // A fresh profile each run: nothing cached from an earlier run (or the CDN) can help.
  userDataDir = mkdtempSync(path.join(tmpdir(), 'libwebhooks-chromium-'));
  context = await chromium.launchPersistentContext(userDataDir, {
    executablePath: chromiumPath,
    headless: true,
    serviceWorkers: 'block',
    viewport: { width: 1280, height: 900 },
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });

  // The docs must work with no internet: anything else than the test server is refused,
  // and remembered so that the test fails.
  await context.route('**/*', (route) => {
    const url = new URL(route.request().url());
    if (url.protocol === 'data:' || url.protocol === 'blob:' ||
        (url.hostname === '127.0.0.1' && url.origin === origin))
      return route.continue();
    foreignRequests.push(url.href);
    return route.abort('blockedbyclient');
  });
});

after(async () => {
  await context?.close();
  if (userDataDir)
    rmSync(userDataDir, { recursive: true, force: true });
  if (server && server.exitCode === null) {
    const exited = new Promise((resolve) => server.once('exit', resolve));
    server.kill('SIGTERM');
    await exited;
  }
});

// Lists on one line: meson's TAP parser takes a blank line in a failure's YAML block (as in
// assert.deepEqual's diff) for the end of the output.
function assertNone (list, what) {
  assert.ok(list.length === 0, `${what}: ${list.join(', ')}`);
}

// Opens @pagePath, runs @checks on it, and keeps a screenshot of it as rendered in
// SCREENSHOT_DIR/@name.png, also when a check failed. Then checks that nothing went wrong
// in the page, and returns the requests it made to other hosts.
async function withPage (pagePath, name, checks) {
  const page = await context.newPage();
  const errors = [];
  const failedRequests = [];

  // The pages are opened one after the other: what was refused meanwhile is this page's.
  foreignRequests.length = 0;
  page.on('pageerror', (error) => errors.push(error.message));
  // Requests to other hosts fail on purpose (aborted here, or refused by the page's own
  // Content-Security-Policy before they leave): they are counted apart.
  page.on('requestfailed', (request) => {
    if (request.url().startsWith(origin + '/'))
      failedRequests.push(`${request.url()}: ${request.failure()?.errorText}`);
  });

  try {
    const response = await page.goto(origin + pagePath, { waitUntil: 'load' });
    assert.equal(response.status(), 200, `${pagePath} answered ${response.status()}`);
    await checks(page);
  } finally {
    mkdirSync(screenshotDir, { recursive: true });
    await page.screenshot({ path: path.join(screenshotDir, `${name}.png`), fullPage: true });
    await page.close();
  }

  assertNone(errors, 'the page threw');
  assertNone(failedRequests, 'some of the page’s requests to 127.0.0.1 failed');

  return [...foreignRequests];
}

test('Swagger UI shows the new-event webhook and the /create route', { skip: skipReason },
  async () => {
    const foreign = await withPage('/docs/swagger', 'swagger', async (page) => {
      const ui = page.locator('#swagger-ui');

      // Swagger UI renders operations once it has fetched and parsed the document.
      await ui.locator('.opblock').first().waitFor({ timeout: RENDER_TIMEOUT_MS });
      await ui.locator('.info .title').getByText('Payments').waitFor();

      // The route, among the paths (grouped by tag).
      await ui.locator('.opblock-tag-section .opblock-post')
        .locator('.opblock-summary-path[data-path="/create"]').getByText('/create', { exact: true })
        .waitFor();

      // Swagger UI 5 shows the document's webhooks in their own "Webhooks" section, apart
      // from the paths, each under its name.
      const webhooks = ui.locator('.webhooks');
      await webhooks.getByRole('heading', { name: 'Webhooks' }).waitFor();
      await webhooks.locator('.opblock-post')
        .locator('.opblock-summary-path[data-path="new-event"]').getByText('new-event', { exact: true })
        .waitFor();
      assert.equal(await ui.locator('.opblock-tag-section').getByText('new-event').count(), 0,
                   'the webhook is shown among the routes');

      // The Payment model the two share is listed among the schemas.
      await ui.locator('.models').getByText('Payment', { exact: true }).first().waitFor();
    });
    assertNone(foreign, 'the page asked for something that is not on 127.0.0.1');
  });

test('ReDoc shows the new-event webhook and the /create route', { skip: skipReason },
  async () => {
    redocForeignRequests = await withPage('/docs/redoc', 'redoc', async (page) => {
      // ReDoc replaces its <redoc> element with the rendered document.
      const content = page.locator('.api-content');
      await content.waitFor({ timeout: RENDER_TIMEOUT_MS });
      await content.getByRole('heading', { name: 'Payments (1.0.0)' }).waitFor();

      // The route: its section shows the endpoint's method and path.
      const route = content.locator('div[id="operation/create_payment_create_post"]');
      await route.getByRole('heading', { name: 'Create Payment' }).waitFor();
      await route.locator('.http-verb.post').first().waitFor();
      await route.getByText('/create', { exact: true }).first().waitFor();

      // The webhook: ReDoc shows a webhook under its summary, with a "Webhook" badge (it has
      // no path to show), and lists it in the side menu as an event.
      const webhook = content.locator('div[id="operation/new_eventnew_event_post"]');
      await webhook.getByRole('heading', { name: 'New Event Webhook' }).waitFor();
      await webhook.getByText('User receives a notification for every payment done.').waitFor();
      await page.locator('.menu-content [data-item-id="operation/new_eventnew_event_post"]')
        .getByText('New Event').waitFor();
    });
  });

// Apart, so that the rendering is checked either way. ReDoc's bundle (2.5.2) puts an
// <img src="https://cdn.redoc.ly/redoc/logo-mini.svg"> in its side menu, with no option to
// leave it out; the page served with docs-assets-dir forbids other hosts with a
// Content-Security-Policy, so the browser never sends that request.
test('ReDoc asks nothing of any host but 127.0.0.1', {skip: skipReason}, () => {
  assert.notEqual(redocForeignRequests, null, 'the ReDoc page was not rendered');
  assertNone(redocForeignRequests, 'the page asked for something that is not on 127.0.0.1');
});
