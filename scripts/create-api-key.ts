// Issues an API key and prints it once (the first operator key of a fresh installation, or any other).
//   node --import tsx scripts/create-api-key.ts --role operator --label "first operator"
import { loadConfig } from '../src/config';
import { openDatabase } from '../rating/db/open';
import { createKeyCommand } from '../src/http/auth/create-key-command';

const config = loadConfig();
const { pool } = await openDatabase(config, { poolSize: 1, onProgress: (line) => process.stderr.write(`${line}\n`) });
try {
  process.exitCode = await createKeyCommand(pool, process.argv.slice(2), {
    out: (line) => process.stdout.write(`${line}\n`),
    err: (line) => process.stderr.write(`${line}\n`),
  });
} finally {
  await pool.end();
}
