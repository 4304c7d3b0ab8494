// src/config.ts: defaults, and every bad value reported at once with the variable's name.
import { describe, expect, it } from 'vitest';
import { DEFAULT_INCLUDED_COUNTRIES } from '../rating/classify/index';
import { ConfigError, loadConfig } from '../src/config';

function problemsOf(env: Record<string, string>): readonly string[] {
  try {
    loadConfig(env);
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return (error as ConfigError).problems;
  }
  throw new Error(`expected a ConfigError for ${JSON.stringify(env)}`);
}

describe('defaults', () => {
  // toMatchObject, not toEqual: a field added later by another part must not break this test; add it here.
  it('an empty environment gives the documented defaults', () => {
    expect(loadConfig({})).toMatchObject({
      databaseUrl: 'postgres://solde_app@127.0.0.1:5432/solde',
      migrationDatabaseUrl: 'postgres://postgres@127.0.0.1:5432/solde',
      redisUrl: 'redis://127.0.0.1:6379/0',
      redisKeyPrefix: 'solde:',
      httpHost: '127.0.0.1',
      httpPort: 8080,
      metricsHost: '127.0.0.1',
      metricsPort: 9464,
      logLevel: 'info',
      includedCountries: ['DE', 'BE', 'ES', 'IT', 'NL', 'PT', 'AT', 'CH', 'GB', 'IE', 'LU', 'PL'],
      topupAmountsMicros: [10_000_000n, 20_000_000n, 50_000_000n, 100_000_000n],
      rechargeThresholdsMicros: [5_000_000n, 10_000_000n, 20_000_000n],
      currency: 'EUR',
      grantValiditySeconds: 180,
      meterIntervalSeconds: 60,
      sampleDeckPath: 'rating/tariffs/sample-deck.csv',
      drachtio: { mode: 'inbound', host: '127.0.0.1', port: 9022, secret: 'cymru' },
      rtpengineNg: { host: '127.0.0.1', port: 22222 },
      trunkUri: 'sip:127.0.0.1:5070',
      announcementsDir: 'var/announcements',
      voice: 'espeak',
      drainDeadlineSeconds: 3600,
      redisCluster: false,
      sessionTimer: { expiresSeconds: 1800, minSeconds: 90 },
      cluster: { leaseSeconds: 15 },
    });
    expect(loadConfig({}).cluster.instanceId).toMatch(/^[a-z0-9-]+-\d+-[0-9a-f]{6}$/);
  });

  it('reads the cluster and session-timer settings, and refuses what RFC 4028 or a Redis key would not take', () => {
    expect(loadConfig({ SOLDE_REDIS_CLUSTER: 'true', SOLDE_INSTANCE_ID: 'solde-2', SOLDE_OWNER_LEASE_SECONDS: '5' }))
      .toMatchObject({ redisCluster: true, cluster: { instanceId: 'solde-2', leaseSeconds: 5 } });
    const problems = (env: Record<string, string>) => {
      try { loadConfig(env); return []; } catch (error) { return (error as ConfigError).problems; }
    };
    expect(problems({ SOLDE_REDIS_CLUSTER: 'yes' })).toEqual(['SOLDE_REDIS_CLUSTER="yes": expected true or false']);
    expect(problems({ SOLDE_SESSION_MIN_SE_SECONDS: '30' })[0]).toMatch(/^SOLDE_SESSION_MIN_SE_SECONDS="30": expected a whole number from 90/);
    expect(problems({ SOLDE_SESSION_EXPIRES_SECONDS: '120', SOLDE_SESSION_MIN_SE_SECONDS: '300' })[0]).toMatch(/must be at least SOLDE_SESSION_MIN_SE_SECONDS/);
    expect(problems({ SOLDE_INSTANCE_ID: 'a b' })[0]).toMatch(/^SOLDE_INSTANCE_ID/);
    expect(problems({ SOLDE_OWNER_LEASE_SECONDS: '1' })[0]).toMatch(/^SOLDE_OWNER_LEASE_SECONDS/);
  });

  it('the default plan of the classifier is the configured default', () => {
    expect(loadConfig({}).includedCountries).toEqual(DEFAULT_INCLUDED_COUNTRIES);
  });

  it('migrates as the one role named when only SOLDE_DATABASE_URL is set, as the owner role when both are', () => {
    const app = 'postgres://solde_app:pw@db.example:5433/solde';
    expect(loadConfig({ SOLDE_DATABASE_URL: app })).toMatchObject({ databaseUrl: app, migrationDatabaseUrl: app });
    const owner = 'postgres://solde_owner:pw@db.example:5433/solde';
    expect(loadConfig({ SOLDE_DATABASE_URL: app, SOLDE_MIGRATION_DATABASE_URL: owner })).toMatchObject({ databaseUrl: app, migrationDatabaseUrl: owner });
  });

  it('refuses an owner URL of another server or database than the application URL', () => {
    const problems = problemsOf({ SOLDE_DATABASE_URL: 'postgres://a@h1/solde', SOLDE_MIGRATION_DATABASE_URL: 'postgres://o@h1/other' });
    expect(problems).toEqual([expect.stringContaining('SOLDE_MIGRATION_DATABASE_URL must name the server and database')]);
  });

  it('an empty variable means the default', () => {
    expect(loadConfig({ SOLDE_HTTP_PORT: '', SOLDE_CURRENCY: '' })).toMatchObject({ httpPort: 8080, currency: 'EUR' });
  });
});

describe('good values', () => {
  it('are read and converted: amounts to micro-units, countries upper-cased', () => {
    const config = loadConfig({
      SOLDE_HTTP_PORT: '9090',
      SOLDE_INCLUDED_COUNTRIES: 'de, be ma',
      SOLDE_TOPUP_AMOUNTS: '15,25',
      SOLDE_CURRENCY: 'GBP',
      SOLDE_LOG_LEVEL: 'debug',
      SOLDE_RTPENGINE_NG: 'media.example:2223',
      SOLDE_TRUNK_URI: 'sips:carrier.example:5061',
      SOLDE_REDIS_URL: 'rediss://cache.example:6380/2',
    });
    expect(config).toMatchObject({
      httpPort: 9090,
      includedCountries: ['DE', 'BE', 'MA'],
      topupAmountsMicros: [15_000_000n, 25_000_000n],
      currency: 'GBP',
      logLevel: 'debug',
      rtpengineNg: { host: 'media.example', port: 2223 },
      trunkUri: 'sips:carrier.example:5061',
      redisUrl: 'rediss://cache.example:6380/2',
    });
  });

  it('DRACHTIO_LISTEN_PORT switches to outbound mode', () => {
    expect(loadConfig({ DRACHTIO_LISTEN_PORT: '4000', DRACHTIO_SECRET: 's3' }).drachtio).toEqual({ mode: 'outbound', listenPort: 4000, secret: 's3' });
  });
});

describe('bad values', () => {
  // [variable, value, what the report must quote or say]
  const cases: readonly [variable: string, value: string, mentions: string][] = [
    ['SOLDE_DATABASE_URL', 'mysql://db.example/solde', 'mysql://db.example/solde'],
    ['SOLDE_DATABASE_URL', 'not a url', 'not a url'],
    ['SOLDE_MIGRATION_DATABASE_URL', 'mysql://db.example/solde', 'mysql://db.example/solde'],
    ['SOLDE_METRICS_PORT', '65536', '65536'],
    ['SOLDE_REDIS_URL', 'http://cache.example', 'http://cache.example'],
    ['SOLDE_HTTP_PORT', '80a', '80a'],
    ['SOLDE_HTTP_PORT', '65536', '65536'],
    ['SOLDE_HTTP_PORT', '-1', '-1'],
    ['SOLDE_LOG_LEVEL', 'verbose', 'expected one of'],
    ['SOLDE_INCLUDED_COUNTRIES', 'DE,GER', '"GER"'],
    ['SOLDE_INCLUDED_COUNTRIES', 'D1', '"D1"'],
    ['SOLDE_TOPUP_AMOUNTS', '10,0', '"0"'],
    ['SOLDE_TOPUP_AMOUNTS', '12.5', '"12.5"'],
    ['SOLDE_TOPUP_AMOUNTS', '100000', '"100000"'],
    ['SOLDE_TOPUP_AMOUNTS', ',', 'at least one'],
    ['SOLDE_RECHARGE_THRESHOLDS', 'five', '"five"'],
    ['SOLDE_CURRENCY', 'euro', 'ISO 4217'],
    ['SOLDE_GRANT_VALIDITY_SECONDS', '5', '"5"'],
    ['SOLDE_GRANT_VALIDITY_SECONDS', '3601', '"3601"'],
    ['SOLDE_METER_INTERVAL_SECONDS', '0', '"0"'],
    ['SOLDE_RTPENGINE_NG', 'localhost', '"localhost"'],
    ['SOLDE_RTPENGINE_NG', 'localhost:70000', '"localhost:70000"'],
    ['SOLDE_TRUNK_URI', 'carrier.example:5060', 'SIP URI'],
    ['SOLDE_DRAIN_DEADLINE_SECONDS', '86401', '"86401"'],
    ['DRACHTIO_PORT', '0', '"0"'],
    ['DRACHTIO_LISTEN_PORT', 'abc', '"abc"'],
  ];

  it.each(cases)('%s=%j is reported with the variable name', (variable, value, mentions) => {
    const problems = problemsOf({ [variable]: value });
    expect(problems.length).toBeGreaterThan(0);
    for (const problem of problems) expect(problem).toContain(variable);
    expect(problems[0]).toContain(mentions);
  });

  it('reports every bad value at once, not just the first, and says what to do', () => {
    const env = { SOLDE_HTTP_PORT: 'x', SOLDE_CURRENCY: 'x', SOLDE_LOG_LEVEL: 'x', SOLDE_REDIS_URL: 'x', SOLDE_TRUNK_URI: 'x', SOLDE_TOPUP_AMOUNTS: 'x' };
    const problems = problemsOf(env);
    expect(problems.length).toBeGreaterThanOrEqual(Object.keys(env).length);
    for (const variable of Object.keys(env)) expect(problems.some((problem) => problem.includes(variable)), variable).toBe(true);
    expect(() => loadConfig(env)).toThrow(/Fix these environment variables/);
  });
});
