// Operator commands of the tariffs area: rate <number>, rates <country>, import-rates <file.csv>.
// Each opens the database named by SOLDE_DATABASE_URL (created and migrated if needed, so they work on a
// fresh machine) and closes it before returning. --json prints one JSON object on stdout.
import { readFile } from 'node:fs/promises';
import type { Tariff } from '../../rating/contracts';
import { createClassifier } from '../../rating/classify';
import type { Pool } from '../../rating/db/pool';
import { withDatabase } from './database';
import { toDecimalString } from '../../rating/money';
import {
  cost, countryName, firstGrant, importDeck, importDeckIfEmpty, listCountryRates, resolveCountry, TariffStore,
} from '../../rating/tariffs';
import { amountJson, tariffJson } from '../../rating/tariffs/tariff-json';
import { loadConfig, type Config } from '../config';
import { isSoldeError } from '../../core/errors';
import { command, EXIT_FAILED, EXIT_OK, type CliIO, type Command } from './command';

const CHARGED_CLASSES = new Set(['PREMIUM', 'INTERNATIONAL']);

/** The deck in force; on a machine where none was imported yet, the sample deck first (as `npm start` does). */
async function loadIndex(pool: Pool, config: Config, io: CliIO) {
  const sample = await importDeckIfEmpty(pool, config.sampleDeckPath);
  if (sample.status !== 'present') io.err(`no rate deck was loaded: loaded the sample deck ${config.sampleDeckPath} (${sample.rows} rates)`);
  return new TariffStore(pool).load();
}

async function lookupRate(config: Config, ratingKey: string, io: CliIO): Promise<Tariff | undefined> {
  let found: Tariff | undefined;
  await withDatabase(config, async (pool) => {
    found = (await loadIndex(pool, config, io)).lookup(ratingKey);
    return EXIT_OK;
  });
  return found;
}

const rate: Command = command({
  usage: 'solde rate <number>', summary: 'the tariff that applies to a dialled number', positionals: { min: 1, max: 1 },
  notes: ['e.g. solde rate +212612345678'],
}, async ({ positional, json }, io) => {
  const config = loadConfig();
  const dialled = positional[0]!;
  const classification = createClassifier({ includedCountries: config.includedCountries })(dialled);
  const charged = CHARGED_CLASSES.has(classification.class);
  const ratingKey = charged ? classification.ratingKey : null;
  const tariff = ratingKey ? await lookupRate(config, ratingKey, io) : undefined;
  const failed = classification.class === 'INVALID' || (charged && !tariff);
  if (json) {
    io.out(JSON.stringify({
      number: dialled, class: classification.class, rule: classification.rule, e164: classification.e164,
      country: classification.country, rating_key: classification.ratingKey, charged, currency: config.currency,
      rate: tariff ? tariffJson(tariff) : null,
      first_grant: tariff ? { seconds: firstGrant(tariff).seconds, ...amountJson('amount', firstGrant(tariff).amountMicros) } : null,
      one_minute: tariff ? amountJson('amount', cost(tariff, 60)) : null,
    }));
    return failed ? EXIT_FAILED : EXIT_OK;
  }
  io.out(`${dialled}: ${classification.class} (${classification.rule})${classification.e164 ? ` ${classification.e164}` : ''}`);
  if (classification.class === 'INVALID') {
    io.err('not a number Solde can route: check the digits, or dial it with + or 00 and the country code');
    return EXIT_FAILED;
  }
  if (!charged) {
    io.out('never charged: not paid from the prepaid balance');
    return EXIT_OK;
  }
  if (!tariff) {
    io.err(`no rate for ${classification.ratingKey}: import a deck that prices it (solde import-rates <file.csv>)`);
    return EXIT_FAILED;
  }
  const grant = firstGrant(tariff);
  io.out(`rate: ${tariff.destination} (prefix ${tariff.prefix}) ${toDecimalString(tariff.perMinuteMicros)} ${config.currency}/min`);
  io.out(`connect fee ${toDecimalString(tariff.connectFeeMicros)}, increments ${tariff.initialIncrementSeconds}/${tariff.subsequentIncrementSeconds} s, minimum ${toDecimalString(tariff.minimumChargeMicros)}`);
  io.out(`one minute costs ${toDecimalString(cost(tariff, 60))} ${config.currency}; first reservation ${grant.seconds} s = ${toDecimalString(grant.amountMicros)} ${config.currency}`);
  return EXIT_OK;
});

const rates: Command = command({
  usage: 'solde rates <country>', summary: 'every rate of a country (an ISO code such as MA, or a name such as Morocco)',
  positionals: { min: 1, max: 1 },
}, async ({ positional, json }, io) => {
  const iso = resolveCountry(positional[0]!);
  if (!iso) {
    io.err(`${JSON.stringify(positional[0])} is not a country code or name: try an ISO code such as MA`);
    return EXIT_FAILED;
  }
  const config = loadConfig();
  return withDatabase(config, async (pool) => {
    const index = await loadIndex(pool, config, io);
    const list = listCountryRates(index, iso);
    if (json) {
      io.out(JSON.stringify({ country: iso, name: countryName(iso), currency: config.currency, deck_version: index.version, rates: list.map(tariffJson) }));
    } else {
      io.out(`${countryName(iso)} (${iso}), ${config.currency}, ${list.length} rate${list.length === 1 ? '' : 's'}`);
      if (list.length > 0) io.out(table(list));
    }
    return EXIT_OK;
  });
});

function table(list: readonly Tariff[]): string {
  const rows = [
    ['prefix', 'destination', 'per minute', 'connect fee', 'increments', 'minimum'],
    ...list.map((t) => [
      t.prefix, t.destination, toDecimalString(t.perMinuteMicros), toDecimalString(t.connectFeeMicros),
      `${t.initialIncrementSeconds}/${t.subsequentIncrementSeconds}`, toDecimalString(t.minimumChargeMicros),
    ]),
  ];
  const widths = rows[0]!.map((_, c) => Math.max(...rows.map((r) => r[c]!.length)));
  return rows.map((r) => r.map((cell, c) => (c >= 2 ? cell.padStart(widths[c]!) : cell.padEnd(widths[c]!))).join('  ').trimEnd()).join('\n');
}

const importRates: Command = command({
  usage: 'solde import-rates <file.csv>', summary: 'import a carrier rate deck (all or nothing)', positionals: { min: 1, max: 1 },
  notes: ['the CSV header and columns: see rating/tariffs/README.md'],
}, async ({ positional, json }, io) => {
  const file = positional[0]!;
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    io.err(`cannot read ${file}: ${(error as Error).message}`);
    return EXIT_FAILED;
  }
  const config = loadConfig();
  return withDatabase(config, async (pool) => {
    try {
      const result = await importDeck(pool, text, {
        source: file,
        onProgress: (done, total) => io.err(`importing ${file}: ${done}/${total} rates`),
      });
      if (json) io.out(JSON.stringify({ file, status: result.status, rows: result.rows, deck_version: result.version }));
      else io.out(result.status === 'imported'
        ? `imported ${result.rows} rates from ${file} (deck ${result.version}); instances that watch the deck reload it`
        : `unchanged: ${file} holds the deck already in force (${result.rows} rates)`);
      return EXIT_OK;
    } catch (error) {
      if (!isSoldeError(error, 'BAD_CSV')) throw error;
      if (json) io.out(JSON.stringify({ file, status: 'refused', error: error.code, message: error.message }));
      io.err(`${file}: ${error.message}. Fix that line and import again; the deck in force is unchanged.`);
      return EXIT_FAILED;
    }
  });
});

export const commands: Record<string, Command> = { rate, rates, 'import-rates': importRates };
