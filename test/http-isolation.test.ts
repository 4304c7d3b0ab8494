// Every API route × every role × own or other tenant. An account-admin key reaches its own tenant only;
// support reads every tenant and reverses; the operator manages tenants, keys and decks. A refused call
// answers 401/403 with the error body only (no data of the other tenant) and changes nothing.
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHarness, TEST_DECK, type Harness } from './http-harness';

type Who = 'adminOwn' | 'adminOther' | 'support' | 'operator' | 'anonymous';
const EVERYONE: readonly Who[] = ['adminOwn', 'adminOther', 'support', 'operator', 'anonymous'];

interface RouteCase {
  readonly name: string;
  readonly method: 'GET' | 'POST' | 'PUT' | 'DELETE';
  readonly url: () => string;
  readonly body?: () => object | string;
  readonly contentType?: string;
  /** Who may use it on tenant "acme"; everyone else is refused. */
  readonly allowed: readonly Who[];
  /** Moves or changes something: the refusals are checked to change nothing. */
  readonly writes?: boolean;
}

let h: Harness;
let topupEntryId: string;
let spareKeyId: string;
let checkoutSessionId: string;
const headers: Partial<Record<Who, Record<string, string>>> = {};
const reversalRequestId = randomUUID();

const ROUTES: readonly RouteCase[] = [
  { name: 'who am I', method: 'GET', url: () => '/api/v1/me', allowed: ['adminOwn', 'adminOther', 'support', 'operator'] },
  { name: 'account profile', method: 'GET', url: () => '/api/v1/accounts/acme', allowed: ['adminOwn', 'support', 'operator'] },
  { name: 'balance', method: 'GET', url: () => '/api/v1/accounts/acme/balance', allowed: ['adminOwn', 'support'] },
  {
    name: 'add funds', method: 'POST', url: () => '/api/v1/accounts/acme/topups', writes: true,
    body: () => ({ amount_micros: '10000000', request_id: randomUUID() }), allowed: ['adminOwn'],
  },
  { name: 'auto-recharge settings', method: 'GET', url: () => '/api/v1/accounts/acme/auto-recharge', allowed: ['adminOwn', 'support'] },
  {
    name: 'change auto-recharge', method: 'PUT', url: () => '/api/v1/accounts/acme/auto-recharge', writes: true,
    body: () => ({ enabled: true, threshold_micros: '5000000', amount_micros: '20000000' }), allowed: ['adminOwn'],
  },
  {
    name: 'card on file', method: 'PUT', url: () => '/api/v1/accounts/acme/card', writes: true,
    body: () => ({ token: 'tok_sim_4242', last4: '4242', brand: 'visa' }), allowed: ['adminOwn', 'operator'],
  },
  { name: 'a top-up\'s state', method: 'GET', url: () => '/api/v1/accounts/acme/topups/isolation-seed', allowed: ['adminOwn', 'support'] },
  {
    name: 'finish a top-up on the hosted page', method: 'POST', url: () => '/api/v1/accounts/acme/topups/isolation-sca/authentication', writes: true,
    allowed: ['adminOwn'],
  },
  { name: 'change card page', method: 'POST', url: () => '/api/v1/accounts/acme/card/checkout', writes: true, allowed: ['adminOwn', 'operator'] },
  { name: 'finish a checkout', method: 'POST', url: () => `/api/v1/accounts/acme/checkout/${checkoutSessionId}`, writes: true, allowed: ['adminOwn', 'operator'] },
  { name: 'transactions', method: 'GET', url: () => '/api/v1/accounts/acme/transactions', allowed: ['adminOwn', 'support'] },
  { name: 'call records', method: 'GET', url: () => '/api/v1/accounts/acme/calls', allowed: ['adminOwn', 'support'] },
  {
    name: 'reverse a top-up', method: 'POST', url: () => `/api/v1/accounts/acme/transactions/${topupEntryId}/reversal`, writes: true,
    body: () => ({ reason: 'isolation test', request_id: reversalRequestId }), allowed: ['support'],
  },
  { name: 'countries with rates', method: 'GET', url: () => '/api/v1/rates/countries', allowed: ['adminOwn', 'adminOther', 'support', 'operator'] },
  { name: 'rates of a country', method: 'GET', url: () => '/api/v1/rates/countries/MA', allowed: ['adminOwn', 'adminOther', 'support', 'operator'] },
  { name: 'rate of a number', method: 'GET', url: () => '/api/v1/rates/number?number=%2B212612345678', allowed: ['adminOwn', 'adminOther', 'support', 'operator'] },
  {
    name: 'create a tenant', method: 'POST', url: () => '/api/v1/accounts', writes: true,
    body: () => ({ id: `t-${randomUUID().slice(0, 8)}`, name: 'New tenant' }), allowed: ['operator'],
  },
  { name: 'list tenants', method: 'GET', url: () => '/api/v1/accounts', allowed: ['support', 'operator'] },
  {
    name: 'issue a key', method: 'POST', url: () => '/api/v1/keys', writes: true,
    body: () => ({ role: 'account-admin', account_id: 'acme', label: 'issued in test' }), allowed: ['operator'],
  },
  { name: 'list keys', method: 'GET', url: () => '/api/v1/keys', allowed: ['operator'] },
  { name: 'revoke a key', method: 'DELETE', url: () => `/api/v1/keys/${spareKeyId}`, writes: true, allowed: ['operator'] },
  {
    name: 'import a rate deck', method: 'POST', url: () => '/api/v1/rate-decks', writes: true, contentType: 'text/csv',
    body: () => TEST_DECK, allowed: ['operator'],
  },
];

beforeAll(async () => {
  h = await createHarness({ maxFailures: 1000 });
  await h.createTenant('acme');
  await h.createTenant('bistro');
  headers.adminOwn = await h.headersFor('account-admin', 'acme');
  headers.adminOther = await h.headersFor('account-admin', 'bistro');
  headers.support = await h.headersFor('support');
  headers.operator = await h.headersFor('operator');
  headers.anonymous = {};
  const topup = await h.funds.topUp({ accountId: 'acme', amountMicros: 20_000_000n, requestId: 'acme:isolation-seed', actor: 'test' });
  topupEntryId = topup.entry.id;
  // A top-up the bank held back (needs authentication), and an open card-change checkout, of acme.
  await h.funds.addPaymentMethod({ accountId: 'acme', token: 'tok_sim_3155', last4: '3155', brand: 'visa' });
  await h.funds.topUp({ accountId: 'acme', amountMicros: 10_000_000n, requestId: 'acme:isolation-sca', actor: 'test' }).catch(() => undefined);
  await h.funds.addPaymentMethod({ accountId: 'acme', token: 'tok_sim_4242', last4: '4242', brand: 'visa' });
  checkoutSessionId = (await h.funds.startCardChange('acme', { successUrl: 'http://x/?c={CHECKOUT_SESSION_ID}', cancelUrl: 'http://x/' })).sessionId;
  spareKeyId = (await h.keys.create({ role: 'support', accountId: null, label: 'spare' })).keyId;
});

afterAll(async () => {
  await h?.close();
});

function send(route: RouteCase, who: Who) {
  const body = route.body?.();
  const extra: Record<string, string> = body === undefined ? {} : { 'content-type': route.contentType ?? 'application/json' };
  return h.app.inject({
    method: route.method, url: route.url(), headers: { ...headers[who], ...extra },
    payload: typeof body === 'string' ? body : body === undefined ? undefined : JSON.stringify(body),
  });
}

/** Everything a refusal could have changed about tenant acme and the shared tables. */
async function snapshot() {
  const { rows } = await h.db.pool.query(`SELECT
      (SELECT count(*) FROM ledger_entries) AS entries,
      (SELECT count(*) FROM accounts) AS accounts,
      (SELECT count(*) FROM api_keys WHERE revoked_at IS NULL) AS live_keys,
      (SELECT count(*) FROM payment_methods) AS cards,
      (SELECT count(*) FROM tariff_decks) AS decks,
      (SELECT row_to_json(a)::text FROM accounts a WHERE id = 'acme') AS acme`);
  return rows[0];
}

describe('every route × every role × own/other tenant', () => {
  const refusals = ROUTES.flatMap((route) => EVERYONE.filter((who) => !route.allowed.includes(who)).map((who) => [route, who] as const));

  it.each(refusals.map(([route, who]) => [route.name, who, route] as const))('%s is refused to %s', async (_name, who, route) => {
    const before = route.writes ? await snapshot() : undefined;
    const response = await send(route, who);
    expect(response.statusCode).toBe(who === 'anonymous' ? 401 : 403);
    const body = response.json();
    expect(Object.keys(body)).toEqual(['error']);
    expect(body.error.code).toBe(who === 'anonymous' ? 'UNAUTHENTICATED' : 'FORBIDDEN');
    expect(response.body).not.toContain('acme SARL');
    if (before) expect(await snapshot()).toEqual(before);
  });

  const grants = ROUTES.flatMap((route) => route.allowed.map((who) => [route.name, who, route] as const));
  it.each(grants)('%s is allowed to %s', async (_name, who, route) => {
    const response = await send(route, who);
    expect(response.statusCode, response.body).toBeGreaterThanOrEqual(200);
    expect(response.statusCode, response.body).toBeLessThan(300);
  });
});

describe('no data of another tenant in any answer', () => {
  it('a bistro key asking for bistro sees only bistro', async () => {
    const own = await h.app.inject({ method: 'GET', url: '/api/v1/accounts/bistro/transactions', headers: headers.adminOther });
    expect(own.statusCode).toBe(200);
    expect(own.json().entries).toEqual([]);
    const profile = await h.app.inject({ method: 'GET', url: '/api/v1/accounts/bistro', headers: headers.adminOther });
    expect(profile.json().name).toBe('bistro SARL');
  });

  it('an account-admin key cannot reach an account that does not exist either (403, not 404: no enumeration)', async () => {
    const response = await h.app.inject({ method: 'GET', url: '/api/v1/accounts/ghost/balance', headers: headers.adminOwn });
    expect(response.statusCode).toBe(403);
  });
});
