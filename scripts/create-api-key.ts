// Issues an API key and prints it once (the first operator key of a fresh installation, or any other).
//   node --import tsx scripts/create-api-key.ts --role operator --label "first operator"
import { loadConfig } from '../src/config';
import { createPool, ensureDatabase } from '../rating/db/pool';
import { migrate } from '../rating/db/migrate';
import { createKeyCommand } from '../src/http/auth/create-key-command';

const config = loadConfig();
await ensureDatabase(config.databaseUrl);
const pool = createPool(config.databaseUrl, 1);
try {
  await migrate(pool, (line) => process.stderr.write(`${line}\n`));
  process.exitCode = await createKeyCommand(pool, process.argv.slice(2), {
    out: (line) => process.stdout.write(`${line}\n`),
    err: (line) => process.stderr.write(`${line}\n`),
  });
} finally {
  await pool.end();
}
