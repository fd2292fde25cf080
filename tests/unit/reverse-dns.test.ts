import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ReverseDns } from '../../lib/crawler/reverse-dns';

describe('ReverseDns', () => {
  it('looks each address up once a day, with bounded concurrency, a timeout and only valid host names kept', async () => {
    let running = 0;
    let maxRunning = 0;
    const calls: string[] = [];
    const answers: Record<string, string[] | 'hang' | 'fail'> = {
      '5.9.0.1': ['node1.example.org.'],
      '5.9.0.2': ['bad\u0000name', 'x'.repeat(300)],
      '5.9.0.3': 'hang',
      '5.9.0.4': 'fail',
      '5.9.0.5': ['Static.5.9.0.5.Clients.Your-Server.de'],
    };
    const reverse = new ReverseDns({
      timeoutMs: 100,
      concurrency: 2,
      lookup: async (ip) => {
        calls.push(ip);
        running += 1;
        maxRunning = Math.max(maxRunning, running);
        try {
          const answer = answers[ip]!;
          if (answer === 'hang') return await new Promise<string[]>((resolve) => setTimeout(() => resolve(['late.example']), 1000));
          if (answer === 'fail') throw Object.assign(new Error('ENOTFOUND'), { code: 'ENOTFOUND' });
          await new Promise((resolve) => setTimeout(resolve, 10));
          return answer;
        } finally {
          running -= 1;
        }
      },
    });
    for (const ip of Object.keys(answers)) reverse.request(ip);
    reverse.request('5.9.0.1');
    await reverse.settled(2000);
    assert.equal(reverse.cached('5.9.0.1'), 'node1.example.org');
    assert.equal(reverse.cached('5.9.0.2'), null);
    assert.equal(reverse.cached('5.9.0.3'), null, 'timed out');
    assert.equal(reverse.cached('5.9.0.4'), null);
    assert.equal(reverse.cached('5.9.0.5'), 'static.5.9.0.5.clients.your-server.de');
    assert.ok(maxRunning <= 2);
    reverse.request('5.9.0.1');
    await reverse.settled(100);
    assert.equal(calls.filter((ip) => ip === '5.9.0.1').length, 1, 'cached for a day');
    assert.equal(reverse.cached('5.9.0.1', Date.now() + 86_400_001), undefined, 'expires after a day');
  });
});
