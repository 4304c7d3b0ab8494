// The page's scripts are ES modules the browser fetches one by one: every module index.html reaches
// through its imports must be served by the portal route as JavaScript, or the whole page stays blank.
// The graph is read from the files themselves, so a new module is checked without being listed here.
import { readFileSync } from 'node:fs';
import Fastify, { type FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { portalRoutes } from '../src/http/routes/portal';

const PORTAL_DIR = 'src/portal/';
const MAX_MODULES = 100; // bounds the walk below

/** The modules the page loads: index.html's module script and, transitively, everything it imports. */
function pageModules(): string[] {
  const entry = /<script type="module" src="\/portal\/([\w-]+\.js)">/.exec(readFileSync(`${PORTAL_DIR}index.html`, 'utf8'));
  expect(entry, 'index.html loads one module script').not.toBeNull();
  const found = new Set<string>([entry![1]!]);
  for (const name of found) {
    expect(found.size).toBeLessThanOrEqual(MAX_MODULES);
    const source = readFileSync(PORTAL_DIR + name, 'utf8');
    for (const [, imported] of source.matchAll(/^import [^;]*? from '\.\/([\w-]+\.js)';$/gm)) found.add(imported!);
  }
  return [...found];
}

let app: FastifyInstance;

beforeAll(async () => {
  app = Fastify();
  await app.register(portalRoutes);
  await app.ready();
});

afterAll(async () => {
  await app?.close();
});

describe('portal files', () => {
  it('serves, as JavaScript, every module the page imports', async () => {
    const modules = pageModules();
    // portal.js and the section modules it is split into are all reached from the page.
    expect(modules).toEqual(expect.arrayContaining(['portal.js', 'page.js', 'balance.js', 'recharge.js', 'rates.js', 'history.js', 'messages.js']));
    for (const name of modules) {
      const response = await app.inject({ url: `/portal/${name}` });
      expect(response.statusCode, name).toBe(200);
      expect(response.headers['content-type'], name).toMatch(/^(text|application)\/javascript/);
      expect(response.body, name).toBe(readFileSync(PORTAL_DIR + name, 'utf8'));
    }
  });
});
