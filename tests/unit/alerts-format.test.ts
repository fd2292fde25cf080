import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { describe, it } from 'node:test';
import { clampDiscordPayload, DISCORD_LIMITS, discordPayloadLength, truncate } from '../../lib/alerts/discord';
import { discordPayload, webhookSignature, type AlertMessage } from '../../lib/alerts/delivery';
import { isOutdated, newestMajors, parseUserAgent } from '../../lib/alerts/outdated';

const SETTINGS = { 'alerts.min_protocol_version': null, 'alerts.min_user_agent_version': null, 'alerts.version_major_lag': 1 };

describe('Discord payload limits', () => {
  it('truncates every field within Discord limits and keeps the total ≤ 6000', () => {
    const long = 'x'.repeat(10_000);
    const clamped = clampDiscordPayload({
      content: long,
      allowed_mentions: { parse: [] },
      embeds: Array.from({ length: 12 }, () => ({
        title: long,
        description: long,
        footer: { text: long },
        author: { name: long },
        fields: Array.from({ length: 30 }, () => ({ name: long, value: long })),
      })),
    });
    assert.ok(clamped.embeds.length <= DISCORD_LIMITS.embeds);
    assert.ok(clamped.content!.length <= DISCORD_LIMITS.content);
    for (const embed of clamped.embeds) {
      assert.ok(embed.title!.length <= DISCORD_LIMITS.title);
      assert.ok(embed.description!.length <= DISCORD_LIMITS.description);
      assert.ok((embed.fields ?? []).length <= DISCORD_LIMITS.fields);
      for (const field of embed.fields ?? []) {
        assert.ok(field.name.length <= DISCORD_LIMITS.fieldName && field.value.length <= DISCORD_LIMITS.fieldValue);
      }
    }
    assert.ok(discordPayloadLength(clamped) <= DISCORD_LIMITS.total, `total ${discordPayloadLength(clamped)}`);
  });

  it('never splits a surrogate pair', () => {
    const cut = truncate('ab😀😀😀', 4);
    assert.equal(cut, 'ab…');
    assert.equal(truncate('short', 10), 'short');
  });

  it('builds a payload for an alert with a huge user agent within limits', () => {
    const message: AlertMessage = {
      type: 'peerscope.alert', id: 'k', event: 'offline', occurred_at: new Date(0).toISOString(), subscription_id: 's',
      node: { id: '1', ip: '2001:4860::1', port: 8333, status: 'down', user_agent: `/Satoshi:27.0.0(${'z'.repeat(5000)})/`, protocol_version: 70016, tier: null },
      change: { from: 'up', to: 'down' },
    };
    const payload = discordPayload(message);
    assert.equal(payload.embeds[0]!.title, 'Node [2001:4860::1]:8333 is offline');
    assert.ok(payload.embeds[0]!.fields!.every((field) => field.value.length <= 1024));
    assert.deepEqual(payload.allowed_mentions, { parse: [] });
  });
});

describe('outdated versions', () => {
  it('parses user agents', () => {
    assert.deepEqual(parseUserAgent('/Satoshi:27.0.0(peerscope-abc)/'), { client: 'Satoshi', version: [27, 0, 0] });
    assert.deepEqual(parseUserAgent('/Shibetoshi:1.14.7/'), { client: 'Shibetoshi', version: [1, 14, 7] });
    assert.equal(parseUserAgent('garbage'), undefined);
  });

  it('compares with the newest major among up nodes, or with the configured minimums', () => {
    const majors = newestMajors(['/Satoshi:27.1.0/', '/Satoshi:26.0.0/', '/btcd:0.24.0/']);
    const node = (user_agent: string, protocol_version = 70016, status = 'up') => ({ user_agent, protocol_version, status });
    assert.equal(isOutdated(node('/Satoshi:26.0.0/'), SETTINGS, majors), false, 'one major behind is tolerated (lag 1)');
    assert.equal(isOutdated(node('/Satoshi:25.0.0/'), SETTINGS, majors), true);
    assert.equal(isOutdated(node('/Satoshi:25.0.0/'), { ...SETTINGS, 'alerts.version_major_lag': 2 }, majors), false);
    assert.equal(isOutdated(node('/Satoshi:25.0.0/', 70016, 'down'), SETTINGS, majors), null, 'down nodes are not judged');
    assert.equal(isOutdated(node('/Unknown:1.0/'), SETTINGS, majors), null);
    const minimums = { ...SETTINGS, 'alerts.min_protocol_version': 70016, 'alerts.min_user_agent_version': '26.0' };
    assert.equal(isOutdated(node('/Satoshi:25.0.0/', 70016), minimums, majors), true);
    assert.equal(isOutdated(node('/Satoshi:26.1.0/', 70015), minimums, majors), true);
    assert.equal(isOutdated(node('/Satoshi:26.1.0/', 70016), minimums, majors), false);
  });
});

describe('webhook signatures', () => {
  it('is HMAC-SHA256 over "<timestamp>.<body>"', () => {
    const expected = createHmac('sha256', 'secret').update('123.{"a":1}').digest('hex');
    assert.equal(webhookSignature('secret', '123', '{"a":1}'), `sha256=${expected}`);
  });
});
