// Authentication and authorization of every API route, before the body is even read. A route declares
// `config: { permission }`; one without it is public (health, the portal's static files). Wrong keys
// are counted per client and rate limited (bad-key-limit.ts); keys never reach the logs (core/log.ts
// redacts the headers, url-keys.ts refuses and redacts keys in URLs, and nothing here logs the key).
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { SoldeError } from '../../../core/errors';
import { authFailures } from '../../metrics';
import type { ApiKeyStore, Principal } from './api-keys';
import type { CountBadKey } from './bad-key-limit';
import { reachesAccount, roleMay, type Permission } from './permissions';

declare module 'fastify' {
  interface FastifyContextConfig {
    permission?: Permission;
  }
  interface FastifyRequest {
    principal: Principal | null;
  }
}

export function installAuthentication(app: FastifyInstance, keys: ApiKeyStore, countBadKey: CountBadKey): void {
  app.decorateRequest('principal', null);
  // Answers of authenticated routes are one tenant's data: no shared cache (proxy, browser) may keep them.
  app.addHook('onSend', async (request, reply) => {
    if (request.routeOptions.config.permission) void reply.header('cache-control', 'no-store');
  });
  app.addHook('onRequest', async (request) => {
    const permission = request.routeOptions.config.permission;
    if (!permission) return;
    const principal = await authenticate(request, keys, countBadKey);
    request.principal = principal;
    authorize(principal, permission, request);
    // Every later line of this request names the tenant it is about (support and operator keys have none
    // of their own) and the key by id, never by its secret.
    const about = (request.params as { accountId?: unknown } | undefined)?.accountId;
    const tenant = typeof about === 'string' ? about : principal.accountId ?? undefined;
    request.log = request.log.child({ keyId: principal.keyId, role: principal.role, tenant });
  });
}

async function authenticate(request: FastifyRequest, keys: ApiKeyStore, countBadKey: CountBadKey): Promise<Principal> {
  const secret = presentedKey(request);
  const principal = secret === null ? null : await keys.verify(secret);
  if (principal) return principal;
  // Only a wrong key counts towards the limit; a keyless request is simply not signed in.
  const retryAfterSeconds = secret === null ? 0 : await countBadKey(request);
  if (retryAfterSeconds > 0) {
    authFailures.inc({ reason: 'rate_limited' });
    throw new SoldeError('RATE_LIMITED', `too many wrong keys from this address; retry in ${retryAfterSeconds} s`, { retryAfterSeconds });
  }
  authFailures.inc({ reason: 'unauthenticated' });
  request.log.warn({ client: request.ip, presented: secret !== null }, 'authentication failed');
  throw new SoldeError('UNAUTHENTICATED', secret === null
    ? 'send the key as "Authorization: Bearer <key>" or "X-Api-Key: <key>"'
    : 'this key is unknown or revoked');
}

function presentedKey(request: FastifyRequest): string | null {
  const header = request.headers.authorization;
  if (typeof header === 'string') {
    const match = /^Bearer\s+(\S+)$/i.exec(header.trim());
    return match ? match[1]! : null;
  }
  const apiKey = request.headers['x-api-key'];
  return typeof apiKey === 'string' && apiKey.length > 0 ? apiKey.trim() : null;
}

function authorize(principal: Principal, permission: Permission, request: FastifyRequest): void {
  if (!roleMay(principal.role, permission)) {
    authFailures.inc({ reason: 'forbidden' });
    throw new SoldeError('FORBIDDEN', `the ${principal.role} role may not use ${request.routeOptions.url}`);
  }
  const accountId = (request.params as { accountId?: unknown } | undefined)?.accountId;
  if (typeof accountId === 'string' && !reachesAccount(principal, accountId)) {
    authFailures.inc({ reason: 'forbidden' });
    throw new SoldeError('FORBIDDEN', 'this key belongs to another account');
  }
}

/** The verified principal of a route that declared a permission; a bug if called on a public route. */
export function principalOf(request: FastifyRequest): Principal {
  const principal = request.principal;
  if (!principal) throw new Error(`principalOf called on a public route: ${request.routeOptions.url}`);
  return principal;
}
