import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { BatchWriter } from '../../crawler/batch-writer';

describe('BatchWriter', () => {
  it('writes full batches in order and the rest on close', async () => {
    const batches: number[][] = [];
    const writer = new BatchWriter<number>(async (batch) => void batches.push(batch), 3);
    for (let i = 1; i <= 7; i += 1) writer.add(i);
    await writer.close();
    assert.deepEqual(batches, [[1, 2, 3], [4, 5, 6], [7]]);
    assert.equal(writer.written, 7);
  });

  it('never runs two writes at once', async () => {
    let active = 0;
    let maxActive = 0;
    const writer = new BatchWriter<number>(async () => {
      active += 1;
      maxActive = Math.max(maxActive, active);
      await new Promise((resolve) => setTimeout(resolve, 5));
      active -= 1;
    }, 1);
    for (let i = 0; i < 10; i += 1) writer.add(i);
    await writer.close();
    assert.equal(maxActive, 1);
  });

  it('keeps a failed batch and writes it with the next one', async () => {
    const batches: number[][] = [];
    let fail = true;
    const errors: unknown[] = [];
    const writer = new BatchWriter<number>(
      async (batch) => {
        if (fail) {
          fail = false;
          throw new Error('database hiccup');
        }
        batches.push(batch);
      },
      2,
      (error) => errors.push(error),
    );
    [1, 2, 3, 4].forEach((n) => writer.add(n));
    await writer.close();
    assert.deepEqual(batches, [[1, 2, 3, 4]]);
    assert.equal(errors.length, 1);
    assert.equal(writer.written, 4);
  });

  it('close() rejects when the data still cannot be written', async () => {
    const writer = new BatchWriter<number>(async () => {
      throw new Error('database gone');
    }, 10);
    writer.add(1);
    await assert.rejects(writer.close(), /database gone/);
  });
});

describe('BatchWriter backpressure', () => {
  const tick = () => new Promise((resolve) => setTimeout(resolve, 0));

  it('lets producers through below the limit and holds them until writes catch up', async () => {
    const started: (() => void)[] = [];
    const writer = new BatchWriter<number>(() => new Promise<void>((resolve) => started.push(resolve)), 2);
    /** Completes the oldest write once it has begun. */
    const finishNextWrite = async () => {
      while (started.length === 0) await tick();
      started.shift()!();
    };
    await writer.waitForCapacity(4); // empty: immediate
    for (let i = 0; i < 4; i += 1) writer.add(i);
    assert.equal(writer.backlog, 4);
    let passed = false;
    const waiting = writer.waitForCapacity(4).then(() => (passed = true));
    await tick();
    assert.equal(passed, false, 'held while 4 items wait to be written');
    await finishNextWrite();
    await waiting;
    assert.equal(passed, true);
    assert.equal(writer.backlog, 2);
    await finishNextWrite();
    await writer.close();
    assert.equal(writer.backlog, 0);
  });

  it('retries a failed batch by itself while producers wait, so they are not stuck', async () => {
    let attempts = 0;
    const writer = new BatchWriter<number>(
      async () => {
        attempts += 1;
        if (attempts === 1) throw new Error('database hiccup');
      },
      2,
      () => {},
      10,
    );
    writer.add(1);
    writer.add(2);
    await writer.waitForCapacity(2); // freed by the timed retry, no new items needed
    assert.equal(attempts, 2);
    assert.equal(writer.written, 2);
  });

  it('releases waiting producers when the crawl is aborted', async () => {
    const writer = new BatchWriter<number>(() => new Promise<void>(() => {}), 1);
    writer.add(1);
    const controller = new AbortController();
    const waiting = writer.waitForCapacity(1, controller.signal);
    controller.abort();
    await waiting;
  });
});
