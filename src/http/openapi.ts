// The OpenAPI document is generated from the routes' own JSON schemas (the same ones that validate
// every input), so it cannot drift from what the server accepts. Served at /openapi.json.
import swagger from '@fastify/swagger';
import type { FastifyInstance } from 'fastify';

export async function registerOpenApi(app: FastifyInstance): Promise<void> {
  await app.register(swagger, {
    openapi: {
      openapi: '3.0.3',
      info: {
        title: 'Solde API',
        version: '1',
        description: 'Prepaid balance, top-ups, auto-recharge, rates and history of business phone accounts. '
          + 'Amounts are strings: an exact decimal and the same amount in micro-units (1 unit = 1000000). '
          + 'Errors are {"error": {"code", "message"}}.',
      },
      components: {
        securitySchemes: {
          bearer: { type: 'http', scheme: 'bearer', description: 'API key (sk_...)' },
          apiKey: { type: 'apiKey', in: 'header', name: 'X-Api-Key' },
        },
      },
      security: [{ bearer: [] }, { apiKey: [] }],
      tags: [
        { name: 'account', description: 'Balance, funds, auto-recharge, history (account-admin, support)' },
        { name: 'rates', description: 'Per-minute rates' },
        { name: 'operator', description: 'Tenants, API keys, rate decks (operator)' },
        { name: 'ops', description: 'Health, readiness, metrics (no key)' },
      ],
    },
  });
}

export function openApiRoute(app: FastifyInstance): void {
  app.get('/openapi.json', { schema: { hide: true } }, async () => app.swagger());
}
