// Configuration comes from the environment only, and is validated once at start-up: every bad value is
// reported (all of them, not just the first) with the variable's name and what it expects. Each layer
// declares the part it needs (sip/deps.ts, rating/funds/context.ts); this file composes and reads them.
import type { FundsConfig } from '../rating/funds/context';
import type { PaymentsConfig } from '../rating/funds/payment-provider';
import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import type { DrachtioConfig, SessionTimerConfig, SipProcessConfig } from '../sip/deps';

export interface Config extends SipProcessConfig, FundsConfig {
  /** The application role: what the running service connects as (no TRUNCATE, no schema changes). */
  readonly databaseUrl: string;
  /** The owner role, same server and database: migrations only (rating/db/roles.ts). */
  readonly migrationDatabaseUrl: string;
  readonly redisUrl: string;
  /** Prepended to every Redis key: lets tests and several Solde instances share one Redis. */
  readonly redisKeyPrefix: string;
  /** SOLDE_REDIS_URL names one node of a Redis Cluster (SOLDE_REDIS_CLUSTER=true). */
  readonly redisCluster: boolean;
  readonly httpHost: string;
  readonly httpPort: number;
  /** Behind a reverse proxy: whom to believe for X-Forwarded-For (false, true, or the proxies' addresses). */
  readonly httpTrustProxy: boolean | string;
  /** Prometheus /metrics listener, apart from the public API (loopback by default). */
  readonly metricsHost: string;
  readonly metricsPort: number;
  readonly logLevel: string;
  /** ISO 3166 codes whose fixed lines are included in the subscription. */
  readonly includedCountries: readonly string[];
  readonly sampleDeckPath: string;
  /** Card payments (SOLDE_CARD_PROCESSOR); null: none configured, every top-up and auto-recharge is refused. */
  readonly payments: PaymentsConfig | null;
  /** The address browsers reach Solde at (return address of hosted checkout pages); unset: the request's own. */
  readonly publicUrl: string | null;
}

export type { DrachtioConfig, PaymentsConfig };

export class ConfigError extends Error {
  constructor(readonly problems: readonly string[]) {
    super(`invalid configuration:\n  - ${problems.join('\n  - ')}\nFix these environment variables and start again.`);
    this.name = 'ConfigError';
  }
}

type Env = Readonly<Record<string, string | undefined>>;

const EUR_MICROS = 1_000_000n;

class Reader {
  readonly problems: string[] = [];
  constructor(private readonly env: Env) {}

  string(name: string, fallback: string): string {
    const value = this.env[name];
    if (value === undefined || value === '') return fallback;
    return value;
  }

  int(name: string, fallback: number, min: number, max: number): number {
    const raw = this.env[name];
    if (raw === undefined || raw === '') return fallback;
    if (!/^\d+$/.test(raw) || Number(raw) < min || Number(raw) > max) {
      this.problems.push(`${name}=${JSON.stringify(raw)}: expected a whole number from ${min} to ${max}`);
      return fallback;
    }
    return Number(raw);
  }

  bool(name: string, fallback: boolean): boolean {
    const raw = this.string(name, String(fallback));
    if (raw === 'true' || raw === 'false') return raw === 'true';
    this.problems.push(`${name}=${JSON.stringify(raw)}: expected true or false`);
    return fallback;
  }

  url(name: string, fallback: string, protocols: readonly string[]): string {
    const value = this.string(name, fallback);
    try {
      const url = new URL(value);
      if (!protocols.includes(url.protocol)) throw new Error('protocol');
    } catch {
      this.problems.push(`${name}: expected a ${protocols.join(' or ')} URL, got ${JSON.stringify(value)}`);
    }
    return value;
  }

  countries(name: string, fallback: string): string[] {
    const list = this.string(name, fallback).split(/[\s,]+/).filter(Boolean).map((c) => c.toUpperCase());
    for (const code of list) {
      if (!/^[A-Z]{2}$/.test(code)) this.problems.push(`${name}: ${JSON.stringify(code)} is not an ISO 3166 alpha-2 code`);
    }
    return list;
  }

  /** A list of whole euro (or currency unit) amounts, converted to micro-units. */
  amounts(name: string, fallback: string): bigint[] {
    const list = this.string(name, fallback).split(/[\s,]+/).filter(Boolean);
    const result: bigint[] = [];
    for (const item of list) {
      if (!/^\d{1,5}$/.test(item) || item === '0' || /^0+$/.test(item)) {
        this.problems.push(`${name}: ${JSON.stringify(item)} is not a whole amount from 1 to 99999`);
        continue;
      }
      result.push(BigInt(item) * EUR_MICROS);
    }
    if (result.length === 0) this.problems.push(`${name}: needs at least one amount`);
    return result;
  }

  hostPort(name: string, fallback: string): { host: string; port: number } {
    const value = this.string(name, fallback);
    const match = /^([^:\s]+):(\d{1,5})$/.exec(value);
    if (!match || Number(match[2]) > 65535) {
      this.problems.push(`${name}: expected host:port, got ${JSON.stringify(value)}`);
      return { host: '127.0.0.1', port: 0 };
    }
    return { host: match[1]!, port: Number(match[2]) };
  }
}

export function loadConfig(env: Env = process.env): Config {
  const r = new Reader(env);
  const config: Config = {
    ...readDatabaseUrls(r, env),
    redisUrl: r.url('SOLDE_REDIS_URL', 'redis://127.0.0.1:6379/0', ['redis:', 'rediss:']),
    redisKeyPrefix: r.string('SOLDE_REDIS_PREFIX', 'solde:'),
    redisCluster: r.bool('SOLDE_REDIS_CLUSTER', false),
    httpHost: r.string('SOLDE_HTTP_HOST', '127.0.0.1'),
    httpPort: r.int('SOLDE_HTTP_PORT', 8080, 0, 65535),
    httpTrustProxy: readTrustProxy(r),
    metricsHost: r.string('SOLDE_METRICS_HOST', '127.0.0.1'),
    metricsPort: r.int('SOLDE_METRICS_PORT', 9464, 0, 65535),
    logLevel: readLogLevel(r),
    includedCountries: r.countries('SOLDE_INCLUDED_COUNTRIES', 'DE,BE,ES,IT,NL,PT,AT,CH,GB,IE,LU,PL'),
    topupAmountsMicros: r.amounts('SOLDE_TOPUP_AMOUNTS', '10,20,50,100'),
    rechargeThresholdsMicros: r.amounts('SOLDE_RECHARGE_THRESHOLDS', '5,10,20'),
    currency: readCurrency(r),
    grantValiditySeconds: r.int('SOLDE_GRANT_VALIDITY_SECONDS', 180, 10, 3600),
    stateDir: r.string('SOLDE_STATE_DIR', 'var/state'),
    meterIntervalSeconds: r.int('SOLDE_METER_INTERVAL_SECONDS', 60, 1, 3600),
    sampleDeckPath: r.string('SOLDE_SAMPLE_DECK', 'rating/tariffs/sample-deck.csv'),
    drachtio: readDrachtio(r),
    rtpengineNg: r.hostPort('SOLDE_RTPENGINE_NG', '127.0.0.1:22222'),
    trunkUri: readTrunk(r),
    announcementsDir: r.string('SOLDE_ANNOUNCEMENTS_DIR', 'var/announcements'),
    voice: r.string('SOLDE_VOICE', 'espeak'),
    drainDeadlineSeconds: r.int('SOLDE_DRAIN_DEADLINE_SECONDS', 3600, 0, 86400),
    sessionTimer: readSessionTimer(r),
    cluster: { instanceId: readInstanceId(r), leaseSeconds: r.int('SOLDE_OWNER_LEASE_SECONDS', 15, 2, 300) },
    payments: readPayments(r),
    publicUrl: env.SOLDE_PUBLIC_URL ? r.url('SOLDE_PUBLIC_URL', '', ['http:', 'https:']).replace(/\/+$/, '') : null,
  };
  if (r.problems.length > 0) throw new ConfigError(r.problems);
  return config;
}

const POSTGRES = ['postgres:', 'postgresql:'];

/**
 * Two roles by default: migrations as the superuser of a trust-auth development server, the service as
 * solde_app (created by the migrations). A deployment that sets only SOLDE_DATABASE_URL migrates and
 * serves as that one role (the start-up log says the ledger is then unprotected).
 */
function readDatabaseUrls(r: Reader, env: Env): { databaseUrl: string; migrationDatabaseUrl: string } {
  const databaseUrl = r.url('SOLDE_DATABASE_URL', 'postgres://solde_app@127.0.0.1:5432/solde', POSTGRES);
  const appSet = (env.SOLDE_DATABASE_URL ?? '') !== '';
  const ownerSet = (env.SOLDE_MIGRATION_DATABASE_URL ?? '') !== '';
  // Only SOLDE_DATABASE_URL set: that one (already checked) role migrates too.
  const migrationDatabaseUrl = appSet && !ownerSet ? databaseUrl
    : r.url('SOLDE_MIGRATION_DATABASE_URL', 'postgres://postgres@127.0.0.1:5432/solde', POSTGRES);
  const served = serverAndDatabase(databaseUrl);
  const migrated = serverAndDatabase(migrationDatabaseUrl);
  if (served !== null && migrated !== null && served !== migrated) {
    r.problems.push(`SOLDE_MIGRATION_DATABASE_URL must name the server and database of SOLDE_DATABASE_URL `
      + `(${migrated} vs ${served}); only the role may differ`);
  }
  return { databaseUrl, migrationDatabaseUrl };
}

function serverAndDatabase(databaseUrl: string): string | null {
  try {
    const url = new URL(databaseUrl);
    return `${url.hostname}:${url.port || '5432'}${url.pathname}`;
  } catch {
    return null;
  }
}

function readSessionTimer(r: Reader): SessionTimerConfig {
  const minSeconds = r.int('SOLDE_SESSION_MIN_SE_SECONDS', 90, 90, 86400);
  const expiresSeconds = r.int('SOLDE_SESSION_EXPIRES_SECONDS', 1800, 90, 86400);
  if (expiresSeconds < minSeconds) r.problems.push(`SOLDE_SESSION_EXPIRES_SECONDS (${expiresSeconds}) must be at least SOLDE_SESSION_MIN_SE_SECONDS (${minSeconds})`);
  return { expiresSeconds, minSeconds };
}

/** Default: host, pid and a random part, so that a restarted process never takes over its own old lease. */
function readInstanceId(r: Reader): string {
  const fallback = `${hostname()}-${process.pid}-${randomBytes(3).toString('hex')}`.toLowerCase().replace(/[^a-z0-9-]/g, '-');
  const id = r.string('SOLDE_INSTANCE_ID', fallback);
  if (!/^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/.test(id)) r.problems.push('SOLDE_INSTANCE_ID: expected up to 64 letters, digits, dots, dashes or underscores');
  return id;
}

function readLogLevel(r: Reader): string {
  const level = r.string('SOLDE_LOG_LEVEL', 'info');
  const levels = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'];
  if (!levels.includes(level)) r.problems.push(`SOLDE_LOG_LEVEL: expected one of ${levels.join(', ')}`);
  return level;
}

function readTrustProxy(r: Reader): boolean | string {
  const value = r.string('SOLDE_HTTP_TRUST_PROXY', 'false');
  if (value === 'false') return false;
  if (value === 'true') return true;
  if (/^[0-9a-fA-F.:/]+(,[0-9a-fA-F.:/]+)*$/.test(value)) return value;
  r.problems.push('SOLDE_HTTP_TRUST_PROXY: expected false, true or proxy addresses such as 10.0.0.1,10.0.0.2');
  return false;
}

function readCurrency(r: Reader): string {
  const currency = r.string('SOLDE_CURRENCY', 'EUR');
  if (!/^[A-Z]{3}$/.test(currency)) r.problems.push(`SOLDE_CURRENCY: expected an ISO 4217 code such as EUR`);
  return currency;
}

function readTrunk(r: Reader): string {
  const trunk = r.string('SOLDE_TRUNK_URI', 'sip:127.0.0.1:5070');
  if (!/^sips?:[^\s]+$/.test(trunk)) r.problems.push(`SOLDE_TRUNK_URI: expected a SIP URI such as sip:carrier.example:5060`);
  return trunk;
}

function readDrachtio(r: Reader): DrachtioConfig {
  const secret = r.string('DRACHTIO_SECRET', 'cymru');
  const listen = r.string('DRACHTIO_LISTEN_PORT', '');
  if (listen !== '') {
    return { mode: 'outbound', listenPort: r.int('DRACHTIO_LISTEN_PORT', 3000, 1, 65535), secret };
  }
  return {
    mode: 'inbound',
    host: r.string('DRACHTIO_HOST', '127.0.0.1'),
    port: r.int('DRACHTIO_PORT', 9022, 1, 65535),
    secret,
  };
}

function readPayments(r: Reader): PaymentsConfig | null {
  const processor = r.string('SOLDE_CARD_PROCESSOR', '');
  if (processor === '') return null;
  if (processor === 'simulator') return { processor };
  if (processor !== 'stripe') {
    r.problems.push(`SOLDE_CARD_PROCESSOR: expected stripe or simulator (or unset: no card payments), got ${JSON.stringify(processor)}`);
    return null;
  }
  const secretKey = r.string('STRIPE_SECRET_KEY', '');
  const webhookSecret = r.string('STRIPE_WEBHOOK_SECRET', '');
  if (!/^(sk|rk)_(test|live)_[A-Za-z0-9]+$/.test(secretKey)) r.problems.push('STRIPE_SECRET_KEY: expected the secret key of the Stripe dashboard (sk_test_... or sk_live_...)');
  if (!/^whsec_[A-Za-z0-9]+$/.test(webhookSecret)) r.problems.push('STRIPE_WEBHOOK_SECRET: expected the signing secret of the webhook endpoint (whsec_...)');
  const apiUrl = r.string('SOLDE_STRIPE_API_URL', '');
  let api: { host: string; port: number; protocol: 'http' | 'https' } | null = null;
  if (apiUrl !== '') {
    const u = URL.canParse(apiUrl) ? new URL(apiUrl) : null;
    if (!u || (u.protocol !== 'http:' && u.protocol !== 'https:')) r.problems.push(`SOLDE_STRIPE_API_URL: expected an http(s) URL, got ${JSON.stringify(apiUrl)}`);
    else api = { host: u.hostname, port: Number(u.port || (u.protocol === 'https:' ? 443 : 80)), protocol: u.protocol === 'https:' ? 'https' : 'http' };
  }
  return { processor, secretKey, webhookSecret, api };
}
