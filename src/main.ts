// Solde's one startup file: validate configuration, prepare Postgres (database, migrations, sample deck),
// connect Redis, build the rating, funds and announcement parts, serve HTTP, and attach to drachtio-server.
// SIGTERM/SIGINT drain: no new calls, live calls settle as they end (bounded), then everything closes.
import Srf from 'drachtio-srf';
import { ConfigError, loadConfig, type Config } from './config';
import { createLogger, type Logger } from './log';
import { createPool, ensureDatabase, type Pool } from '../rating/db/pool';
import { migrate } from '../rating/db/migrate';
import { createClassifier } from '../rating/classify';
import { TariffStore, importDeckIfEmpty } from '../rating/tariffs';
import { CardProcessorSimulator, FundsService, createFundsRedis } from '../rating/funds';
import { createAnnouncer } from '../sip/announce';
import { createRtpengineMedia } from '../sip/media/rtpengine';
import { createSipApp } from '../sip/app';
import type { AccountInfo } from '../sip/deps';
import { createHttpServer, listenHttp } from './http/server';

interface Running {
  readonly stop: () => Promise<void>;
}

export async function start(config: Config, log: Logger): Promise<Running> {
  const pool = await preparePostgres(config, log);
  const tariffs = await loadTariffs(config, pool, log);
  const redis = createFundsRedis(config.redisUrl);
  redis.on('error', (err) => log.warn({ err: err.message }, 'redis error; paid calls are refused until it returns'));
  const funds = new FundsService({
    pool, redis, keyPrefix: config.redisKeyPrefix, config, log,
    // A card processor cannot run here: the simulator stands in until a real adapter is configured.
    provider: new CardProcessorSimulator(),
  });
  funds.start();
  const classify = createClassifier({ includedCountries: config.includedCountries });

  const http = await createHttpServer({ config, pool, redis, logger: log, tariffs: tariffs.store, classify, funds });
  const address = await listenHttp(http, config.httpHost, config.httpPort);
  log.info({ address }, `portal and API at ${address}/`);

  const srf = new Srf();
  const sip = await createSipApp({
    srf, config, classify, tariffs: tariffs.store, funds, pool, logger: log,
    accounts: { get: async (id) => accountInfo(await funds.getAccount(id)) },
    announcer: createAnnouncer({ outputDir: config.announcementsDir, voice: config.voice }),
    media: createRtpengineMedia(config.rtpengineNg),
  });
  attachToDrachtio(srf, config, log);

  return {
    async stop() {
      log.info('stopping: draining calls');
      await sip.stop();
      await http.close();
      await tariffs.watch.stop();
      await funds.stop();
      redis.disconnect();
      await pool.end();
      log.info('stopped');
    },
  };
}

async function preparePostgres(config: Config, log: Logger): Promise<Pool> {
  await ensureDatabase(config.databaseUrl);
  const pool = createPool(config.databaseUrl);
  const applied = await migrate(pool, (line) => log.info(line));
  log.info({ applied: applied.length }, 'database schema up to date');
  return pool;
}

async function loadTariffs(config: Config, pool: Pool, log: Logger) {
  const sample = await importDeckIfEmpty(pool, config.sampleDeckPath);
  if (sample.status === 'imported') log.info({ rows: sample.rows, path: config.sampleDeckPath }, 'no rate deck yet: loaded the SAMPLE deck');
  const store = new TariffStore(pool);
  const index = await store.load();
  log.info({ rows: index.size, version: index.version }, 'rate deck loaded');
  // Every instance reloads when any of them imports a deck.
  const watch = await store.watch((err) => log.error({ err }, 'rate deck watch failed'));
  return { store, watch };
}

function accountInfo(account: Awaited<ReturnType<FundsService['getAccount']>>): AccountInfo | null {
  if (!account) return null;
  return {
    id: account.id, currency: account.currency, language: account.language,
    status: account.status, maxConcurrentCalls: account.maxConcurrentCalls,
  };
}

/**
 * Inbound mode connects to drachtio-server and keeps retrying (drachtio-srf reconnects by itself), so that
 * Solde serves its portal even while drachtio-server is not up yet; outbound mode listens for it.
 */
function attachToDrachtio(srf: Srf, config: Config, log: Logger): void {
  const drachtio = config.drachtio;
  srf.on('error', (err: Error) => log.warn({ err: err.message }, 'drachtio connection error; retrying'));
  if (drachtio.mode === 'inbound') {
    srf.on('connect', (_err: unknown, hostport: string) => log.info({ hostport }, 'connected to drachtio-server'));
    log.info({ host: drachtio.host, port: drachtio.port }, 'connecting to drachtio-server');
    srf.connect({ host: drachtio.host, port: drachtio.port, secret: drachtio.secret });
  } else {
    srf.listen({ port: drachtio.listenPort, secret: drachtio.secret });
    log.info({ port: drachtio.listenPort }, 'listening for drachtio-server (outbound mode)');
  }
}

async function main(): Promise<void> {
  let config: Config;
  try {
    config = loadConfig();
  } catch (error) {
    if (error instanceof ConfigError) {
      console.error(error.message);
      process.exit(2);
    }
    throw error;
  }
  const log = createLogger(config.logLevel);
  let running: Running | undefined;
  let stopping = false;
  // Registered before start-up so that a SIGTERM while starting still ends the process cleanly.
  const shutdown = (signal: string) => {
    if (stopping) return;
    stopping = true;
    log.info({ signal }, 'shutdown requested');
    const stop = running ? running.stop() : Promise.resolve();
    stop.then(() => process.exit(0), (err: unknown) => { log.error({ err }, 'unclean stop'); process.exit(1); });
  };
  process.on('SIGTERM', () => shutdown('SIGTERM'));
  process.on('SIGINT', () => shutdown('SIGINT'));
  try {
    running = await start(config, log);
  } catch (error) {
    log.fatal({ err: error }, `Solde could not start: ${(error as Error).message}. Check that PostgreSQL and Redis answer at the configured URLs.`);
    process.exit(1);
  }
  if (stopping) await running.stop().then(() => process.exit(0));
}

if (import.meta.url === `file://${process.argv[1]}`) await main();
