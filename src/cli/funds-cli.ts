// What the account and money commands share: the funds service for one command, the JSON forms of
// accounts and ledger entries, and amounts as an operator reads them (currency units, never micro-units).
// Top-ups are charged through the card processor that SOLDE_CARD_PROCESSOR names (stripe, or simulator on
// a test system); unset, every top-up is refused with PAYMENTS_NOT_CONFIGURED and exit code 1.
import { userInfo } from 'node:os';
import { Redis } from 'ioredis';
import type { Pool } from '../../rating/db/pool';
import { formatAmount, MoneyError, parseAmount, toDecimalString, type Micros } from '../../rating/money';
import type { Account } from '../../rating/funds/accounts';
import type { LedgerEntry } from '../../rating/funds/ledger';
import { createPaymentProvider } from '../../rating/funds/payment-provider';
import { FundsService } from '../../rating/funds/service';
import { loadConfig, type Config } from '../config';
import { isSoldeError } from '../../core/errors';
import { createLogger } from '../../core/log';
import type { ParsedArgs } from './args';
import { EXIT_FAILED, EXIT_USAGE, type CliIO } from './command';
import { withDatabase } from './database';

export interface FundsCli {
  readonly funds: FundsService;
  readonly pool: Pool;
  readonly config: Config;
}

export function amountJson(name: string, amount: Micros): Record<string, string> {
  return { [name]: toDecimalString(amount), [`${name}_micros`]: amount.toString() };
}

export const actor = (p: ParsedArgs): string => p.options.get('actor') ?? `cli:${userInfo().username}`;

/** Opens the funds service for one command; expected failures (SoldeError) print and exit 1. */
export async function withFunds(io: CliIO, work: (cli: FundsCli) => Promise<number>): Promise<number> {
  const config = loadConfig();
  const redis = new Redis(config.redisUrl, { maxRetriesPerRequest: 2, connectTimeout: 3_000 });
  redis.on('error', () => undefined);
  try {
    return await withDatabase(config, (pool) => runWithFunds(pool, redis, config, work), 4);
  } catch (error) {
    if (isSoldeError(error)) {
      io.err(`solde: ${error.message} (${error.code})`);
      return EXIT_FAILED;
    }
    if (error instanceof MoneyError) {
      io.err(`solde: ${error.message}`);
      return EXIT_USAGE;
    }
    throw error;
  } finally {
    redis.disconnect();
  }
}

async function runWithFunds(pool: Pool, redis: Redis, config: Config, work: (cli: FundsCli) => Promise<number>): Promise<number> {
  const funds = new FundsService({
    pool, redis, keyPrefix: config.redisKeyPrefix, config, provider: createPaymentProvider(config.payments, pool, createLogger('silent')), log: createLogger('warn'),
  });
  const code = await work({ funds, pool, config });
  await funds.flush();
  return code;
}

export function accountJson(a: Account) {
  return {
    id: a.id, name: a.name, currency: a.currency, language: a.language, status: a.status, max_concurrent_calls: a.maxConcurrentCalls,
    ...amountJson('balance', a.balanceMicros), ledger_seq: a.ledgerSeq.toString(),
    auto_recharge: { enabled: a.autoRecharge.enabled, ...amountJson('threshold', a.autoRecharge.thresholdMicros),
      ...amountJson('amount', a.autoRecharge.amountMicros), stopped_reason: a.autoRecharge.stoppedReason },
    created_at: a.createdAt.toISOString(),
  };
}

export function entryJson(e: LedgerEntry) {
  return {
    id: e.id, account: e.accountId, seq: e.seq.toString(), kind: e.kind, ...amountJson('amount', e.amountMicros),
    ...amountJson('balance_after', e.balanceAfterMicros), idempotency_key: e.idempotencyKey, call_id: e.callId,
    reverses_entry_id: e.reversesEntryId, reason: e.reason, actor: e.actor, metadata: e.metadata, created_at: e.createdAt.toISOString(),
  };
}

/** An amount as the balance shows it (€20.00), with every sub-cent digit a call debit has (-€0.4523): exact. */
export function exactAmount(amount: Micros, currency: string): string {
  const fraction = (amount < 0n ? -amount : amount) % 1_000_000n;
  const decimals = Math.max(2, fraction.toString().padStart(6, '0').replace(/0+$/, '').length);
  return formatAmount(amount, currency, 'en', decimals);
}

export function notFound(io: CliIO, id: string): number {
  io.err(`solde: no account ${JSON.stringify(id)}; list them with: solde account list, or create one with: solde account create`);
  return EXIT_FAILED;
}

export type AmountRead = { readonly micros: Micros } | { readonly problem: string; readonly exit: number };

/**
 * An amount the operator typed for a list of predefined ones (`allowed`: the top-up amounts or the
 * recharge thresholds). What the funds service would refuse in micro-units (a negative or zero amount,
 * one too long to parse) is refused here in currency units, with the allowed amounts; text that is no
 * amount at all is bad usage (2), a number that cannot be added is refused (1). The funds service still
 * checks that the amount is one of `allowed`, and says so with the same list.
 */
export function operatorAmount(text: string, allowed: readonly Micros[], what: string): AmountRead {
  const choices = `${what} is one of ${allowed.map(toDecimalString).join(', ')}`;
  const shown = text.length > 24 ? `${text.slice(0, 20)}…` : text;
  if (!/^-?\d+(?:[.,]\d+)?$/.test(text.trim())) return { problem: `not an amount: ${JSON.stringify(shown)}; ${choices}`, exit: EXIT_USAGE };
  let micros: Micros;
  try {
    micros = parseAmount(text);
  } catch (error) {
    if (!(error instanceof MoneyError)) throw error;
    return { problem: `${shown}: too large for one operation, or more than 6 decimals; ${choices}`, exit: EXIT_FAILED };
  }
  if (micros <= 0n) return { problem: `${shown} is not more than zero; ${choices}`, exit: EXIT_FAILED };
  return { micros };
}
