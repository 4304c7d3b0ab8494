// `solde classify <number> [--json]`: the class of a dialled number, with the rule that decided, using the
// included-countries plan of the configuration (SOLDE_INCLUDED_COUNTRIES).
import { createClassifier } from '../../rating/classify/index';
import type { Classification } from '../../rating/contracts';
import { ConfigError, loadConfig } from '../config';
import { command, EXIT_FAILED, EXIT_OK, EXIT_USAGE, type CliIO, type Command } from './command';

const SPEC = {
  usage: 'solde classify <number>',
  summary: 'class of a dialled number (EMERGENCY, INCLUDED, PREMIUM, ...) and the rule that decided',
  positionals: { min: 1, max: Infinity },
  notes: [
    '<number>  as dialled: 0612345678, +44 (0)20 7946 0018, 0033..., 3949, 118712 (quote it or not)',
    '--json    prints one JSON object: class, dialled, e164, country, numberType, ratingKey, rule',
    'exit status: 0 classified, 1 INVALID, 2 usage or configuration error',
  ],
};

/** What each refusal means for the person who dialled, in the readable output. */
const INVALID_REASONS: Record<string, string> = {
  'invalid:empty': 'nothing was dialled',
  'invalid:not-a-string': 'nothing was dialled',
  'invalid:characters': 'only digits, a leading + and the separators space . - / ( ) are accepted',
  'invalid:too-short': 'the number is incomplete',
  'invalid:too-long': 'the number has too many digits',
  'invalid:not-a-number': 'no such number in the numbering plan',
  'invalid:unknown-country-code': 'no country has this calling code',
};

const classifyCommand: Command = command(SPEC, async ({ positional: words, json }, io) => {
  let includedCountries: readonly string[];
  try {
    includedCountries = loadConfig().includedCountries;
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    io.err(error.message);
    return EXIT_USAGE;
  }
  // An unquoted "+44 20 7946 0018" arrives as several words: they are one number.
  const result = createClassifier({ includedCountries })(words.join(' '));
  if (json) io.out(JSON.stringify(result));
  else printReadable(result, io);
  return result.class === 'INVALID' ? EXIT_FAILED : EXIT_OK;
});

function printReadable(result: Classification, io: CliIO): void {
  if (result.class === 'INVALID') {
    io.out(`${result.dialled}: INVALID, ${INVALID_REASONS[result.rule] ?? 'refused'} (${result.rule})`);
    return;
  }
  io.out(`${result.dialled}: ${result.class}`);
  io.out(`  e164        ${result.e164}`);
  io.out(`  country     ${result.country ?? '-'}`);
  io.out(`  type        ${result.numberType ?? '-'}`);
  io.out(`  rating key  ${result.ratingKey}`);
  io.out(`  rule        ${result.rule}`);
}

export const commands: Record<string, Command> = { classify: classifyCommand };
