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
