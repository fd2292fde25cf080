import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { launchBrowser, screenshot } from '../helpers/browser';
import { freePort, startApp, stopAllProcesses, waitForHttp, type RunningProcess } from '../helpers/processes';


describe('security of the running app (npm start)', () => {
  let dataDir: string;
  let base: string;
  let app: RunningProcess;
  before(async () => {
    dataDir = await mkdtemp(path.join(tmpdir(), 'peerscope-security-'));
    const port = await freePort();
    base = `http://127.0.0.1:${port}`;
    const { DATABASE_URL: _ignored, TRUSTED_PROXIES: _none, ...inherited } = process.env;
    app = startApp({
      ...inherited,
      PORT: String(port),
      EMBEDDED_PG_DATA_DIR: dataDir,
      CRAWLER_ENABLED: 'false',
      RATE_LIMIT_ANONYMOUS_PER_MINUTE: '20',
    });
    await waitForHttp(`${base}/api/health`, { process: app, timeoutMs: 280_000 });
  });
  after(async () => {
    await app?.stop();
    await stopAllProcesses();
    await rm(dataDir, { recursive: true, force: true });
  });

  it('limits per socket address: forged X-Forwarded-For and x-peerscope-peer do not help', { timeout: 60_000 }, async () => {
    let refused = 0;
    for (let i = 0; i < 40; i += 1) {
      const response = await fetch(`${base}/api/stats.json`, {
        headers: { 'x-forwarded-for': `198.51.100.${i + 1}`, 'x-real-ip': `203.0.113.${i + 1}`, 'x-peerscope-peer': `guess 192.0.2.${i + 1} https` },
      });
      await response.arrayBuffer();
      if (response.status === 429) refused += 1;
    }
    assert.ok(refused >= 19, `only ${refused} of 40 refused`);
  });

  it('answers NUL characters with 400 on the API and a message on pages, never a 500', { timeout: 60_000 }, async () => {
    const api = await fetch(`${base}/api/nodes.json?version=%00`, { headers: { 'x-forwarded-for': '192.0.2.250' } });
    assert.ok(api.status === 400 || api.status === 429, `API answered ${api.status}`);
    const page = await fetch(`${base}/nodes?version=%00`);
    assert.equal(page.status, 200);
    assert.match(await page.text(), /NUL/);
  });

  it('sends security headers on pages and API responses', { timeout: 60_000 }, async () => {
    const page = await fetch(`${base}/`);
    const csp = page.headers.get('content-security-policy') ?? '';
    assert.match(csp, /script-src 'self' 'nonce-[A-Za-z0-9+/=]+' 'strict-dynamic'/);
    assert.match(csp, /frame-ancestors 'none'/);
    assert.equal(page.headers.get('x-content-type-options'), 'nosniff');
    assert.ok(page.headers.get('referrer-policy'));
    const html = await page.text();
    const nonce = /'nonce-([^']+)'/.exec(csp)![1]!;
    assert.ok(html.includes(`nonce="${nonce}"`), 'the inline scripts carry the nonce');
    const api = await fetch(`${base}/api/health`);
    await api.arrayBuffer();
    assert.match(api.headers.get('content-security-policy') ?? '', /default-src 'none'; frame-ancestors 'none'/);
    assert.equal(api.headers.get('x-content-type-options'), 'nosniff');
    const missing = await fetch(`${base}/api/no-such-route`);
    await missing.arrayBuffer();
    assert.equal(missing.headers.get('x-content-type-options'), 'nosniff');
  });

  it('the dashboard runs under the CSP: theme script, client components, sign-up', { timeout: 120_000 }, async () => {
    const browser = await launchBrowser();
    try {
      const page = await browser.newPage();
      const violations: string[] = [];
      page.on('console', (message) => {
        if (/Content Security Policy|Refused to/i.test(message.text())) violations.push(message.text());
      });
      await page.goto(`${base}/`);
      await page.getByRole('heading', { name: 'Network overview' }).waitFor();
      assert.match(String(await page.evaluate(() => document.documentElement.dataset.theme)), /^(light|dark)$/, 'the inline theme script ran');
      await page.goto(`${base}/account/sign-in`);
      await page.getByLabel('Email').fill('csp@example.com');
      await page.getByLabel('Password').fill('csp password 123');
      await page.getByRole('button', { name: 'Create account' }).click();
      await page.waitForURL(`${base}/account`);
      await page.getByText('csp@example.com').first().waitFor();
      await screenshot(page, 'security-account-under-csp');
      assert.deepEqual(violations, []);
    } finally {
      await browser.close();
    }
  });
});
