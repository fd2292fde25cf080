import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  computeMedianLatency,
  computeReliability,
  computeUptime,
  type CheckSample,
} from '../../lib/crawler/measure';
import { HOUR_MS, UPTIME_MAX_GAP_MS, UPTIME_WINDOW_MS } from '../../lib/crawler/measure/windows';

const NOW = new Date('2026-11-24T12:00:00.000Z');
const ago = (ms: number) => new Date(NOW.getTime() - ms);
let nextId = 0;
const check = (at: Date, status: 'up' | 'down', latencyMs: number | null = status === 'up' ? 40 : null): CheckSample => ({
  id: ++nextId,
  checkedAt: at,
  status,
  latencyMs,
});

/** Probes a node over the 7-day window: up in even 12-hour halves, down in odd ones, at the given probe intervals. */
function alternatingHistory(upEveryMs: number, downEveryMs: number): CheckSample[] {
  const checks: CheckSample[] = [];
  const start = NOW.getTime() - UPTIME_WINDOW_MS;
  for (let half = 0; half < 14; half++) {
    const from = start + half * 12 * HOUR_MS;
    const up = half % 2 === 0;
    for (let at = from; at < from + 12 * HOUR_MS; at += up ? upEveryMs : downEveryMs) {
      checks.push(check(new Date(at), up ? 'up' : 'down'));
    }
  }
  return checks;
}

describe('computeUptime', () => {
  it('is time-weighted, so a node down half the time but probed rarely while down shows ~50%', () => {
    const checks = alternatingHistory(10 * 60_000, 6 * HOUR_MS);
    const { uptimePercentage, observedMs } = computeUptime(checks, NOW);
    assert.ok(Math.abs(uptimePercentage! - 50) < 0.5, `uptime ${uptimePercentage}`);
    assert.equal(observedMs, UPTIME_WINDOW_MS);
    const upShareByCount = (checks.filter((c) => c.status === 'up').length / checks.length) * 100;
    assert.ok(upShareByCount > 95, 'counting probes instead would flatter the node');
  });

  it('does the same for a node up half the time but probed rarely while up', () => {
    const { uptimePercentage } = computeUptime(alternatingHistory(6 * HOUR_MS, 10 * 60_000), NOW);
    assert.ok(Math.abs(uptimePercentage! - 50) < 0.5, `uptime ${uptimePercentage}`);
  });

  it('does not invent data across gaps longer than the cap', () => {
    const checks = [check(ago(3 * 24 * HOUR_MS), 'up'), check(ago(HOUR_MS), 'down')];
    const { uptimePercentage, observedMs } = computeUptime(checks, NOW);
    assert.equal(observedMs, UPTIME_MAX_GAP_MS + HOUR_MS);
    assert.equal(uptimePercentage, (UPTIME_MAX_GAP_MS / (UPTIME_MAX_GAP_MS + HOUR_MS)) * 100);
  });

  it('lets a check just before the window cover the window start only', () => {
    const checks = [check(ago(UPTIME_WINDOW_MS + HOUR_MS), 'down'), check(ago(UPTIME_WINDOW_MS - HOUR_MS), 'up')];
    const { uptimePercentage, observedMs } = computeUptime(checks, NOW);
    // The down check holds 1 h into the window; the up check holds for the 8 h cap.
    assert.equal(observedMs, HOUR_MS + UPTIME_MAX_GAP_MS);
    assert.equal(uptimePercentage, (UPTIME_MAX_GAP_MS / (HOUR_MS + UPTIME_MAX_GAP_MS)) * 100);
  });

  it('ignores checks after now and has no uptime without history', () => {
    assert.deepEqual(computeUptime([], NOW), { uptimePercentage: null, observedMs: 0 });
    assert.equal(computeUptime([check(new Date(NOW.getTime() + 1000), 'up')], NOW).uptimePercentage, null);
    assert.equal(computeUptime([check(ago(UPTIME_WINDOW_MS + UPTIME_MAX_GAP_MS + 1), 'up')], NOW).uptimePercentage, null);
  });

  it('is 100 and 0 for nodes always up and always down', () => {
    const up = [check(ago(2 * HOUR_MS), 'up'), check(ago(HOUR_MS), 'up')];
    const down = [check(ago(2 * HOUR_MS), 'down'), check(ago(HOUR_MS), 'down')];
    assert.equal(computeUptime(up, NOW).uptimePercentage, 100);
    assert.equal(computeUptime(down, NOW).uptimePercentage, 0);
  });
});

describe('computeReliability', () => {
  it('is the share of successful probes among the last 100 of 30 days', () => {
    const old = Array.from({ length: 50 }, (_, i) => check(ago((31 * 24 + i) * HOUR_MS), 'down'));
    const older = Array.from({ length: 30 }, (_, i) => check(ago((200 + i) * HOUR_MS), 'down'));
    const recent = Array.from({ length: 100 }, (_, i) => check(ago(i * HOUR_MS), i % 4 === 0 ? 'down' : 'up'));
    assert.equal(computeReliability([...old, ...older, ...recent], NOW), 75);
    assert.equal(computeReliability([...older.slice(0, 10), ...recent.slice(0, 10)], NOW), (7 / 20) * 100);
    assert.equal(computeReliability(old, NOW), null);
  });
});

describe('computeMedianLatency', () => {
  it('takes the median of successful probes of the last 7 days like percentile_cont', () => {
    const checks = [
      check(ago(HOUR_MS), 'up', 30),
      check(ago(2 * HOUR_MS), 'up', 10),
      check(ago(3 * HOUR_MS), 'up', 20),
      check(ago(4 * HOUR_MS), 'down', null),
      check(ago(UPTIME_WINDOW_MS + HOUR_MS), 'up', 1),
    ];
    assert.equal(computeMedianLatency(checks, NOW), 20);
    assert.equal(computeMedianLatency([...checks, check(ago(5 * HOUR_MS), 'up', 25)], NOW), 22.5);
    assert.equal(computeMedianLatency([check(ago(HOUR_MS), 'up', null)], NOW), null);
  });
});
