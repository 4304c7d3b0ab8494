import pg from 'pg';

// Postgres bigint (int8) columns hold micro-units: they must come back as text and be parsed to bigint by
// the caller (parseMicros), never as a JavaScript number. pg already does that by default; we pin it.
pg.types.setTypeParser(pg.types.builtins.INT8, (text: string) => text);

export type Pool = pg.Pool;
export type PoolClient = pg.PoolClient;

export function createPool(databaseUrl: string, max = 10): pg.Pool {
  const pool = new pg.Pool({ connectionString: databaseUrl, max, connectionTimeoutMillis: 5_000 });
  // A connection that dies while idle (Postgres restarted) is an expected outage, not a crash: the pool
  // drops it and the next query reconnects or fails with a status the caller handles.
  pool.on('error', () => undefined);
  // The same for a connection that dies while checked out: the query in flight fails, the process lives.
  pool.on('connect', (client) => client.on('error', () => undefined));
  return pool;
}

/** Creates the database named in the URL if it does not exist yet (fresh machine, first start). */
export async function ensureDatabase(databaseUrl: string): Promise<void> {
  const url = new URL(databaseUrl);
  const name = decodeURIComponent(url.pathname.slice(1));
  if (!/^[A-Za-z0-9_]+$/.test(name)) throw new Error(`database name must be [A-Za-z0-9_]+: ${name}`);
  url.pathname = '/postgres';
  const admin = new pg.Client({ connectionString: url.toString() });
  await admin.connect();
  try {
    const found = await admin.query('SELECT 1 FROM pg_database WHERE datname = $1', [name]);
    if (found.rowCount === 0) await admin.query(`CREATE DATABASE "${name}"`);
  } catch (error) {
    // Two processes racing to create it: the loser sees duplicate_database, which is fine.
    if ((error as { code?: string }).code !== '42P04') throw error;
  } finally {
    await admin.end();
  }
}

/** Runs `work` in one transaction; rolls back on any error. */
export async function inTransaction<T>(pool: pg.Pool, work: (client: pg.PoolClient) => Promise<T>): Promise<T> {
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    const result = await work(client);
    await client.query('COMMIT');
    return result;
  } catch (error) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw error;
  } finally {
    client.release();
  }
}
