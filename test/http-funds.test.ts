// Money over HTTP against the real funds engine (Postgres + Redis, card processor SIMULATOR): balance,
// idempotent add funds, auto-recharge, history with call details, call records, reversal by support.
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHarness, type Harness } from './http-harness';

let h: Harness;
let admin: { authorization: string };
let support: { authorization: string };

beforeAll(async () => {
  h = await createHarness();
  await h.createTenant('acme');
  await h.createTenant('bistro', 'decline');
  admin = await h.headersFor('account-admin', 'acme');
  support = await h.headersFor('support');
});

afterAll(async () => {
  await h?.close();
});

function call(method: 'GET' | 'POST' | 'PUT', url: string, headers: Record<string, string>, payload?: object) {
  return h.app.inject({ method, url: `/api/v1${url}`, headers, payload });
}

const balance = async (account = 'acme') => (await call('GET', `/accounts/${account}/balance`, support)).json();

describe('balance and add funds', () => {
  it('shows a new account at zero, amounts as exact strings', async () => {
    expect(await balance()).toEqual({
      account_id: 'acme', currency: 'EUR', balance: '0', balance_micros: '0', held: '0', held_micros: '0', available: '0', available_micros: '0',
    });
  });

  it('adds a predefined amount once per request id, charging the card once', async () => {
    const requestId = randomUUID();
    const first = await call('POST', '/accounts/acme/topups', admin, { amount_micros: '20000000', request_id: requestId });
    expect(first.statusCode).toBe(201);
    expect(first.json()).toMatchObject({ created: true, entry: { kind: 'topup', amount: '20', amount_micros: '20000000' }, balance: { available: '20' } });
    const repeat = await call('POST', '/accounts/acme/topups', admin, { amount_micros: '20000000', request_id: requestId });
    expect(repeat.statusCode).toBe(200);
    expect(repeat.json()).toMatchObject({ created: false, entry: { id: first.json().entry.id } });
    expect((await balance()).balance_micros).toBe('20000000');
    expect([...h.simulator.charges.keys()].filter((k) => k.includes(requestId))).toHaveLength(1);
  });

  it('refuses the same request id for a different amount with 409 and moves nothing', async () => {
    const requestId = randomUUID();
    expect((await call('POST', '/accounts/acme/topups', admin, { amount_micros: '10000000', request_id: requestId })).statusCode).toBe(201);
    const before = await balance();
    const conflict = await call('POST', '/accounts/acme/topups', admin, { amount_micros: '50000000', request_id: requestId });
    expect(conflict.statusCode).toBe(409);
    expect(conflict.json().error.code).toBe('IDEMPOTENCY_CONFLICT');
    expect(await balance()).toEqual(before);
  });

  it('refuses an amount that is not predefined, and malformed bodies, changing nothing', async () => {
    const before = await balance();
    const bad = [
      [{ amount_micros: '15000000', request_id: randomUUID() }, 'NOT_PREDEFINED_AMOUNT'],
      [{ amount_micros: 20000000, request_id: randomUUID() }, 'BAD_INPUT'],
      [{ amount_micros: '20.5', request_id: randomUUID() }, 'BAD_INPUT'],
      [{ amount_micros: '-20000000', request_id: randomUUID() }, 'BAD_INPUT'],
      [{ amount_micros: '20000000' }, 'BAD_INPUT'],
      [{ amount_micros: '20000000', request_id: 'short' }, 'BAD_INPUT'],
      [{ amount_micros: '20000000', request_id: randomUUID(), extra: 1 }, 'BAD_INPUT'],
    ] as const;
    for (const [payload, code] of bad) {
      const response = await call('POST', '/accounts/acme/topups', admin, payload);
      expect(response.statusCode, JSON.stringify(payload)).toBe(400);
      expect(response.json().error.code).toBe(code);
    }
    const notJson = await h.app.inject({ method: 'POST', url: '/api/v1/accounts/acme/topups', headers: { ...admin, 'content-type': 'application/json' }, payload: '{"amount' });
    expect(notJson.statusCode).toBe(400);
    expect(notJson.json().error.code).toBe('BAD_INPUT');
    expect(await balance()).toEqual(before);
  });

  it('answers 402 PAYMENT_DECLINED for a declined card and credits nothing', async () => {
    const bistroAdmin = await h.headersFor('account-admin', 'bistro');
    const declined = await call('POST', '/accounts/bistro/topups', bistroAdmin, { amount_micros: '10000000', request_id: randomUUID() });
    expect(declined.statusCode).toBe(402);
    expect(declined.json().error.code).toBe('PAYMENT_DECLINED');
    expect((await balance('bistro')).balance_micros).toBe('0');
  });

  it('answers 404 for an unknown account (to a support key)', async () => {
    const response = await call('GET', '/accounts/nobody/balance', support);
    expect(response.statusCode).toBe(404);
    expect(response.json().error.code).toBe('UNKNOWN_ACCOUNT');
  });
});

describe('auto-recharge', () => {
  it('starts off, turns on with predefined values, and refuses others', async () => {
    expect((await call('GET', '/accounts/acme/auto-recharge', admin)).json()).toMatchObject({ enabled: false, stopped_reason: null });
    const on = await call('PUT', '/accounts/acme/auto-recharge', admin, { enabled: true, threshold_micros: '10000000', amount_micros: '50000000' });
    expect(on.statusCode).toBe(200);
    expect(on.json()).toEqual({
      enabled: true, threshold: '10', threshold_micros: '10000000', amount: '50', amount_micros: '50000000', stopped_reason: null,
    });
    const odd = await call('PUT', '/accounts/acme/auto-recharge', admin, { enabled: true, threshold_micros: '7000000', amount_micros: '50000000' });
    expect(odd.statusCode).toBe(400);
    expect(odd.json().error.code).toBe('NOT_PREDEFINED_AMOUNT');
    const oddAmount = await call('PUT', '/accounts/acme/auto-recharge', admin, { enabled: true, threshold_micros: '5000000', amount_micros: '1' });
    expect(oddAmount.json().error.code).toBe('NOT_PREDEFINED_AMOUNT');
    expect((await call('GET', '/accounts/acme/auto-recharge', support)).json()).toMatchObject({ enabled: true, threshold_micros: '10000000' });
    const off = await call('PUT', '/accounts/acme/auto-recharge', admin, { enabled: false, threshold_micros: '0', amount_micros: '0' });
    expect(off.statusCode).toBe(200);
    expect(off.json().enabled).toBe(false);
  });
});

describe('history and call records', () => {
  it('lists a call debit with its destination and duration, newest first, page by page', async () => {
    const callId = `call-${randomUUID()}`;
    expect((await h.funds.reserve({ accountId: 'acme', callId, amountMicros: 500_000n, validitySeconds: 60 })).status).toBe('ok');
    expect((await h.funds.settle({ accountId: 'acme', callId, finalMicros: 450_000n, details: { destination: 'Morocco Mobile', durationSeconds: 61 } })).status).toBe('ok');
    await h.funds.flush();
    await h.db.pool.query(
      `INSERT INTO call_records (call_id, account_id, class, dialled, e164, country, rule, started_at, answered_at, ended_at, duration_ms, talk_ms,
         billed_seconds, cost_micros, ending_reason, sip_status, settle_status)
       VALUES ($1, 'acme', 'INTERNATIONAL', '00212612345678', '+212612345678', 'MA', 'international', now() - interval '70 s', now() - interval '62 s', now(), 70000, 61000,
         66, 450000, 'caller hung up', 200, 'ok')`, [callId]);
    const first = (await call('GET', '/accounts/acme/transactions?limit=1', admin)).json();
    expect(first.entries).toHaveLength(1);
    expect(first.entries[0]).toMatchObject({
      kind: 'call_debit', amount: '-0.45', amount_micros: '-450000',
      call: { call_id: callId, destination: 'Morocco Mobile', number: '+212612345678', duration_seconds: 61 },
    });
    expect(first.next_cursor).toMatch(/^\d+$/);
    const rest = (await call('GET', `/accounts/acme/transactions?limit=100&cursor=${first.next_cursor}`, admin)).json();
    const ids = rest.entries.map((e: { id: string }) => BigInt(e.id));
    expect(ids.every((id: bigint) => id < BigInt(first.entries[0].id))).toBe(true);
    expect([...ids].sort((a, b) => (a > b ? -1 : 1))).toEqual(ids);
    expect(rest.entries.filter((e: { kind: string }) => e.kind === 'topup')).toHaveLength(2);
    expect(rest.next_cursor).toBeNull();

    const calls = (await call('GET', '/accounts/acme/calls', admin)).json();
    expect(calls.calls[0]).toMatchObject({ call_id: callId, number: '+212612345678', duration_seconds: 61, cost: '0.45', class: 'INTERNATIONAL' });
  });

  it('pages call records with an opaque cursor and refuses a forged one', async () => {
    for (let i = 0; i < 3; i += 1) {
      await h.db.pool.query(
        `INSERT INTO call_records (call_id, account_id, class, dialled, rule, started_at, ended_at, duration_ms, ending_reason, sip_status)
         VALUES ($1, 'acme', 'INCLUDED', '0140000000', 'fr-fixed', now() - make_interval(mins => $2), now() - make_interval(mins => $2), 0, 'busy', 486)`,
        [`page-${i}`, 10 + i]);
    }
    const seen: string[] = [];
    let cursor: string | null = null;
    for (let page = 0; page < 10; page += 1) {
      const url: string = `/accounts/acme/calls?limit=2${cursor ? `&cursor=${cursor}` : ''}`;
      const body = (await call('GET', url, admin)).json();
      seen.push(...body.calls.map((c: { call_id: string }) => c.call_id));
      cursor = body.next_cursor;
      if (!cursor) break;
    }
    expect(seen.slice(1)).toEqual(['page-0', 'page-1', 'page-2']);
    const forged = await call('GET', '/accounts/acme/calls?cursor=bm9wZQ', admin);
    expect(forged.statusCode).toBe(400);
  });
});

describe('reversal of a top-up', () => {
  it('is for support only, needs a reason, happens once, and is idempotent by request id', async () => {
    const topup = await call('POST', '/accounts/acme/topups', admin, { amount_micros: '10000000', request_id: randomUUID() });
    const entryId = topup.json().entry.id;
    const before = BigInt((await balance()).balance_micros);
    const url = `/accounts/acme/transactions/${entryId}/reversal`;

    const byAdmin = await call('POST', url, admin, { reason: 'customer asked', request_id: randomUUID() });
    expect(byAdmin.statusCode).toBe(403);
    expect((await call('POST', url, support, { request_id: randomUUID() })).statusCode).toBe(400);
    expect((await call('POST', url, support, { reason: 'no', request_id: randomUUID() })).statusCode).toBe(400);
    expect(BigInt((await balance()).balance_micros)).toBe(before);

    const requestId = randomUUID();
    const reversed = await call('POST', url, support, { reason: 'card dispute', request_id: requestId });
    expect(reversed.statusCode).toBe(201);
    expect(reversed.json()).toMatchObject({ created: true, entry: { kind: 'reversal', amount_micros: '-10000000', reverses_entry_id: entryId, reason: 'card dispute' } });
    expect(BigInt((await balance()).balance_micros)).toBe(before - 10_000_000n);

    expect((await call('POST', url, support, { reason: 'card dispute', request_id: requestId })).statusCode).toBe(200);
    const again = await call('POST', url, support, { reason: 'again', request_id: randomUUID() });
    expect(again.statusCode).toBe(409);
    expect(again.json().error.code).toBe('ALREADY_REVERSED');
    expect(BigInt((await balance()).balance_micros)).toBe(before - 10_000_000n);

    const history = (await call('GET', '/accounts/acme/transactions?limit=5', admin)).json();
    expect(history.entries.find((e: { id: string }) => e.id === entryId).reversed).toBe(true);
  });

  it('answers 404 for an entry of another account named under this one, and 409 for a call debit', async () => {
    const bistroEntry = await h.db.pool.query(`SELECT id FROM ledger_entries WHERE account_id = 'acme' AND kind = 'call_debit' LIMIT 1`);
    const debitId = bistroEntry.rows[0].id;
    const notReversible = await call('POST', `/accounts/acme/transactions/${debitId}/reversal`, support, { reason: 'test it', request_id: randomUUID() });
    expect(notReversible.statusCode).toBe(409);
    expect(notReversible.json().error.code).toBe('NOT_REVERSIBLE');
    const elsewhere = await call('POST', `/accounts/bistro/transactions/${debitId}/reversal`, support, { reason: 'test it', request_id: randomUUID() });
    expect(elsewhere.statusCode).toBe(404);
    expect(elsewhere.json().error.code).toBe('UNKNOWN_ENTRY');
  });
});
