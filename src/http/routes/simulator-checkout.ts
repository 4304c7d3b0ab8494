// The SIMULATOR's stand-in for a processor-hosted checkout page (only when SOLDE_CARD_PROCESSOR=simulator):
// pick a test card to save, or confirm a payment, then go back to the portal like Stripe Checkout would.
// Public like a hosted page: the session id is an unguessable one-time name, and finishing it still
// takes the tenant's key (POST /accounts/:id/checkout/:sessionId).
import type { FastifyInstance } from 'fastify';
import { CardProcessorSimulator, SIMULATOR_CARDS, type SimulatorCard } from '../../../rating/funds/payment-simulator';
import type { PaymentProvider } from '../../../rating/funds/payments';
import { formatAmount } from '../../../rating/money';

const PAGE_HEADERS = {
  'content-security-policy': "default-src 'self'; style-src 'self'; script-src 'none'; frame-ancestors 'none'",
  'cache-control': 'no-store',
  'x-content-type-options': 'nosniff',
};

const escape = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

function page(title: string, body: string): string {
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escape(title)}</title><link rel="stylesheet" href="/portal/portal.css"></head>
<body><main class="login"><div class="card login-card"><h1>${escape(title)}</h1>
<p class="error">SIMULATOR: no card is charged and no money moves.</p>${body}</div></main></body></html>`;
}

export function simulatorCheckoutRoutes(provider: PaymentProvider) {
  return async (app: FastifyInstance): Promise<void> => {
    if (!(provider instanceof CardProcessorSimulator)) return;
    const simulator = provider;
    app.get<{ Params: { sessionId: string } }>('/simulator/checkout/:sessionId', { schema: { hide: true } }, async (request, reply) => {
      const id = request.params.sessionId;
      const s = simulator.session(id);
      if (!s) return reply.callNotFound();
      const link = (card: string, text: string) => `<p><a class="primary button" id="sim-${card}" href="/api/v1/simulator/checkout/${escape(id)}/complete?card=${card}">${escape(text)}</a></p>`;
      const body = s.mode === 'setup'
        ? Object.entries(SIMULATOR_CARDS).map(([name, c]) => link(name, `Save test card ${c.brand} ${c.last4} (${name})`)).join('')
        : link('approve', `Confirm payment of ${formatAmount(s.amountMicros!, s.currency, 'en')}`);
      return reply.headers(PAGE_HEADERS).type('text/html; charset=utf-8')
        .send(page(s.mode === 'setup' ? 'Save a card (simulated)' : 'Confirm your payment (simulated)', `${body}<p><a href="${escape(s.cancelUrl)}">Cancel</a></p>`));
    });
    app.get<{ Params: { sessionId: string }; Querystring: { card?: string } }>('/simulator/checkout/:sessionId/complete', { schema: { hide: true } }, async (request, reply) => {
      const card = request.query.card && request.query.card in SIMULATOR_CARDS ? request.query.card as SimulatorCard : undefined;
      const back = simulator.complete(request.params.sessionId, card);
      if (!back) return reply.callNotFound();
      return reply.redirect(back, 303);
    });
  };
}
