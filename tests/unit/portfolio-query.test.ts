import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { incidentsQuery, nodeListQuery, portfolioQuery } from '../../lib/dashboard/portfolio-query';

describe('/account portfolio query', () => {
  it('keeps the known keys (first value, trimmed, bounded) and drops the rest', () => {
    const query = portfolioQuery({ status: ['up', 'down'], tier: ' gold ', label: '', ipage: '2', irows: '10', itype: 'exception', istatus: 'o', key: 'secret', page: '9', rows: 'x'.repeat(300) });
    assert.deepEqual(query, { status: 'up', tier: 'gold', ipage: '2', irows: '10', itype: 'exception', istatus: 'o' });
    assert.deepEqual(nodeListQuery(query), { status: 'up', tier: 'gold', label: undefined });
    assert.deepEqual(incidentsQuery(query), { page: '2', rows: '10', type: 'exception', status: 'o' });
    assert.equal(portfolioQuery({ label: 'y'.repeat(300) }).label!.length, 200);
  });
});
