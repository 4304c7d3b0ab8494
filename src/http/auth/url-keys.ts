// API keys in URLs: a key in a query string ends up in access logs, proxy logs and browser history, so
// any request carrying one is refused (400 KEY_IN_URL, before authentication: even a valid key is not
// used) and the URL is logged with every such value replaced. "A key" is a parameter with a key-like name
// (api_key, token, ...) or any value with the shape of a Solde key (sk_...), whatever its name.
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { SoldeError } from '../../../core/errors';

const KEY_PARAMETER = /^(api[_-]?key|apikey|x-api-key|key|access[_-]?token|token|auth|authorization|bearer)$/i;
const KEY_VALUE = /sk_[A-Za-z0-9_-]{8,}/;
const REDACTED = '[redacted]';

function carriesKey(name: string, value: string): boolean {
  return KEY_PARAMETER.test(name) || KEY_VALUE.test(name) || KEY_VALUE.test(value);
}

/** The names of the query parameters that carry a key (a key used as a name: redacted); empty when none. */
export function keyParametersOf(url: string): string[] {
  const at = url.indexOf('?');
  if (at < 0) return [];
  const names: string[] = [];
  for (const [name, value] of new URLSearchParams(url.slice(at + 1))) {
    if (carriesKey(name, value)) names.push(KEY_VALUE.test(name) ? REDACTED : name);
  }
  return names;
}

/** The URL as it may be logged: the value of every key-carrying parameter replaced. */
export function urlForLog(url: string): string {
  const at = url.indexOf('?');
  if (at < 0 || keyParametersOf(url).length === 0) return url;
  const parts = url.slice(at + 1).split('&').map((part) => {
    const equals = part.indexOf('=');
    const name = safeDecode(equals < 0 ? part : part.slice(0, equals));
    const value = equals < 0 ? '' : safeDecode(part.slice(equals + 1));
    if (!carriesKey(name, value)) return part;
    return `${KEY_VALUE.test(name) ? REDACTED : encodeURIComponent(name)}=${REDACTED}`;
  });
  return `${url.slice(0, at)}?${parts.join('&')}`;
}

/** pino serializer of fastify's request (replaces fastify's own, which logs the raw URL). */
export function requestForLog(request: FastifyRequest) {
  return {
    method: request.method,
    url: urlForLog(request.url),
    host: request.host,
    remoteAddress: request.ip,
    remotePort: request.socket?.remotePort,
  };
}

export function refuseKeysInUrls(app: FastifyInstance): void {
  app.addHook('onRequest', async (request) => {
    const names = keyParametersOf(request.url);
    if (names.length === 0) return;
    throw new SoldeError('KEY_IN_URL', `remove ${names.map((name) => JSON.stringify(name)).join(', ')} from the query `
      + 'and send the key as "Authorization: Bearer <key>" or "X-Api-Key: <key>"; revoke it if it went through a proxy that logs URLs');
  });
}

function safeDecode(text: string): string {
  try {
    return decodeURIComponent(text.replace(/\+/g, ' '));
  } catch {
    return text;
  }
}
