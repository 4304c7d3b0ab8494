// The portal is a static page (src/portal/), served by @fastify/static. It calls the same JSON API as any
// client, with the key the user typed kept in the tab's sessionStorage.
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import fastifyStatic from '@fastify/static';
import type { FastifyInstance } from 'fastify';

const PORTAL_DIR = fileURLToPath(new URL('../../portal/', import.meta.url));
/** What the page is made of; anything else in the folder (type declarations for the tests) is not served. */
const SERVED = /^\/?[a-z0-9_-]+\.(html|css|js|svg|json)$/;
// The page loads nothing from elsewhere: a strict policy makes an injected script inert.
const SECURITY_HEADERS = {
  'content-security-policy': "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; connect-src 'self'; frame-ancestors 'none'",
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
  // Always revalidated (ETag / Last-Modified): a new release reaches every open tab on its next load.
  'cache-control': 'no-cache',
};

export async function portalRoutes(app: FastifyInstance): Promise<void> {
  if (!existsSync(`${PORTAL_DIR}index.html`)) throw new Error(`portal: ${PORTAL_DIR}index.html is missing`);
  app.get('/', { schema: { hide: true } }, async (_request, reply) => reply.redirect('/portal/'));
  await app.register(fastifyStatic, {
    root: PORTAL_DIR,
    prefix: '/portal/',
    wildcard: false, // one route per file found at start-up: nothing added later is served
    index: 'index.html',
    cacheControl: false,
    decorateReply: false,
    allowedPath: (pathName) => pathName === '/' || SERVED.test(pathName),
    setHeaders: (reply) => { reply.headers(SECURITY_HEADERS); },
  });
}
