import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import sharp from 'sharp';
import { createSqlForUrl } from '../../lib/db/client';
import { startEmbeddedPostgres } from '../../lib/db/embedded';
import { migrate } from '../../lib/db/migrate';
import { hashPassword } from '../../lib/auth/passwords';
import { seedDemoNetwork } from '../../lib/demo/seed';
import { launchBrowser, screenshot } from '../helpers/browser';
import { freePort, startApp, stopAllProcesses, waitForHttp, type RunningProcess } from '../helpers/processes';
import { startReceiver } from '../helpers/receiver';

const require = createRequire(import.meta.url);
const WCAG_TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa'];
const OWNER = { email: 'operator@example.com', password: 'correct horse battery' };
const ADMIN = { email: 'moderator@example.com', password: 'admin password 123' };
const NAME = 'Lighthouse Node';

/**
 * The operator profile flow in chromium against `npm start`: the verified owner edits the
 * profile and uploads an avatar, nothing shows until a moderator approves both in the admin
 * queue, then the node page, the leaderboard and the map show them. Also the local password
 * reset through the emailed link (a loopback Resend receiver).
 */
describe('operator profiles and password reset in chromium', { timeout: 600_000 }, () => {
  let dataDir: string;
  let filesDir: string;
  let app: RunningProcess;
  let base: string;
  let browser: Browser;
  let receiver: Awaited<ReturnType<typeof startReceiver>>;
  let avatarFile: string;
  const pageErrors: string[] = [];
  const axeFailures: string[] = [];
  let axeSource: string;

  /** axe-core's WCAG 2.2 AA rules on the page as it is now; violations are collected. */
  async function checkAccessibility(page: Page, where: string) {
    await page.addScriptTag({ content: axeSource });
    const violations = await page.evaluate(async (tags) => {
      const axe = (window as unknown as { axe: { run: (context: Document, options: object) => Promise<{ violations: { id: string; help: string; nodes: { html: string }[] }[] }> } }).axe;
      const result = await axe.run(document, { runOnly: { type: 'tag', values: tags }, resultTypes: ['violations'] });
      return result.violations.map((violation) => `${violation.id}: ${violation.help} (${violation.nodes.slice(0, 2).map((node) => node.html.slice(0, 120)).join(' | ')})`);
    }, WCAG_TAGS);
    axeFailures.push(...violations.map((violation) => `${where}: ${violation}`));
  }

  async function newPage(): Promise<Page> {
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    const page = await context.newPage();
    page.on('pageerror', (error) => pageErrors.push(`${page.url()}: ${error.message}`));
    return page;
  }

  async function signIn(page: Page, who: { email: string; password: string }) {
    await page.goto(`${base}/account/sign-in`);
    const form = page.getByRole('form', { name: 'Sign in or create an account' });
    await form.getByLabel('Email').fill(who.email);
    await form.getByLabel('Password').fill(who.password);
    await form.getByRole('button', { name: 'Sign in' }).click();
    await page.waitForURL(/\/account$/);
  }

  before(async () => {
    // The database folder itself (as root the server runs as "postgres", which must be able to enter it).
    dataDir = await mkdtemp(path.join(tmpdir(), 'peerscope-profiles-e2e-'));
    filesDir = await mkdtemp(path.join(tmpdir(), 'peerscope-profiles-files-'));
    avatarFile = path.join(filesDir, 'logo.jpg');
    // A JPEG whose metadata carries a script: the served avatar must be a clean PNG.
    await writeFile(
      avatarFile,
      await sharp({ create: { width: 400, height: 300, channels: 3, background: '#d9822b' } })
        .jpeg()
        .withExif({ IFD0: { ImageDescription: '<script>alert(1)</script>' } })
        .toBuffer(),
    );
    const database = await startEmbeddedPostgres({ dataDir });
    const sql = createSqlForUrl(database.url);
    try {
      await migrate(sql);
      await seedDemoNetwork(sql, { nodes: 60, days: 2, seed: 17, historyNodes: 5 });
      // Node 1: online, ranked first, located in Lisbon, registered and verified by the owner.
      await sql`update nodes set status = 'up', hidden = false, rank = 1, pix_score = 990, latitude = 38.72, longitude = -9.14,
        country = 'PT', country_name = 'Portugal', verified = true, verified_at = now() where id = 1`;
      await sql`update nodes set rank = rank + 1 where id <> 1 and rank is not null`;
      const [owner] = await sql<{ id: string }[]>`insert into profiles (email) values (${OWNER.email}) returning id`;
      await sql`insert into local_credentials (user_id, password_hash) values (${owner!.id}, ${await hashPassword(OWNER.password)})`;
      await sql`insert into user_nodes (user_id, node_id, label) values (${owner!.id}, 1, 'lisbon')`;
      await sql`insert into verifications (node_id, user_id, method, challenge, status, decided_at) values (1, ${owner!.id}, 'user_agent', 'peerscope-e2e', 'verified', now())`;
      const [admin] = await sql<{ id: string }[]>`insert into profiles (email, role) values (${ADMIN.email}, 'admin') returning id`;
      await sql`insert into local_credentials (user_id, password_hash) values (${admin!.id}, ${await hashPassword(ADMIN.password)})`;
    } finally {
      await sql.end();
      await database.stop();
    }
    axeSource = await readFile(require.resolve('axe-core/axe.min.js'), 'utf8');
    receiver = await startReceiver();
    const port = await freePort();
    base = `http://127.0.0.1:${port}`;
    const { DATABASE_URL: _ignored, ...inherited } = process.env;
    app = startApp({
      ...inherited,
      PORT: String(port),
      EMBEDDED_PG_DATA_DIR: dataDir,
      CRAWLER_ENABLED: 'false',
      MONITOR_ENABLED: 'false',
      AUTH_JWT_SECRET: 'profiles-e2e-secret-0123456789abcdef',
      RESEND_API_KEY: 're_e2e_key',
      RESEND_FROM: 'Peerscope <accounts@peerscope.test>',
      RESEND_BASE_URL: receiver.url,
      PUBLIC_BASE_URL: base,
    });
    await waitForHttp(`${base}/api/health`, { process: app, timeoutMs: 500_000 });
    browser = await launchBrowser();
  });

  after(async () => {
    await stopAllProcesses();
    await browser?.close();
    if (app) assert.equal(await app.stop(), 0, app.output());
    await receiver?.close();
    await rm(dataDir, { recursive: true, force: true });
    await rm(filesDir, { recursive: true, force: true });
  });

  it('owner edits the profile → moderation queue → approved → shown on the node page, leaderboard and map', async () => {
    const owner = await newPage();
    await signIn(owner, OWNER);
    await owner.getByRole('link', { name: 'Operator profile' }).click();
    await owner.getByRole('heading', { name: /Profile of/ }).waitFor();
    const form = owner.getByRole('form', { name: 'Operator profile' });

    // Mistakes are explained at their fields before anything is sent.
    await form.getByLabel('Website').fill('javascript:alert(1)');
    await form.getByLabel('Telegram').fill('x');
    await form.getByRole('button', { name: 'Send for review' }).click();
    assert.match(await owner.locator('main [role=alert]').first().innerText(), /https:\/\/.*Telegram/s);
    assert.equal(await form.getByLabel('Website').getAttribute('aria-invalid'), 'true');

    await form.getByLabel('Display name').fill(NAME);
    await form.getByLabel('Description').fill('A node at the westernmost tip of Europe.\nFibre, always on.');
    await form.getByLabel('Website').fill('https://lighthouse.example.org');
    await form.getByLabel('X (Twitter)').fill('@lighthouse_btc');
    await form.getByLabel('GitHub').fill('lighthouse-node');
    await form.getByLabel('Telegram').fill('lighthouse_node');
    await form.getByRole('button', { name: 'Send for review' }).click();
    await owner.getByText('Profile sent for review.').waitFor();
    await owner.getByText(/Your latest changes wait for review/).waitFor();

    await owner.getByLabel('Upload an image').setInputFiles(avatarFile);
    await owner.getByText('Avatar sent for review.').waitFor();
    const pendingAvatar = owner.getByRole('img', { name: 'Avatar waiting for review' });
    await pendingAvatar.waitFor();
    await owner.waitForFunction(() => (document.querySelector('img[alt="Avatar waiting for review"]') as HTMLImageElement | null)?.naturalWidth === 256);
    await screenshot(owner, 'profile-editor');
    await checkAccessibility(owner, '/account/profile');

    // Nothing is public before a moderator approves it.
    const visitor = await newPage();
    await visitor.goto(`${base}/nodes/1`);
    await visitor.getByRole('heading', { level: 1 }).waitFor();
    assert.equal(await visitor.getByText(NAME).count(), 0);
    const pendingUrl = await pendingAvatar.getAttribute('src');
    assert.match(pendingUrl!, /^\/api\/avatars\/[0-9a-f]{64}\.png$/);
    assert.equal((await fetch(`${base}${pendingUrl}`)).status, 404, 'a pending avatar is not public');

    // The moderator approves both items.
    const moderator = await newPage();
    await signIn(moderator, ADMIN);
    await moderator.getByRole('link', { name: 'Administration' }).click();
    const queue = moderator.getByRole('table', { name: /awaiting a decision/ });
    await queue.getByRole('row', { name: /Profile change/ }).waitFor();
    assert.match(await queue.getByRole('row', { name: /Profile change/ }).innerText(), new RegExp(`${NAME}.*https://lighthouse\\.example\\.org/`, 's'));
    await queue.getByRole('img', { name: /Submitted avatar/ }).waitFor();
    await screenshot(moderator, 'profile-moderation-queue');
    await checkAccessibility(moderator, '/account/admin with profile items');
    await queue.getByRole('button', { name: /Approve profile change of/ }).click();
    await moderator.getByText('Profile change approved.').waitFor();
    await queue.getByRole('button', { name: /Approve avatar of/ }).click();
    await moderator.getByText('Avatar approved.').waitFor();
    await queue.getByText('Nothing to review.').waitFor();

    // The node page shows the approved profile with safe links and the re-encoded avatar.
    await visitor.goto(`${base}/nodes/1`);
    const card = visitor.getByRole('region', { name: NAME });
    await card.waitFor();
    assert.match(await card.innerText(), /westernmost tip of Europe\.\nFibre, always on\./);
    const links = await card.getByRole('link').evaluateAll((anchors) => anchors.map((a) => [a.getAttribute('href'), a.getAttribute('rel')]));
    assert.deepEqual(links.map(([href]) => href), ['https://lighthouse.example.org/', 'https://x.com/lighthouse_btc', 'https://github.com/lighthouse-node', 'https://t.me/lighthouse_node']);
    assert.ok(links.every(([, rel]) => /nofollow/.test(rel ?? '') && /noopener/.test(rel ?? '')));
    const avatar = card.locator('img.avatar');
    const src = await avatar.getAttribute('src');
    await visitor.waitForFunction(() => (document.querySelector('.operator-card img.avatar') as HTMLImageElement | null)?.naturalWidth === 256);
    const served = await fetch(`${base}${src}`);
    assert.equal(served.status, 200);
    assert.equal(served.headers.get('content-type'), 'image/png');
    assert.equal(served.headers.get('x-content-type-options'), 'nosniff');
    assert.match(served.headers.get('cache-control') ?? '', /immutable/);
    assert.ok(!Buffer.from(await served.arrayBuffer()).includes('script'));
    await screenshot(visitor, 'profile-node-page');
    await checkAccessibility(visitor, '/nodes/1 with a profile');

    // The leaderboard names the operator next to the node.
    await visitor.goto(`${base}/leaderboard`);
    const first = visitor.locator('table.nodes-table tbody tr').first();
    assert.match(await first.innerText(), new RegExp(NAME));
    await first.locator('.operator img.avatar').waitFor();
    await checkAccessibility(visitor, '/leaderboard with a profile');

    // So does the map popup of the node's cluster.
    await visitor.goto(`${base}/`);
    const labels = await visitor.locator('a.map-cluster').evaluateAll((anchors) => anchors.map((a) => a.getAttribute('aria-label') ?? ''));
    assert.ok(labels.some((label) => label.includes(`near Portugal`) && label.includes(`operators: ${NAME}`)), labels.join('\n'));

    // read:profiles readers see it through the API.
    const api = await (await fetch(`${base}/api/nodes/1/profile`)).json();
    assert.equal(api.profile.displayName, NAME);
    assert.equal(api.profile.avatarUrl, src);
    assert.deepEqual(pageErrors, []);
    assert.deepEqual(axeFailures, []);
  });

  it('forgot password: the emailed link sets a new password and signs in', async () => {
    const page = await newPage();
    await page.goto(`${base}/account/sign-in`);
    await page.getByText('Forgot your password?').click();
    const forgot = page.locator('details');
    await forgot.getByLabel('Email').fill(OWNER.email);
    await forgot.getByRole('button', { name: 'Email me a reset link' }).click();
    await forgot.getByText(/a reset link is on its way/i).waitFor();

    const deadline = Date.now() + 10_000;
    let link: string | undefined;
    while (!link && Date.now() < deadline) {
      const email = receiver.requests.find((request) => request.url === '/emails' && JSON.parse(request.body).to.includes(OWNER.email));
      link = email ? /(http:\/\/127\.0\.0\.1:\d+\/account\/reset-password\?token=[A-Za-z0-9_-]{43})/.exec(JSON.parse(email.body).text)?.[1] : undefined;
      if (!link) await new Promise((resolve) => setTimeout(resolve, 100));
    }
    assert.ok(link, 'the reset email arrived with its link');
    await page.goto(link);
    await page.getByLabel('New password').waitFor();
    await checkAccessibility(page, '/account/reset-password?token=');
    await page.getByLabel('New password').fill('a new lighthouse passphrase');
    await page.getByLabel('Repeat it').fill('a new lighthouse passphrase');
    await page.getByRole('button', { name: 'Save the new password' }).click();
    await page.waitForURL(/\/account$/);
    await page.getByText(`Signed in as ${OWNER.email}`).waitFor();
    // The link works once.
    await page.goto(link);
    await page.getByLabel('New password').fill('yet another passphrase');
    await page.getByLabel('Repeat it').fill('yet another passphrase');
    await page.getByRole('button', { name: 'Save the new password' }).click();
    assert.match(await page.locator('main [role=alert]').innerText(), /not valid any more/);

    // The verification link's page (a button confirms, so link scanners do not).
    await page.goto(`${base}/account/verify-email?token=${'A'.repeat(43)}`);
    await page.getByRole('button', { name: 'Confirm my email address' }).click();
    assert.match(await page.locator('main [role=alert]').innerText(), /not valid any more/);
    await checkAccessibility(page, '/account/verify-email with an error');
    assert.deepEqual(pageErrors, []);
    assert.deepEqual(axeFailures, []);
  });
});
