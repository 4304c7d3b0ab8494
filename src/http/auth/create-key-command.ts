// Issuing an API key from the command line (scripts/create-api-key.ts): the way to get the first operator
// key of a fresh installation, before any key exists to call POST /api/v1/keys with.
import { parseArgs } from 'node:util';
import type { Pool } from '../../../rating/db/pool';
import { getAccount } from '../../../rating/funds/accounts';
import { ApiKeyStore, ROLES, type Role } from './api-keys';

export const CREATE_KEY_USAGE = `usage: node --import tsx scripts/create-api-key.ts --role operator|support|account-admin --label TEXT [--account ID]
  Prints the new key once, on standard output; only its SHA-256 digest is stored.`;

export interface CommandIO {
  out(line: string): void;
  err(line: string): void;
}

/** Exit code: 0 key printed, 1 refused (unknown account), 2 bad usage. */
export async function createKeyCommand(pool: Pool, argv: string[], io: CommandIO): Promise<number> {
  let values: { role?: string; label?: string; account?: string };
  try {
    ({ values } = parseArgs({ args: argv, options: { role: { type: 'string' }, label: { type: 'string' }, account: { type: 'string' } } }));
  } catch (error) {
    io.err(`${(error as Error).message}\n${CREATE_KEY_USAGE}`);
    return 2;
  }
  const role = values.role as Role | undefined;
  if (!role || !ROLES.includes(role) || !values.label || values.label.length > 200) {
    io.err(CREATE_KEY_USAGE);
    return 2;
  }
  const accountId = values.account ?? null;
  if ((role === 'account-admin') !== (accountId !== null)) {
    io.err(`an account-admin key needs --account; support and operator keys take none\n${CREATE_KEY_USAGE}`);
    return 2;
  }
  if (accountId !== null && !(await getAccount(pool, accountId))) {
    io.err(`no account ${JSON.stringify(accountId)}: create it first (POST /api/v1/accounts with an operator key)`);
    return 1;
  }
  const key = await new ApiKeyStore(pool).create({ role, accountId, label: values.label });
  io.err(`created ${role} key #${key.keyId} (${values.label}); it is shown once, below: store it now`);
  io.out(key.secret);
  return 0;
}
