// The simulator offers the hosted-page flows locally (SOLDE_CARD_PROCESSOR=simulator): "Change card" opens
// the simulator's checkout page, picking a test card comes back to the portal with the session id, and
// finishing it puts that card on file; a top-up held for authentication (tok_sim_3155) is paid on the same
// kind of page and credited once, as SIMULATED.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHarness, type Harness } from './http-harness';

let h: Harness;
let admin: { authorization: string };

beforeAll(async () => {
  h = await createHarness();
  await h.createTenant('demo', 'authenticate');
  admin = await h.headersFor('account-admin', 'demo');
}, 30_000);
afterAll(async () => {
  await h.close();
});

/** Follows the simulator's page like a browser: the page, then the link of the chosen card. */
async function completePage(url: string, card: string): Promise<string> {
  const path = new URL(url).pathname;
  const page = await h.app.inject({ method: 'GET', url: path });
  expect(page.statusCode).toBe(200);
  expect(page.body).toContain('SIMULATOR');
  const done = await h.app.inject({ method: 'GET', url: `${path}/complete?card=${card}` });
  expect(done.statusCode).toBe(303);
  return done.headers.location as string;
}

describe('simulator checkout pages', () => {
  it('a top-up held for authentication is paid on the page and credited once', async () => {
    const topup = await h.app.inject({ method: 'POST', url: '/api/v1/accounts/demo/topups', headers: admin, payload: { amount_micros: '20000000', request_id: 'sim-auth-1' } });
    expect(topup.statusCode).toBe(402);
    expect(topup.json().error.code).toBe('PAYMENT_NEEDS_AUTHENTICATION');
    const state = await h.app.inject({ method: 'GET', url: '/api/v1/accounts/demo/topups/sim-auth-1', headers: admin });
    expect(state.json()).toMatchObject({ status: 'needs_authentication', amount: '20', entry_id: null });
    const start = await h.app.inject({ method: 'POST', url: '/api/v1/accounts/demo/topups/sim-auth-1/authentication', headers: admin });
    expect(start.statusCode).toBe(201);
    const back = await completePage(start.json().url, 'approve');
    const session = new URL(back).searchParams.get('checkout')!;
    for (let i = 0; i < 2; i += 1) {
      const finish = await h.app.inject({ method: 'POST', url: `/api/v1/accounts/demo/checkout/${session}`, headers: admin });
      expect(finish.json()).toMatchObject({ kind: 'payment', status: 'succeeded' });
    }
    const { entries } = await h.funds.ledger('demo');
    expect(entries).toHaveLength(1);
    expect(entries[0]).toMatchObject({ kind: 'topup', amountMicros: 20_000_000n, metadata: { simulated: true } });
  });

  it('changing the card saves the test card picked on the page', async () => {
    const start = await h.app.inject({ method: 'POST', url: '/api/v1/accounts/demo/card/checkout', headers: { ...admin, host: 'portal.test' } });
    expect(start.statusCode).toBe(201);
    const back = await completePage(start.json().url, 'approve');
    expect(back).toMatch(/^http:\/\/portal\.test\/portal\/\?checkout=cs_sim_/);
    const session = new URL(back).searchParams.get('checkout')!;
    const finish = await h.app.inject({ method: 'POST', url: `/api/v1/accounts/demo/checkout/${session}`, headers: admin });
    expect(finish.json()).toEqual({ kind: 'setup', card: { brand: 'visa', last4: '4242' } });
    const account = await h.app.inject({ method: 'GET', url: '/api/v1/accounts/demo', headers: admin });
    expect(account.json()).toMatchObject({ card: { last4: '4242' }, payments: { configured: true, simulated: true } });
  });
});
