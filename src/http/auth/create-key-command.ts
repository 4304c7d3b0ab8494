// Issuing an API key from the command line (scripts/create-api-key.ts): the way to get the first operator
// key of a fresh installation, before any key exists to call POST /api/v1/keys with, and the way an
// operator gives a tenant's account admin the key that signs in to the portal.
import type { Pool } from '../../../rating/db/pool';
import { getAccount } from '../../../rating/funds/accounts';
import { parseCommand, usageError, type ArgsIO, type CommandSpec } from '../../cli/args';
import { ApiKeyStore, ROLES, type Role } from './api-keys';

export const CREATE_KEY_SPEC: CommandSpec = {
  usage: 'node --import tsx scripts/create-api-key.ts --role operator|support|account-admin --label TEXT [--account ID]',
  name: 'node --import tsx scripts/create-api-key.ts',
  summary: 'Issues an API key and prints it once, on standard output; only its SHA-256 digest is stored.',
  positionals: { min: 0, max: 0 },
  json: false,
  options: {
    role: { type: 'string', value: 'ROLE', description: 'operator (everything), support (read, reverse top-ups) or account-admin (one tenant: the portal)' },
    label: { type: 'string', value: 'TEXT', description: 'who holds the key, up to 200 characters (required)' },
    account: { type: 'string', value: 'ID', description: 'the tenant of an account-admin key (required for that role only)' },
  },
  notes: [
    'e.g. the first operator key:            --role operator --label "first operator"',
    '     the portal key of a tenant\'s admin: --role account-admin --account acme --label "Acme office manager"',
    'exit status: 0 key printed, 1 refused (unknown account), 2 bad usage',
  ],
};

export type CommandIO = ArgsIO;

export interface KeyRequest {
  readonly role: Role;
  readonly label: string;
  readonly accountId: string | null;
}

/** The request, or the exit status once --help (0) or a usage error (2) was printed. Needs no database. */
export function parseCreateKeyArgs(argv: readonly string[], io: CommandIO): KeyRequest | number {
  const parsed = parseCommand(CREATE_KEY_SPEC, argv, io);
  if (typeof parsed === 'number') return parsed;
  const role = parsed.options.get('role') as Role | undefined;
  const label = parsed.options.get('label');
  if (!role || !ROLES.includes(role)) return usageError(CREATE_KEY_SPEC, io, `--role is one of ${ROLES.join(', ')}`);
  if (!label || label.length > 200) return usageError(CREATE_KEY_SPEC, io, '--label of 1 to 200 characters is required');
  const accountId = parsed.options.get('account') ?? null;
  if ((role === 'account-admin') !== (accountId !== null)) {
    return usageError(CREATE_KEY_SPEC, io, 'an account-admin key needs --account; support and operator keys take none');
  }
  return { role, label, accountId };
}

/** Exit code: 0 key printed, 1 refused (unknown account), 2 bad usage. */
export async function createKeyCommand(pool: Pool, argv: string[], io: CommandIO): Promise<number> {
  const request = parseCreateKeyArgs(argv, io);
  return typeof request === 'number' ? request : issueKey(pool, request, io);
}

export async function issueKey(pool: Pool, { role, label, accountId }: KeyRequest, io: CommandIO): Promise<number> {
  if (accountId !== null && !(await getAccount(pool, accountId))) {
    io.err(`no account ${JSON.stringify(accountId)}: create it first (solde account create ${accountId} --name ..., or POST /api/v1/accounts with an operator key)`);
    return 1;
  }
  const key = await new ApiKeyStore(pool).create({ role, accountId, label });
  io.err(`created ${role} key #${key.keyId} (${label}); it is shown once, below: store it now`);
  io.out(key.secret);
  return 0;
}
