// The `solde` operator command line: a thin dispatcher. Each area keeps its commands in its own file.
export interface CliIO {
  out(line: string): void;
  err(line: string): void;
}

/** A command returns its exit code: 0 ok, 1 an expected failure (no rate, refused), 2 bad usage. */
export type Command = (args: string[], io: CliIO) => Promise<number>;

export const EXIT_OK = 0;
export const EXIT_FAILED = 1;
export const EXIT_USAGE = 2;

const MODULES: Record<string, () => Promise<{ commands: Record<string, Command> }>> = {
  classify: () => import('./classify-commands'),
  tariffs: () => import('./tariff-commands'),
  accounts: () => import('./account-commands'),
  announcements: () => import('../../sip/announce/cli'),
  sip: () => import('../../sip/cli'),
};

const HELP = `usage: solde <command> [arguments] [--json]

rating:
  classify <number>            class of a dialled number (EMERGENCY, INCLUDED, PREMIUM, ...)
  rate <number>                the tariff that applies to a number
  rates <country>              every rate of a country (ISO code such as MA or a name)
  import-rates <file.csv>      import a carrier rate deck (all or nothing)
accounts:
  account create ...           create a prepaid account
  balance <account>            balance, held and available
  topup <account> <amount>     add one of the predefined amounts, charged to the card on file
  reverse <entry> --reason ..  reverse a top-up (support)
  auto-recharge <account> ...  show or change auto-recharge
  ledger <account>             ledger entries, newest first
  reconcile                    compare Redis with Postgres and repair
announcements:
  announce balance <fr|en> <amount> [currency] [--minutes N]   what a caller hears; writes the WAV
  announce insufficient|low-funds ...                           the other messages (see: solde announce)
  prompts-check [voice]        check a prompt set (after adding studio recordings)
calls:
  pbx add <account> <address>  trust a tenant's PBX (an address or network); pbx list, pbx remove <id>
  calls <account>              the account's latest call records
`;

export async function main(argv: string[], io: CliIO = consoleIO): Promise<number> {
  const [name, ...args] = argv;
  if (!name || name === 'help' || name === '--help' || name === '-h') {
    io.out(HELP);
    return name ? EXIT_OK : EXIT_USAGE;
  }
  for (const load of Object.values(MODULES)) {
    const module = await load().catch(() => undefined);
    const command = module?.commands[name];
    if (command) return command(args, io);
  }
  io.err(`solde: unknown command ${JSON.stringify(name)}\n\n${HELP}`);
  return EXIT_USAGE;
}

const consoleIO: CliIO = {
  out: (line) => process.stdout.write(`${line}\n`),
  err: (line) => process.stderr.write(`${line}\n`),
};
