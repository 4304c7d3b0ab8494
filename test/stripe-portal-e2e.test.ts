// The portal's card payments in headless Chromium (/usr/bin/chromium via playwright-core) against the real
// server wired to stripe-node and the local fake Stripe: "Change card" goes to the hosted Checkout page
// (setup mode) and back with the new card on file; a top-up the bank wants confirmed is finished on the
// hosted page and credited once; the promises are on screen in both languages; and with no card
// processor the top-up buttons are gone and the page says why. Screenshots in test-artifacts/portal/.
import { mkdirSync } from 'node:fs';
import { type Browser, type Page } from 'playwright-core';
import { launchChromium } from './support/chromium';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHarness, type Harness } from './http-harness';
import { FakeStripe, FAKE_CARDS, WEBHOOK_SECRET } from './support/fake-stripe';
import { StripeProvider } from '../rating/funds/stripe/stripe-provider';
import { StripeWebhooks } from '../rating/funds/stripe/webhooks';
import { currentPaymentMethod } from '../rating/funds/payment-methods';
import { NoCardProcessor } from '../rating/funds/payments';
import { createLogger } from '../core/log';

const ARTIFACTS = 'test-artifacts/portal';
const EUR = 1_000_000n;

let h: Harness;
let fake: FakeStripe;
let provider: StripeProvider;
let browser: Browser;
let page: Page;
let baseUrl: string;

beforeAll(async () => {
  mkdirSync(ARTIFACTS, { recursive: true });
  fake = await new FakeStripe().start();
  h = await createHarness({
    provider: (pool) => (provider = new StripeProvider(fake.clientOptions(), pool, createLogger('silent'))),
    stripeWebhooks: (funds) => new StripeWebhooks(provider.stripe, WEBHOOK_SECRET, funds, createLogger('silent')),
  });
  for (const [id, card] of [['acme', FAKE_CARDS.visa], ['sca', FAKE_CARDS.authenticationRequired]] as const) {
    await h.funds.createAccount({ id, name: `${id} SARL`, language: 'fr' });
    await h.funds.addPaymentMethod({ accountId: id, token: card, last4: '4242', brand: 'visa' });
  }
  baseUrl = await h.app.listen({ host: '127.0.0.1', port: 0 });
  browser = await launchChromium();
}, 60_000);

afterAll(async () => {
  await browser?.close();
  await h?.close();
  await fake?.close();
});

async function signIn(at: string, accountId: string, harness = h): Promise<void> {
  page = await browser.newPage({ viewport: { width: 1280, height: 900 }, locale: 'fr-FR' });
  page.setDefaultTimeout(20_000); // Chromium shares 2 cores with the rest of the suite
  const key = (await harness.keys.create({ role: 'account-admin', accountId, label: 'e2e' })).secret;
  await page.goto(`${at}/portal/`);
  await page.fill('#api-key', key);
  await page.click('#login-form button[type=submit]');
  await page.locator('#app-view:not([hidden]), #login-error:not([hidden])').first().waitFor();
  if (await page.isVisible('#login-error')) throw new Error(`sign-in refused: ${await page.textContent('#login-error')}`);
}

const shot = (name: string) => page.screenshot({ path: `${ARTIFACTS}/${name}.png`, fullPage: true });

describe('portal card payments', { timeout: 60_000 }, () => {
  it('changes the card on the hosted Checkout page and comes back with it on file', async () => {
    await signIn(baseUrl, 'acme');
    expect(await page.textContent('#card-summary')).toBe('Carte enregistrée : Visa se terminant par 4242');
    await page.click('#change-card');
    await page.waitForURL(`${fake.url}/pay/**`);
    await shot('20-stripe-checkout-setup');
    await page.click('#submit');
    await page.waitForURL(`${baseUrl}/portal/`); // the checkout parameter is taken off once finished
    await page.locator('#notice').waitFor({ state: 'visible' });
    expect(await page.textContent('#notice')).toBe('Votre nouvelle carte Mastercard se terminant par 4444 est enregistrée.');
    await expect.poll(() => page.textContent('#card-summary')).toBe('Carte enregistrée : Mastercard se terminant par 4444');
    expect(await currentPaymentMethod(h.db.pool, 'acme')).toMatchObject({ last4: '4444', token: expect.stringMatching(/^pm_/) });
    const session = [...fake.sessions.values()].find((s) => s.mode === 'setup')!;
    expect(session).toMatchObject({ status: 'complete', metadata: { solde_account: 'acme' } });
    await shot('21-card-changed');
    // The new card pays: a top-up from the portal goes to Stripe with it.
    await h.db.pool.query(`UPDATE payment_methods SET token = $1 WHERE account_id = 'acme' AND removed_at IS NULL`, [FAKE_CARDS.visa]);
    await page.click('#open-topup');
    await page.locator('#topup-amounts label', { hasText: '20' }).click();
    await page.click('#confirm-topup');
    await expect.poll(() => page.textContent('#available')).toBe('20,00\u00a0€');
    await page.close();
  });

  it('finishes a top-up the bank wants confirmed on the hosted page, credited once', async () => {
    await signIn(baseUrl, 'sca');
    await page.click('#open-topup');
    await page.locator('#topup-amounts label', { hasText: '50' }).click();
    await page.click('#confirm-topup');
    await page.locator('#topup-auth').waitFor({ state: 'visible' });
    expect(await page.textContent('#topup-error')).toContain('Votre banque demande de confirmer ce paiement. Rien n’a été débité');
    expect(await page.textContent('#available')).toBe('0,00\u00a0€');
    await shot('22-needs-authentication');
    await page.click('#finish-auth');
    await page.waitForURL(`${fake.url}/pay/**`);
    await page.click('#submit');
    await page.waitForURL(`${baseUrl}/portal/`);
    await page.locator('#notice').waitFor({ state: 'visible' });
    expect(await page.textContent('#notice')).toBe('Paiement confirmé : le montant a été ajouté à votre solde.');
    await expect.poll(() => page.textContent('#available')).toBe('50,00\u00a0€');
    await page.reload(); // nothing is credited twice
    await page.locator('#app-view:not([hidden])').waitFor();
    expect((await h.funds.getAccount('sca'))!.balanceMicros).toBe(50n * EUR);
    await shot('23-authenticated');
    await page.close();
  });

  it('states the promises in French and in English', async () => {
    await signIn(baseUrl, 'acme');
    const promises = () => page.locator('#promises li').allTextContents();
    expect(await promises()).toEqual([
      'Vos fonds n’expirent jamais.', 'Aucun frais : chaque euro ajouté sert à vos appels.',
      'Un ajout de fonds ne peut pas être annulé par vous-même ; le support peut l’annuler sur demande.',
      'Avant chaque appel payant, votre solde vous est annoncé.']);
    await page.click('[data-lang=en]');
    expect(await promises()).toEqual(['Your funds never expire.', 'No fees: every euro you add pays for calls.',
      'You cannot cancel a top-up yourself; support can reverse it on request.', 'Before each paid call, you hear your balance.']);
    await shot('24-promises-en');
    await page.close();
  });

  it('without a card processor hides the top-up and card buttons, locks auto-recharge, and says why', async () => {
    const off = await createHarness({ provider: () => new NoCardProcessor() });
    try {
      await off.createTenant('plain');
      const at = await off.app.listen({ host: '127.0.0.1', port: 0 });
      await signIn(at, 'plain', off);
      expect(await page.isVisible('#payments-off')).toBe(true);
      expect(await page.textContent('#payments-off')).toContain('Le paiement par carte n’est pas activé sur ce service');
      expect(await page.isHidden('#open-topup')).toBe(true);
      expect(await page.isHidden('#change-card')).toBe(true);
      expect(await page.isDisabled('#recharge-enabled')).toBe(true); // auto-recharge cannot be switched on either
      await shot('25-payments-off');
      await page.close();
    } finally {
      await off.close();
    }
  });
});
