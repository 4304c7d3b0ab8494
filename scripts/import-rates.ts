// Operator script: import a carrier rate deck, same as `solde import-rates <file.csv> [--json]`.
//   node --import tsx scripts/import-rates.ts deck.csv
import { main } from '../src/cli/main';

process.exitCode = await main(['import-rates', ...process.argv.slice(2)]);
