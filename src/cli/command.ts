// What every `solde` command is: a spec (usage, options, help) and the work it does with the parsed
// arguments. `command()` parses (args.ts) before the work runs; `group()` makes a command of
// subcommands (`solde account create|list|show|card`), each with its own --help.
import { EXIT_OK, EXIT_USAGE, parseCommand, usageError, type ArgsIO, type CommandSpec, type ParsedArgs } from './args';

export type CliIO = ArgsIO;

/** A command returns its exit code: 0 ok, 1 an expected failure (no rate, refused), 2 bad usage. */
export interface Command {
  (args: string[], io: CliIO): Promise<number>;
  readonly usage: string;
  readonly summary: string;
  /** A group's subcommands, for the overview of `solde help`. */
  readonly subcommands?: Readonly<Record<string, Command>>;
}

export const EXIT_FAILED = 1;
export { EXIT_OK, EXIT_USAGE };

export function command(spec: CommandSpec, run: (args: ParsedArgs, io: CliIO) => Promise<number>): Command {
  const parseThenRun = async (args: string[], io: CliIO): Promise<number> => {
    const parsed = parseCommand(spec, args, io);
    return typeof parsed === 'number' ? parsed : run(parsed, io);
  };
  return Object.assign(parseThenRun, { usage: spec.usage, summary: spec.summary });
}

/** `name` is how the group is typed (`solde account`); the first argument picks the subcommand. */
export function group(name: string, summary: string, subcommands: Readonly<Record<string, Command>>): Command {
  const help = [`usage: ${name} <${Object.keys(subcommands).join('|')}> ...`, summary, '',
    ...Object.values(subcommands).map((c) => `  ${c.usage}\n      ${c.summary}`), '', `${name} <subcommand> --help: its options`].join('\n');
  const run = async (args: string[], io: CliIO): Promise<number> => {
    const [sub, ...rest] = args;
    if (sub === '--help' || sub === '-h' || sub === 'help') {
      io.out(help);
      return EXIT_OK;
    }
    const chosen = sub === undefined ? undefined : subcommands[sub];
    if (chosen && Object.hasOwn(subcommands, sub!)) return chosen(rest, io);
    io.err(`${sub === undefined ? `${name}: which one?` : `${name}: unknown subcommand ${JSON.stringify(sub)}`}\n${help}`);
    return EXIT_USAGE;
  };
  return Object.assign(run, { usage: `${name} <${Object.keys(subcommands).join('|')}> ...`, summary, subcommands });
}

export { usageError };
