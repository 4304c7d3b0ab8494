// Solde's one startup file: validate configuration, prepare Postgres (database, migrations as the owner
// role, then a pool of the application role, sample deck), connect Redis, build the rating, funds and
// announcement parts, serve HTTP and metrics (apart), and attach to drachtio-server.
// SIGTERM/SIGINT drain: no new calls, live calls settle as they end (bounded), then everything closes.
import { ConfigError, loadConfig, type Config } from './config';
import { createLogger, type Logger } from '../core/log';
import type { Pool } from '../rating/db/pool';
import { openDatabase } from '../rating/db/open';
import { createClassifier } from '../rating/classify';
import { TariffStore, importDeckIfEmpty } from '../rating/tariffs';
import { FundsService, createFundsRedis } from '../rating/funds';
import { createFundsCluster } from '../rating/funds/redis-client';
import { createPaymentProvider } from '../rating/funds/payment-provider';
import { StripeProvider } from '../rating/funds/stripe/stripe-provider';
import { StripeWebhooks } from '../rating/funds/stripe/webhooks';
import { startSipFromConfig } from '../sip';
import { createHttpServer, listenHttp } from './http/server';
import { startMetricsServer } from './metrics-server';

interface Running {
  /** Where the portal and API answer, e.g. http://127.0.0.1:8080 */
  readonly address: string;
  /** Where Prometheus scrapes /metrics, e.g. http://127.0.0.1:9464 */
  readonly metricsAddress: string;
  readonly stop: () => Promise<void>;
}

export async function start(config: Config, log: Logger): Promise<Running> {
  const pool = await preparePostgres(config, log);
  const tariffs = await loadTariffs(config, pool, log);
  const redis = config.redisCluster ? createFundsCluster(config.redisUrl) : createFundsRedis(config.redisUrl);
  redis.on('error', (err) => log.warn({ err: err.message }, 'redis error; paid calls are refused until it returns'));
  // SOLDE_CARD_PROCESSOR: stripe, simulator (warns), or unset (every card top-up refused); logged here.
  const provider = createPaymentProvider(config.payments, pool, log);
  const funds = new FundsService({ pool, redis, keyPrefix: config.redisKeyPrefix, config, log, provider });
  funds.start();
  const stripeWebhooks = provider instanceof StripeProvider && config.payments?.processor === 'stripe'
    ? new StripeWebhooks(provider.stripe, config.payments.webhookSecret, funds, log) : null;
  const classify = createClassifier({ includedCountries: config.includedCountries });

  // HTTP serves before the SIP side exists; until then (and whenever the link is down) /ready says so.
  let sipLinkUp = () => false;
  const http = await createHttpServer({
    config, pool, redis, logger: log, tariffs: tariffs.store, classify, funds, stripeWebhooks, sipLinkUp: () => sipLinkUp(),
  });
  const address = await listenHttp(http, config.httpHost, config.httpPort);
  log.info({ address }, `portal and API at ${address}/`);
  const metrics = await startMetricsServer(config.metricsHost, config.metricsPort, (err) => log.error({ err }, 'metrics collection failed'));
  log.info({ address: metrics.address }, `metrics at ${metrics.address}/metrics`);

  const sip = await startSipFromConfig(config, { pool, funds, tariffs: tariffs.store, classify, logger: log, redis, redisKeyPrefix: config.redisKeyPrefix });
  sipLinkUp = sip.linkUp;

  return {
    address,
    metricsAddress: metrics.address,
    async stop() {
      log.info('stopping: draining calls');
      await sip.stop();
      await http.close();
      await metrics.close();
      await tariffs.watch.stop();
      await funds.stop();
      redis.disconnect();
      await pool.end();
      log.info('stopped');
    },
  };
}

async function preparePostgres(config: Config, log: Logger): Promise<Pool> {
  const { pool, applied, separateRoles } = await openDatabase(config, { onProgress: (line) => log.info(line) });
  log.info({ applied: applied.length }, 'database schema up to date');
  if (!separateRoles) {
    log.warn('SOLDE_DATABASE_URL and SOLDE_MIGRATION_DATABASE_URL log in as one role: the service could change '
      + 'the schema and the ledger; give it an application role of its own (README "Database roles")');
  }
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
  const stopAndExit = (started: Running) => {
    started.stop().then(() => process.exit(0), (err: unknown) => { log.error({ err }, 'unclean stop'); process.exit(1); });
  };
  const shutdown = (signal: string) => {
    if (stopping) return;
    stopping = true;
    log.info({ signal }, 'shutdown requested');
    // Still starting: start() ends first, then what it started is stopped below (nothing is left open).
    if (running) stopAndExit(running);
  };
  process.on('SIGTERM', () => shutdown('SIGTERM'));
  process.on('SIGINT', () => shutdown('SIGINT'));
  try {
    running = await start(config, log);
  } catch (error) {
    log.fatal({ err: error }, `Solde could not start: ${(error as Error).message}. Check that PostgreSQL and Redis answer at the configured URLs.`);
    process.exit(1);
  }
  if (stopping) stopAndExit(running);
}

if (import.meta.url === `file://${process.argv[1]}`) await main();
