/**
 * /api-docs in Debian's chromium: Swagger UI (swagger-ui-dist, served from our own
 * chunks) renders public/openapi.yaml under the nonce CSP, loads nothing from another
 * origin, and "Try it out" on GET /api/health gets a 200 from this same site.
 */
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { createSqlForUrl } from '../../lib/db/client';
import { startEmbeddedPostgres } from '../../lib/db/embedded';
import { migrate } from '../../lib/db/migrate';
import { launchBrowser, screenshot } from '../helpers/browser';
import { freePort, startApp, stopAllProcesses, waitForHttp, type RunningProcess } from '../helpers/processes';

const require = createRequire(import.meta.url);
const WCAG_TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa'];

describe('/api-docs in chromium', { timeout: 600_000 }, () => {
  let dataDir: string;
  let app: RunningProcess;
  let base: string;
  let browser: Browser;

  before(async () => {
    dataDir = await mkdtemp(path.join(tmpdir(), 'peerscope-api-docs-'));
    const database = await startEmbeddedPostgres({ dataDir });
    const sql = createSqlForUrl(database.url);
    try {
      await migrate(sql);
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
      AUTH_JWT_SECRET: 'api-docs-test-secret-0123456789abcdef',
    });
    await waitForHttp(`${base}/api/health`, { process: app, timeoutMs: 400_000 });
    browser = await launchBrowser();
  });

  after(async () => {
    await stopAllProcesses();
    await browser?.close();
    if (app) assert.equal(await app.stop(), 0, app.output());
    await rm(dataDir, { recursive: true, force: true });
  });

  it('renders every operation from openapi.yaml, from our origin only, under the nonce CSP, and "Try it out" calls this site', async () => {
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    const page: Page = await context.newPage();
    // Any CSP refusal is recorded from the first byte.
    const problems: string[] = [];
    const foreign: string[] = [];
    page.on('console', (message) => {
      if (message.type() === 'error') problems.push(message.text());
    });
    page.on('pageerror', (error) => problems.push(error.message));
    page.on('request', (request) => {
      const url = request.url();
      if (!url.startsWith(base) && !url.startsWith('data:') && !url.startsWith('blob:')) foreign.push(url);
    });
    await context.addInitScript(() => {
      const store = window as unknown as { cspViolations: string[] };
      store.cspViolations = [];
      document.addEventListener('securitypolicyviolation', (event) => store.cspViolations.push(`${event.violatedDirective} ${event.blockedURI}`));
    });
    const response = await page.goto(`${base}/api-docs`);
    assert.equal(response?.status(), 200);
    assert.match(response?.headers()['content-security-policy'] ?? '', /script-src 'self' 'nonce-[^']+' 'strict-dynamic'/);

    await page.getByRole('heading', { level: 1, name: 'API documentation' }).waitFor();
    await page.locator('.swagger-ui .opblock').first().waitFor({ timeout: 60_000 });
    const operations = await page.locator('.swagger-ui .opblock').count();
    assert.ok(operations >= 60, `operations rendered: ${operations}`);
    assert.match(await page.locator('.swagger-ui .info .title').innerText(), /Peerscope API/);
    // The page is in the site navigation, marked current.
    assert.equal(await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'API' }).getAttribute('aria-current'), 'page');

    // Try it out: GET /api/health, executed against this site.
    const health = page.locator('.swagger-ui .opblock.opblock-get').filter({ has: page.locator('[data-path="/api/health"]') }).first();
    await health.locator('.opblock-summary-control').click();
    await health.getByRole('button', { name: 'Try it out' }).click();
    const call = page.waitForResponse((answer) => answer.url() === `${base}/api/health`);
    await health.getByRole('button', { name: 'Execute' }).click();
    const answered = await call;
    assert.equal(answered.status(), 200);
    const liveRow = health.locator('.live-responses-table tr.response').first();
    await liveRow.waitFor();
    assert.equal((await liveRow.locator('.response-col_status').innerText()).trim(), '200');
    assert.match(await liveRow.locator('.response-col_description').innerText(), /"status": "healthy"/);
    await screenshot(page, 'api-docs');

    const violations = await page.evaluate(() => (window as unknown as { cspViolations?: string[] }).cspViolations ?? []);
    assert.deepEqual(violations, [], 'no CSP violations');
    assert.deepEqual(foreign, [], 'nothing loaded from another origin');
    assert.deepEqual(problems, [], 'no console errors');
    await context.close();
  });

  it('the viewer ships from our own origin: the swagger-ui-dist script and stylesheet come from /_next/static', async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    const assets: string[] = [];
    page.on('response', (answer) => {
      if (answer.url().includes('/_next/static/')) assets.push(answer.url());
    });
    await page.goto(`${base}/api-docs`);
    await page.locator('.swagger-ui .opblock').first().waitFor({ timeout: 60_000 });
    assert.ok(assets.some((url) => url.endsWith('.css')), 'a stylesheet chunk');
    assert.ok(assets.filter((url) => url.endsWith('.js')).length > 0, 'script chunks');
    await context.close();
  });

  it('axe-core (WCAG 2.2 AA) finds no violation in either theme at 1280 and 375 px, with an operation expanded', async () => {
    const axeSource = await readFile(require.resolve('axe-core/axe.min.js'), 'utf8');
    const failures: string[] = [];
    for (const theme of ['light', 'dark'] as const) {
      const context = await browser.newContext({ colorScheme: theme, viewport: { width: 1280, height: 900 } });
      await context.addInitScript({ content: axeSource });
      const page = await context.newPage();
      await page.goto(`${base}/api-docs`);
      await page.locator('.swagger-ui .opblock').first().waitFor({ timeout: 60_000 });
      const health = page.locator('.swagger-ui .opblock.opblock-get').filter({ has: page.locator('[data-path="/api/health"]') }).first();
      await health.locator('.opblock-summary-control').click();
      await health.getByRole('button', { name: 'Try it out' }).waitFor();
      for (const width of [1280, 375]) {
        await page.setViewportSize({ width, height: width === 375 ? 800 : 900 });
        const violations = await page.evaluate(async (tags) => {
          const axe = (window as unknown as { axe: { run: (context: Document, options: object) => Promise<{ violations: { id: string; impact: string | null; help: string; nodes: { target: unknown[]; html: string }[] }[] }> } }).axe;
          const result = await axe.run(document, { runOnly: { type: 'tag', values: tags }, resultTypes: ['violations'] });
          return result.violations.map((v) => `${v.id} (${v.impact}) ${v.help}: ${v.nodes.length} nodes, e.g. ${v.nodes.slice(0, 3).map((n) => `${n.target.join(' ')} ${n.html.slice(0, 140)}`).join(' | ')}`);
        }, WCAG_TAGS);
        failures.push(...violations.map((line) => `${theme} ${width}px: ${line}`));
      }
      await context.close();
    }
    assert.deepEqual(failures, [], failures.join('\n'));
  });
});
