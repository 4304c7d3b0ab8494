// Builds a FundsService on given Postgres and Redis for tests and benchmarks, with the card processor
// SIMULATOR (or a given provider) and a quiet logger. Not used by the server.
import { randomBytes } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Redis, Cluster } from 'ioredis';
import type { Pool } from '../db/pool';
import { createLogger } from '../../core/log';
import { MICROS_PER_UNIT } from '../money';
import { CardProcessorSimulator } from './payment-simulator';
import { FundsService } from './service';
import type { FundsConfig } from './context';
import type { PaymentProvider } from './payments';

export const TEST_FUNDS_CONFIG: FundsConfig = {
  topupAmountsMicros: [10n, 20n, 50n, 100n].map((u) => u * MICROS_PER_UNIT),
  rechargeThresholdsMicros: [5n, 10n, 20n].map((u) => u * MICROS_PER_UNIT),
  grantValiditySeconds: 180,
  currency: 'EUR',
  // createFundsWith gives every service a journal folder of its own (created only if a settle is journaled).
  stateDir: join(tmpdir(), 'solde-state-unused'),
};

export function createTestFunds(pool: Pool, redis: Redis | Cluster, prefix: string, simulator = new CardProcessorSimulator()): { funds: FundsService; simulator: CardProcessorSimulator } {
  return { funds: createFundsWith(pool, redis, prefix, simulator), simulator };
}

/** The same with any payment provider (Stripe against a local fake, NoCardProcessor). */
export function createFundsWith(pool: Pool, redis: Redis | Cluster, prefix: string, provider: PaymentProvider, stateDir = join(tmpdir(), `solde-state-${randomBytes(6).toString('hex')}`)): FundsService {
  return new FundsService({
    pool, redis, keyPrefix: prefix, config: { ...TEST_FUNDS_CONFIG, stateDir }, provider,
    log: createLogger(process.env.SOLDE_TEST_LOG_LEVEL ?? 'silent'), recharge: { maxAttempts: 4, backoffMs: 20 },
  });
}

/** Credits an account directly in the ledger (an 'adjustment'), bypassing cards: test and bench set-up. */
export async function fundAccount(funds: FundsService, accountId: string, amountMicros: bigint, key: string): Promise<void> {
  const { post } = await import('./ledger');
  const { syncEntry } = await import('./context');
  const posted = await post(funds.ctx.pool, { accountId, kind: 'adjustment', amountMicros, idempotencyKey: key, actor: 'test', reason: 'set-up' });
  await syncEntry(funds.ctx, posted.entry, posted.currency);
}
