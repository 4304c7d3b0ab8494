// Operator commands of call control: which PBX addresses belong to which tenant (a tenant's calls are
// refused 403 until its PBX is registered), and the recent call records of an account. Postgres only
// (SOLDE_DATABASE_URL, migrated if needed). --json prints one JSON object on stdout. A running Solde picks
// up PBX changes within 30 s.
import { isIP } from 'node:net';
import type { Pool } from '../rating/db/pool';
import { parseArgs, withDatabase } from '../src/cli/args';
import { toDecimalString } from '../rating/money';
import { loadConfig } from '../src/config';
import { EXIT_FAILED, EXIT_OK, EXIT_USAGE, type CliIO, type Command } from '../src/cli/main';
import { addPbxSource } from './trust/pbx-sources';

const USAGE = `usage:
  solde pbx add <account> <address or network> [--label text]   trust a PBX (10.0.0.5, 192.0.2.0/28, 2001:db8::/64)
  solde pbx list [account]                                       registered PBX sources
  solde pbx remove <id>                                          stop trusting one
  solde calls <account> [--limit N]                              the account's latest call records`;

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

const pbx: Command = async (args, io) => {
  const { positional, options, json } = parseArgs(args);
  const [action, ...rest] = positional;
  if (action === 'add' && rest.length === 2) return pbxAdd(rest[0]!, rest[1]!, options.get('label') ?? '', json, io);
  if (action === 'list' && rest.length <= 1) return pbxList(rest[0], json, io);
  if (action === 'remove' && rest.length === 1 && /^\d{1,18}$/.test(rest[0]!)) return pbxRemove(rest[0]!, json, io);
  io.err(USAGE);
  return EXIT_USAGE;
};

function pbxAdd(accountId: string, network: string, label: string, json: boolean, io: CliIO): Promise<number> {
  if (!validNetwork(network)) {
    io.err(`solde pbx add: ${JSON.stringify(network)} is not an IP address or network (e.g. 192.0.2.10 or 192.0.2.0/28)`);
    return Promise.resolve(EXIT_USAGE);
  }
  return withPool(async (pool) => {
    try {
      await addPbxSource(pool, accountId, network, label.slice(0, 200));
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

const calls: Command = async (args, io) => {
  const { positional, options, json } = parseArgs(args);
  const limit = Number(options.get('limit') ?? 20);
  if (positional.length !== 1 || !Number.isInteger(limit) || limit < 1 || limit > MAX_LIST) {
    io.err(USAGE);
    return EXIT_USAGE;
  }
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
};

export const commands: Record<string, Command> = { pbx, calls };
