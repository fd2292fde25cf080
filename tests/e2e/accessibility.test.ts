/**
 * Accessibility of every dashboard page in Debian's chromium: axe-core (WCAG 2.2 AA
 * rules) in both themes at 1280 and 375 px, keyboard paths to each page's main
 * controls, and the error pages: "data temporarily unavailable" (503) during a
 * database outage, the error boundary (500) when a page fails, and account pages
 * whose API fails.
 */
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { createServer, connect, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { hashPassword } from '../../lib/auth/passwords';
import { createSqlForUrl } from '../../lib/db/client';
import { startEmbeddedPostgres } from '../../lib/db/embedded';
import { migrate } from '../../lib/db/migrate';
import { seedDemoNetwork } from '../../lib/demo/seed';
import { launchBrowser } from '../helpers/browser';
import { openTestDatabase } from '../helpers/database';
import { freePort, startApp, startProcess, stopAllProcesses, waitForHttp, type RunningProcess } from '../helpers/processes';

const require = createRequire(import.meta.url);
const nextBin = path.join(process.cwd(), 'node_modules', 'next', 'dist', 'bin', 'next');
const ADMIN = { email: 'a11y-admin@example.com', password: 'admin password 123' };
const WCAG_TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa'];
const THEMES = ['light', 'dark'] as const;
const WIDTHS = [1280, 375] as const;

/** Every page, with what shows it has finished rendering (account pages load in the browser). */
const PAGES: { path: string; ready: string }[] = [
  { path: '/', ready: 'h1:text("Network overview")' },
  { path: '/nodes', ready: 'table.nodes-table' },
  { path: '/nodes?country=zz9', ready: 'main [role=alert]' },
  { path: '/nodes/1?rowsperpage=5', ready: '.details' },
  { path: '/nodes/987654', ready: 'h1:text("Node not found")' },
  { path: '/nodes/not-a-node', ready: 'h1:text("Malformed node address")' },
  { path: '/leaderboard', ready: 'table.nodes-table' },
  { path: '/countries', ready: 'table' },
  { path: '/stats', ready: 'table' },
  { path: '/propagation', ready: 'h1:text("Block propagation")' },
  { path: '/no-such-page', ready: 'h1:text("Page not found")' },
  { path: '/api-docs', ready: '.swagger-ui .opblock' },
  { path: '/account/sign-in', ready: 'form' },
  { path: '/account', ready: 'form[aria-label="Register a node"]' },
  { path: '/account/keys', ready: 'form[aria-label="Create an API key"]' },
  { path: '/account/alerts', ready: 'form[aria-label="Create an alert"]' },
  { path: '/account/verification', ready: 'form[aria-label="Start a verification"]' },
  { path: '/account/admin', ready: 'form[aria-label="Setting registration.max_per_hour"]' },
];

interface Violation {
  id: string;
  impact: string | null;
  help: string;
  nodes: string[];
}

/** Runs axe-core (injected by the context's init script) with the WCAG 2.2 AA rule set. */
async function axeViolations(page: Page): Promise<Violation[]> {
  return page.evaluate(async (tags) => {
    const axe = (window as unknown as { axe: { run: (context: Document, options: object) => Promise<{ violations: { id: string; impact: string | null; help: string; nodes: { target: unknown[]; html: string }[] }[] }> } }).axe;
    const result = await axe.run(document, { runOnly: { type: 'tag', values: tags }, resultTypes: ['violations'] });
    return result.violations.map((violation) => ({
      id: violation.id,
      impact: violation.impact,
      help: violation.help,
      nodes: violation.nodes.slice(0, 4).map((node) => `${node.target.join(' ')}: ${node.html.slice(0, 160)}`),
    }));
  }, WCAG_TAGS);
}

function describeViolations(where: string, violations: Violation[]): string {
  return violations.map((violation) => `${where}: ${violation.id} (${violation.impact}) ${violation.help}\n    ${violation.nodes.join('\n    ')}`).join('\n');
}

/** Presses Tab from the top of the page until the focused element matches `selector` (and `text`); the presses, or null past `limit`. */
async function tabsUntil(page: Page, selector: string, text: RegExp | null, limit: number): Promise<number | null> {
  await page.evaluate(() => (document.activeElement as HTMLElement | null)?.blur());
  for (let presses = 1; presses <= limit; presses++) {
    await page.keyboard.press('Tab');
    const focused = await page.evaluate(
      ([wanted, pattern]) => {
        const element = document.activeElement;
        return !!element && element.matches(wanted) && (pattern === null || new RegExp(pattern).test(element.textContent?.trim() ?? ''));
      },
      [selector, text?.source ?? null] as const,
    );
    if (focused) return presses;
  }
  return null;
}

/** A loopback TCP relay in front of the database: closing it is a database outage the app cannot tell from a real one. */
class Relay {
  private server: Server | null = null;
  private readonly sockets = new Set<Socket>();
  constructor(readonly port: number, private readonly target: { host: string; port: number }) {}

  async open(): Promise<void> {
    this.server = createServer((client) => {
      const upstream = connect(this.target.port, this.target.host);
      for (const socket of [client, upstream]) {
        this.sockets.add(socket);
        socket.once('close', () => this.sockets.delete(socket));
        socket.on('error', () => {
          client.destroy();
          upstream.destroy();
        });
      }
      client.pipe(upstream).pipe(client);
    });
    await new Promise<void>((resolve, reject) => this.server!.once('error', reject).listen(this.port, '127.0.0.1', resolve));
  }

  async close(): Promise<void> {
    for (const socket of this.sockets) socket.destroy();
    const server = this.server;
    this.server = null;
    if (server) await new Promise((resolve) => server.close(resolve));
  }
}

describe('dashboard accessibility in chromium', { timeout: 900_000 }, () => {
  let dataDir: string;
  let app: RunningProcess;
  let base: string;
  let browser: Browser;
  let axeSource: string;
  /** A node with several downtimes (its page has a downtime pager). */
  let flakyNode: string;
  const contexts = new Map<(typeof THEMES)[number], BrowserContext>();

  /** A browser context in the theme, with axe-core injected into every page and the admin signed in. */
  async function themedContext(theme: (typeof THEMES)[number]): Promise<BrowserContext> {
    const context = await browser.newContext({ colorScheme: theme, viewport: { width: 1280, height: 900 } });
    await context.addInitScript({ content: axeSource });
    {
      const page = await context.newPage();
      await page.goto(`${base}/account/sign-in`);
      const status = await page.evaluate(async (credentials) => {
        const response = await fetch('/api/auth/signin', { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(credentials) });
        return response.status;
      }, ADMIN);
      assert.equal(status, 200, 'admin signs in');
      await page.close();
    }
    return context;
  }

  before(async () => {
    axeSource = await readFile(require.resolve('axe-core/axe.min.js'), 'utf8');
    dataDir = await mkdtemp(path.join(tmpdir(), 'peerscope-a11y-'));
    const database = await startEmbeddedPostgres({ dataDir });
    const sql = createSqlForUrl(database.url);
    try {
      await migrate(sql);
      await seedDemoNetwork(sql, { nodes: 250, days: 3, seed: 18, historyNodes: 20 });
      // An admin with a registered node, an API key and an alert, so the account tables have rows to scroll.
      const [admin] = await sql<{ id: string }[]>`insert into profiles (email, role) values (${ADMIN.email}, 'admin') returning id`;
      await sql`insert into local_credentials (user_id, password_hash) values (${admin!.id}, ${await hashPassword(ADMIN.password)})`;
      await sql`insert into user_nodes (user_id, node_id, label) values (${admin!.id}, 1, 'a rather long label for the home node')`;
      const [flaky] = await sql<{ node_id: string }[]>`
        select node_id from (
          select node_id, status, lag(status) over (partition by node_id order by checked_at) as previous from node_checks
        ) checks where status = 'down' and previous is distinct from 'down' group by node_id order by count(*) desc limit 1`;
      flakyNode = String(flaky!.node_id);
    } finally {
      await sql.end();
      await database.stop();
    }
    const port = await freePort();
    base = `http://127.0.0.1:${port}`;
    const { DATABASE_URL: _ignored, ...inherited } = process.env;
    app = startApp({
      ...inherited,
      PORT: String(port),
      EMBEDDED_PG_DATA_DIR: dataDir,
      CRAWLER_ENABLED: 'false',
      AUTH_JWT_SECRET: 'a11y-test-secret-0123456789abcdef0123',
      ADMIN_EMAILS: ADMIN.email,
    });
    await waitForHttp(`${base}/api/health`, { process: app, timeoutMs: 600_000 });
    browser = await launchBrowser();
    for (const theme of THEMES) contexts.set(theme, await themedContext(theme));
    // Rows in the account tables (made through the API, as the pages would).
    const page = await contexts.get('light')!.newPage();
    await page.goto(`${base}/account`);
    // (No named helper functions inside page.evaluate: tsx would wrap them in a __name() the page does not have.)
    const made = await page.evaluate(async (requests) => {
      const statuses: number[] = [];
      for (const [url, body] of requests) {
        statuses.push((await fetch(url, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body) })).status);
      }
      return statuses;
    }, [
      ['/api/keys', { name: 'a key with a fairly long name', scopes: ['read:nodes', 'read:stats', 'read:leaderboard'] }],
      ['/api/alerts', { nodeId: '1', alertOffline: true, alertOnline: true, alertTierChange: true, emailEnabled: true, emailAddress: 'someone.with.a.long.address@example.com', cooldownMinutes: 60 }],
    ] as [string, unknown][]);
    assert.ok(made.every((status) => status === 201 || status === 200), `key and alert: ${made.join(', ')}`);
    await page.close();
  });

  after(async () => {
    for (const context of contexts.values()) await context.close().catch(() => {});
    await stopAllProcesses();
    await browser?.close();
    if (app) assert.equal(await app.stop(), 0, app.output());
    await rm(dataDir, { recursive: true, force: true });
  });

  it('axe-core finds no WCAG 2.2 AA violation on any page, in either theme, at 1280 and 375 px', async () => {
    const failures: string[] = [];
    for (const theme of THEMES) {
      const page = await contexts.get(theme)!.newPage();
      for (const { path: pathname, ready } of PAGES) {
        await page.setViewportSize({ width: 1280, height: 900 });
        await page.goto(`${base}${pathname}`);
        await page.locator(ready).first().waitFor();
        // (Where Next renders a page in the browser, e.g. a 404, the head script has not run and the CSS follows the system theme.)
        const shown = await page.evaluate(() => document.documentElement.dataset.theme ?? (matchMedia('(prefers-color-scheme: dark)').matches ? 'dark' : 'light'));
        assert.equal(shown, theme, `${pathname} in the ${theme} theme`);
        for (const width of WIDTHS) {
          await page.setViewportSize({ width, height: width === 375 ? 800 : 900 });
          failures.push(describeViolations(`${pathname} ${theme} ${width}px`, await axeViolations(page)));
        }
      }
      // The sign-in form showing its mistakes (aria-invalid fields, error texts).
      await page.goto(`${base}/account/sign-in`);
      await page.getByLabel('Email').fill('not-an-email');
      await page.getByRole('button', { name: 'Sign in' }).click();
      await page.locator('[aria-invalid=true]').first().waitFor();
      failures.push(describeViolations(`/account/sign-in with errors ${theme}`, await axeViolations(page)));
      await page.close();
    }
    const report = failures.filter(Boolean).join('\n');
    assert.equal(report, '', `axe violations:\n${report}`);
  });

  it('the keyboard reaches each page’s main controls within a few Tab presses', async () => {
    const page = await contexts.get('light')!.newPage();
    const paths: { path: string; ready: string; selector: string; text: RegExp | null; limit: number }[] = [
      { path: '/', ready: 'table.nodes-table', selector: 'a', text: /^Full leaderboard$/, limit: 14 },
      { path: '/nodes', ready: 'table.nodes-table', selector: 'a', text: /^Next ›$/, limit: 24 },
      { path: '/leaderboard', ready: 'table.nodes-table', selector: 'a', text: /^Next ›$/, limit: 13 },
      { path: '/countries', ready: 'table', selector: 'th a', text: /^Nodes/, limit: 17 },
      { path: '/stats', ready: 'table', selector: 'a', text: /^30 days$/, limit: 16 },
      { path: `/nodes/${flakyNode}?rowsperpage=2`, ready: '.details', selector: 'nav[aria-label^="Downtime pages"] a', text: /^Next ›$/, limit: 22 },
      { path: '/account/sign-in', ready: 'form', selector: 'button', text: /^Sign in$/, limit: 15 },
      { path: '/account', ready: 'form[aria-label="Register a node"]', selector: 'button', text: /^Sign out$/, limit: 13 },
      { path: '/account', ready: 'form[aria-label="Register a node"]', selector: 'button', text: /^Register node$/, limit: 26 },
      { path: '/account/keys', ready: 'form[aria-label="Create an API key"]', selector: 'button', text: /^Create key$/, limit: 19 },
      { path: '/account/alerts', ready: 'form[aria-label="Create an alert"]', selector: 'button', text: /^Create alert$/, limit: 23 },
      { path: '/account/verification', ready: 'form[aria-label="Start a verification"]', selector: 'button', text: /^Start$/, limit: 16 },
      { path: '/account/admin', ready: 'form[aria-label="Setting registration.max_per_hour"]', selector: 'button', text: /^Make (admin|user)$/, limit: 16 },
    ];
    const misses: string[] = [];
    for (const { path: pathname, ready, selector, text, limit } of paths) {
      await page.goto(`${base}${pathname}`);
      await page.locator(ready).first().waitFor();
      const presses = await tabsUntil(page, selector, text, limit);
      if (presses === null) misses.push(`${pathname}: ${selector} ${text ?? ''} not reached in ${limit} Tab presses`);
    }
    assert.deepEqual(misses, []);

    // The map is one Tab stop: the arrow keys move between its markers.
    await page.goto(`${base}/`);
    await page.locator('a.map-cluster').first().waitFor();
    assert.ok((await tabsUntil(page, 'a.map-cluster', null, 14)) !== null, 'the map is reached');
    const first = await page.evaluate(() => document.activeElement!.getAttribute('aria-label'));
    await page.keyboard.press('ArrowRight');
    const second = await page.evaluate(() => document.activeElement!.getAttribute('aria-label'));
    assert.ok(second && second !== first, 'ArrowRight moves to the next marker');
    await page.keyboard.press('Tab');
    assert.equal(await page.evaluate(() => document.activeElement!.matches('a.map-cluster')), false, 'Tab leaves the map');
    await page.keyboard.press('Shift+Tab');
    assert.equal(await page.evaluate(() => document.activeElement!.getAttribute('aria-label')), second, 'Shift+Tab comes back to the marker last used');
    // Every marker's hit area is at least 24 px across at 375 px and at 1280 px.
    for (const width of WIDTHS) {
      await page.setViewportSize({ width, height: 800 });
      const smallest = await page.evaluate(() => Math.min(...Array.from(document.querySelectorAll('a.map-cluster'), (marker) => marker.getBoundingClientRect().width)));
      assert.ok(smallest >= 24, `the smallest map marker is ${smallest.toFixed(1)} px wide at ${width} px`);
    }

    // Sign-in mistakes: each field says what is wrong, is marked invalid, and focus goes to the first.
    await page.setViewportSize({ width: 1280, height: 900 });
    await page.goto(`${base}/account/sign-in`);
    await page.getByLabel('Email').fill('not-an-email');
    await page.getByLabel('Password').fill('short');
    await page.getByRole('button', { name: 'Sign in' }).click();
    const email = page.getByLabel('Email');
    await page.locator('[aria-invalid=true]').first().waitFor();
    assert.equal(await email.getAttribute('aria-invalid'), 'true');
    assert.equal(await page.getByLabel('Password').getAttribute('aria-invalid'), 'true');
    assert.equal(await page.evaluate(() => document.activeElement?.getAttribute('name')), 'email', 'focus moves to the first mistake');
    const describedBy = (await email.getAttribute('aria-describedby'))!;
    assert.match(await page.locator(`#${describedBy}`).innerText(), /valid email/);
    await page.close();
  });

  it('/nodes shows every column of every row at 375 px (one card per node)', async () => {
    const page = await contexts.get('dark')!.newPage();
    await page.setViewportSize({ width: 375, height: 800 });
    await page.goto(`${base}/nodes`);
    const row = page.locator('table.nodes-table tbody tr').first();
    await row.waitFor();
    const cells = await row.locator('th, td').evaluateAll((elements) =>
      elements.map((element) => {
        const box = element.getBoundingClientRect();
        return { label: element.getAttribute('data-label') ?? 'Address', text: (element as HTMLElement).innerText.trim(), left: box.left, right: box.right };
      }));
    assert.deepEqual(cells.map((cell) => cell.label), ['Address', 'Status', 'Version', 'Country', 'Tier', 'PIX score', 'Uptime', 'Latency']);
    for (const cell of cells) {
      assert.ok(cell.left >= 0 && cell.right <= 375, `${cell.label} is inside the screen: ${cell.left}–${cell.right}`);
      assert.ok(cell.text.length > 0, `${cell.label} shows its value`);
    }
    assert.equal(await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth), 0, 'no sideways scroll');
    assert.equal(await page.locator('.table-scroll').evaluate((box) => box.scrollWidth - box.clientWidth), 0, 'the table itself does not scroll sideways');
    await page.close();
  });

  it('database outage: pages answer 503 "data temporarily unavailable", a failing page shows the error boundary, account pages keep Sign out', async () => {
    // A second server on the same build whose database sits behind a relay we can cut.
    const empty = await openTestDatabase();
    const target = new URL(empty.url);
    const relay = new Relay(await freePort(), { host: target.hostname, port: Number(target.port) });
    const relayed = new URL(empty.url);
    relayed.port = String(relay.port);
    const port = await freePort();
    const origin = `http://127.0.0.1:${port}`;
    const { DATABASE_URL: _ignored, ...inherited } = process.env;
    const server = startProcess(process.execPath, [nextBin, 'start', '--port', String(port), '--hostname', '127.0.0.1'], {
      ...inherited,
      DATABASE_URL: relayed.toString(),
      AUTH_JWT_SECRET: 'a11y-test-secret-0123456789abcdef0123',
      NEXT_TELEMETRY_DISABLED: '1',
    });
    try {
      await waitForHttp(`${origin}/api/health`, { status: 503, process: server, timeoutMs: 120_000 });
      for (const pathname of ['/', '/nodes?page=2', '/nodes/1', '/leaderboard', '/countries', '/stats']) {
        const response = await fetch(`${origin}${pathname}`);
        assert.equal(response.status, 503, pathname);
        assert.equal(response.headers.get('cache-control'), 'no-store', pathname);
        assert.ok(response.headers.get('retry-after'), pathname);
        assert.match(await response.text(), /Data temporarily unavailable/, pathname);
      }
      const failures: string[] = [];
      for (const theme of THEMES) {
        // The signed-in contexts: cookies belong to the host, not the port, so the session reaches this server too.
        const page = await contexts.get(theme)!.newPage();
        const answer = await page.goto(`${origin}/nodes`);
        assert.equal(answer?.status(), 503);
        await page.getByRole('heading', { name: 'Data temporarily unavailable' }).waitFor();
        assert.equal(await page.getByRole('navigation', { name: 'Main' }).count(), 1);
        for (const width of WIDTHS) {
          await page.setViewportSize({ width, height: 800 });
          failures.push(describeViolations(`503 page ${theme} ${width}px`, await axeViolations(page)));
        }
        // Account pages render in the browser: the API's 503 is shown with a retry, and Sign out stays reachable.
        await page.goto(`${origin}/account`);
        await page.getByRole('alert').filter({ hasText: 'could not be loaded' }).waitFor();
        assert.equal(await page.getByRole('button', { name: 'Try again' }).count(), 1);
        assert.equal(await page.getByRole('button', { name: 'Sign out' }).count(), 1);
        failures.push(describeViolations(`/account, API down ${theme}`, await axeViolations(page)));
        await page.close();
      }

      // The database answers again, but the page's queries fail (no schema): the error boundary inside the site frame.
      await relay.open();
      await new Promise((resolve) => setTimeout(resolve, 1_200)); // the proxy's outage verdict expires
      for (const theme of THEMES) {
        const page = await contexts.get(theme)!.newPage();
        const answer = await page.goto(`${origin}/stats`);
        assert.equal(answer?.status(), 500);
        await page.getByRole('heading', { name: 'Something went wrong' }).waitFor();
        assert.equal(await page.evaluate(() => document.documentElement.lang), 'en');
        assert.match(await page.title(), /Peerscope/);
        assert.equal(await page.getByRole('main').count(), 1);
        assert.equal(await page.getByRole('navigation', { name: 'Main' }).count(), 1);
        assert.equal(await page.getByRole('button', { name: 'Try again' }).count(), 1);
        for (const width of WIDTHS) {
          await page.setViewportSize({ width, height: 800 });
          failures.push(describeViolations(`error page ${theme} ${width}px`, await axeViolations(page)));
        }
        await page.close();
      }
      const report = failures.filter(Boolean).join('\n');
      assert.equal(report, '', `axe violations:\n${report}`);
    } finally {
      await server.stop();
      await relay.close();
      await empty.close();
    }
  });
});
