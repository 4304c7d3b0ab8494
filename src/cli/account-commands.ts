// Operator commands for tenants: solde account create|list|show|card. Each connects to Postgres
// (SOLDE_DATABASE_URL, migrated if needed) and Redis (SOLDE_REDIS_URL, keys under SOLDE_REDIS_PREFIX), and
// closes both before returning. --json prints one JSON object on stdout; amounts are exact decimal
// strings plus their integer micro-units.
import { formatAmount } from '../../rating/money';
import { getAccount, listAccountIds, type Account } from '../../rating/funds/accounts';
import { SPOKEN_CURRENCIES } from '../../sip/announce/speech/currencies';
import { isSoldeError } from '../../core/errors';
import { command, EXIT_FAILED, EXIT_OK, group, usageError, type CliIO, type Command } from './command';
import { accountJson, notFound, withFunds, type FundsCli } from './funds-cli';

const MAX_LIST = 1000;

const CREATE = {
  usage: 'solde account create <id>', summary: 'create a prepaid account (a tenant)', positionals: { min: 1, max: 1 },
  options: {
    name: { type: 'string', value: 'NAME', description: 'the business name shown in the portal (required)' },
    currency: { type: 'string', value: 'CODE', description: `currency of the balance, one the announcements can say: ${SPOKEN_CURRENCIES.join(', ')} (default: SOLDE_CURRENCY)` },
    language: { type: 'string', value: 'fr|en', description: 'language of the announcements and the portal (default: fr)' },
    'max-calls': { type: 'string', value: 'N', description: 'most calls at once (default: 10)' },
  },
  notes: ['e.g. solde account create acme --name "Acme"'],
} as const;

const create: Command = command(CREATE, async (p, io) => {
  const [id] = p.positional as [string];
  const name = p.options.get('name');
  if (!name) return usageError(CREATE, io, '--name is required');
  const language = p.options.get('language');
  if (language !== undefined && language !== 'fr' && language !== 'en') return usageError(CREATE, io, `--language is fr or en, not ${JSON.stringify(language)}`);
  const maxCallsText = p.options.get('max-calls');
  if (maxCallsText !== undefined && !/^\d{1,6}$/.test(maxCallsText)) return usageError(CREATE, io, `--max-calls is a whole number, not ${JSON.stringify(maxCallsText)}`);
  return withFunds(io, async ({ funds, config }) => {
    const currency = p.options.get('currency') ?? config.currency;
    // A balance the announcements cannot say would leave its callers without the amount before each call.
    if (!SPOKEN_CURRENCIES.includes(currency)) {
      io.err(`solde account create: the announcements cannot say amounts in ${currency}; an account's currency is one of ${SPOKEN_CURRENCIES.join(', ')}`);
      return EXIT_FAILED;
    }
    const existing = await funds.getAccount(id);
    if (existing) return alreadyExists(io, existing);
    let a: Account;
    try {
      a = await funds.createAccount({ id, name, currency, language, maxConcurrentCalls: maxCallsText === undefined ? undefined : Number(maxCallsText) });
    } catch (error) {
      // Created by someone else between the look-up and the insert: the same answer.
      const raced = isSoldeError(error, 'IDEMPOTENCY_CONFLICT') ? await funds.getAccount(id) : undefined;
      if (raced) return alreadyExists(io, raced);
      throw error;
    }
    io.out(p.json ? JSON.stringify(accountJson(a)) : `created account ${a.id} (${a.name}, ${a.currency}, ${a.language})`);
    return EXIT_OK;
  });
});

function alreadyExists(io: CliIO, a: Account): number {
  io.err(`solde account create: account ${a.id} already exists (${a.name}, ${a.currency}, ${a.language}); nothing changed. See it with: solde account show ${a.id}`);
  return EXIT_FAILED;
}

const CARD = {
  usage: 'solde account card <id> <token> <last4> <brand>', summary: 'put a card on file (replaces the previous one)', positionals: { min: 4, max: 4 },
  notes: ['simulator test cards: tok_sim_4242 approves, tok_sim_0002 declines, tok_sim_9995 insufficient funds, tok_sim_0408 times out, tok_sim_3155 needs authentication; with Stripe: a pm_... of the account\'s Customer'],
} as const;

const card: Command = command(CARD, async (p, io) => {
  const [id, token, last4, brand] = p.positional as [string, string, string, string];
  return withFunds(io, async ({ funds }) => {
    const m = await funds.addPaymentMethod({ accountId: id, token, last4, brand });
    io.out(p.json ? JSON.stringify({ account: id, last4: m.last4, brand: m.brand }) : `card ${m.brand} ending ${m.last4} is now on file for ${id}`);
    return EXIT_OK;
  });
});

const show: Command = command({ usage: 'solde account show <id>', summary: 'one account: name, currency, language, status, balance', positionals: { min: 1, max: 1 } },
  async (p, io) => withFunds(io, async ({ funds }) => {
    const id = p.positional[0]!;
    const a = await funds.getAccount(id);
    if (!a) return notFound(io, id);
    io.out(p.json ? JSON.stringify(accountJson(a)) : accountLine(a));
    return EXIT_OK;
  }));

function accountLine(a: Account): string {
  return `${a.id}: ${a.name}, ${a.currency}, ${a.language}, ${a.status}, balance ${formatAmount(a.balanceMicros, a.currency, 'en')}`;
}

const LIST = {
  usage: 'solde account list', summary: 'every account, by id', positionals: { min: 0, max: 0 },
  options: {
    limit: { type: 'string', value: 'N', description: `at most N accounts (1 to ${MAX_LIST}, default 100)` },
    after: { type: 'string', value: 'ID', description: 'start after this account id (the next page)' },
  },
} as const;

const list: Command = command(LIST, async (p, io) => {
  const limit = Number(p.options.get('limit') ?? 100);
  if (!Number.isInteger(limit) || limit < 1 || limit > MAX_LIST) return usageError(LIST, io, `--limit is 1 to ${MAX_LIST}`);
  return withFunds(io, async (cli) => {
    const accounts = await listAccounts(cli, p.options.get('after') ?? '', limit);
    const next = accounts.length === limit ? accounts[accounts.length - 1]!.id : null;
    if (p.json) io.out(JSON.stringify({ accounts: accounts.map(accountJson), next_after: next }));
    else {
      for (const a of accounts) io.out(accountLine(a));
      if (accounts.length === 0) io.out('no accounts: create one with solde account create <id> --name <name>');
      if (next) io.out(`more: solde account list --after ${next}`);
    }
    return EXIT_OK;
  });
});

async function listAccounts({ pool }: FundsCli, afterId: string, limit: number): Promise<Account[]> {
  const accounts: Account[] = [];
  for (const id of await listAccountIds(pool, afterId, limit)) {
    const a = await getAccount(pool, id);
    if (a) accounts.push(a);
  }
  return accounts;
}

export const commands: Record<string, Command> = {
  account: group('solde account', 'create, list and show prepaid accounts; put a card on file', { create, list, show, card }),
};
