// GET /api/v1/me: who this key is. The portal starts here to learn the role and the tenant.
import type { FastifyInstance } from 'fastify';
import { principalOf } from '../auth/authenticate';

export async function meRoutes(app: FastifyInstance): Promise<void> {
  app.get('/me', {
    config: { permission: 'rates:read' },
    schema: {
      tags: ['account'],
      summary: 'The role and tenant of the calling key',
      response: {
        200: {
          type: 'object',
          required: ['role', 'account_id', 'label'],
          properties: {
            role: { type: 'string', enum: ['account-admin', 'support', 'operator'] },
            account_id: { type: 'string', nullable: true },
            label: { type: 'string' },
          },
        },
      },
    },
  }, async (request) => {
    const principal = principalOf(request);
    return { role: principal.role, account_id: principal.accountId, label: principal.label };
  });
}
