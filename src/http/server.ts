// The HTTP side of Solde: JSON API (/api/v1), the portal page (/portal/), OpenAPI (/openapi.json),
// health and readiness (metrics have a listener of their own: src/metrics-server.ts). createHttpServer
// builds it; listenHttp starts it; src/main.ts wires both.
import Fastify, { type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import type { Cluster, Redis } from 'ioredis';
import type { Classification } from '../../rating/contracts';
import type { Pool } from '../../rating/db/pool';
import type { TariffStore } from '../../rating/tariffs';
import type { Config } from '../config';
import type { Logger } from '../../core/log';
import { ApiKeyStore } from './auth/api-keys';
import { installAuthentication } from './auth/authenticate';
import { installBadKeyLimit } from './auth/bad-key-limit';
import { refuseKeysInUrls, requestForLog } from './auth/url-keys';
import { ERROR_BODY_SCHEMA, installErrorHandlers } from './error-body';
import { openApiRoute, registerOpenApi } from './openapi';
import { installValidation } from './validation';
import { installRequestMetrics } from './request-metrics';
import { opsRoutes } from './routes/ops';
import { portalRoutes } from './routes/portal';
import { meRoutes } from './routes/me';
import { ratesRoutes } from './routes/rates';
import { operatorRoutes } from './routes/operator';
import { accountRoutes } from './routes/account';
import { historyRoutes, REVERSAL_RESULT_SCHEMA } from './routes/history';
import { ENTRY_SCHEMA } from './entry-json';
import type { FundsPort } from './funds-port';
import { paymentRoutes } from './routes/payments';
import { webhookRoutes, type WebhookReceiver } from './routes/webhooks';
import { simulatorCheckoutRoutes } from './routes/simulator-checkout';
import type { PaymentProvider } from '../../rating/funds/payments';

export interface HttpDeps {
  readonly config: Config;
  readonly pool: Pool;
  readonly redis: Redis | Cluster;
  readonly logger: Logger;
  /** Loaded (load() completed) before the server is created. */
  readonly tariffs: TariffStore;
  readonly classify: (dialled: string) => Classification;
  /** The funds engine (rating/funds FundsService). */
  readonly funds: FundsPort;
  /** Stripe's webhook receiver (rating/funds/stripe/webhooks.ts) when SOLDE_CARD_PROCESSOR=stripe. */
  readonly stripeWebhooks?: WebhookReceiver | null;
  /** The drachtio-server link, for /ready; absent where no SIP side runs. */
  readonly sipLinkUp?: () => boolean;
  /** Bad-key rate limit; defaults suit production (10 wrong keys per client per 5 minutes). */
  readonly authFailures?: { maxFailures: number; windowSeconds: number; maxClients?: number };
}

const BODY_LIMIT_BYTES = 64 * 1024; // every JSON request is a few hundred bytes; rate decks have their own limit

export async function createHttpServer(deps: HttpDeps): Promise<FastifyInstance> {
  const app = Fastify({
    // pino's Logger and fastify's base logger type differ only in generics; the instance is the same.
    // Request lines log the URL with any key in its query redacted (url-keys.ts).
    loggerInstance: deps.logger.child({}, { serializers: { req: requestForLog } }) as unknown as FastifyBaseLogger,
    bodyLimit: BODY_LIMIT_BYTES,
    // The bad-key rate limit counts per client address: behind a reverse proxy that address comes from
    // X-Forwarded-For, believed only from the proxies named by SOLDE_HTTP_TRUST_PROXY.
    trustProxy: deps.config.httpTrustProxy,
  });
  const keys = new ApiKeyStore(deps.pool);
  installValidation(app);
  app.addSchema(ERROR_BODY_SCHEMA);
  app.addSchema(ENTRY_SCHEMA);
  app.addSchema(REVERSAL_RESULT_SCHEMA);
  await registerOpenApi(app);
  installErrorHandlers(app);
  installRequestMetrics(app);
  refuseKeysInUrls(app);
  const countBadKey = await installBadKeyLimit(app, {
    maxFailures: deps.authFailures?.maxFailures ?? 10,
    windowSeconds: deps.authFailures?.windowSeconds ?? 300,
    maxClients: deps.authFailures?.maxClients ?? 100_000,
  });
  installAuthentication(app, keys, countBadKey);
  openApiRoute(app);
  await app.register(opsRoutes({ pool: deps.pool, redis: deps.redis, sipLinkUp: deps.sipLinkUp }));
  await app.register(portalRoutes);
  await app.register(meRoutes, { prefix: '/api/v1' });
  const amounts = { topupAmountsMicros: deps.config.topupAmountsMicros, rechargeThresholdsMicros: deps.config.rechargeThresholdsMicros };
  await app.register(operatorRoutes({ pool: deps.pool, keys, tariffs: deps.tariffs, funds: deps.funds, amounts }), { prefix: '/api/v1' });
  await app.register(accountRoutes({ pool: deps.pool, funds: deps.funds, amounts }), { prefix: '/api/v1' });
  await app.register(historyRoutes({ pool: deps.pool, funds: deps.funds }), { prefix: '/api/v1' });
  await app.register(paymentRoutes({ pool: deps.pool, funds: deps.funds, publicUrl: deps.config.publicUrl }), { prefix: '/api/v1' });
  await app.register(webhookRoutes({ stripe: deps.stripeWebhooks ?? null }), { prefix: '/api/v1' });
  await app.register(simulatorCheckoutRoutes(deps.funds.processor as PaymentProvider), { prefix: '/api/v1' });
  await app.register(ratesRoutes({ tariffs: deps.tariffs, classify: deps.classify, currency: deps.config.currency }), { prefix: '/api/v1' });
  return app;
}

/** Starts listening; returns the address actually bound (port 0 picks a free one). */
export async function listenHttp(app: FastifyInstance, host: string, port: number): Promise<string> {
  return app.listen({ host, port });
}
