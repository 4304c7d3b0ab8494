// Operator commands for money: balance, topup, reverse, auto-recharge, ledger, reconcile, and `funds`
// (settlement-commands.ts). Each connects to Postgres and Redis for one command (funds-cli.ts). --json prints one JSON object on stdout; amounts
// are exact decimal strings plus their integer micro-units; readable amounts are in currency units.
import { randomUUID } from 'node:crypto';
import { formatAmount, type Micros } from '../../rating/money';
import type { LedgerEntry } from '../../rating/funds/ledger';
import { isSoldeError } from '../../core/errors';
import { command, EXIT_FAILED, EXIT_OK, usageError, type CliIO, type Command } from './command';
import { accountJson, actor, amountJson, entryJson, exactAmount, notFound, operatorAmount, withFunds } from './funds-cli';
import { funds } from './settlement-commands';

const MAX_LEDGER_PAGE = 1000;

const ACCOUNT_ARG = { min: 1, max: 1 } as const;
const ACTOR = { type: 'string', value: 'NAME', description: 'who did it, kept in the ledger (default: cli:<your user name>)' } as const;

const balance: Command = command({ usage: 'solde balance <account>', summary: 'balance, held by calls, and available', positionals: ACCOUNT_ARG },
  async (p, io) => withFunds(io, async ({ funds }) => {
    const id = p.positional[0]!;
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
  }));

const topup: Command = command({
  usage: 'solde topup <account> <amount>', summary: 'add one of the predefined amounts (SOLDE_TOPUP_AMOUNTS), charged to the card on file',
  positionals: { min: 2, max: 2 },
  options: {
    'request-id': { type: 'string', value: 'ID', description: 'idempotency key: the same id never charges twice (default: a new one)' },
    actor: ACTOR,
  },
  notes: ['e.g. solde topup acme 20'],
}, async (p, io) => withFunds(io, async ({ funds, config }) => {
  const [id, amountText] = p.positional as [string, string];
  const amount = operatorAmount(amountText, config.topupAmountsMicros, 'a top-up');
  if ('problem' in amount) return refuse(io, 'topup', amount);
  const requestId = p.options.get('request-id') ?? `cli-${randomUUID()}`;
  const { entry, created } = await funds.topUp({ accountId: id, amountMicros: amount.micros, requestId, actor: actor(p) });
  const a = (await funds.getAccount(id))!;
  if (p.json) io.out(JSON.stringify({ created, entry: entryJson(entry) }));
  else io.out(`${created ? 'added' : 'already added (same request id)'} ${formatAmount(entry.amountMicros, a.currency, 'en')} to ${id}: entry #${entry.id}, balance ${formatAmount(entry.balanceAfterMicros, a.currency, 'en')}${entry.metadata.simulated ? ' (SIMULATED: no card was charged)' : ''}`);
  return EXIT_OK;
}));

function refuse(io: CliIO, name: string, why: { problem: string; exit: number }): number {
  io.err(`solde ${name}: ${why.problem}`);
  return why.exit;
}

const REVERSE = {
  usage: 'solde reverse <entry>', summary: 'reverse a top-up (support), if its money is still there', positionals: { min: 1, max: 1 },
  options: {
    reason: { type: 'string', value: 'TEXT', description: 'why, kept in the ledger and shown to the customer (required)' },
    actor: ACTOR,
    'request-id': { type: 'string', value: 'ID', description: 'idempotency key for a script that may retry (default: a new one, so a second reversal is refused)' },
  },
} as const;

const reverse: Command = command(REVERSE, async (p, io) => {
  const entryId = p.positional[0]!;
  const reason = p.options.get('reason');
  if (!reason) return usageError(REVERSE, io, '--reason is required');
  return withFunds(io, async ({ funds }) => {
    const requestId = p.options.get('request-id') ?? `cli-reverse-${randomUUID()}`;
    let result: { entry: LedgerEntry; created: boolean };
    try {
      result = await funds.reverse({ entryId, reason, actor: actor(p), requestId });
    } catch (error) {
      if (!isSoldeError(error, 'ALREADY_REVERSED')) throw error;
      io.err(`solde reverse: entry #${entryId} was already reversed; nothing changed (see the reversal in: solde ledger <account>)`);
      return EXIT_FAILED;
    }
    const { entry, created } = result;
    if (p.json) io.out(JSON.stringify({ created, entry: entryJson(entry) }));
    else io.out(`${created ? 'reversed' : `already done by request id ${requestId}: reversed`} entry #${entryId}: entry #${entry.id}, ${exactAmount(entry.amountMicros, (await funds.getAccount(entry.accountId))!.currency)}`);
    return EXIT_OK;
  });
});

const AUTO_RECHARGE = {
  usage: 'solde auto-recharge <account> [on|off]', summary: 'show or change auto-recharge', positionals: { min: 1, max: 2 },
  options: {
    threshold: { type: 'string', value: 'AMOUNT', description: 'with on: recharge when the available balance falls under it (SOLDE_RECHARGE_THRESHOLDS)' },
    amount: { type: 'string', value: 'AMOUNT', description: 'with on: the amount added (one of SOLDE_TOPUP_AMOUNTS)' },
  },
  notes: ['e.g. solde auto-recharge acme on --threshold 10 --amount 50'],
} as const;

const autoRecharge: Command = command(AUTO_RECHARGE, async (p, io) => {
  const [id, mode] = p.positional as [string, string | undefined];
  if (mode !== undefined && mode !== 'on' && mode !== 'off') return usageError(AUTO_RECHARGE, io, `on or off, not ${JSON.stringify(mode)}`);
  const thresholdText = p.options.get('threshold');
  const amountText = p.options.get('amount');
  if (mode === 'on' && (!thresholdText || !amountText)) return usageError(AUTO_RECHARGE, io, 'on needs --threshold and --amount');
  return withFunds(io, async ({ funds, config }) => {
    let a = await funds.getAccount(id);
    if (!a) return notFound(io, id);
    if (mode === 'on') {
      const threshold = operatorAmount(thresholdText!, config.rechargeThresholdsMicros, 'a threshold');
      if ('problem' in threshold) return refuse(io, 'auto-recharge', threshold);
      const amount = operatorAmount(amountText!, config.topupAmountsMicros, 'an amount');
      if ('problem' in amount) return refuse(io, 'auto-recharge', amount);
      a = await funds.setAutoRecharge(id, { enabled: true, thresholdMicros: threshold.micros, amountMicros: amount.micros });
    }
    if (mode === 'off') a = await funds.setAutoRecharge(id, { enabled: false });
    const r = a.autoRecharge;
    if (p.json) io.out(JSON.stringify({ account: id, ...accountJson(a).auto_recharge }));
    else if (r.enabled) io.out(`${id}: auto-recharge on: adds ${formatAmount(r.amountMicros, a.currency, 'en')} when available falls under ${formatAmount(r.thresholdMicros, a.currency, 'en')}`);
    else io.out(`${id}: auto-recharge off${r.stoppedReason ? ` (stopped: ${r.stoppedReason})` : ''}`);
    return EXIT_OK;
  });
});

function entryLine(e: LedgerEntry, currency: string): string {
  const what = e.kind === 'call_debit' ? `call ${e.callId}${e.metadata.destination ? ` to ${String(e.metadata.destination)}` : ''}`
    : e.kind === 'reversal' ? `reversal of #${e.reversesEntryId} by ${e.actor}: ${e.reason}` : `${e.kind}${e.actor ? ` by ${e.actor}` : ''}${e.metadata.simulated ? ' (SIMULATED)' : ''}`;
  return `#${e.id}  ${e.createdAt.toISOString()}  ${exactAmount(e.amountMicros, currency).padStart(12)}  `
    + `balance ${formatAmount(e.balanceAfterMicros, currency, 'en')}  ${what}`;
}

const LEDGER = {
  usage: 'solde ledger <account>', summary: 'ledger entries, newest first', positionals: ACCOUNT_ARG,
  options: {
    limit: { type: 'string', value: 'N', description: `at most N entries (1 to ${MAX_LEDGER_PAGE}, default 20)` },
    before: { type: 'string', value: 'ENTRY', description: 'entries older than this entry id (the next page)' },
  },
} as const;

const ledger: Command = command(LEDGER, async (p, io) => {
  const id = p.positional[0]!;
  const limit = Number(p.options.get('limit') ?? 20);
  if (!Number.isInteger(limit) || limit < 1 || limit > MAX_LEDGER_PAGE) return usageError(LEDGER, io, `--limit is 1 to ${MAX_LEDGER_PAGE}`);
  return withFunds(io, async ({ funds }) => {
    const a = await funds.getAccount(id);
    if (!a) return notFound(io, id);
    const page = await funds.ledger(id, { limit, before: p.options.get('before') });
    if (p.json) {
      io.out(JSON.stringify({ account: id, currency: a.currency, entries: page.entries.map(entryJson), next_cursor: page.nextCursor }));
      return EXIT_OK;
    }
    for (const e of page.entries) io.out(entryLine(e, a.currency));
    if (page.entries.length === 0) io.out(`${id}: no ledger entries`);
    if (page.nextCursor) io.out(`older entries: solde ledger ${id} --before ${page.nextCursor}`);
    return EXIT_OK;
  });
});

const reconcile: Command = command({ usage: 'solde reconcile', summary: 'compare Redis with Postgres and repair Redis', positionals: { min: 0, max: 0 } },
  async (p, io) => withFunds(io, async ({ funds }) => {
    const diffs = await funds.reconcile((line) => io.err(line));
    if (p.json) io.out(JSON.stringify({ differences: diffs }));
    else {
      for (const d of diffs) io.out(`${d.accountId}: ${d.what}: redis ${d.redis}; postgres ${d.postgres}; ${d.repaired ? 'repaired' : 'NOT repaired: needs a person'}`);
      io.out(diffs.length === 0 ? 'Redis and Postgres agree' : `${diffs.length} difference(s)`);
    }
    return diffs.every((d) => d.repaired) ? EXIT_OK : EXIT_FAILED;
  }));

export const commands: Record<string, Command> = {
  balance, topup, reverse, 'auto-recharge': autoRecharge, ledger, reconcile, funds,
};
