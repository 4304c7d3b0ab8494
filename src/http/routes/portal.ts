// The portal is a static page (src/portal/): read once at start-up, served from memory. It calls the
// same JSON API as any client, with the key the user typed kept in the tab's sessionStorage.
import { readFileSync, readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { FastifyInstance } from 'fastify';

const PORTAL_DIR = fileURLToPath(new URL('../../portal/', import.meta.url));
const TYPES: Record<string, string> = {
  html: 'text/html; charset=utf-8', css: 'text/css; charset=utf-8', js: 'text/javascript; charset=utf-8',
  svg: 'image/svg+xml', json: 'application/json; charset=utf-8',
};
// The page loads nothing from elsewhere: a strict policy makes an injected script inert.
const SECURITY_HEADERS = {
  'content-security-policy': "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; connect-src 'self'; frame-ancestors 'none'",
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
};

interface Asset { readonly body: Buffer; readonly type: string }

function loadAssets(): Map<string, Asset> {
  const assets = new Map<string, Asset>();
  for (const name of readdirSync(PORTAL_DIR)) {
    const extension = name.split('.').pop() ?? '';
    const type = TYPES[extension];
    if (type) assets.set(name, { body: readFileSync(PORTAL_DIR + name), type });
  }
  if (!assets.has('index.html')) throw new Error(`portal: ${PORTAL_DIR}index.html is missing`);
  return assets;
}

export async function portalRoutes(app: FastifyInstance): Promise<void> {
  const assets = loadAssets();
  app.get('/', { schema: { hide: true } }, async (_request, reply) => reply.redirect('/portal/'));
  app.get('/portal/', { schema: { hide: true } }, async (_request, reply) => {
    const asset = assets.get('index.html')!;
    return reply.headers(SECURITY_HEADERS).header('cache-control', 'no-cache').type(asset.type).send(asset.body);
  });
  app.get<{ Params: { file: string } }>('/portal/:file', { schema: { hide: true } }, async (request, reply) => {
    const asset = assets.get(request.params.file);
    if (!asset) return reply.callNotFound();
    return reply.headers(SECURITY_HEADERS).header('cache-control', 'no-cache').type(asset.type).send(asset.body);
  });
}
