// Stopping: `npm start` is how a fresh clone runs Solde, and SIGTERM to it must stop Solde. npm runs the
// script through `sh -c`, and dash (Debian's sh) does not exec a lone command, so npm's SIGTERM reached
// the shell and left node running as an orphan; the start script now execs node. Real npm, real sh,
// real Postgres and Redis; drachtio-server absent.
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from './support/pg';
import { createTestRedis, type TestRedis } from './support/redis';

const WAIT_ROUNDS = 400; // 100 ms apart: 40 s at most for start-up, the same for the stop

/** Process ids below `root`, every generation (read from /proc; bounded by the process table). */
function descendantsOf(root: number): number[] {
  const parentOf = new Map<number, number>();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      parentOf.set(Number(entry), Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]));
    } catch { /* it ended meanwhile */ }
  }
  const found: number[] = [];
  const frontier = [root];
  while (frontier.length > 0 && found.length < 1000) {
    const parent = frontier.pop()!;
    for (const [pid, ppid] of parentOf) if (ppid === parent) { found.push(pid); frontier.push(pid); }
  }
  return found;
}

function commandOf(pid: number): string {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').join(' ');
  } catch {
    return '';
  }
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('npm start', () => {
  let db: TestDatabase;
  let redis: TestRedis;
  let npm: ChildProcess | undefined;
  let solde: number | undefined;
  beforeAll(async () => {
    db = await createTestDatabase(false);
    redis = await createTestRedis();
  });
  afterAll(async () => {
    // Whatever happened, nothing this test started keeps running.
    if (solde !== undefined && existsSync(`/proc/${solde}`)) process.kill(solde, 'SIGKILL');
    if (npm?.exitCode === null) npm.kill('SIGKILL');
    await redis?.cleanup();
    await db?.drop();
  });

  it('stops the node process when npm gets SIGTERM', { timeout: 90_000 }, async () => {
    let output = '';
    npm = spawn('npm', ['start', '--silent'], {
      cwd: new URL('..', import.meta.url).pathname,
      env: {
        ...process.env, SOLDE_DATABASE_URL: db.url, SOLDE_REDIS_PREFIX: redis.prefix, SOLDE_HTTP_PORT: '0',
        SOLDE_METRICS_PORT: '0', DRACHTIO_PORT: '1', SOLDE_LOG_LEVEL: 'info',
        SOLDE_ANNOUNCEMENTS_DIR: `/tmp/${redis.prefix.replace(/:/g, '-')}announcements`,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    npm.stdout!.on('data', (chunk: Buffer) => { output += chunk.toString(); });
    npm.stderr!.on('data', (chunk: Buffer) => { output += chunk.toString(); });
    const npmClosed = new Promise<void>((resolve) => npm!.once('close', () => resolve()));
    for (let round = 0; round < WAIT_ROUNDS && !output.includes('portal and API at'); round += 1) await sleep(100);
    expect(output).toContain('portal and API at');
    solde = descendantsOf(npm.pid!).find((pid) => /^(\S*\/)?node .*src\/main\.ts/.test(commandOf(pid)));
    expect(solde).toBeDefined();

    npm.kill('SIGTERM');
    for (let round = 0; round < WAIT_ROUNDS && existsSync(`/proc/${solde}`); round += 1) await sleep(100);
    expect(existsSync(`/proc/${solde}`)).toBe(false);
    // Everything node wrote has reached us once npm's pipes close (npm exits after its child).
    await Promise.race([npmClosed, sleep(WAIT_ROUNDS * 100)]);
    expect(output).toContain('"signal":"SIGTERM"');
    expect(output).toContain('"msg":"stopped"');
  });

  it('a SIGTERM while Solde is still starting lets start-up finish, then stops what it started', { timeout: 90_000 }, async () => {
    let output = '';
    const node = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts'], {
      cwd: new URL('..', import.meta.url).pathname,
      env: {
        ...process.env, SOLDE_DATABASE_URL: db.url, SOLDE_REDIS_PREFIX: redis.prefix, SOLDE_HTTP_PORT: '0',
        SOLDE_METRICS_PORT: '0', DRACHTIO_PORT: '1', SOLDE_LOG_LEVEL: 'info',
        SOLDE_ANNOUNCEMENTS_DIR: `/tmp/${redis.prefix.replace(/:/g, '-')}announcements-early`,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    node.stdout!.on('data', (chunk: Buffer) => { output += chunk.toString(); });
    node.stderr!.on('data', (chunk: Buffer) => { output += chunk.toString(); });
    const exited = new Promise<number | null>((resolve) => node.once('close', (code) => resolve(code)));
    // The schema is migrated before the deck, HTTP and SIP start: the signal comes in the middle of start-up.
    for (let round = 0; round < WAIT_ROUNDS && !output.includes('database schema up to date'); round += 1) await sleep(100);
    expect(output).toContain('database schema up to date');
    node.kill('SIGTERM');
    const code = await Promise.race([exited, sleep(WAIT_ROUNDS * 100).then(() => 'still running')]);
    if (code === 'still running') node.kill('SIGKILL');
    expect(code).toBe(0);
    expect(output).toContain('"signal":"SIGTERM"');
    expect(output).toContain('portal and API at'); // start-up was not cut short
    expect(output).toContain('"msg":"stopped"'); // and what it started was stopped in order
  });
});
