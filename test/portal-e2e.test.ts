// The portal end to end in headless Chromium (Debian's /usr/bin/chromium driven by playwright-core) against
// the real server on a free port: sign in with a key, add funds and see the new balance, change
// auto-recharge, look up a country's rates, switch language, and see errors in words. Screenshots are kept
// in test-artifacts/portal/ (git-ignored).
import { mkdirSync } from 'node:fs';
import { type Browser, type Page } from 'playwright-core';
import { launchChromium } from './support/chromium';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHarness, type Harness } from './http-harness';

const ARTIFACTS = 'test-artifacts/portal';

let h: Harness;
let browser: Browser;
let page: Page;
let baseUrl: string;
let adminKey: string;
let supportKey: string;

beforeAll(async () => {
  mkdirSync(ARTIFACTS, { recursive: true });
  h = await createHarness();
  await h.createTenant('acme');
  await h.createTenant('bistro');
  await h.db.pool.query(`UPDATE accounts SET name = 'Cabinet Martin & Associés' WHERE id = 'acme'`);
  adminKey = (await h.keys.create({ role: 'account-admin', accountId: 'acme', label: 'e2e' })).secret;
  supportKey = (await h.keys.create({ role: 'support', accountId: null, label: 'e2e support' })).secret;
  baseUrl = await h.app.listen({ host: '127.0.0.1', port: 0 });
  browser = await launchChromium();
  page = await browser.newPage({ viewport: { width: 1280, height: 900 }, locale: 'fr-FR' });
  // Generous: Chromium shares 2 cores with every other test file of the suite.
  page.setDefaultTimeout(20_000);
  page.on('pageerror', (error) => console.error('portal page error:', error.message));
}, 60_000);

afterAll(async () => {
  await browser?.close();
  await h?.close();
});

/** Waits until the page is signed in; if it shows a sign-in error instead, fails with that error's words. */
async function signedIn(): Promise<void> {
  await page.locator('#app-view:not([hidden]), #login-error:not([hidden])').first().waitFor();
  if (await page.isVisible('#login-error')) throw new Error(`sign-in refused: ${await page.textContent('#login-error')}`);
}

const shot = (name: string) => page.screenshot({ path: `${ARTIFACTS}/${name}.png`, fullPage: true });

describe('portal', { timeout: 60_000 }, () => {
  it('shows a refused key in words and does not sign in', async () => {
    await page.goto(`${baseUrl}/portal/`);
    await page.fill('#api-key', `sk_${'x'.repeat(43)}`);
    await page.click('#login-form button[type=submit]');
    await page.locator('#login-error').waitFor({ state: 'visible' });
    expect(await page.textContent('#login-error')).toContain('clé d’accès n’est pas reconnue');
    expect(await page.isHidden('#app-view')).toBe(true);
    await shot('01-login-refused');
  });

  it('signs in with a key and shows the balance of the account', async () => {
    await page.fill('#api-key', adminKey);
    await page.click('#login-form button[type=submit]');
    await signedIn();
    expect(await page.textContent('#account-name')).toBe('Cabinet Martin & Associés');
    expect(await page.textContent('#available')).toBe('0,00\u00a0€');
    await shot('02-signed-in');
  });

  it('adds funds and shows the new balance and the history line', async () => {
    await page.click('#open-topup');
    expect(await page.textContent('#card-on-file')).toContain('4242');
    await page.locator('#topup-amounts label', { hasText: '20' }).click();
    await shot('03-add-funds');
    await page.click('#confirm-topup');
    await page.locator('#notice').waitFor({ state: 'visible' });
    await expect.poll(() => page.textContent('#available')).toBe('20,00\u00a0€');
    expect(await page.textContent('#balance-amount')).toBe('20,00\u00a0€');
    // The balance is shown as soon as it is read; the history once its page is back too: wait for it.
    const firstRow = page.locator('#history-table tbody tr').first();
    await expect.poll(() => firstRow.textContent()).toContain('Ajout de fonds');
    expect(await firstRow.textContent()).toContain('+20,00\u00a0€');
    const api = await h.funds.balance('acme');
    expect(api.balanceMicros).toBe(20_000_000n);
    await shot('04-funds-added');
  });

  it('shows a paid call in the history with its destination and duration', async () => {
    const callId = 'e2e-call-1';
    expect((await h.funds.reserve({ accountId: 'acme', callId, amountMicros: 500_000n, validitySeconds: 120 })).status).toBe('ok');
    const details = { destination: 'Morocco Mobile', durationSeconds: 61 };
    expect((await h.funds.settle({ accountId: 'acme', callId, finalMicros: 450_000n, details })).status).toBe('ok');
    await h.funds.flush();
    await page.reload();
    await signedIn();
    await expect.poll(() => page.textContent('#available')).toBe('19,55 €');
    const callRow = await page.locator('#history-table tbody tr').first().textContent();
    expect(callRow).toContain('Appel vers Maroc mobile (1 min 01 s)');
    expect(callRow).toContain('-0,45 €');
    await page.locator('#history').scrollIntoViewIfNeeded();
    await shot('04b-call-in-history');
  });

  it('changes auto-recharge', async () => {
    await page.check('#recharge-enabled');
    await page.selectOption('#recharge-threshold', '10000000');
    await page.selectOption('#recharge-amount', '50000000');
    await page.click('#recharge-form button[type=submit]');
    await page.locator('#recharge-saved').waitFor({ state: 'visible' });
    const account = await h.funds.getAccount('acme');
    expect(account?.autoRecharge).toMatchObject({ enabled: true, thresholdMicros: 10_000_000n, amountMicros: 50_000_000n });
    await shot('05-auto-recharge');
  });

  it('looks up the rates of a country and of one number', async () => {
    await page.selectOption('#rates-country', 'MA');
    await page.locator('#rates-table').waitFor({ state: 'visible' });
    const rows = page.locator('#rates-table tbody tr');
    await expect.poll(() => rows.count()).toBe(5);
    const mobile = await page.locator('#rates-table tbody tr', { hasText: '+2126' }).textContent();
    expect(mobile).toContain('Mobile');
    expect(mobile).toContain('0,45\u00a0€');
    await page.fill('#rates-number', '00 212 6 12 34 56 78');
    await page.click('#number-form button[type=submit]');
    await page.locator('#number-result').waitFor({ state: 'visible' });
    expect(await page.textContent('#number-result')).toContain('0,45\u00a0€ par minute');
    await page.locator('#rates').scrollIntoViewIfNeeded();
    await shot('06-rates');
  });

  it('switches to English, amounts and words included', async () => {
    await page.click('[data-lang=en]');
    expect(await page.textContent('#balance-title')).toBe('Balance');
    expect(await page.textContent('#available')).toBe('€19.55');
    expect(await page.locator('#history-table tbody tr').first().textContent()).toContain('Call to Morocco Mobile');
    await shot('07-english');
  });

  it('explains a declined card in words and changes nothing', async () => {
    await h.funds.addPaymentMethod({ accountId: 'acme', token: 'tok_sim_0002', last4: '0002', brand: 'visa' });
    await page.reload();
    await signedIn();
    await page.click('#open-topup');
    await page.locator('#topup-amounts label', { hasText: '10' }).first().click();
    await page.click('#confirm-topup');
    await page.locator('#topup-error').waitFor({ state: 'visible' });
    expect(await page.textContent('#topup-error')).toContain('Your bank declined the payment. Nothing was charged.');
    expect(await page.textContent('#available')).toBe('€19.55');
    await shot('08-declined');
  });

  it('lets support pick a tenant, explains a top-up already spent, and reverses one with a reason', async () => {
    await page.click('#logout');
    await page.locator('#login-view').waitFor({ state: 'visible' });
    await page.fill('#api-key', supportKey);
    await page.click('#login-form button[type=submit]');
    await signedIn();
    expect(await page.isVisible('#tenant-picker')).toBe(true);
    expect(await page.isVisible('#open-topup')).toBe(false);
    await Promise.all([
      page.waitForResponse((response) => response.url().includes('/accounts/bistro/transactions')),
      page.selectOption('#tenant-picker', 'bistro'),
    ]);
    await expect.poll(() => page.locator('#history-empty').isVisible()).toBe(true);
    await Promise.all([
      page.waitForResponse((response) => response.url().includes('/accounts/acme/transactions')),
      page.selectOption('#tenant-picker', 'acme'),
    ]);
    await expect.poll(() => page.textContent('#available')).toBe('€19.55');

    // The 20 € top-up paid for a call: only 19.55 € of it is left, so it cannot be reversed.
    const spentRow = page.locator('#history-table tbody tr', { hasText: 'Funds added' });
    await spentRow.locator('button').click();
    await spentRow.locator('input').fill('Card dispute opened by the bank');
    await spentRow.locator('button[type=submit]').click();
    await page.locator('#history-error').waitFor({ state: 'visible' });
    expect(await page.textContent('#history-error')).toContain('its money was already spent');
    await shot('09-support-reversal-refused');

    await h.funds.addPaymentMethod({ accountId: 'acme', token: 'tok_sim_4242', last4: '4242', brand: 'visa' });
    await h.funds.topUp({ accountId: 'acme', amountMicros: 10_000_000n, requestId: 'acme:e2e-second-topup', actor: 'e2e' });
    await page.reload();
    await expect.poll(() => page.textContent('#available')).toBe('€29.55');
    const newest = page.locator('#history-table tbody tr', { hasText: 'Funds added' }).first();
    await newest.locator('button').click();
    await newest.locator('input').fill('Charged twice by mistake');
    await newest.locator('button[type=submit]').click();
    await expect.poll(() => page.textContent('#available')).toBe('€19.55');
    // The balance is shown before the history has reloaded: wait for the history line itself.
    await expect.poll(() => page.locator('#history-table tbody tr').first().textContent()).toContain('Reversal: Charged twice by mistake');
    expect((await h.funds.balance('acme')).balanceMicros).toBe(19_550_000n);
    await shot('10-support-reversed');
  });
});
