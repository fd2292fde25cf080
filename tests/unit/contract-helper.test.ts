import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { contractDrift } from '../helpers/contract';

const example = {
  timestamp: 1702345678,
  nodes: { '192.168.1.1:33117': { asn: 'AS15169', hostname: null, latency_ms: 45.2, ok: true } },
  history: [{ t: 1, n: 2 }],
  meta: { page: 1 },
};
const live = () => ({
  timestamp: 1,
  nodes: { '10.0.0.1:1': { asn: 'AS1', hostname: 'a.example', latency_ms: 3, ok: false }, '10.0.0.2:1': { asn: 'AS2', hostname: null, latency_ms: 4, ok: true } },
  history: [{ t: 2, n: 3 }],
  meta: { page: 2 },
});
const options = { maps: ['nodes'] };

describe('contractDrift', () => {
  it('accepts a live answer of the same shape (map keys are data, example nulls take any type)', () => {
    assert.deepEqual(contractDrift(example, live(), options), []);
  });

  it('reports a missing key, a renamed key, a type change, at any depth', () => {
    const answer = live() as any;
    delete answer.meta.page;
    answer.meta.pages = 1;
    answer.nodes['10.0.0.2:1'].asn = 15169;
    answer.history[0].n = '3';
    assert.deepEqual(contractDrift(example, answer, options).sort(), [
      'history[].n: expected number, got string',
      'meta.page: missing',
      'meta.pages: not in the spec',
      'nodes.*.asn: expected string, got number',
    ]);
  });

  it('reports nulls and empty collections unless allowed, and extra keys unless extensible', () => {
    const answer = live() as any;
    answer.nodes['10.0.0.1:1'].latency_ms = null;
    answer.history = [];
    answer.extra = 1;
    assert.equal(contractDrift(example, answer, options).length, 3);
    assert.deepEqual(
      contractDrift(example, answer, { ...options, nullable: ['nodes.*.latency_ms'], allowEmpty: ['history'], extensible: [''] }),
      [],
    );
  });

  it('compares map values when the path is not declared a map (keys differ)', () => {
    assert.ok(contractDrift(example, live()).some((line) => line.includes('not in the spec')));
  });
});
