// The README tells an operator how a tenant's account admin gets a portal key (issue 16, point 9): both
// ways it shows are run as written, the script against this file's database and the API request
// through the real server, and each key they give opens that tenant's account and nothing else.
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHarness, type Harness } from './http-harness';

let h: Harness;

beforeAll(async () => {
  h = await createHarness();
  await h.createTenant('acme');
  await h.createTenant('bistro');
});
afterAll(async () => h?.close());

function portalSection(): string {
  const readme = readFileSync('README.md', 'utf8');
  const start = readme.indexOf('## Signing in to the portal');
  expect(start, 'README.md has a "Signing in to the portal" section').toBeGreaterThanOrEqual(0);
  const end = readme.indexOf('\n## ', start + 1);
  return readme.slice(start, end === -1 ? undefined : end);
}

/** Words of a shell command line with "double" and 'single' quotes (all the README uses). */
function shellWords(line: string): string[] {
  return [...line.matchAll(/"([^"]*)"|'([^']*)'|(\S+)/g)].map((m) => m[1] ?? m[2] ?? m[3]!);
}

async function opens(key: string): Promise<{ role: string; account_id: string | null; other: number }> {
  const headers = { authorization: `Bearer ${key}` };
  const me = (await h.app.inject({ method: 'GET', url: '/api/v1/me', headers })).json();
  const own = await h.app.inject({ method: 'GET', url: '/api/v1/accounts/acme/balance', headers });
  expect(own.statusCode).toBe(200);
  const other = await h.app.inject({ method: 'GET', url: '/api/v1/accounts/bistro/balance', headers });
  return { role: me.role, account_id: me.account_id, other: other.statusCode };
}

describe('README: how an account admin gets a portal key', () => {
  it('names the role, and its script command issues a key that opens that account only', async () => {
    const section = portalSection();
    expect(section).toContain('`account-admin`');
    const line = section.split('\n').find((l) => l.includes('scripts/create-api-key.ts') && l.includes('--role account-admin'));
    expect(line, 'a create-api-key.ts command for an account-admin key').toBeDefined();
    const [node, ...args] = shellWords(line!);
    expect(node).toBe('node');
    const { stdout } = await promisify(execFile)(process.execPath, args, { env: { ...process.env, SOLDE_DATABASE_URL: h.db.url } });
    expect(await opens(stdout.trim())).toEqual({ role: 'account-admin', account_id: 'acme', other: 403 });
  });

  it('its API request, sent with an operator key, answers a key that opens that account only', async () => {
    const body = /-d '(\{[^']*\})'/.exec(portalSection());
    expect(body, 'a POST /api/v1/keys body').not.toBeNull();
    const created = await h.app.inject({ method: 'POST', url: '/api/v1/keys', headers: await h.headersFor('operator'), payload: JSON.parse(body![1]!) });
    expect(created.statusCode).toBe(201);
    expect(await opens(created.json().key)).toEqual({ role: 'account-admin', account_id: 'acme', other: 403 });
  });
});
