import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import { describe, it } from 'node:test';
import { sendResendEmail, type AlertEmail } from '../../lib/alerts/email';
import { startReceiver } from '../helpers/receiver';

const EMAIL: AlertEmail = {
  from: 'Peerscope <alerts@peerscope.test>',
  to: ['ops@example.com'],
  subject: '[Peerscope] Node 1.2.3.4:8333 is offline',
  text: 'down',
  html: '<p>down</p>',
  headers: { 'List-Unsubscribe': '<https://peerscope.test/u>' },
};

describe('alert email through the Resend SDK', () => {
  it('posts the email to RESEND_BASE_URL/emails with the key and the idempotency key', async () => {
    const receiver = await startReceiver();
    try {
      const result = await sendResendEmail({ apiKey: 're_test_1', baseUrl: receiver.url, timeoutMs: 5000 }, EMAIL, 'alert-42');
      assert.deepEqual(result, { ok: true, id: 'ok' });
      const [request] = receiver.requests;
      assert.equal(request!.method, 'POST');
      assert.equal(request!.url, '/emails');
      assert.equal(request!.headers.authorization, 'Bearer re_test_1');
      assert.equal(request!.headers['idempotency-key'], 'alert-42');
      assert.match(String(request!.headers['user-agent']), /^resend-node:/);
      const body = JSON.parse(request!.body);
      assert.deepEqual(body.to, ['ops@example.com']);
      assert.equal(body.subject, EMAIL.subject);
      assert.deepEqual(body.headers, EMAIL.headers);
    } finally {
      await receiver.close();
    }
  });

  it('reports a refusal with its status and message instead of throwing', async () => {
    const receiver = await startReceiver(() => 422);
    try {
      const result = await sendResendEmail({ apiKey: 're_test_1', baseUrl: receiver.url, timeoutMs: 5000 }, EMAIL, 'alert-43');
      assert.equal(result.ok, false);
      assert.match((result as { error: string }).error, /did not take the email: nope/);
    } finally {
      await receiver.close();
    }
  });

  it('gives up after the timeout when Resend does not answer', async () => {
    const server = createServer(() => {}); // accepts and never answers
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const port = (server.address() as { port: number }).port;
      const started = Date.now();
      const result = await sendResendEmail({ apiKey: 're_test_1', baseUrl: `http://127.0.0.1:${port}`, timeoutMs: 200 }, EMAIL, 'alert-44');
      assert.equal(result.ok, false);
      assert.ok(Date.now() - started < 4000);
    } finally {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    }
  });
});
