// Shared set-up of the HTTP test files: a fresh Postgres database and Redis prefix, a small rate deck,
// the real classifier and tariff store, and the fastify app built by createHttpServer.
import type { FastifyInstance } from 'fastify';
import { createTestDatabase, type TestDatabase } from './support/pg';
import { createTestRedis, type TestRedis } from './support/redis';
import { loadConfig, type Config } from '../src/config';
import { createLogger } from '../core/log';
import { createHttpServer } from '../src/http/server';
import { ApiKeyStore } from '../src/http/auth/api-keys';
import { DECK_COLUMNS, importDeck, TariffStore } from '../rating/tariffs';
import { createClassifier } from '../rating/classify';
import { createFundsWith, createTestFunds } from '../rating/funds/harness';
import { CardProcessorSimulator, SIMULATOR_CARDS, type FundsService, type PaymentProvider } from '../rating/funds';
import type { WebhookReceiver } from '../src/http/routes/webhooks';
import type { Role } from '../src/http/auth/api-keys';

export const TEST_DECK = `${DECK_COLUMNS.join(',')}
212,MA,Morocco,0.25,0,60,60,0
2125,MA,Morocco Fixed Casablanca,0.18,0,60,60,0
2126,MA,Morocco Mobile,0.45,0.02,30,6,0
2127,MA,Morocco Mobile,0.45,0.02,30,6,0
2128,MA,Morocco Special Services,1.2,0,60,60,0.5
221,SN,Senegal,0.3,0,60,60,0
1,US,United States,0.02,0,1,1,0
491,DE,Germany Mobile,0.09,0,60,60,0
33891,FR,France Premium 0891,0.8,0,1,1,0
`;

export interface Harness {
  readonly db: TestDatabase;
  readonly redis: TestRedis;
  readonly app: FastifyInstance;
  readonly keys: ApiKeyStore;
  readonly config: Config;
  readonly tariffs: TariffStore;
  readonly funds: FundsService;
  readonly simulator: CardProcessorSimulator;
  readonly logLines: string[];
  /** Creates an account with the simulator's approving card on file. */
  createTenant(id: string, card?: keyof typeof SIMULATOR_CARDS): Promise<void>;
  /** Issues a key and returns the headers that present it. */
  headersFor(role: Role, accountId?: string | null): Promise<{ authorization: string }>;
  close(): Promise<void>;
}

export interface HarnessOptions {
  maxFailures?: number;
  env?: Record<string, string>;
  logLevel?: string;
  /** Another card processor than the simulator (Stripe against test/support/fake-stripe.ts, none). */
  provider?: (pool: TestDatabase['pool']) => PaymentProvider;
  stripeWebhooks?: (funds: FundsService) => WebhookReceiver;
}

export async function createHarness(options: HarnessOptions = {}): Promise<Harness> {
  const db = await createTestDatabase();
  const redis = await createTestRedis();
  const config = loadConfig({ SOLDE_REDIS_PREFIX: redis.prefix, ...options.env });
  await importDeck(db.pool, TEST_DECK, { source: 'http-harness' });
  const tariffs = new TariffStore(db.pool);
  await tariffs.load();
  const { funds, simulator } = options.provider
    ? { funds: createFundsWith(db.pool, redis.redis, redis.prefix, options.provider(db.pool)), simulator: new CardProcessorSimulator() }
    : createTestFunds(db.pool, redis.redis, redis.prefix);
  const logLines: string[] = [];
  const logger = createLogger(options.logLevel ?? 'debug', { write: (line: string) => { logLines.push(line); } });
  const app = await createHttpServer({
    config, pool: db.pool, redis: redis.redis, logger, tariffs, classify: createClassifier(config), funds,
    authFailures: { maxFailures: options.maxFailures ?? 3, windowSeconds: 60 }, stripeWebhooks: options.stripeWebhooks?.(funds) ?? null,
  });
  const keys = new ApiKeyStore(db.pool);
  return {
    db, redis, app, keys, config, tariffs, funds, simulator, logLines,
    async createTenant(id, card = 'approve') {
      await funds.createAccount({ id, name: `${id} SARL`, language: 'fr' });
      const { token, last4, brand } = SIMULATOR_CARDS[card];
      await funds.addPaymentMethod({ accountId: id, token, last4, brand });
    },
    async headersFor(role, accountId = null) {
      const key = await keys.create({ role, accountId: role === 'account-admin' ? accountId : null, label: `${role} ${accountId ?? ''}`.trim() });
      return { authorization: `Bearer ${key.secret}` };
    },
    async close() {
      await app.close();
      await funds.stop();
      await redis.cleanup();
      await db.drop();
    },
  };
}
