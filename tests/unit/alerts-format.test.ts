import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { describe, it } from 'node:test';
import { clampDiscordPayload, DISCORD_LIMITS, discordPayloadLength, truncate } from '../../lib/alerts/discord';
import { discordPayload, webhookSignature, type AlertMessage } from '../../lib/alerts/delivery';
import { isOutdated } from '../../lib/alerts/outdated';
import { detectVersions, resolveVersionClasses } from '../../lib/versions/classes';

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

describe('outdated versions (version classes)', () => {
  it('is outdated when the class is outdated or critical; unknown for down nodes and other clients', () => {
    const detected = detectVersions([
      { client: 'Satoshi', version: [27, 1, 0, 0], count: 5 },
      { client: 'Satoshi', version: [26, 0, 0, 0], count: 2 },
      { client: 'btcd', version: [0, 24, 0, 0], count: 1 },
    ]);
    const classes = resolveVersionClasses({ client: null, current: null, minimum: '26.0', critical: '25.0' }, detected);
    const node = (user_agent: string, status = 'up') => ({ user_agent, status });
    assert.equal(isOutdated(node('/Satoshi:27.1.0/'), classes), false);
    assert.equal(isOutdated(node('/Satoshi:26.0.0/'), classes), false, 'the minimum itself is up to date');
    assert.equal(isOutdated(node('/Satoshi:25.2.0/'), classes), true, 'outdated');
    assert.equal(isOutdated(node('/Satoshi:24.0.1/'), classes), true, 'critical counts as outdated');
    assert.equal(isOutdated(node('/Satoshi:24.0.1/', 'down'), classes), null, 'down nodes are not judged');
    assert.equal(isOutdated(node('/btcd:0.1.0/'), classes), null, 'another client is unknown');
    assert.equal(isOutdated(node('garbage'), classes), null);
  });
});

describe('webhook signatures', () => {
  it('is HMAC-SHA256 over "<timestamp>.<body>"', () => {
    const expected = createHmac('sha256', 'secret').update('123.{"a":1}').digest('hex');
    assert.equal(webhookSignature('secret', '123', '{"a":1}'), `sha256=${expected}`);
  });
});
