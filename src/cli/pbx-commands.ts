// Operator commands of call control: which PBX addresses belong to which tenant (a tenant's calls are
// refused 403 until its PBX is registered), and the recent call records of an account. Postgres only
// (SOLDE_DATABASE_URL, migrated if needed). --json prints one JSON object on stdout. A running Solde picks
// up PBX changes within 30 s.
import { isIP } from 'node:net';
import type { Pool } from '../../rating/db/pool';
import { withDatabase } from './database';
import { toDecimalString } from '../../rating/money';
import { loadConfig } from '../config';
import { command, EXIT_FAILED, EXIT_OK, EXIT_USAGE, group, usageError, type CliIO, type Command } from './command';
import { addPbxSource } from '../../sip/trust/pbx-sources';
import { networkSize } from '../../sip/trust/network-size';

const MAX_LIST = 1000;

function withPool(work: (pool: Pool) => Promise<number>): Promise<number> {
  return withDatabase(loadConfig(), work);
}

/** "10.0.0.5" or "10.0.0.0/24" or an IPv6 network, with a sane prefix length. */
export function validNetwork(text: string): boolean {
  const [address, length, extra] = text.split('/');
  if (extra !== undefined || !address) return false;
  const family = isIP(address);
  if (family === 0) return false;
  if (length === undefined) return true;
  return /^\d{1,3}$/.test(length) && Number(length) <= (family === 4 ? 32 : 128);
}

const ADD = {
  usage: 'solde pbx add <account> <address or network>', summary: 'trust a PBX: calls from it are charged to the account (10.0.0.5, 192.0.2.0/28, 2001:db8::/64)',
  positionals: { min: 2, max: 2 },
  options: {
    label: { type: 'string', value: 'TEXT', description: 'a note for people, e.g. "main office"' },
    force: { type: 'boolean', description: 'trust a network wider than an IPv4 /16 or an IPv6 /48 (refused without it)' },
  },
  notes: ['A network wider than an IPv4 /24 or an IPv6 /64 is trusted with a warning: every address in it may call on the account.'],
} as const;

const add: Command = command(ADD, async ({ positional, options, flags, json }, io) => {
  const [accountId, network] = positional as [string, string];
  if (!validNetwork(network)) {
    io.err(`solde pbx add: ${JSON.stringify(network)} is not an IP address or network (e.g. 192.0.2.10 or 192.0.2.0/28)`);
    return EXIT_USAGE;
  }
  const size = networkSize(network);
  if (size.verdict === 'refuse' && !flags.has('force')) {
    io.err(`solde pbx add: ${network} is ${size.description}: every one of them could call on ${accountId}'s money. `
      + 'Register the PBX\'s own address or a small network; if you really mean it, add --force.');
    return EXIT_FAILED;
  }
  if (size.verdict !== 'ok') io.err(`solde pbx add: warning: ${network} is ${size.description}; each of them may call on ${accountId}'s money`);
  return pbxAdd(accountId, network, (options.get('label') ?? '').slice(0, 200), json, io);
});

function pbxAdd(accountId: string, network: string, label: string, json: boolean, io: CliIO): Promise<number> {
  return withPool(async (pool) => {
    try {
      await addPbxSource(pool, accountId, network, label);
    } catch (error) {
      const code = (error as { code?: string }).code;
      const why = code === '23503' ? `no account ${JSON.stringify(accountId)} (create it first: solde account create)`
        : code === '23P01' ? `${network} overlaps a PBX already registered (see: solde pbx list)`
          : code === '22P02' ? `${network} has bits set after its prefix length (use the network address)` : undefined;
      if (!why) throw error;
      io.err(`solde pbx add: ${why}`);
      return EXIT_FAILED;
    }
    if (json) io.out(JSON.stringify({ account_id: accountId, address: network, label }));
    else io.out(`${accountId}: PBX ${network} trusted (a running Solde picks it up within 30 s)`);
    return EXIT_OK;
  });
}

const list: Command = command({ usage: 'solde pbx list [account]', summary: 'registered PBX sources (of one account, or all)', positionals: { min: 0, max: 1 } },
  async ({ positional, json }, io) => pbxList(positional[0], json, io));

function pbxList(accountId: string | undefined, json: boolean, io: CliIO): Promise<number> {
  return withPool(async (pool) => {
    const { rows } = await pool.query<{ id: string; account_id: string; address: string; label: string }>(
      `SELECT id::text, account_id, address::text AS address, label FROM pbx_sources
        WHERE $1::text IS NULL OR account_id = $1 ORDER BY account_id, address LIMIT ${MAX_LIST}`, [accountId ?? null]);
    if (json) io.out(JSON.stringify({ sources: rows }));
    else if (rows.length === 0) io.out('no PBX registered');
    else for (const row of rows) io.out(`${row.id}\t${row.account_id}\t${row.address}\t${row.label}`);
    return EXIT_OK;
  });
}

const REMOVE = { usage: 'solde pbx remove <id>', summary: 'stop trusting a PBX source (its id: see solde pbx list)', positionals: { min: 1, max: 1 } } as const;

const remove: Command = command(REMOVE, async ({ positional, json }, io) => {
  const id = positional[0]!;
  if (!/^\d{1,18}$/.test(id)) return usageError(REMOVE, io, `${JSON.stringify(id)} is not a PBX source id (see: solde pbx list)`);
  return pbxRemove(id, json, io);
});

function pbxRemove(id: string, json: boolean, io: CliIO): Promise<number> {
  return withPool(async (pool) => {
    const { rowCount } = await pool.query('DELETE FROM pbx_sources WHERE id = $1', [id]);
    if (rowCount === 0) {
      io.err(`solde pbx remove: no PBX source ${id} (see: solde pbx list)`);
      return EXIT_FAILED;
    }
    if (json) io.out(JSON.stringify({ removed: id }));
    else io.out(`PBX source ${id} removed (a running Solde stops trusting it within 30 s)`);
    return EXIT_OK;
  });
}

interface CallRow {
  call_id: string; extension: string; class: string; dialled: string; e164: string | null; started_at: Date;
  talk_ms: string; billed_seconds: number; cost_micros: string; ending_reason: string; sip_status: number; settle_status: string;
}

const CALLS = {
  usage: 'solde calls <account>', summary: "the account's latest call records, newest first", positionals: { min: 1, max: 1 },
  options: { limit: { type: 'string', value: 'N', description: `at most N records (1 to ${MAX_LIST}, default 20)` } },
} as const;

const calls: Command = command(CALLS, async ({ positional, options, json }, io) => {
  const limit = Number(options.get('limit') ?? 20);
  if (!Number.isInteger(limit) || limit < 1 || limit > MAX_LIST) return usageError(CALLS, io, `--limit is 1 to ${MAX_LIST}`);
  return withPool(async (pool) => {
    const { rows } = await pool.query<CallRow>(
      `SELECT call_id, extension, class, dialled, e164, started_at, talk_ms::text AS talk_ms, billed_seconds,
              cost_micros::text AS cost_micros, ending_reason, sip_status, settle_status
         FROM call_records WHERE account_id = $1 ORDER BY started_at DESC LIMIT $2`, [positional[0], limit]);
    const records = rows.map((row) => ({ ...row, cost: toDecimalString(BigInt(row.cost_micros)) }));
    if (json) io.out(JSON.stringify({ calls: records }));
    else if (records.length === 0) io.out('no calls');
    else for (const r of records) {
      io.out(`${r.started_at.toISOString()}  ${r.extension} -> ${r.e164 ?? r.dialled}  ${r.class}  ${r.billed_seconds}s  ${r.cost}  ${r.ending_reason} (${r.sip_status})`);
    }
    return EXIT_OK;
  });
});

export const commands: Record<string, Command> = {
  pbx: group('solde pbx', "which PBX addresses belong to which tenant (a tenant's calls are refused until its PBX is registered)", { add, list, remove }),
  calls,
};
