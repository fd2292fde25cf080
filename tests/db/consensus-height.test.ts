import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { computeNetworkAggregates } from '../../lib/api/aggregates';
import { openMigratedTestDatabase, testBackend, type TestDatabase } from '../helpers/database';

describe(`consensus height on ${testBackend()}`, () => {
  let database: TestDatabase;
  before(async () => {
    database = await openMigratedTestDatabase();
  });
  after(async () => {
    await database.close();
  });

  it('is the most common height of reachable nodes: a lying peer cannot move it', async () => {
    const { sql } = database;
    await sql`
      insert into nodes (ip, port, network, status, height) values
        ('5.9.0.1', 8333, 'ipv4', 'up', 880000), ('5.9.0.2', 8333, 'ipv4', 'up', 880000),
        ('5.9.0.3', 8333, 'ipv4', 'up', 880000), ('5.9.0.4', 8333, 'ipv4', 'up', 879999),
        ('5.9.0.5', 8333, 'ipv4', 'up', 2147483647), ('5.9.0.6', 8333, 'ipv4', 'down', 990000),
        ('5.9.0.7', 8333, 'ipv4', 'down', 990000), ('5.9.0.8', 8333, 'ipv4', 'up', null)`;
    assert.equal((await computeNetworkAggregates(sql)).latestHeight, 880000);
  });
});
