// What every `solde` command module shares: argument parsing and a migrated database for one command.
import type { Config } from '../config';
import type { Pool } from '../../rating/db/pool';
import { openDatabase } from '../../rating/db/open';

export interface ParsedArgs {
  readonly positional: string[];
  /** `--name value` options. */
  readonly options: Map<string, string>;
  /** The flag --json: print one JSON object. */
  readonly json: boolean;
}

/** `--name value` options and the flag --json; everything else is positional. */
export function parseArgs(args: readonly string[]): ParsedArgs {
  const positional: string[] = [];
  const options = new Map<string, string>();
  for (let i = 0; i < args.length; i += 1) {
    const arg = args[i]!;
    if (arg === '--json') continue;
    if (arg.startsWith('--') && i + 1 < args.length) options.set(arg.slice(2), args[++i]!);
    else positional.push(arg);
  }
  return { positional, options, json: args.includes('--json') };
}

/**
 * Runs one command against the configured database, created and migrated first so that every command
 * works on a fresh machine; the pool is closed afterwards whatever happens.
 */
export async function withDatabase<T>(config: Config, work: (pool: Pool) => Promise<T>, connections = 2): Promise<T> {
  const { pool } = await openDatabase(config, { poolSize: connections });
  try {
    return await work(pool);
  } finally {
    await pool.end();
  }
}
