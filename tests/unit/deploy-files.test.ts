import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import { readDockerfile } from '../helpers/dockerfile';

/**
 * The Supabase CLI reads supabase/migrations/<version>_<name>.sql (its pattern: ^([0-9]+)_(.*)\.sql$) and
 * `supabase db push` applies versions in order; 14 digits keep string and numeric order the same.
 */
const MIGRATION_NAME = /^(\d{14})_[a-z0-9_]+\.sql$/;

describe('deployment files', () => {
  it('names every migration as the Supabase CLI expects: <14-digit version>_<name>.sql, versions unique', () => {
    const files = readdirSync('supabase/migrations');
    assert.ok(files.length > 0);
    const versions = new Set<string>();
    for (const file of files) {
      const match = MIGRATION_NAME.exec(file);
      assert.ok(match, `${file} does not match <14 digits>_<name>.sql`);
      assert.ok(!versions.has(match[1]!), `${file}: version ${match[1]} is used twice`);
      versions.add(match[1]!);
    }
  });

  it('vercel.json schedules existing GET route handlers and its function pattern matches route files', async () => {
    const config = JSON.parse(readFileSync('vercel.json', 'utf8')) as { crons: { path: string; schedule: string }[]; functions: Record<string, unknown> };
    assert.deepEqual(config.crons.map((cron) => cron.path).sort(), ['/api/alerts/process', '/api/cron/snapshots']);
    for (const cron of config.crons) {
      assert.match(cron.schedule, /^(\S+\s+){4}\S+$/, `${cron.path}: a five-field cron expression`);
      const file = path.join('app', cron.path, 'route.ts');
      assert.ok(existsSync(file), `${file} exists`);
      const module = (await import(path.resolve(file))) as Record<string, unknown>;
      assert.equal(typeof module.GET, 'function', `${cron.path} answers GET (Vercel Cron sends GET)`);
    }
    for (const pattern of Object.keys(config.functions)) {
      assert.equal(pattern, 'app/api/**/*.ts');
      assert.ok(existsSync('app/api/health/route.ts'));
    }
  });

  it('the worker Dockerfile copies only what exists, from a Node version package.json allows, and runs the crawler', () => {
    const docker = readDockerfile();
    const engines = (JSON.parse(readFileSync('package.json', 'utf8')) as { engines: { node: string } }).engines.node;
    const major = Number(/^node:(\d+)/.exec(docker.from)?.[1]);
    assert.ok(major >= Number(/(\d+)/.exec(engines)![1]), `${docker.from} satisfies engines ${engines}`);
    for (const copy of docker.copies) {
      for (const source of copy.slice(0, -1)) assert.ok(existsSync(source), `COPY source ${source} exists`);
    }
    assert.deepEqual(docker.cmd.slice(0, 3), ['node', '--import', 'tsx']);
    const entry = docker.cmd[3]!;
    assert.ok(statSync(entry).isFile(), `the CMD entry ${entry} exists`);
    assert.ok(docker.copies.some((copy) => copy.slice(0, -1).some((source) => entry.startsWith(`${source}/`))), `${entry} is copied into the image`);
    const dockerignore = readFileSync('.dockerignore', 'utf8').split('\n');
    assert.ok(dockerignore.includes('node_modules') && dockerignore.includes('.env*'), 'no local node_modules or secrets in the build context');
  });
});
