import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { describeEvent } from '../../lib/dashboard/event-labels';
import { eventsQuerySchema, parseLastEventId } from '../../lib/events/schemas';
import { sseComment, sseEvent } from '../../lib/events/sse';
import { StreamLimiter } from '../../lib/events/stream';

describe('event formats', () => {
  it('frames an SSE event with its id and type, and keeps comments on one line', () => {
    const event = { id: '42', type: 'node_down' as const, node_id: '7', node: '203.0.113.5:8333', occurred_at: 1, details: { reason: 'a\nb' } };
    assert.equal(sseEvent(event), `id: 42\nevent: node_down\ndata: ${JSON.stringify(event)}\n\n`);
    assert.ok(!sseEvent(event).slice(0, -2).includes('\n\n'), 'a newline in details cannot end the event early');
    assert.equal(sseComment('x\r\ny'), ': x y\n\n');
  });

  it('reads Last-Event-ID only when it is an id', () => {
    assert.equal(parseLastEventId('17'), 17);
    assert.equal(parseLastEventId(' 17 '), 17);
    for (const bad of [null, '', '-1', '1e3', 'abc', '99999999999999999999']) assert.equal(parseLastEventId(bad), null, String(bad));
  });

  it('parses type lists and treats blank form values as absent', () => {
    const parsed = eventsQuerySchema.parse({ type: 'node_up, node_down,node_up', node: '' });
    assert.deepEqual(parsed.type, ['node_up', 'node_down']);
    assert.equal(parsed.node, undefined);
    assert.equal(eventsQuerySchema.safeParse({ type: 'node_up,drop_table' }).success, false);
    assert.equal(eventsQuerySchema.safeParse({ type: ',' }).success, false);
  });

  it('describes events for people', () => {
    assert.equal(describeEvent({ type: 'tier_changed', details: { from: 'gold', to: 'silver' } }), 'gold → silver');
    assert.equal(describeEvent({ type: 'exception_raised', details: { kind: 'behind_tip' } }), 'Behind the tip');
    assert.equal(describeEvent({ type: 'version_changed', details: {} }), '— → —');
  });

  it('limits open streams per client and frees a slot once', () => {
    const limiter = new StreamLimiter(2);
    const first = limiter.acquire('a')!;
    assert.ok(limiter.acquire('a'));
    assert.equal(limiter.acquire('a'), null);
    assert.ok(limiter.acquire('b'));
    first();
    first();
    assert.equal(limiter.count('a'), 1);
  });
});
