// Issues an API key and prints it once (the first operator key of a fresh installation, a tenant's
// portal key, or any other). --help needs no database.
//   node --import tsx scripts/create-api-key.ts --role operator --label "first operator"
//   node --import tsx scripts/create-api-key.ts --role account-admin --account acme --label "Acme office"
import { loadConfig } from '../src/config';
import { openDatabase } from '../rating/db/open';
import { issueKey, parseCreateKeyArgs, type CommandIO } from '../src/http/auth/create-key-command';

const io: CommandIO = {
  out: (line) => process.stdout.write(`${line}\n`),
  err: (line) => process.stderr.write(`${line}\n`),
};

const request = parseCreateKeyArgs(process.argv.slice(2), io);
if (typeof request === 'number') {
  process.exitCode = request;
} else {
  const config = loadConfig();
  const { pool } = await openDatabase(config, { poolSize: 1, onProgress: (line) => process.stderr.write(`${line}\n`) });
  try {
    process.exitCode = await issueKey(pool, request, io);
  } finally {
    await pool.end();
  }
}
