// One way to read the arguments of every `solde` command (and scripts/create-api-key.ts): node:util
// parseArgs in strict mode over a declared spec, so an unknown option is refused by name and `--help`
// is generated from the same declarations that parse. A command's spec is the single truth of its usage.
import { parseArgs as parseNodeArgs } from 'node:util';

export interface OptionSpec {
  readonly type: 'string' | 'boolean';
  /** Placeholder shown in the help: `--limit N`. */
  readonly value?: string;
  readonly description: string;
}

export interface CommandSpec {
  /** Usage line without the leading "usage: ", e.g. `solde topup <account> <amount>`. */
  readonly usage: string;
  /** How errors name the command, and how to ask for its help (default: the usage up to the first <arg> or [arg]). */
  readonly name?: string;
  /** One line: what the command does. */
  readonly summary: string;
  readonly options?: Readonly<Record<string, OptionSpec>>;
  /** How many positional arguments it takes (max: Infinity for "the rest"). */
  readonly positionals: { readonly min: number; readonly max: number };
  /** The command prints one JSON object with --json (every operator command but create-api-key). */
  readonly json?: boolean;
  /** Lines after the options: examples, exit statuses. */
  readonly notes?: readonly string[];
}

export interface ParsedArgs {
  readonly positional: string[];
  /** `--name value` options. */
  readonly options: Map<string, string>;
  /** Boolean flags that were given (other than --json and --help). */
  readonly flags: Set<string>;
  /** The flag --json: print one JSON object. */
  readonly json: boolean;
}

export interface ArgsIO {
  out(line: string): void;
  err(line: string): void;
}

export const EXIT_OK = 0;
export const EXIT_USAGE = 2;

const HELP_OPTION: OptionSpec = { type: 'boolean', description: 'show this help' };
const JSON_OPTION: OptionSpec = { type: 'boolean', description: 'print one JSON object on standard output' };
// "-20" or "-0.5" is a (refused) amount the user typed, not an option: it reaches the command, which
// explains why it is refused, instead of "unknown option -2".
const NEGATIVE_NUMBER = /^-\d[\d.,]*$/;
const PLACEHOLDER = '\u0000negative:';

function allOptions(spec: CommandSpec): Record<string, OptionSpec> {
  return { ...spec.options, ...(spec.json === false ? {} : { json: JSON_OPTION }), help: HELP_OPTION };
}

/** The --help text, generated from the spec. */
export function helpText(spec: CommandSpec): string {
  const options = Object.entries(allOptions(spec)).map(([name, o]) => [`${name === 'help' ? '-h, ' : ''}--${name}${o.value ? ` ${o.value}` : ''}`, o.description]);
  const width = Math.max(...options.map(([left]) => left!.length));
  return [`usage: ${spec.usage}`, spec.summary, '', 'options:',
    ...options.map(([left, text]) => `  ${left!.padEnd(width)}  ${text}`), ...(spec.notes?.length ? ['', ...spec.notes] : [])].join('\n');
}

/** Bad usage: the problem, the usage line and where the full help is; exit status 2. */
export function usageError(spec: CommandSpec, io: ArgsIO, problem?: string): number {
  const command = spec.name ?? spec.usage.split(/ [<[]/)[0];
  io.err([problem ? `${command}: ${problem}` : undefined, `usage: ${spec.usage}`, `(see: ${command} --help)`].filter(Boolean).join('\n'));
  return EXIT_USAGE;
}

/**
 * Parses `args` against `spec`. Returns the arguments, or the exit status once it has printed the help
 * (0, on stdout) or a usage error (2, on stderr).
 */
export function parseCommand(spec: CommandSpec, args: readonly string[], io: ArgsIO): ParsedArgs | number {
  const escaped = args.map((arg) => (NEGATIVE_NUMBER.test(arg) ? `${PLACEHOLDER}${arg}` : arg));
  const restore = (text: string) => (text.startsWith(PLACEHOLDER) ? text.slice(PLACEHOLDER.length) : text);
  let parsed: ReturnType<typeof parseNodeArgs>;
  try {
    const options = Object.fromEntries(Object.entries(allOptions(spec)).map(([name, o]) => [name, { type: o.type, ...(name === 'help' ? { short: 'h' } : {}) }]));
    parsed = parseNodeArgs({ args: escaped, options, allowPositionals: true, strict: true });
  } catch (error) {
    if (args.includes('--help') || args.includes('-h')) return printHelp(spec, io);
    return usageError(spec, io, (error as Error).message.split('\n')[0]!.replace(/\. To specify a positional.*$/, ''));
  }
  if (parsed.values.help) return printHelp(spec, io);
  const positional = parsed.positionals.map(restore);
  const { min, max } = spec.positionals;
  if (positional.length < min) {
    const wanted = [...spec.usage.matchAll(/<([^>]+)>/g)].map((m) => m[1]!)[positional.length];
    return usageError(spec, io, positional.length === 0 ? undefined : `missing ${wanted ? `<${wanted}>` : 'an argument'}`);
  }
  if (positional.length > max) return usageError(spec, io, `unexpected argument ${JSON.stringify(positional[max])}`);
  const options = new Map<string, string>();
  const flags = new Set<string>();
  for (const [name, value] of Object.entries(parsed.values)) {
    if (typeof value === 'string') options.set(name, restore(value));
    else if (value === true && name !== 'json' && name !== 'help') flags.add(name);
  }
  return { positional, options, flags, json: parsed.values.json === true };
}

function printHelp(spec: CommandSpec, io: ArgsIO): number {
  io.out(helpText(spec));
  return EXIT_OK;
}
