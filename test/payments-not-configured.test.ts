// SOLDE_CARD_PROCESSOR unset: Solde runs and answers, and nothing adds money without a processor's
// success: the API refuses top-ups, auto-recharge and card changes with 503 PAYMENTS_NOT_CONFIGURED, the
// CLI exits non-zero naming the variable, and a crossing of the threshold charges nothing. The simulator
// runs only when named, says so at start, and its ledger entries say they were simulated.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHarness, type Harness } from './http-harness';
import { main } from '../src/cli/main';
import { loadConfig, ConfigError } from '../src/config';
import { createLogger } from '../core/log';
import { NoCardProcessor } from '../rating/funds/payments';
import { createPaymentProvider } from '../rating/funds/payment-provider';
import { SIMULATOR_CARDS } from '../rating/funds';

const EUR = 1_000_000n;
let h: Harness;
let admin: { authorization: string };

beforeAll(async () => {
  h = await createHarness({ provider: () => new NoCardProcessor() });
  await h.createTenant('acme');
  admin = await h.headersFor('account-admin', 'acme');
}, 30_000);
afterAll(async () => {
  await h.close();
});

describe('no card processor configured', () => {
  it('the account says so, and every top-up, auto-recharge and card change is a 503 PAYMENTS_NOT_CONFIGURED', async () => {
    const account = await h.app.inject({ method: 'GET', url: '/api/v1/accounts/acme', headers: admin });
    expect(account.json().payments).toEqual({ configured: false, simulated: false });
    const calls = [
      { method: 'POST', url: '/api/v1/accounts/acme/topups', payload: { amount_micros: String(20n * EUR), request_id: 'req-00000001' } },
      { method: 'PUT', url: '/api/v1/accounts/acme/auto-recharge', payload: { enabled: true, threshold_micros: String(5n * EUR), amount_micros: String(10n * EUR) } },
      { method: 'POST', url: '/api/v1/accounts/acme/card/checkout' },
      { method: 'POST', url: '/api/v1/webhooks/stripe', payload: {} },
    ] as const;
    for (const call of calls) {
      const res = await h.app.inject({ ...call, headers: admin });
      expect(res.statusCode, call.url).toBe(503);
      expect(res.json().error.code).toBe('PAYMENTS_NOT_CONFIGURED');
      expect(res.json().error.message).toContain('SOLDE_CARD_PROCESSOR');
    }
    expect((await h.funds.getAccount('acme'))!.balanceMicros).toBe(0n);
    // Everything else still works: the balance, turning auto-recharge off.
    expect((await h.app.inject({ method: 'GET', url: '/api/v1/accounts/acme/balance', headers: admin })).statusCode).toBe(200);
    expect((await h.funds.setAutoRecharge('acme', { enabled: false })).autoRecharge.enabled).toBe(false);
  });

  it('an auto-recharge set before the processor was removed charges nothing at a crossing', async () => {
    await h.db.pool.query(`UPDATE accounts SET auto_recharge_enabled = true, auto_recharge_threshold_micros = $1, auto_recharge_amount_micros = $2 WHERE id = 'acme'`,
      [String(5n * EUR), String(10n * EUR)]);
    const account = (await h.funds.getAccount('acme'))!;
    expect(account.autoRecharge.enabled).toBe(true);
    await h.funds.ctx.syncAccount(account); // under the threshold at once: a crossing
    expect(await h.funds.recharger.recharge('acme', '0')).toBe('not_configured');
    await h.funds.flush();
    expect((await h.funds.getAccount('acme'))!.balanceMicros).toBe(0n);
    expect((await h.db.pool.query('SELECT 1 FROM card_payments')).rowCount).toBe(0);
  });

  it('solde topup exits 1 and names the variable to set', async () => {
    const saved = { ...process.env };
    Object.assign(process.env, { SOLDE_DATABASE_URL: h.db.url, SOLDE_REDIS_PREFIX: h.redis.prefix });
    delete process.env.SOLDE_CARD_PROCESSOR;
    const err: string[] = [];
    try {
      const code = await main(['topup', 'acme', '20'], { out: () => undefined, err: (line) => err.push(line) });
      expect(code).toBe(1);
    } finally {
      process.env = saved;
    }
    expect(err.join('\n')).toMatch(/SOLDE_CARD_PROCESSOR=stripe.*PAYMENTS_NOT_CONFIGURED/);
    expect((await h.funds.getAccount('acme'))!.balanceMicros).toBe(0n);
  });
});

describe('choosing the processor', () => {
  it('reads SOLDE_CARD_PROCESSOR and refuses an unknown one or Stripe without its keys', () => {
    expect(loadConfig({}).payments).toBeNull();
    expect(loadConfig({ SOLDE_CARD_PROCESSOR: 'simulator' }).payments).toEqual({ processor: 'simulator' });
    expect(loadConfig({ SOLDE_CARD_PROCESSOR: 'stripe', STRIPE_SECRET_KEY: 'sk_test_abc', STRIPE_WEBHOOK_SECRET: 'whsec_abc', SOLDE_STRIPE_API_URL: 'http://127.0.0.1:12111' }).payments)
      .toEqual({ processor: 'stripe', secretKey: 'sk_test_abc', webhookSecret: 'whsec_abc', api: { host: '127.0.0.1', port: 12111, protocol: 'http' } });
    expect(() => loadConfig({ SOLDE_CARD_PROCESSOR: 'paypal' })).toThrow(ConfigError);
    expect(() => loadConfig({ SOLDE_CARD_PROCESSOR: 'stripe' })).toThrow(/STRIPE_SECRET_KEY[\s\S]*STRIPE_WEBHOOK_SECRET/);
  });

  it('warns at start when payments are off, and when the simulator is in use', () => {
    const lines: string[] = [];
    const log = createLogger('info', { write: (line: string) => { lines.push(line); } });
    expect(createPaymentProvider(null, h.db.pool, log).configured).toBe(false);
    expect(createPaymentProvider({ processor: 'simulator' }, h.db.pool, log).simulated).toBe(true);
    const warnings = lines.map((l) => JSON.parse(l) as { level: number; msg: string }).filter((l) => l.level === 40).map((l) => l.msg);
    expect(warnings).toEqual([expect.stringContaining('SOLDE_CARD_PROCESSOR is not set'), expect.stringContaining('SIMULATOR')]);
  });

  it('a simulated top-up says so in its ledger entry', async () => {
    const sim = await createHarness();
    try {
      await sim.createTenant('demo');
      const { entry } = await sim.funds.topUp({ accountId: 'demo', amountMicros: 10n * EUR, requestId: 'demo-1', actor: 'a' });
      expect(entry.metadata).toMatchObject({ simulated: true, card: `visa ${SIMULATOR_CARDS.approve.last4}` });
      expect(entry.reason).toMatch(/SIMULATED/);
    } finally {
      await sim.close();
    }
  });
});
