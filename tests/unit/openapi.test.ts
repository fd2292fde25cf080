import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import { parse } from 'yaml';
import { isMethodNotAllowedHandler } from '../../lib/api/methods';
import { QUERY_SCHEMAS } from '../../lib/api/schemas';

type Parameter = { name: string; in: string; $ref?: string };
interface Spec {
  paths: Record<string, Record<string, { parameters?: Parameter[] }>>;
  components: { parameters: Record<string, Parameter> };
}

const spec = parse(readFileSync('public/openapi.yaml', 'utf8')) as Spec;

function routeFiles(folder: string): string[] {
  return readdirSync(folder).flatMap((entry) => {
    const full = path.join(folder, entry);
    if (statSync(full).isDirectory()) return routeFiles(full);
    return entry === 'route.ts' ? [full] : [];
  });
}

/** Route files that serve documented paths: the /api catch-all (404 for unknown paths) is not one. */
function documentedRouteFiles(folder: string): string[] {
  return routeFiles(folder).filter((file) => !file.includes('[...'));
}

/** app/api/nodes/[id]/route.ts → /api/nodes/{id} */
function routePath(file: string): string {
  return `/${path.dirname(path.relative('app', file)).split(path.sep).join('/')}`.replace(/\[(\w+)\]/g, '{$1}');
}

const normalise = (p: string) => p.replace(/\/$/, '');

function resolve(parameter: Parameter): Parameter {
  if (!parameter.$ref) return parameter;
  const name = parameter.$ref.replace('#/components/parameters/', '');
  const target = spec.components.parameters[name];
  assert.ok(target, `unresolved ${parameter.$ref}`);
  return target;
}

describe('public/openapi.yaml', () => {
  it('documents every route file under app/api, and nothing else', () => {
    const files = documentedRouteFiles('app/api').map(routePath).map(normalise).sort();
    const documented = Object.keys(spec.paths).map(normalise).sort();
    assert.deepEqual(documented, files);
  });

  it('documents for each route the methods its file exports', async () => {
    for (const file of documentedRouteFiles('app/api')) {
      const module = (await import(path.resolve(file))) as Record<string, unknown>;
      // routeMethods fills the methods a route lacks with 405 handlers: those are not operations.
      const exported = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'].filter(
        (method) => typeof module[method] === 'function' && !isMethodNotAllowedHandler(module[method]),
      );
      const entry = Object.entries(spec.paths).find(([p]) => normalise(p) === normalise(routePath(file)))![1];
      const documented = Object.keys(entry).filter((key) => key !== 'parameters').map((method) => method.toUpperCase()).sort();
      assert.deepEqual(documented, exported.sort(), file);
    }
  });

  it('documents exactly the query parameters of each zod schema', () => {
    assert.deepEqual(Object.keys(QUERY_SCHEMAS).sort(), Object.keys(spec.paths).sort(), 'QUERY_SCHEMAS covers the spec paths');
    const queryNames = (operation: { parameters?: Parameter[] }) =>
      (operation.parameters ?? []).map(resolve).filter((p) => p.in === 'query').map((p) => p.name).sort();
    for (const [specPath, schema] of Object.entries(QUERY_SCHEMAS)) {
      const expected = Object.keys(schema.shape).sort();
      const item = spec.paths[specPath]!;
      // The GET documents exactly the schema; a path without a GET reads no query string.
      if (item.get) assert.deepEqual(queryNames(item.get), expected, specPath);
      else assert.deepEqual(expected, [], `${specPath} has no GET, so its schema must be emptyQuerySchema`);
      // Other methods read no query string, or (like RFC 8058 one-click POSTs) the same one.
      for (const [method, operation] of Object.entries(item)) {
        if (method === 'get' || method === 'parameters') continue;
        const names = queryNames(operation);
        if (names.length) assert.deepEqual(names, expected, `${method.toUpperCase()} ${specPath}`);
      }
    }
  });

  it('documents the path parameters of each templated path', () => {
    for (const [specPath, item] of Object.entries(spec.paths)) {
      const expected = [...specPath.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();
      for (const operation of Object.values(item)) {
        const names = (operation.parameters ?? []).map(resolve).filter((p) => p.in === 'path').map((p) => p.name).sort();
        if (names.length || expected.length) assert.deepEqual(names, expected, specPath);
      }
    }
  });
});
