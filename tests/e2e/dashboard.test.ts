import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { startSimulatedNetwork, type SimulatedNetwork } from '../../crawler/simulator';
import { createSqlForUrl } from '../../lib/db/client';
import { startEmbeddedPostgres } from '../../lib/db/embedded';
import { migrate } from '../../lib/db/migrate';
import { hashPassword } from '../../lib/auth/passwords';
import { seedDemoNetwork } from '../../lib/demo/seed';
import { launchBrowser, screenshot } from '../helpers/browser';
import { freePort, startApp, waitForHttp, type RunningProcess, stopAllProcesses } from '../helpers/processes';

const NODES = 600;
const MISSING_NODE = '/nodes/987654';
const OWNER = { email: 'owner@example.com', password: 'correct horse battery' };
const ADMIN = { email: 'admin@example.com', password: 'admin password 123' };

describe('dashboard pages in chromium', { timeout: 600_000 }, () => {
  let dataDir: string;
  let app: RunningProcess;
  let base: string;
  let browser: Browser;
  let context: BrowserContext;
  // Real protocol-speaking peers on 127.100.0.x that the app probes when one is registered.
  let network: SimulatedNetwork;
  const consoleErrors: string[] = [];

  async function open(pathname: string, target?: Page): Promise<Page> {
    const page = target ?? (await context.newPage());
    if (!target) {
      page.on('console', (message) => {
        // The 404 of the deliberately unknown node is the one expected failed load.
        const expected404 = page.url().endsWith(MISSING_NODE) && message.text().includes('404');
        // Account pages call the JSON API; refusals they show as messages (asserted below) are expected.
        const shownRefusal = page.url().includes('/account') && /status of (400|401|403|422|429)\b/.test(message.text());
        if (message.type() === 'error' && !expected404 && !shownRefusal) consoleErrors.push(`${page.url()}: ${message.text()}`);
      });
      page.on('pageerror', (error) => consoleErrors.push(`${page.url()}: ${error.message}`));
    }
    await page.goto(`${base}${pathname}`);
    return page;
  }

  before(async () => {
    dataDir = await mkdtemp(path.join(tmpdir(), 'peerscope-dashboard-'));
    const database = await startEmbeddedPostgres({ dataDir });
    const sql = createSqlForUrl(database.url);
    try {
      await migrate(sql);
      await seedDemoNetwork(sql, { nodes: NODES, days: 7, seed: 42, historyNodes: NODES });
      // A user who already registered node 1 (registration itself probes the node live, which needs a real peer).
      const [owner] = await sql<{ id: string }[]>`insert into profiles (email) values (${OWNER.email}) returning id`;
      await sql`insert into local_credentials (user_id, password_hash) values (${owner!.id}, ${await hashPassword(OWNER.password)})`;
      await sql`insert into user_nodes (user_id, node_id, label) values (${owner!.id}, 1, 'home node')`;
    } finally {
      await sql.end();
      await database.stop();
    }
    network = await startSimulatedNetwork({ nodes: 3, publicAddresses: false, hostileShare: 0, slowShare: 0, goneShare: 0, randomSeed: 7 });
    const port = await freePort();
    base = `http://127.0.0.1:${port}`;
    const { DATABASE_URL: _ignored, ...inherited } = process.env;
    app = startApp({
      ...inherited,
      PORT: String(port),
      EMBEDDED_PG_DATA_DIR: dataDir,
      CRAWLER_ENABLED: 'false',
      AUTH_JWT_SECRET: 'dashboard-test-secret-0123456789abcdef',
      ADMIN_EMAILS: ADMIN.email,
      PEERSCOPE_ALLOW_LOOPBACK_NODES: '1',
    });
    await waitForHttp(`${base}/api/health`, { process: app, timeoutMs: 400_000 });
    browser = await launchBrowser();
    context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  });

  after(async () => {
    await stopAllProcesses();
    await browser?.close();
    if (app) assert.equal(await app.stop(), 0, app.output());
    await network?.stop();
    await rm(dataDir, { recursive: true, force: true });
  });

  it('home: headline stats, a clustered offline map and the top of the leaderboard', async () => {
    const page = await open('/');
    await page.getByRole('heading', { name: 'Network overview' }).waitFor();
    assert.equal(await page.locator('.stat').count(), 4);
    assert.match(await page.locator('.stat').first().innerText(), /Reachable nodes\s+\d{3}/);
    const clusters = page.locator('a.map-cluster');
    assert.ok((await clusters.count()) >= 15, `clusters: ${await clusters.count()}`);
    const labels = await clusters.evaluateAll((links) => links.map((link) => link.getAttribute('aria-label') ?? ''));
    assert.ok(labels.every((label) => /^\d[\d,]* nodes? near .+ of located nodes\)(; versions: .+)?$/.test(label)), labels.join('\n'));
    // Each circle's label counts its nodes per version class (issue 17).
    assert.ok(labels.some((label) => /; versions: .*\d+ (up to date|outdated|critical)/.test(label)), labels.join('\n'));
    assert.match(labels[0]!, /near United States/);
    // The clusters add up to the online, located nodes.
    const total = labels.reduce((sum, label) => sum + Number(label.split(' ')[0]!.replace(/,/g, '')), 0);
    assert.match(await page.locator('.stat').first().innerText(), new RegExp(`${total}`));
    assert.equal(await page.locator('table.nodes-table tbody tr').count(), 10);
    await screenshot(page, 'dashboard-home');
    await page.setViewportSize({ width: 375, height: 800 });
    await screenshot(page, 'dashboard-home-mobile');
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    assert.ok(overflow <= 0, `the page scrolls sideways by ${overflow}px at 375px`);
    // A cluster links to its country's online nodes.
    await page.setViewportSize({ width: 1280, height: 900 });
    const href = await clusters.first().getAttribute('href');
    assert.equal(href, '/nodes?country=US&online=true');
    await page.close();
  });

  it('nodes: 100 a page, filters narrow the list, pagination moves, bad input explains itself', async () => {
    const page = await open('/nodes');
    const rows = page.locator('table.nodes-table tbody tr');
    assert.equal(await rows.count(), 100);
    assert.match(await page.getByRole('status').innerText(), new RegExp(`^${NODES} matching nodes`));
    const firstPage = await rows.first().locator('a').first().innerText();

    // The pager is above and below the table.
    assert.equal(await page.getByRole('link', { name: 'Next ›' }).count(), 2);
    await page.getByRole('link', { name: 'Next ›' }).first().click();
    await page.waitForURL(/page=2/);
    assert.equal(await rows.count(), 100);
    assert.match(await page.locator('table.nodes-table caption').innerText(), /page 2 of 6/);
    assert.notEqual(await rows.first().locator('a').first().innerText(), firstPage);

    await page.getByLabel('Country code').fill('de');
    await page.getByLabel('Status').selectOption('true');
    await page.getByLabel('Sort by').selectOption('pix_score');
    await page.getByRole('button', { name: 'Apply' }).click();
    await page.waitForURL(/country=de/);
    assert.doesNotMatch(page.url(), /page=2/, 'filtering starts at page 1');
    const filtered = await rows.count();
    assert.ok(filtered > 5 && filtered < 100, `DE online rows: ${filtered}`);
    const countries = await rows.locator('td:nth-child(4)').allInnerTexts();
    assert.ok(countries.every((code) => code === 'DE'), countries.join());
    const statuses = await rows.locator('td:nth-child(2)').allInnerTexts();
    assert.ok(statuses.every((status) => status === 'Online'));
    const scores = (await rows.locator('td:nth-child(7)').allInnerTexts()).map(Number);
    assert.deepEqual(scores, [...scores].sort((a, b) => b - a), 'sorted by PIX score, best first');
    assert.equal(await page.getByLabel('Country code').inputValue(), 'DE');
    await screenshot(page, 'dashboard-nodes-filtered');

    await open('/nodes?tier=platinum&page=0', page);
    const alert = page.locator('main [role=alert]');
    assert.match(await alert.innerText(), /page: .*tier: /s);
    await screenshot(page, 'dashboard-nodes-bad-input');
    await page.close();
  });

  it('node page: every field, uptime and latency charts, paged downtimes; 404 and malformed ids', async () => {
    // The online node with the worst uptime: it has both outages and latencies to show.
    const page = await open('/nodes?online=true&sort=uptime_percentage&order=asc');
    const link = page.locator('table.nodes-table tbody tr a').first();
    const address = await link.innerText();
    await open(`${await link.getAttribute('href')}?rowsperpage=5`, page);
    await page.getByRole('heading', { name: address }).waitFor();
    // The details list (the live panel above it has a list of its own).
    const details = page.locator('section[aria-labelledby="details-heading"] .details');
    for (const field of ['Status', 'User agent', 'Country', 'Organization', 'First seen', 'Last seen', 'PIX score']) {
      assert.equal(await details.locator('dt', { hasText: new RegExp(`^${field}$`) }).count(), 1, field);
    }
    assert.equal(await details.locator('dd .status-up').count(), 1);
    const uptime = page.getByRole('img', { name: 'Uptime per day' });
    // One bar per UTC day with probes in the last seven days: seven days and today, the first only
    // when a probe fell in its last hours (the window starts at this time of day, seven days ago).
    const href = (await page.url()).replace(/^.*\/nodes\//, '').replace(/\?.*$/, '');
    const from = Math.floor(Date.now() / 1000) - 7 * 86_400;
    const history = (await (await fetch(`${base}/api/nodes/${href}/snapshots?from=${from}&limit=1000`)).json()) as { snapshots?: { checked_at: number }[]; checks?: { checked_at: number }[] };
    const probes = history.snapshots ?? history.checks ?? [];
    const days = new Set(probes.map((probe) => Math.floor(probe.checked_at / 86_400)));
    assert.ok(days.size >= 7, `probes on at least seven days (${days.size})`);
    assert.equal(await uptime.locator('rect.chart-bar').count(), days.size, 'one bar per day with probes');
    const latency = page.getByRole('img', { name: 'Latency per probe' });
    assert.ok((await latency.locator('path.chart-line').getAttribute('d'))!.length > 100);
    assert.match((await latency.locator('text').allTextContents()).join(' '), /\d+ ms/);
    const downtimeRows = page.locator('table:has(caption:text("unreachable")) tbody tr');
    assert.equal(await downtimeRows.count(), 5);
    assert.match(await downtimeRows.first().locator('td').nth(1).innerText(), /\d{4}, \d\d:\d\d UTC$/, 'it came back');
    await screenshot(page, 'dashboard-node');
    await page.getByRole('navigation', { name: 'Downtime pages', exact: true }).getByRole('link', { name: 'Next ›' }).click();
    await page.waitForURL(/page=2/);
    assert.match(await page.getByRole('navigation', { name: 'Downtime pages', exact: true }).innerText(), /Page 2 of/);
    assert.equal(await downtimeRows.count(), 5);

    // An offline node's latest downtime is still open.
    await open('/nodes?online=false&sort=last_seen&order=desc', page);
    await page.locator('table.nodes-table tbody tr a').first().click();
    await page.locator('section[aria-labelledby="details-heading"] .details dd .status-down').waitFor();
    assert.equal(await downtimeRows.first().locator('td').nth(1).innerText(), 'Still down');

    const missing = await page.goto(`${base}${MISSING_NODE}`);
    assert.equal(missing?.status(), 404);
    await page.getByRole('heading', { name: 'Node not found' }).waitFor();
    await open('/nodes/not-a-node', page);
    await page.getByRole('heading', { name: 'Malformed node address' }).waitFor();
    assert.match(await page.locator('main [role=alert]').innerText(), /numeric node id or "<ip>-<port>"/);
    await page.close();
  });

  it('leaderboard, countries and statistics', async () => {
    const page = await open('/leaderboard');
    const rank = page.locator('table.nodes-table tbody tr td:first-child');
    assert.equal(await rank.count(), 100);
    assert.equal(await rank.first().innerText(), '1');
    await screenshot(page, 'dashboard-leaderboard');
    await page.getByRole('link', { name: 'Next ›' }).last().click();
    await page.waitForURL(/page=2/);
    assert.equal(await rank.first().innerText(), '101');

    await open('/countries', page);
    const counts = async () => (await page.locator('tbody td:nth-child(3)').allInnerTexts()).map((text) => Number(text.replace(/,/g, '')));
    const descending = await counts();
    assert.ok(descending.length >= 20);
    assert.deepEqual(descending, [...descending].sort((a, b) => b - a));
    await page.getByRole('columnheader', { name: /Nodes/ }).getByRole('link').click();
    await page.waitForURL(/order=asc/);
    const ascending = await counts();
    assert.deepEqual(ascending, [...ascending].sort((a, b) => a - b));
    assert.equal(await page.getByRole('columnheader', { name: /Nodes/ }).getAttribute('aria-sort'), 'ascending');
    await screenshot(page, 'dashboard-countries');

    await open('/stats', page);
    assert.equal(await page.getByRole('img', { name: /Nodes over the last 7 days/ }).count(), 1);
    assert.equal(await page.getByRole('img', { name: 'Average uptime of online nodes' }).count(), 1);
    for (const caption of ['Versions (user agents)', 'Tiers', 'Countries']) {
      assert.ok((await page.getByRole('table', { name: caption }).locator('tbody tr').count()) >= 4, caption);
    }
    await screenshot(page, 'dashboard-stats');
    await open('/stats?days=365', page);
    assert.match(await page.locator('main [role=alert]').innerText(), /days/);
    await page.close();
  });

  it('dark theme: follows the system, the toggle overrides it and is remembered without a flash', async () => {
    const dark = await browser.newContext({ colorScheme: 'dark', viewport: { width: 375, height: 800 } });
    try {
      const page = await dark.newPage();
      page.on('pageerror', (error) => consoleErrors.push(error.message));
      await page.goto(`${base}/stats`);
      assert.equal(await page.evaluate(() => document.documentElement.dataset.theme), 'dark');
      await screenshot(page, 'dashboard-stats-dark-mobile');
      await page.goto(`${base}/`);
      await screenshot(page, 'dashboard-home-dark-mobile');
      const background = await page.evaluate(() => getComputedStyle(document.body).backgroundColor);
      assert.equal(background, 'rgb(15, 18, 23)');
      await page.getByRole('button', { name: 'Switch to light theme' }).click();
      assert.equal(await page.evaluate(() => document.documentElement.dataset.theme), 'light');
      await page.goto(`${base}/nodes`);
      // Set by the head script before the page's own scripts run.
      assert.equal(await page.evaluate(() => document.documentElement.dataset.theme), 'light');
      await page.getByRole('button', { name: 'Switch to dark theme' }).click();
      await page.goto(`${base}/nodes/1`);
      assert.equal(await page.evaluate(() => document.documentElement.dataset.theme), 'dark');
      await screenshot(page, 'dashboard-node-dark-mobile');
    } finally {
      await dark.close();
    }
  });

  it('keyboard: a skip link first, then every page in the main navigation', async () => {
    const page = await open('/');
    await page.keyboard.press('Tab');
    assert.equal(await page.evaluate(() => document.activeElement?.textContent), 'Skip to content');
    const nav = page.getByRole('navigation', { name: 'Main' });
    const links = await nav.getByRole('link').evaluateAll((items) => items.map((item) => item.getAttribute('href')));
    assert.deepEqual(links, ['/', '/nodes', '/leaderboard', '/countries', '/stats', '/propagation', '/events', '/api-docs', '/account']);
    assert.equal(await nav.locator('[aria-current=page]').innerText(), 'Overview');
    // Keyboard-only: focus the Nodes link and follow it.
    await nav.getByRole('link', { name: 'Nodes' }).focus();
    await page.keyboard.press('Enter');
    await page.waitForURL(/\/nodes$/);
    assert.equal(await nav.locator('[aria-current=page]').innerText(), 'Nodes');
    // The list and a node page fit a 375px screen (wide tables scroll inside their frame).
    for (const pathname of ['/nodes', '/nodes/1', '/countries', '/account/sign-in']) {
      await page.setViewportSize({ width: 375, height: 800 });
      await open(pathname, page);
      const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
      assert.ok(overflow <= 0, `${pathname} scrolls sideways by ${overflow}px at 375px`);
    }
    await screenshot(page, 'dashboard-sign-in-mobile');
    await page.close();
  });

  it('account: sign up, API keys (shown once, rotate, revoke), sign in, my nodes, alerts, verification, admin', async () => {
    const page = await open('/account/keys');
    assert.match(await page.locator('main [role=alert]').innerText(), /not signed in/);

    await open('/account/sign-in', page);
    await page.getByLabel('Email').fill('not-an-email');
    await page.getByLabel('Password').fill('short');
    await page.getByRole('button', { name: 'Create account' }).click();
    assert.match(await page.locator('main [role=alert]').innerText(), /valid email.*at least 8/);
    await page.getByLabel('Email').fill(ADMIN.email);
    await page.getByLabel('Password').fill(ADMIN.password);
    await page.getByRole('button', { name: 'Create account' }).click();
    await page.waitForURL(/\/account$/);
    await page.getByText(`Signed in as ${ADMIN.email} (administrator).`).waitFor();
    await screenshot(page, 'dashboard-account');

    // API keys: the secret is shown once and works; rotating replaces it; deleting ends it.
    await page.getByRole('link', { name: 'API keys' }).click();
    await page.getByLabel('Name').fill('ci runner');
    await page.getByLabel('read:leaderboard').check();
    await page.getByRole('button', { name: 'Create key' }).click();
    const secret = page.getByTestId('new-key');
    const first = await secret.innerText();
    assert.match(first, /^btc_sk_[0-9A-Za-z]{40}$/);
    const row = page.getByRole('row', { name: /ci runner/ });
    assert.match(await row.innerText(), /read:nodes, read:stats, read:leaderboard\s+1000.*Active/s);
    await screenshot(page, 'dashboard-keys');
    const api = (key: string) => fetch(`${base}/api/nodes.json?limit=1`, { headers: { authorization: `Bearer ${key}` } });
    assert.equal((await api(first)).status, 200);
    await page.getByRole('button', { name: 'Rotate ci runner' }).first().click();
    await page.waitForFunction((old) => document.querySelector('[data-testid=new-key]')?.textContent !== old, first);
    const second = await secret.innerText();
    assert.match(second, /^btc_sk_/);
    assert.equal((await api(first)).status, 401);
    assert.equal((await api(second)).status, 200);
    page.once('dialog', (dialog) => void dialog.accept());
    await page.getByRole('button', { name: 'Delete ci runner' }).click();
    await page.getByRole('button', { name: 'Delete ci runner' }).waitFor({ state: 'detached' });
    assert.equal(await page.getByRole('row', { name: /ci runner/ }).count(), 1, 'only the rotated-out, revoked key is left');
    assert.match(await page.getByRole('row', { name: /ci runner/ }).innerText(), /Revoked/);
    assert.equal((await api(second)).status, 401);

    // Sign out, then in as the owner of node 1.
    await open('/account', page);
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.waitForURL(/sign-in/);
    await page.getByLabel('Email').fill(OWNER.email);
    await page.getByLabel('Password').fill('wrong password');
    await page.getByRole('button', { name: 'Sign in' }).click();
    assert.match(await page.locator('main [role=alert]').innerText(), /./);
    await page.getByLabel('Password').fill(OWNER.password);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.waitForURL(/\/account$/);
    const mine = page.getByRole('table', { name: 'Nodes you registered' });
    assert.match(await mine.locator('tbody tr').innerText(), /home node/);
    assert.equal(await page.getByRole('link', { name: 'Administration' }).count(), 0);

    // Register a node: checked in the browser first, then probed live (a simulated peer on loopback).
    const register = page.getByRole('form', { name: 'Register a node' });
    const feedback = page.locator('main [role=status]');
    await register.getByLabel('IP address').fill('');
    await register.getByLabel('Port').fill('70000');
    await register.getByRole('button', { name: 'Register node' }).click();
    assert.match(await page.locator('main [role=alert]').innerText(), /Enter the node’s IP address\. The port is a whole number from 1 to 65535/);
    assert.equal(await register.getByLabel('IP address').getAttribute('aria-invalid'), 'true');
    assert.equal(await page.evaluate(() => document.activeElement?.getAttribute('name')), 'ip', 'focus moves to the first mistake');
    const peer = network.peers[0]!;
    // Hold the request so the "Probing…" state can be seen.
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    await page.route('**/api/nodes/register', async (route) => {
      await held;
      await route.continue();
    }, { times: 1 });
    // Keyboard only: type into the fields and submit with Enter.
    await register.getByLabel('IP address').focus();
    await page.keyboard.type(peer.address.host);
    await page.keyboard.press('Tab');
    await page.keyboard.press('Control+A');
    await page.keyboard.type(String(peer.address.port));
    await page.keyboard.press('Tab');
    await page.keyboard.type('simulated peer');
    await page.keyboard.press('Enter');
    await register.getByRole('button', { name: 'Probing…' }).waitFor();
    assert.ok(await register.getByRole('button', { name: 'Probing…' }).isDisabled());
    assert.match(await feedback.innerText(), new RegExp(`^Probing ${peer.address.host}:${peer.address.port}…`));
    release();
    const registered = mine.getByRole('row', { name: /simulated peer/ });
    await registered.waitFor();
    assert.match(await registered.innerText(), new RegExp(`${peer.address.host}:${peer.address.port}\\s+simulated peer\\s+Online\\s+${peer.profile.userAgent.replace(/[.()]/g, '\\$&')}`));
    assert.match(await page.locator('main [role=status]').innerText(), new RegExp(`Registered ${peer.address.host}:${peer.address.port}: online, ${peer.profile.userAgent.replace(/[.()]/g, '\\$&')}`));
    assert.match((await registered.getByRole('link').getAttribute('href'))!, /^\/nodes\/\d+$/);
    assert.equal(await mine.locator('tbody tr').count(), 2);
    assert.equal(await register.getByLabel('IP address').inputValue(), '', 'the form is cleared');
    await screenshot(page, 'dashboard-register-node');
    // A private address: the API's reason is shown.
    await register.getByLabel('IP address').fill('192.168.1.10');
    await register.getByLabel('Port').fill('8333');
    await register.getByRole('button', { name: 'Register node' }).click();
    const refusal = page.locator('main [role=alert]');
    await refusal.waitFor();
    assert.match(await refusal.innerText(), /192\.168\.1\.10 is .*only public addresses can be registered/);
    assert.equal(await mine.locator('tbody tr').count(), 2);
    await page.setViewportSize({ width: 375, height: 800 });
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    assert.ok(overflow <= 0, `/account scrolls sideways by ${overflow}px at 375px`);
    await screenshot(page, 'dashboard-register-node-error-mobile');
    await page.setViewportSize({ width: 1280, height: 900 });

    // Alerts: only for your own nodes; create and delete.
    await page.getByRole('link', { name: 'Alerts' }).click();
    const alertForm = page.getByRole('form', { name: 'Create an alert' });
    await alertForm.getByLabel(/Node id/).fill('2');
    await alertForm.getByRole('button', { name: 'Create alert' }).click();
    assert.match(await page.locator('main [role=alert]').innerText(), /register the node first/);
    await alertForm.getByLabel(/Node id/).fill('1');
    await alertForm.getByLabel('tier change').check();
    await alertForm.getByRole('button', { name: 'Create alert' }).click();
    const alertRow = page.getByRole('table', { name: 'Alert subscriptions' }).locator('tbody tr');
    await alertRow.filter({ hasText: OWNER.email }).waitFor();
    assert.match(await alertRow.innerText(), /:\d+\s+owner@example\.com\s+—\s+offline, online, tier change\s+On/);
    await screenshot(page, 'dashboard-alerts');
    await page.getByRole('button', { name: 'Delete alert for node 1' }).click();
    await page.getByText('No alerts yet.').waitFor();

    // Verification: instructions, then a failing check explains why.
    await open('/account/verification', page);
    await page.getByLabel(/Node id/).fill('1');
    await page.getByRole('button', { name: 'Start' }).click();
    const card = page.getByRole('region', { name: 'Verification of node 1' });
    await card.getByText(/-uacomment=/).waitFor();
    await card.getByRole('button', { name: 'Check now' }).click();
    assert.match(await page.locator('main [role=alert]').innerText(), /Check failed: .*does not contain/);
    await screenshot(page, 'dashboard-verification');

    // Admin pages are for admins only.
    await open('/account/admin', page);
    assert.match(await page.locator('main [role=alert]').innerText(), /do not have access/);
    await page.close();

    const adminPage = await open('/account/sign-in');
    await adminPage.getByLabel('Email').fill(ADMIN.email);
    await adminPage.getByLabel('Password').fill(ADMIN.password);
    await adminPage.getByRole('button', { name: 'Sign in' }).click();
    await adminPage.waitForURL(/\/account$/);
    await adminPage.getByRole('link', { name: 'Administration' }).click();
    const users = adminPage.getByRole('table', { name: /Newest users/ });
    await users.getByRole('row', { name: new RegExp(OWNER.email) }).waitFor();
    assert.match(await users.locator('caption').innerText(), /2 in all/);
    // Settings: a form per setting, typed by its schema; Save stores it.
    const limit = adminPage.getByRole('form', { name: 'Setting registration.max_per_hour' });
    const limitInput = limit.getByLabel('registration.max_per_hour', { exact: true });
    assert.equal(await limitInput.getAttribute('type'), 'number');
    assert.equal(await limitInput.inputValue(), '10');
    assert.equal(await adminPage.getByRole('form', { name: 'Setting verification.require_review' }).getByRole('checkbox').count(), 1);
    assert.equal(await adminPage.getByRole('form', { name: /^Setting / }).count(), 9);
    await limitInput.fill('0');
    await limit.getByRole('button', { name: 'Save registration.max_per_hour' }).click();
    assert.match(await adminPage.locator('main [role=alert]').innerText(), /registration\.max_per_hour: .*1/);
    await limitInput.fill('25');
    await limit.getByRole('button', { name: 'Save registration.max_per_hour' }).click();
    await adminPage.getByRole('status').filter({ hasText: 'Saved registration.max_per_hour = 25.' }).waitFor();
    assert.equal(await adminPage.locator('main [role=alert]').count(), 0);
    const stored = await adminPage.request.get(`${base}/api/admin/settings`);
    assert.equal(stored.status(), 200);
    assert.equal(((await stored.json()) as { settings: Record<string, unknown> }).settings['registration.max_per_hour'], 25);
    // The change is in the audit log.
    await adminPage.getByRole('table', { name: 'The 20 latest admin actions' }).getByRole('row', { name: /settings\.update/ }).waitFor();
    await screenshot(adminPage, 'dashboard-admin-settings-saved');
    // A value only the server can refuse: the API's details are shown.
    const versionForm = adminPage.getByRole('form', { name: 'Setting versions.minimum' });
    const versionInput = versionForm.getByLabel('versions.minimum', { exact: true });
    assert.equal(await versionInput.getAttribute('type'), 'text');
    await versionInput.fill('28.0');
    await adminPage.route('**/api/admin/settings', (route) =>
      route.continue({ postData: JSON.stringify({ 'versions.minimum': 'latest' }) }), { times: 1 });
    await versionForm.getByRole('button', { name: 'Save versions.minimum' }).click();
    const apiError = adminPage.locator('main [role=alert]');
    await apiError.waitFor();
    assert.match(await apiError.innerText(), /^versions\.minimum was not saved: .*a version like 27\.1/);
    await screenshot(adminPage, 'dashboard-admin-settings-error');
    await adminPage.reload();
    assert.equal(await adminPage.getByLabel('registration.max_per_hour', { exact: true }).inputValue(), '25');
    await adminPage.setViewportSize({ width: 375, height: 800 });
    const adminOverflow = await adminPage.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    assert.ok(adminOverflow <= 0, `/account/admin scrolls sideways by ${adminOverflow}px at 375px`);
    await screenshot(adminPage, 'dashboard-admin-mobile');
    await adminPage.close();
  });

  it('logs no console errors on any page', () => {
    assert.deepEqual(consoleErrors, []);
  });
});
