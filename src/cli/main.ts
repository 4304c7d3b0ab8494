// The `solde` operator command line: a thin dispatcher. Each area keeps its commands in its own file;
// the list below is generated from the commands' own usage lines, and `solde <command> --help` from
// their option declarations (args.ts).
import { EXIT_OK, EXIT_USAGE, type CliIO, type Command } from './command';

export { EXIT_FAILED, EXIT_OK, EXIT_USAGE, type CliIO, type Command } from './command';

const MODULES: ReadonlyArray<readonly [string, () => Promise<{ commands: Record<string, Command> }>]> = [
  ['rating', () => import('./classify-commands')],
  ['rates', () => import('./tariff-commands')],
  ['accounts', () => import('./account-commands')],
  ['money', () => import('./funds-commands')],
  ['announcements', () => import('./announce-commands')],
  ['calls', () => import('./pbx-commands')],
];

async function helpText(): Promise<string> {
  const lines = ['usage: solde <command> [arguments] [--json]', ''];
  for (const [area, load] of MODULES) {
    lines.push(`${area}:`);
    for (const c of Object.values((await load()).commands)) {
      for (const one of c.subcommands ? Object.values(c.subcommands) : [c]) lines.push(`  ${one.usage}`, `      ${one.summary}`);
    }
  }
  lines.push('', 'solde <command> --help: the options of one command');
  return lines.join('\n');
}

export async function main(argv: string[], io: CliIO = consoleIO): Promise<number> {
  const [name, ...args] = argv;
  if (!name || name === 'help' || name === '--help' || name === '-h') {
    io.out(await helpText());
    return name ? EXIT_OK : EXIT_USAGE;
  }
  for (const [, load] of MODULES) {
    const { commands } = await load();
    if (Object.hasOwn(commands, name)) return commands[name]!(args, io);
  }
  io.err(`solde: unknown command ${JSON.stringify(name)}\n\n${await helpText()}`);
  return EXIT_USAGE;
}

const consoleIO: CliIO = {
  out: (line) => process.stdout.write(`${line}\n`),
  err: (line) => process.stderr.write(`${line}\n`),
};
