// A local fake of the Stripe API for tests: stripe-node is pointed at it with its own host/port/protocol
// options, and it answers with the object shapes of Stripe's API reference (customer, payment_intent,
// checkout.session, setup_intent, payment_method, charge, dispute, event) and its error bodies
// ({error: {type, code, decline_code, message, payment_intent}}). Idempotency as Stripe does it: a
// request's Idempotency-Key saves its answer, a repeat replays it (Idempotent-Replayed: true), the same key
// with other parameters is a 400 idempotency_error; a 500 is not saved. Payment methods decide outcomes,
// named like Stripe's test payment methods. Webhook events are signed with Stripe's real scheme
// (stripe.webhooks.generateTestHeaderString). It also serves the hosted Checkout page, for Chromium.
import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import Stripe from 'stripe';

export const FAKE_CARDS = {
  visa: 'pm_card_visa',
  declined: 'pm_card_chargeDeclined',
  insufficientFunds: 'pm_card_chargeDeclinedInsufficientFunds',
  authenticationRequired: 'pm_card_authenticationRequired',
  requiresAction: 'pm_card_fake_requiresAction',
} as const;

export const WEBHOOK_SECRET = 'whsec_fakeStripeTestSecret';
export const SECRET_KEY = 'sk_test_fakeStripeKey';

type Params = Record<string, unknown>;
interface Answer { readonly status: number; readonly body: unknown }
interface Saved { readonly params: string; readonly answer: Answer }

export interface LoggedRequest { readonly method: string; readonly path: string; readonly idempotencyKey?: string; readonly params: Params }

const stripeSigner = new Stripe(SECRET_KEY);
const id = (prefix: string) => `${prefix}_${randomBytes(12).toString('hex')}`;

/** Bracket form encoding (what stripe-node sends: metadata[key]=v, line_items[0][quantity]=1) to objects. */
export function parseForm(text: string): Params {
  const out: Params = {};
  for (const [key, value] of new URLSearchParams(text)) {
    const path = key.replace(/\]/g, '').split('[');
    let node = out as Record<string, unknown>;
    path.forEach((part, i) => {
      if (i === path.length - 1) node[part] = value;
      else node = (node[part] ??= {}) as Record<string, unknown>;
    });
  }
  return out;
}

export class FakeStripe {
  readonly requests: LoggedRequest[] = [];
  readonly paymentIntents = new Map<string, Record<string, unknown>>();
  readonly sessions = new Map<string, Record<string, unknown>>();
  private readonly customers = new Map<string, Record<string, unknown>>();
  private readonly saved = new Map<string, Saved>();
  private readonly faults: Array<{ kind: '500' } | { kind: 'delay'; ms: number } | { kind: 'lost'; gate: Promise<void> }> = [];
  private server?: Server;
  port = 0;

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  /** stripe-node's options for this fake. */
  clientOptions(timeoutMs = 5_000) {
    return { secretKey: SECRET_KEY, host: '127.0.0.1', port: this.port, protocol: 'http' as const, timeoutMs };
  }

  async start(): Promise<this> {
    this.server = createServer((req, res) => void this.handle(req, res).catch((error: unknown) => {
      res.writeHead(500).end(String(error));
    }));
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    this.port = (this.server.address() as { port: number }).port;
    return this;
  }

  async close(): Promise<void> {
    this.server?.closeAllConnections();
    await new Promise((resolve) => this.server?.close(resolve));
  }

  /** The next POST /v1/payment_intents answers 500 api_error (nothing created, nothing saved). */
  failNext(): void {
    this.faults.push({ kind: '500' });
  }

  /** The next POST /v1/payment_intents is performed and saved, but answered only after `ms`. */
  delayNext(ms: number): void {
    this.faults.push({ kind: 'delay', ms });
  }

  /**
   * The next POST /v1/payment_intents is performed and saved, and its answer is lost: a 500 once `release`
   * is called (a proxy failing after Stripe charged). Returns `release`.
   */
  loseNextAnswer(): () => void {
    let release!: () => void;
    this.faults.push({ kind: 'lost', gate: new Promise<void>((resolve) => { release = resolve; }) });
    return release;
  }

  /** Requests that reached the fake with this Idempotency-Key (replays included). */
  callsWithKey(key: string): LoggedRequest[] {
    return this.requests.filter((r) => r.idempotencyKey === key);
  }

  intentByKey(soldeKey: string): Record<string, unknown> | undefined {
    return [...this.paymentIntents.values()].find((pi) => (pi.metadata as Params | undefined)?.solde_key === soldeKey);
  }

  /** A charge object of a PaymentIntent, as charge.refunded carries it. */
  charge(intent: Record<string, unknown>, amountRefunded: number) {
    return { id: intent.latest_charge, object: 'charge', amount: intent.amount, amount_captured: intent.amount, amount_refunded: amountRefunded,
      currency: intent.currency, customer: intent.customer, payment_intent: intent.id, refunded: amountRefunded === intent.amount, status: 'succeeded', livemode: false };
  }

  dispute(intent: Record<string, unknown>, amount: number) {
    return { id: id('dp'), object: 'dispute', amount, currency: intent.currency, charge: intent.latest_charge, payment_intent: intent.id,
      reason: 'fraudulent', status: 'needs_response', livemode: false };
  }

  /** An event as Stripe sends it, and its Stripe-Signature header (secret and time may be wrong on purpose). */
  signedEvent(type: string, object: unknown, o: { secret?: string; timestamp?: number } = {}): { payload: string; signature: string; eventId: string } {
    const eventId = id('evt');
    const payload = JSON.stringify({
      id: eventId, object: 'event', api_version: '2026-10-28.endive', created: Math.floor(Date.now() / 1000), livemode: false,
      pending_webhooks: 1, request: { id: null, idempotency_key: null }, type, data: { object },
    });
    const signature = stripeSigner.webhooks.generateTestHeaderString({ payload, secret: o.secret ?? WEBHOOK_SECRET, timestamp: o.timestamp });
    return { payload, signature, eventId };
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', this.url);
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const body = Buffer.concat(chunks).toString('utf8');
    if (url.pathname.startsWith('/pay/')) return this.hostedPage(url, res);
    const params = req.method === 'GET' ? parseForm(url.searchParams.toString()) : parseForm(body);
    const key = req.headers['idempotency-key'] as string | undefined;
    this.requests.push({ method: req.method ?? 'GET', path: url.pathname, idempotencyKey: key, params });
    if (req.headers.authorization !== `Bearer ${SECRET_KEY}`) return send(res, 401, error('invalid_request_error', 'Invalid API Key provided'));
    if (key && req.method === 'POST') {
      const earlier = this.saved.get(key);
      if (earlier) {
        if (earlier.params !== body) return send(res, 400, error('idempotency_error', 'Keys for idempotent requests can only be used with the same parameters they were first used with.'));
        return send(res, earlier.answer.status, earlier.answer.body, { 'idempotent-replayed': 'true' });
      }
    }
    const fault = req.method === 'POST' && url.pathname === '/v1/payment_intents' ? this.faults.shift() : undefined;
    if (fault?.kind === '500') return send(res, 500, error('api_error', 'An unknown error occurred'));
    const answer = this.route(req.method ?? 'GET', url.pathname, params);
    if (key && req.method === 'POST' && answer.status !== 500) this.saved.set(key, { params: body, answer });
    if (fault?.kind === 'delay') await new Promise((resolve) => setTimeout(resolve, fault.ms));
    if (fault?.kind === 'lost') {
      await fault.gate;
      return send(res, 500, error('api_error', 'An unknown error occurred'));
    }
    if (!res.destroyed) send(res, answer.status, answer.body);
  }

  private route(method: string, path: string, p: Params): Answer {
    if (method === 'POST' && path === '/v1/customers') {
      const customer = { id: id('cus'), object: 'customer', name: p.name ?? null, metadata: p.metadata ?? {}, livemode: false };
      this.customers.set(customer.id, customer);
      return { status: 200, body: customer };
    }
    if (method === 'POST' && path === '/v1/payment_intents') return this.createIntent(p);
    if (method === 'POST' && path === '/v1/checkout/sessions') return { status: 200, body: this.createSession(p) };
    const session = /^\/v1\/checkout\/sessions\/([A-Za-z0-9_]+)$/.exec(path);
    if (method === 'GET' && session) {
      const s = this.sessions.get(session[1]!);
      return s ? { status: 200, body: s } : { status: 404, body: error('invalid_request_error', `No such checkout.session: '${session[1]}'`, { code: 'resource_missing' }) };
    }
    return { status: 404, body: error('invalid_request_error', `Unrecognized request URL (${method}: ${path}).`) };
  }

  private createIntent(p: Params): Answer {
    if (!p.customer || !this.customers.has(String(p.customer))) return { status: 400, body: error('invalid_request_error', 'No such customer', { code: 'resource_missing' }) };
    const intent: Record<string, unknown> = {
      id: id('pi'), object: 'payment_intent', amount: Number(p.amount), amount_received: 0, currency: p.currency, customer: p.customer,
      payment_method: p.payment_method, description: p.description ?? null, metadata: p.metadata ?? {}, confirmation_method: 'automatic',
      capture_method: 'automatic', created: Math.floor(Date.now() / 1000), livemode: false, latest_charge: null, last_payment_error: null,
      next_action: null, status: 'requires_payment_method',
    };
    this.paymentIntents.set(intent.id as string, intent);
    const decline = (code: string, declineCode: string | undefined, message: string): Answer => {
      intent.last_payment_error = { type: 'card_error', code, decline_code: declineCode, message };
      return { status: 402, body: error('card_error', message, { code, decline_code: declineCode, payment_intent: intent }) };
    };
    switch (p.payment_method) {
      case FAKE_CARDS.visa:
        Object.assign(intent, { status: 'succeeded', amount_received: intent.amount, latest_charge: id('ch') });
        return { status: 200, body: intent };
      case FAKE_CARDS.requiresAction:
        Object.assign(intent, { status: 'requires_action', next_action: { type: 'use_stripe_sdk' } });
        return { status: 200, body: intent };
      case FAKE_CARDS.declined: return decline('card_declined', 'generic_decline', 'Your card was declined.');
      case FAKE_CARDS.insufficientFunds: return decline('card_declined', 'insufficient_funds', 'Your card has insufficient funds.');
      case FAKE_CARDS.authenticationRequired: return decline('authentication_required', 'authentication_required', 'Your card was declined. This transaction requires authentication.');
      default: return { status: 400, body: error('invalid_request_error', `No such PaymentMethod: '${String(p.payment_method)}'`, { code: 'resource_missing' }) };
    }
  }

  private createSession(p: Params): Record<string, unknown> {
    const sessionId = id('cs_test');
    const s: Record<string, unknown> = {
      id: sessionId, object: 'checkout.session', mode: p.mode, status: 'open', payment_status: p.mode === 'setup' ? 'no_payment_required' : 'unpaid',
      customer: p.customer, currency: p.currency ?? null, metadata: p.metadata ?? {}, success_url: p.success_url, cancel_url: p.cancel_url,
      url: `${this.url}/pay/${sessionId}`, setup_intent: null, payment_intent: null, livemode: false,
      line_items: p.line_items, payment_intent_data: p.payment_intent_data,
    };
    this.sessions.set(sessionId, s);
    return s;
  }

  /** The hosted page: one button that saves a Visa card (setup) or pays (payment), then back to success_url. */
  private hostedPage(url: URL, res: ServerResponse): void {
    const [, , sessionId, action] = url.pathname.split('/');
    const s = this.sessions.get(sessionId ?? '');
    if (!s) return send(res, 404, 'no such session');
    if (action !== 'complete') {
      const label = s.mode === 'setup' ? 'Save card' : 'Pay';
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
      res.end(`<!doctype html><title>Fake Stripe Checkout</title><a id="submit" href="/pay/${sessionId}/complete">${label}</a>`);
      return;
    }
    this.complete(s);
    res.writeHead(303, { location: String(s.success_url).replace('{CHECKOUT_SESSION_ID}', String(s.id)) }).end();
  }

  /** Finishes a session as the card holder would (tests call it directly too). */
  complete(s: Record<string, unknown>): void {
    if (s.mode === 'setup') {
      const method = { id: id('pm'), object: 'payment_method', type: 'card', customer: s.customer, card: { brand: 'mastercard', last4: '4444', exp_month: 12, exp_year: 2034 } };
      s.setup_intent = { id: id('seti'), object: 'setup_intent', status: 'succeeded', customer: s.customer, payment_method: method, metadata: s.metadata };
    } else {
      const items = s.line_items as Record<string, Record<string, Record<string, string>>>;
      const data = (s.payment_intent_data ?? {}) as Params;
      const intent: Record<string, unknown> = { id: id('pi'), object: 'payment_intent', amount: Number(items['0']!.price_data!.unit_amount), currency: items['0']!.price_data!.currency,
        customer: s.customer, status: 'succeeded', metadata: data.metadata ?? {}, latest_charge: id('ch'), livemode: false };
      intent.amount_received = intent.amount;
      this.paymentIntents.set(intent.id as string, intent);
      Object.assign(s, { payment_intent: intent.id, payment_status: 'paid' });
    }
    s.status = 'complete';
  }
}

function error(type: string, message: string, extra: Params = {}) {
  return { error: { type, message, ...extra } };
}

function send(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const text = typeof body === 'string' ? body : JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json', 'request-id': id('req'), ...headers }).end(text);
}
