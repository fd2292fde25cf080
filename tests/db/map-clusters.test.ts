import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { getNodeClusters } from '../../lib/dashboard/map-clusters';
import { insertNode } from '../helpers/api';
import { openMigratedTestDatabase, type TestDatabase } from '../helpers/database';

describe('getNodeClusters', () => {
  let database: TestDatabase;
  before(async () => {
    database = await openMigratedTestDatabase();
  });
  after(async () => {
    await database.close();
  });

  it('groups online, visible, located nodes into grid cells with their main country', async () => {
    const { sql } = database;
    const berlin = { latitude: 52.5, longitude: 13.4, country: 'DE', country_name: 'Germany' };
    await insertNode(sql, { ip: '198.51.100.1', ...berlin, user_agent: '/Satoshi:28.1.0/' });
    await insertNode(sql, { ip: '198.51.100.2', ...berlin, latitude: 52.1, user_agent: '/Satoshi:28.1.0/' });
    await insertNode(sql, { ip: '198.51.100.3', latitude: 53.5, longitude: 14.2, country: 'PL', country_name: 'Poland', user_agent: '/Satoshi:27.0.0/' });
    await insertNode(sql, { ip: '198.51.100.4', latitude: -33.9, longitude: 151.2, country: 'AU', country_name: 'Australia' });
    await insertNode(sql, { ip: '198.51.100.5', ...berlin, status: 'down' });
    await insertNode(sql, { ip: '198.51.100.6', ...berlin, hidden: true });
    await insertNode(sql, { ip: '198.51.100.7', country: 'DE' });

    const clusters = await getNodeClusters(sql, 4);
    assert.equal(clusters.length, 2);
    assert.deepEqual({ ...clusters[0], latitude: Number(clusters[0]!.latitude.toFixed(2)), longitude: Number(clusters[0]!.longitude.toFixed(2)) }, {
      latitude: 52.7,
      longitude: 13.67,
      count: 3,
      country: 'DE',
      countryName: 'Germany',
      // Version classes (the most common version, 28.1.0, is current): for the map label.
      versions: { current: 2, outdated: 1, critical: 0 },
    });
    assert.equal(clusters[1]!.country, 'AU');
    assert.equal(clusters[1]!.count, 1);
    // Finer cells split the European cluster.
    assert.equal((await getNodeClusters(sql, 1)).length, 3);
  });
});
