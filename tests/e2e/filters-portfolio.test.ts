/**
 * Issue 15 in chromium: the node list's search box and filters (URL-driven), service
 * flags by name on a node page, the statistics page's breakdowns, and the account
 * page's my-nodes filters, incidents pager and CSV downloads; axe-core (WCAG 2.2 AA)
 * on each, in both themes at 1280 and 375 px.
 */
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { hashPassword } from '../../lib/auth/passwords';
import { createSqlForUrl } from '../../lib/db/client';
import { startEmbeddedPostgres } from '../../lib/db/embedded';
import { migrate } from '../../lib/db/migrate';
import { seedDemoNetwork } from '../../lib/demo/seed';
import { takeNetworkSnapshot } from '../../lib/snapshots/take';
import { launchBrowser, screenshot } from '../helpers/browser';
import { freePort, startApp, stopAllProcesses, waitForHttp, type RunningProcess } from '../helpers/processes';

const require = createRequire(import.meta.url);
const OWNER = { email: 'portfolio-owner@example.com', password: 'owner password 123' };
const WCAG_TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa'];

async function axeViolations(page: Page): Promise<string[]> {
  return page.evaluate(async (tags) => {
    const axe = (window as unknown as { axe: { run: (context: Document, options: object) => Promise<{ violations: { id: string; help: string; nodes: { target: unknown[] }[] }[] }> } }).axe;
    const result = await axe.run(document, { runOnly: { type: 'tag', values: tags }, resultTypes: ['violations'] });
    return result.violations.map((violation) => `${violation.id}: ${violation.help} (${violation.nodes.slice(0, 3).map((node) => node.target.join(' ')).join(', ')})`);
  }, WCAG_TAGS);
}

/** Presses Tab from the top until the focused element matches (as tests/e2e/accessibility.test.ts counts); null past `limit`. */
async function tabsUntil(page: Page, selector: string, text: RegExp, limit: number): Promise<number | null> {
  await page.evaluate(() => (document.activeElement as HTMLElement | null)?.blur());
  for (let presses = 1; presses <= limit; presses++) {
    await page.keyboard.press('Tab');
    const focused = await page.evaluate(
      ([wanted, pattern]) => {
        const element = document.activeElement;
        return !!element && element.matches(wanted) && new RegExp(pattern).test(element.textContent?.trim() ?? '');
      },
      [selector, text.source] as const,
    );
    if (focused) return presses;
  }
  return null;
}

describe('search, filters, breakdowns and portfolio pages in chromium', { timeout: 900_000 }, () => {
  let dataDir: string;
  let app: RunningProcess;
  let base: string;
  let browser: Browser;
  let context: BrowserContext;
  let axeSource: string;
  const pageErrors: string[] = [];

  async function open(pathname: string, ready: string, target?: BrowserContext): Promise<Page> {
    const page = await (target ?? context).newPage();
    page.on('pageerror', (error) => pageErrors.push(`${pathname}: ${error.message}`));
    const response = await page.goto(`${base}${pathname}`);
    assert.equal(response?.status(), 200, pathname);
    await page.waitForSelector(ready);
    return page;
  }

  before(async () => {
    axeSource = await readFile(require.resolve('axe-core/axe.min.js'), 'utf8');
    dataDir = await mkdtemp(path.join(tmpdir(), 'peerscope-filters-'));
    const database = await startEmbeddedPostgres({ dataDir });
    const sql = createSqlForUrl(database.url);
    try {
      await migrate(sql);
      await seedDemoNetwork(sql, { nodes: 300, days: 3, seed: 15, historyNodes: 30 });
      await sql`update nodes set hostname = 'findme.example.net', services = 3145 where id = 2`;
      await takeNetworkSnapshot(sql, { now: new Date() });
      const [owner] = await sql<{ id: string }[]>`insert into profiles (email) values (${OWNER.email}) returning id`;
      await sql`insert into local_credentials (user_id, password_hash) values (${owner!.id}, ${await hashPassword(OWNER.password)})`;
      // Three nodes with history (downtimes); one labelled like a spreadsheet formula.
      await sql`insert into user_nodes (user_id, node_id, label)
        select ${owner!.id}, node_id, case when rn = 1 then '=HYPERLINK("x")' else 'rack ' || rn end
        from (select node_id, row_number() over (order by node_id) as rn from (select distinct node_id from node_checks where status = 'down') d) n
        where rn <= 3`;
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
      MONITOR_ENABLED: 'false',
      AUTH_JWT_SECRET: 'filters-test-secret-0123456789abcdef012',
    });
    await waitForHttp(`${base}/api/health`, { process: app, timeoutMs: 800_000 });
    browser = await launchBrowser();
    context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    await context.addInitScript({ content: axeSource });
    const page = await context.newPage();
    await page.goto(`${base}/account/sign-in`);
    const status = await page.evaluate(async (credentials) => {
      const response = await fetch('/api/auth/signin', { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(credentials) });
      return response.status;
    }, OWNER);
    assert.equal(status, 200, 'owner signs in');
    await page.close();
  });

  after(async () => {
    await context?.close().catch(() => {});
    await browser?.close();
    await stopAllProcesses();
    if (app) assert.equal(await app.stop(), 0, app.output());
    if (dataDir) await rm(dataDir, { recursive: true, force: true });
  });

  it('the node list searches and filters from the URL, and the form round-trips it', async () => {
    const page = await open('/nodes?q=FINDME.example&services=NODE_WITNESS&services=NODE_P2P_V2&network=ipv4', 'table.nodes-table');
    assert.equal(await page.getByLabel('Search', { exact: true }).inputValue(), 'FINDME.example');
    assert.equal(await page.getByRole('checkbox', { name: 'NODE_P2P_V2', exact: true }).isChecked(), true);
    assert.equal(await page.getByRole('checkbox', { name: 'NODE_BLOOM', exact: true }).isChecked(), false);
    assert.equal(await page.locator('select[name=network]').inputValue(), 'ipv4');
    assert.match(await page.locator('main [role=status]').innerText(), /^1 matching node;/);
    // Submitting the form keeps every filter in the URL.
    await page.getByRole('checkbox', { name: 'NODE_P2P_V2', exact: true }).uncheck();
    await page.getByLabel('ASN', { exact: true }).fill('as24940');
    await Promise.all([page.waitForURL(/asn=as24940/), page.getByRole('button', { name: 'Apply' }).click()]);
    const url = new URL(page.url());
    assert.equal(url.searchParams.get('q'), 'FINDME.example');
    assert.deepEqual(url.searchParams.getAll('services'), ['NODE_WITNESS']);
    await page.close();

    const bad = await open('/nodes?q=ab&services=NODE_WARP', 'main [role=alert]');
    const message = await bad.locator('main [role=alert]').innerText();
    assert.match(message, /q: must be at least 3 characters/);
    await bad.close();
  });

  it('a node page names its service flags', async () => {
    const page = await open('/nodes/2', '.details');
    const services = await page.locator('.details div', { hasText: 'Services' }).innerText();
    assert.match(services, /NODE_NETWORK/);
    assert.match(services, /NODE_P2P_V2/);
    assert.match(services, /0000000000000c49/);
    await page.close();
  });

  it('the statistics page shows the breakdowns with links to the matching nodes', async () => {
    const page = await open('/stats', 'table');
    for (const caption of ['Network types', 'Service flags (a node counts under each flag it has)', 'Protocol versions', 'States and regions']) {
      assert.equal(await page.locator('caption', { hasText: caption }).count(), 1, caption);
    }
    assert.equal(await page.locator('caption', { hasText: /^Top \d+ autonomous systems$/ }).count(), 1);
    assert.ok(await page.locator('a[href*="/nodes?asn=AS"]').count() > 0);
    assert.ok(await page.locator('a[href^="/nodes?services=NODE_WITNESS"]').count() > 0);
    assert.ok((await page.locator('table', { has: page.locator('caption', { hasText: 'States and regions' }) }).innerText()).includes('Virginia, United States'));
    await screenshot(page, 'stats-breakdowns');
    await page.close();
  });

  it('the account page filters my nodes, pages their incidents and downloads CSV', async () => {
    const page = await open('/account?irows=1', 'table caption:text("Downtimes and exceptions of my nodes")');
    await page.waitForSelector('nav[aria-label="Incidents pagination (top)"]');
    assert.match(await page.locator('caption', { hasText: 'Downtimes and exceptions of my nodes' }).innerText(), /page 1 of \d+/);
    assert.equal(await page.locator('table:has(caption:text("Downtimes and exceptions")) tbody tr').count(), 1, 'irows=1 gives one row');
    await Promise.all([page.waitForURL(/ipage=2/), page.locator('nav[aria-label="Incidents pagination (top)"] a[rel=next]').click()]);
    await page.waitForSelector('caption:text("page 2 of")');
    await page.close();

    const filtered = await open('/account?label=rack', 'table caption:text("Nodes you registered")');
    await filtered.waitForSelector('table:has(caption:text("Nodes you registered")) tbody tr >> nth=1');
    assert.equal(await filtered.locator('table:has(caption:text("Nodes you registered")) tbody tr').count(), 2);
    const csvHref = await filtered.getByRole('link', { name: 'Download CSV' }).first().getAttribute('href');
    assert.equal(csvHref, '/api/my-nodes?label=rack&format=csv');
    const csv = await filtered.request.get(`${base}/api/my-nodes?format=csv`);
    assert.equal(csv.status(), 200);
    assert.equal(csv.headers()['content-type'], 'text/csv; charset=utf-8');
    const text = await csv.text();
    assert.match(text, /'=HYPERLINK\(""x""\)/, 'the formula label is guarded');
    assert.equal(text.trimEnd().split('\r\n').length, 4);
    await filtered.close();
  });

  it('the added controls keep the keyboard paths of tests/e2e/accessibility.test.ts within their limits', async () => {
    const nodes = await open('/nodes', 'table.nodes-table');
    assert.notEqual(await tabsUntil(nodes, 'a', /^Next ›$/, 24), null, '/nodes: Next within 24 Tab presses');
    await nodes.close();
    const account = await open('/account', 'form[aria-label="Register a node"]');
    assert.notEqual(await tabsUntil(account, 'button', /^Register node$/, 28), null, '/account: Register node within 28 Tab presses');
    await account.close();
  });

  it('axe-core finds no WCAG 2.2 AA violation on these pages, in either theme, at 1280 and 375 px, and none scrolls sideways', async () => {
    const failures: string[] = [];
    const signedIn = await context.storageState();
    for (const theme of ['light', 'dark'] as const) {
      const themed = await browser.newContext({ colorScheme: theme, viewport: { width: 1280, height: 900 }, storageState: signedIn });
      await themed.addInitScript({ content: axeSource });
      for (const width of [1280, 375]) {
        for (const [pathname, ready] of [
          ['/nodes?q=satoshi&services=NODE_WITNESS&network=ipv4', 'table.nodes-table'],
          ['/nodes/2', '.details'],
          ['/stats', 'caption:text("States and regions")'],
          ['/account?irows=5', 'caption:text("Downtimes and exceptions of my nodes")'],
        ] as const) {
          const page = await open(pathname, ready, themed);
          await page.setViewportSize({ width, height: 900 });
          for (const violation of await axeViolations(page)) failures.push(`${pathname} ${theme} ${width}px: ${violation}`);
          const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
          if (overflow > 0) failures.push(`${pathname} ${theme} ${width}px: scrolls sideways by ${overflow}px`);
          await page.close();
        }
      }
      await themed.close();
    }
    assert.deepEqual(failures, []);
    assert.deepEqual(pageErrors, []);
  });
});
