// POST /api/v1/webhooks/stripe: Stripe's events, public (no API key: the signature proves the sender).
// The body must stay the exact bytes Stripe signed, so this route's scope reads JSON as a raw Buffer.
import type { FastifyInstance } from 'fastify';
import { SoldeError } from '../../../core/errors';
import type { WebhookReceipt } from '../../../rating/funds/stripe/webhooks';

export interface WebhookReceiver {
  receive(rawBody: Buffer, signature: string | undefined): Promise<WebhookReceipt>;
}

export function webhookRoutes(deps: { readonly stripe: WebhookReceiver | null }) {
  return async (app: FastifyInstance): Promise<void> => {
    // Encapsulated: only this plugin's routes get the raw parser; the rest of the API parses JSON as before.
    app.removeContentTypeParser('application/json');
    app.addContentTypeParser('application/json', { parseAs: 'buffer' }, (_request, body, done) => done(null, body));

    app.post('/webhooks/stripe', {
      schema: {
        tags: ['payments'], summary: 'Stripe webhook events (signed with the endpoint secret; each event id applied once)',
        response: {
          200: { type: 'object', required: ['received', 'applied'], properties: { received: { type: 'boolean' }, applied: { type: 'boolean' } } },
          400: { $ref: 'ErrorBody#' }, 503: { $ref: 'ErrorBody#' },
        },
      },
    }, async (request) => {
      if (!deps.stripe) throw new SoldeError('PAYMENTS_NOT_CONFIGURED', 'this Solde does not use Stripe');
      if (!Buffer.isBuffer(request.body)) throw new SoldeError('BAD_WEBHOOK_SIGNATURE', 'expected a JSON body');
      const signature = request.headers['stripe-signature'];
      const receipt = await deps.stripe.receive(request.body, typeof signature === 'string' ? signature : undefined);
      request.log.info({ eventId: receipt.eventId, type: receipt.type, applied: receipt.applied }, 'stripe webhook');
      return { received: true, applied: receipt.applied };
    });
  };
}
