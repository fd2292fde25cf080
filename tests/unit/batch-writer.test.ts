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

  const poison = (code: string) => Object.assign(new Error('invalid byte sequence for encoding "UTF8": 0x00'), { code });

  it('splits a batch the database refuses until the bad rows stand alone, writes the others and quarantines the bad ones', async () => {
    const stored: number[] = [];
    const quarantined: number[] = [];
    let writes = 0;
    const writer = new BatchWriter<number>(
      async (batch) => {
        writes += 1;
        if (batch.includes(13) || batch.includes(40)) throw poison('22021');
        stored.push(...batch);
      },
      64,
      { isDataError: (error) => (error as { code?: string }).code?.startsWith('22') ?? false, quarantine: async (item) => void quarantined.push(item) },
    );
    for (let i = 0; i < 100; i += 1) writer.add(i);
    await writer.close();
    assert.deepEqual(quarantined.sort((a, b) => a - b), [13, 40]);
    assert.deepEqual(stored.sort((a, b) => a - b), [...Array(100).keys()].filter((n) => n !== 13 && n !== 40));
    assert.equal(writer.written, 98);
    assert.equal(writer.quarantined, 2);
    assert.ok(writes < 40, `isolation takes about log2(n) writes per bad row, took ${writes}`);
  });

  it('a poison row never blocks later batches', async () => {
    const stored: number[] = [];
    const writer = new BatchWriter<number>(
      async (batch) => {
        if (batch.includes(0)) throw poison('22021');
        stored.push(...batch);
      },
      2,
      { isDataError: () => true },
    );
    for (let i = 0; i < 6; i += 1) writer.add(i);
    await writer.close();
    assert.deepEqual(stored, [1, 2, 3, 4, 5]);
  });

  it('an outage is not mistaken for a poison row: the batch is kept whole and retried', async () => {
    const batches: number[][] = [];
    let fail = true;
    const quarantined: number[] = [];
    const writer = new BatchWriter<number>(
      async (batch) => {
        if (fail) {
          fail = false;
          throw Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' });
        }
        batches.push(batch);
      },
      2,
      { isDataError: (error) => (error as { code?: string }).code === '22021', quarantine: async (item) => void quarantined.push(item) },
    );
    [1, 2, 3].forEach((n) => writer.add(n));
    await writer.close();
    assert.deepEqual(batches, [[1, 2, 3]]);
    assert.deepEqual(quarantined, []);
  });
});
