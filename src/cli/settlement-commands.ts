// `solde funds pending-settlements`: the calls whose settle is not finished, so the operator sees any that
// a Redis or Postgres outage left behind. Two places (rating/funds/settlements.ts): this machine's local
// journal (SOLDE_STATE_DIR; read, never changed: the running server owns it) and Postgres'
// pending_settlements (charged in the ledger, the Redis settle that frees the hold not run yet). The journal
// is read first, so it is listed even while Postgres is down.
import { toDecimalString } from '../../rating/money';
import { readJournal, type PendingSettle } from '../../rating/funds/settlement-journal';
import { listPendingSettlements } from '../../rating/funds/pending-settlements';
import { loadConfig } from '../config';
import { command, EXIT_FAILED, EXIT_OK, group, usageError, type Command } from './command';
import { withDatabase } from './database';
import { amountJson } from './funds-cli';

const MAX_LIMIT = 10_000;

const PENDING = {
  usage: 'solde funds pending-settlements', summary: 'calls whose settle is not finished (local journal, or waiting for Redis)', positionals: { min: 0, max: 0 },
  options: { limit: { type: 'string', value: 'N', description: `at most N of each stage (1 to ${MAX_LIMIT}, default 1000)` } },
  notes: ['stage journal: kept in this machine\'s SOLDE_STATE_DIR, not charged yet (Redis and Postgres were both down)',
    'stage redis: charged in the ledger; the call\'s hold in Redis is freed when its Redis settle runs',
    'exit status: 0 nothing pending, 1 something pending or Postgres unreachable'],
} as const;

type Stage = 'journal' | 'redis';

const pendingSettlements: Command = command(PENDING, async (p, io) => {
  const limit = Number(p.options.get('limit') ?? 1000);
  if (!Number.isInteger(limit) || limit < 1 || limit > MAX_LIMIT) return usageError(PENDING, io, `--limit is 1 to ${MAX_LIMIT}`);
  const config = loadConfig();
  const journal = (await readJournal(config.stateDir)).entries.slice(0, limit);
  let rows: PendingSettle[] = [];
  let postgres: string = 'ok';
  try {
    rows = await withDatabase(config, (pool) => listPendingSettlements(pool, limit));
  } catch (error) {
    postgres = `unreachable (${(error as Error).message})`;
  }
  const nowMs = Date.now();
  const listed = [...journal.map((s) => ({ stage: 'journal' as Stage, s })), ...rows.map((s) => ({ stage: 'redis' as Stage, s }))];
  if (p.json) {
    io.out(JSON.stringify({
      postgres, journal: config.stateDir,
      pending: listed.map(({ stage, s }) => ({ stage, account: s.accountId, call: s.callId, ...amountJson('amount', s.finalMicros), since: new Date(s.atMs).toISOString(), age_seconds: Math.max(0, Math.floor((nowMs - s.atMs) / 1000)) })),
    }));
  } else {
    for (const { stage, s } of listed) io.out(`${stage.padEnd(7)}  ${s.accountId}  call ${s.callId}  amount ${toDecimalString(s.finalMicros)}  age ${age(nowMs - s.atMs)}`);
    if (postgres !== 'ok') io.err(`solde funds pending-settlements: Postgres ${postgres}: only the local journal is listed`);
    else if (listed.length === 0) io.out('nothing pending');
    else io.out(`${listed.length} pending settlement(s)`);
  }
  return listed.length === 0 && postgres === 'ok' ? EXIT_OK : EXIT_FAILED;
});

function age(ms: number): string {
  const seconds = Math.max(0, Math.floor(ms / 1000));
  if (seconds < 120) return `${seconds} s`;
  if (seconds < 7200) return `${Math.floor(seconds / 60)} min`;
  return `${Math.floor(seconds / 3600)} h`;
}

export const funds: Command = group('solde funds', 'the funds engine\'s own state', { 'pending-settlements': pendingSettlements });
