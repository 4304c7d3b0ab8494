// Operator commands of the accounts area: account create|card, balance, topup, reverse, auto-recharge,
// ledger, reconcile. Each connects to Postgres (SOLDE_DATABASE_URL, migrated if needed) and Redis
// (SOLDE_REDIS_URL, keys under SOLDE_REDIS_PREFIX), and closes both before returning. --json prints one
// JSON object on stdout; amounts are exact decimal strings plus their integer micro-units.
// Top-ups are charged through the card processor that SOLDE_CARD_PROCESSOR names (stripe, or simulator on
// a test system); unset, every top-up is refused with PAYMENTS_NOT_CONFIGURED and exit code 1.
import { randomUUID } from 'node:crypto';
import { userInfo } from 'node:os';
import { Redis } from 'ioredis';
import type { Pool } from '../../rating/db/pool';
import { formatAmount, MoneyError, parseAmount, toDecimalString, type Micros } from '../../rating/money';
import type { Account } from '../../rating/funds/accounts';
import type { LedgerEntry } from '../../rating/funds/ledger';
import { createPaymentProvider } from '../../rating/funds/payment-provider';
import { FundsService } from '../../rating/funds/service';
import { loadConfig, type Config } from '../config';
import { isSoldeError } from '../errors';
import { createLogger } from '../log';
import { EXIT_FAILED, EXIT_OK, EXIT_USAGE, type CliIO, type Command } from './main';
import { parseArgs, withDatabase, type ParsedArgs } from './args';

type Parsed = ParsedArgs;

function amountJson(name: string, amount: Micros): Record<string, string> {
  return { [name]: toDecimalString(amount), [`${name}_micros`]: amount.toString() };
}

const actor = (p: Parsed): string => p.options.get('actor') ?? `cli:${userInfo().username}`;

/** Opens the funds service for one command; expected failures (SoldeError) print and exit 1. */
async function withFunds(io: CliIO, work: (funds: FundsService) => Promise<number>): Promise<number> {
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

async function runWithFunds(pool: Pool, redis: Redis, config: Config, work: (funds: FundsService) => Promise<number>): Promise<number> {
  const funds = new FundsService({
    pool, redis, keyPrefix: config.redisKeyPrefix, config, provider: createPaymentProvider(config.payments, pool, createLogger('silent')), log: createLogger('warn'),
  });
  const code = await work(funds);
  await funds.flush();
  return code;
}

function accountJson(a: Account) {
  return {
    id: a.id, name: a.name, currency: a.currency, language: a.language, status: a.status, max_concurrent_calls: a.maxConcurrentCalls,
    ...amountJson('balance', a.balanceMicros), ledger_seq: a.ledgerSeq.toString(),
    auto_recharge: { enabled: a.autoRecharge.enabled, ...amountJson('threshold', a.autoRecharge.thresholdMicros),
      ...amountJson('amount', a.autoRecharge.amountMicros), stopped_reason: a.autoRecharge.stoppedReason },
    created_at: a.createdAt.toISOString(),
  };
}

function entryJson(e: LedgerEntry) {
  return {
    id: e.id, account: e.accountId, seq: e.seq.toString(), kind: e.kind, ...amountJson('amount', e.amountMicros),
    ...amountJson('balance_after', e.balanceAfterMicros), idempotency_key: e.idempotencyKey, call_id: e.callId,
    reverses_entry_id: e.reversesEntryId, reason: e.reason, actor: e.actor, metadata: e.metadata, created_at: e.createdAt.toISOString(),
  };
}

function entryLine(e: LedgerEntry, currency: string): string {
  const what = e.kind === 'call_debit' ? `call ${e.callId}${e.metadata.destination ? ` to ${String(e.metadata.destination)}` : ''}`
    : e.kind === 'reversal' ? `reversal of #${e.reversesEntryId} by ${e.actor}: ${e.reason}` : `${e.kind}${e.actor ? ` by ${e.actor}` : ''}${e.metadata.simulated ? ' (SIMULATED)' : ''}`;
  return `#${e.id}  ${e.createdAt.toISOString()}  ${formatAmount(e.amountMicros, currency, 'en', 6).padStart(16)}  `
    + `balance ${formatAmount(e.balanceAfterMicros, currency, 'en')}  ${what}`;
}

const ACCOUNT_USAGE = `usage: solde account create <id> --name <name> [--currency EUR] [--language fr|en] [--max-calls 10] [--json]
       solde account card <id> <token> <last4> <brand>     put a card on file (simulator test cards: tok_sim_4242 approves,
                                                           tok_sim_0002 declines, tok_sim_9995 insufficient funds, tok_sim_0408 times out,
                                                           tok_sim_3155 needs authentication; with Stripe: a pm_... of the account's Customer)
       solde account show <id> [--json]`;

const account: Command = async (args, io) => {
  const p = parseArgs(args);
  const [sub, id, ...rest] = p.positional;
  if (sub === 'create' && id && p.options.has('name')) {
    return withFunds(io, async (funds) => {
      const language = p.options.get('language') as 'fr' | 'en' | undefined;
      const maxCalls = p.options.has('max-calls') ? Number(p.options.get('max-calls')) : undefined;
      const a = await funds.createAccount({ id, name: p.options.get('name')!, currency: p.options.get('currency'), language, maxConcurrentCalls: maxCalls });
      io.out(p.json ? JSON.stringify(accountJson(a)) : `created account ${a.id} (${a.name}, ${a.currency}, ${a.language})`);
      return EXIT_OK;
    });
  }
  if (sub === 'card' && id && rest.length === 3) {
    return withFunds(io, async (funds) => {
      const m = await funds.addPaymentMethod({ accountId: id, token: rest[0]!, last4: rest[1]!, brand: rest[2]! });
      io.out(p.json ? JSON.stringify({ account: id, last4: m.last4, brand: m.brand }) : `card ${m.brand} ending ${m.last4} is now on file for ${id}`);
      return EXIT_OK;
    });
  }
  if (sub === 'show' && id) {
    return withFunds(io, async (funds) => {
      const a = await funds.getAccount(id);
      if (!a) return notFound(io, id);
      io.out(p.json ? JSON.stringify(accountJson(a)) : `${a.id}: ${a.name}, ${a.currency}, ${a.language}, ${a.status}, balance ${formatAmount(a.balanceMicros, a.currency, 'en')}`);
      return EXIT_OK;
    });
  }
  io.err(ACCOUNT_USAGE);
  return EXIT_USAGE;
};

function notFound(io: CliIO, id: string): number {
  io.err(`solde: no account ${JSON.stringify(id)}; list them with: solde account show <id>, or create one with: solde account create`);
  return EXIT_FAILED;
}

const balance: Command = async (args, io) => {
  const p = parseArgs(args);
  const id = p.positional[0];
  if (!id || p.positional.length !== 1) {
    io.err('usage: solde balance <account> [--json]');
    return EXIT_USAGE;
  }
  return withFunds(io, async (funds) => {
    const a = await funds.getAccount(id);
    if (!a) return notFound(io, id);
    const v = await funds.balance(id);
    if (v.status !== 'ok') {
      io.err(`solde: balance of ${id} unavailable (${v.status}); is Redis running at SOLDE_REDIS_URL?`);
      return EXIT_FAILED;
    }
    if (p.json) {
      io.out(JSON.stringify({ account: id, currency: a.currency, ...amountJson('balance', v.balanceMicros), ...amountJson('held', v.heldMicros), ...amountJson('available', v.availableMicros) }));
    } else {
      const f = (m: Micros) => formatAmount(m, a.currency, 'en');
      io.out(`${id}: balance ${f(v.balanceMicros)}, held by calls ${f(v.heldMicros)}, available ${f(v.availableMicros)}`);
    }
    return EXIT_OK;
  });
};

const topup: Command = async (args, io) => {
  const p = parseArgs(args);
  const [id, amountText] = p.positional;
  if (!id || !amountText || p.positional.length !== 2) {
    io.err('usage: solde topup <account> <amount> [--request-id ID] [--actor NAME] [--json]   e.g. solde topup acme 20');
    return EXIT_USAGE;
  }
  return withFunds(io, async (funds) => {
    const requestId = p.options.get('request-id') ?? `cli-${randomUUID()}`;
    const { entry, created } = await funds.topUp({ accountId: id, amountMicros: parseAmount(amountText), requestId, actor: actor(p) });
    const a = (await funds.getAccount(id))!;
    if (p.json) io.out(JSON.stringify({ created, entry: entryJson(entry) }));
    else io.out(`${created ? 'added' : 'already added (same request id)'} ${formatAmount(entry.amountMicros, a.currency, 'en')} to ${id}: entry #${entry.id}, balance ${formatAmount(entry.balanceAfterMicros, a.currency, 'en')}${entry.metadata.simulated ? ' (SIMULATED: no card was charged)' : ''}`);
    return EXIT_OK;
  });
};

const reverse: Command = async (args, io) => {
  const p = parseArgs(args);
  const entryId = p.positional[0];
  const reason = p.options.get('reason');
  if (!entryId || p.positional.length !== 1 || !reason) {
    io.err('usage: solde reverse <entry> --reason "why" [--actor NAME] [--request-id ID] [--json]');
    return EXIT_USAGE;
  }
  return withFunds(io, async (funds) => {
    const requestId = p.options.get('request-id') ?? `cli-reverse-${entryId}`;
    const { entry, created } = await funds.reverse({ entryId, reason, actor: actor(p), requestId });
    if (p.json) io.out(JSON.stringify({ created, entry: entryJson(entry) }));
    else io.out(`${created ? 'reversed' : 'already reversed (same request id)'} entry #${entryId}: entry #${entry.id}, ${toDecimalString(entry.amountMicros)}`);
    return EXIT_OK;
  });
};

const autoRecharge: Command = async (args, io) => {
  const p = parseArgs(args);
  const [id, mode] = p.positional;
  const usage = 'usage: solde auto-recharge <account> [on --threshold 10 --amount 50 | off] [--json]';
  if (!id || (mode !== undefined && mode !== 'on' && mode !== 'off') || (mode === 'on' && (!p.options.has('threshold') || !p.options.has('amount')))) {
    io.err(usage);
    return EXIT_USAGE;
  }
  return withFunds(io, async (funds) => {
    let a = await funds.getAccount(id);
    if (!a) return notFound(io, id);
    if (mode === 'on') a = await funds.setAutoRecharge(id, { enabled: true, thresholdMicros: parseAmount(p.options.get('threshold')!), amountMicros: parseAmount(p.options.get('amount')!) });
    if (mode === 'off') a = await funds.setAutoRecharge(id, { enabled: false });
    const r = a.autoRecharge;
    if (p.json) io.out(JSON.stringify({ account: id, ...accountJson(a).auto_recharge }));
    else if (r.enabled) io.out(`${id}: auto-recharge on: adds ${formatAmount(r.amountMicros, a.currency, 'en')} when available falls under ${formatAmount(r.thresholdMicros, a.currency, 'en')}`);
    else io.out(`${id}: auto-recharge off${r.stoppedReason ? ` (stopped: ${r.stoppedReason})` : ''}`);
    return EXIT_OK;
  });
};

const ledger: Command = async (args, io) => {
  const p = parseArgs(args);
  const id = p.positional[0];
  if (!id || p.positional.length !== 1) {
    io.err('usage: solde ledger <account> [--limit 20] [--before <entry id>] [--json]');
    return EXIT_USAGE;
  }
  return withFunds(io, async (funds) => {
    const a = await funds.getAccount(id);
    if (!a) return notFound(io, id);
    const page = await funds.ledger(id, { limit: Number(p.options.get('limit') ?? 20), before: p.options.get('before') });
    if (p.json) {
      io.out(JSON.stringify({ account: id, currency: a.currency, entries: page.entries.map(entryJson), next_cursor: page.nextCursor }));
      return EXIT_OK;
    }
    for (const e of page.entries) io.out(entryLine(e, a.currency));
    if (page.entries.length === 0) io.out(`${id}: no ledger entries`);
    if (page.nextCursor) io.out(`older entries: solde ledger ${id} --before ${page.nextCursor}`);
    return EXIT_OK;
  });
};

const reconcileCommand: Command = async (args, io) => {
  const p = parseArgs(args);
  return withFunds(io, async (funds) => {
    const diffs = await funds.reconcile((line) => io.err(line));
    if (p.json) io.out(JSON.stringify({ differences: diffs }));
    else {
      for (const d of diffs) io.out(`${d.accountId}: ${d.what}: redis ${d.redis}; postgres ${d.postgres}; ${d.repaired ? 'repaired' : 'NOT repaired: needs a person'}`);
      io.out(diffs.length === 0 ? 'Redis and Postgres agree' : `${diffs.length} difference(s)`);
    }
    return diffs.every((d) => d.repaired) ? EXIT_OK : EXIT_FAILED;
  });
};

export const commands: Record<string, Command> = {
  account, balance, topup, reverse, 'auto-recharge': autoRecharge, ledger, reconcile: reconcileCommand,
};
