// The portal in headless Chromium (Debian's /usr/bin/chromium driven by playwright-core) against the real
// server: on a phone (390×844) and a desktop (1280×800), in French and English, nothing is wider than the
// screen; every message follows the chosen language, rate names included; a network or server error
// never signs the user out, a refused key does. Screenshots go to test-artifacts/portal/; with
// SOLDE_DOCS_SCREENSHOTS=1 the four layout screenshots are written into docs/ instead (committed there).
import { mkdirSync } from 'node:fs';
import { type Browser, type BrowserContext, type Page } from 'playwright-core';
import { launchChromium } from './support/chromium';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHarness, type Harness } from './http-harness';

const ARTIFACTS = 'test-artifacts/portal';
const DOCS = process.env.SOLDE_DOCS_SCREENSHOTS === '1' ? 'docs' : ARTIFACTS;

let h: Harness;
let browser: Browser;
let baseUrl: string;
let adminKey: { secret: string; keyId: string };

beforeAll(async () => {
  mkdirSync(ARTIFACTS, { recursive: true });
  h = await createHarness();
  await h.createTenant('acme');
  await h.db.pool.query(`UPDATE accounts SET name = 'Cabinet Martin & Associés' WHERE id = 'acme'`);
  await h.funds.topUp({ accountId: 'acme', amountMicros: 20_000_000n, requestId: 'acme:screens-topup', actor: 'test' });
  expect((await h.funds.reserve({ accountId: 'acme', callId: 'screens-call', amountMicros: 500_000n, validitySeconds: 120 })).status).toBe('ok');
  const details = { destination: 'Morocco Mobile', durationSeconds: 61 };
  expect((await h.funds.settle({ accountId: 'acme', callId: 'screens-call', finalMicros: 450_000n, details })).status).toBe('ok');
  await h.funds.flush();
  adminKey = await h.keys.create({ role: 'account-admin', accountId: 'acme', label: 'screens' });
  baseUrl = await h.app.listen({ host: '127.0.0.1', port: 0 });
  browser = await launchChromium();
}, 60_000);

afterAll(async () => {
  await browser?.close();
  await h?.close();
});

async function open(viewport: { width: number; height: number }, locale: string): Promise<{ context: BrowserContext; page: Page }> {
  const context = await browser.newContext({ viewport, locale });
  const page = await context.newPage();
  // Generous: Chromium shares 2 cores with every other test file of the suite.
  page.setDefaultTimeout(20_000);
  page.on('pageerror', (error) => console.error('portal page error:', error.message));
  return { context, page };
}

async function signIn(page: Page, key = adminKey.secret): Promise<void> {
  await page.goto(`${baseUrl}/portal/`);
  await page.fill('#api-key', key);
  await page.click('#login-form button[type=submit]');
  await signedIn(page);
}

async function signedIn(page: Page): Promise<void> {
  await page.locator('#app-view:not([hidden]), #login-error:not([hidden])').first().waitFor();
  if (await page.isVisible('#login-error')) throw new Error(`sign-in refused: ${await page.textContent('#login-error')}`);
}

async function showMoroccoRates(page: Page): Promise<void> {
  await page.selectOption('#rates-country', 'MA');
  await expect.poll(() => page.locator('#rates-table tbody tr').count()).toBe(5);
  await page.fill('#rates-number', '+212 6 12 34 56 78');
  await page.click('#number-form button[type=submit]');
  await page.locator('#number-result').waitFor({ state: 'visible' });
}

/** The page's width, and every element that reaches past the right edge of the screen (hidden overflow included). */
function widths(page: Page): Promise<{ viewport: number; document: number; body: number; wide: string[] }> {
  // Runs in the page (a string: the test files are compiled without the DOM library).
  return page.evaluate(`(() => {
    const viewport = window.innerWidth;
    const wide = [...document.querySelectorAll('body *')]
      .filter((e) => e.getClientRects().length > 0 && e.getBoundingClientRect().right > viewport + 0.5)
      .map((e) => e.tagName.toLowerCase() + (e.id ? '#' + e.id : '') + '.' + [...e.classList].join('.') + ' right ' + Math.round(e.getBoundingClientRect().right));
    return { viewport, document: document.documentElement.scrollWidth, body: document.body.scrollWidth, wide };
  })()`);
}

describe('portal layout', { timeout: 60_000 }, () => {
  for (const [width, height] of [[390, 844], [1280, 800]] as const) {
    for (const language of ['fr', 'en'] as const) {
      it(`at ${width}×${height} in ${language}: no part of the page is wider than the screen`, async () => {
        const { context, page } = await open({ width, height }, language === 'fr' ? 'fr-FR' : 'en-GB');
        try {
          await page.goto(`${baseUrl}/portal/`);
          await page.click(`[data-lang=${language}]`);
          expect((await widths(page)).wide, 'the sign-in page').toEqual([]);
          await signIn(page);
          await page.click(`[data-lang=${language}]`);
          await showMoroccoRates(page);
          const measured = await widths(page);
          expect(measured.wide).toEqual([]);
          expect(measured.document).toBeLessThanOrEqual(measured.viewport);
          expect(measured.body).toBeLessThanOrEqual(measured.viewport);
          await page.screenshot({ path: `${DOCS}/portal-${width}-${language}.png`, fullPage: true });
        } finally {
          await context.close();
        }
      });
    }
  }
});

describe('portal layout for support staff', { timeout: 60_000 }, () => {
  it('at 390×844: the tenant picker and the Reverse actions fit the screen', async () => {
    const support = await h.keys.create({ role: 'support', accountId: null, label: 'screens support' });
    await h.createTenant('a-tenant-with-a-rather-long-identifier');
    await h.db.pool.query(`UPDATE accounts SET name = 'Société Coopérative des Transports Régionaux du Grand Ouest' WHERE id = 'a-tenant-with-a-rather-long-identifier'`);
    const { context, page } = await open({ width: 390, height: 844 }, 'fr-FR');
    try {
      await signIn(page, support.secret);
      expect(await page.isVisible('#tenant-picker')).toBe(true);
      await page.selectOption('#tenant-picker', 'acme');
      await page.locator('#history-table tbody tr button').first().waitFor();
      await page.locator('#history-table tbody tr button').first().click();
      await page.locator('.reverse-form input').waitFor();
      expect((await widths(page)).wide).toEqual([]);
      await page.screenshot({ path: `${ARTIFACTS}/screens-support-390.png`, fullPage: true });
    } finally {
      await context.close();
    }
  });
});

describe('portal language and errors', { timeout: 60_000 }, () => {
  let context: BrowserContext;
  let page: Page;

  beforeAll(async () => {
    ({ context, page } = await open({ width: 1280, height: 800 }, 'en-GB'));
    await signIn(page);
    await page.click('[data-lang=en]');
  }, 60_000);
  afterAll(async () => context?.close());

  it('says an error shown in English again in French when French is chosen', async () => {
    await page.fill('#rates-number', 'abc');
    await page.click('#number-form button[type=submit]');
    await page.locator('#rates-error').waitFor({ state: 'visible' });
    expect(await page.textContent('#rates-error')).toBe('Some of what was entered is not valid. Check it and try again.');
    await page.click('[data-lang=fr]');
    expect(await page.textContent('#rates-error')).toBe('Certaines informations saisies ne sont pas valides. Vérifiez-les puis réessayez.');
  });

  it('says a notice again in the chosen language', async () => {
    await page.click('[data-lang=en]');
    await page.click('#open-topup');
    await page.locator('#topup-amounts label', { hasText: '10' }).first().click();
    await page.click('#confirm-topup');
    await page.locator('#notice').waitFor({ state: 'visible' });
    expect(await page.textContent('#notice')).toBe('€10.00 was added to your balance.');
    await page.click('[data-lang=fr]');
    expect(await page.textContent('#notice')).toBe('10,00\u00a0€ ont été ajoutés à votre solde.');
  });

  it('names rates, numbers and calls in French on the French page', async () => {
    await showMoroccoRates(page);
    const destinations = await page.locator('#rates-table tbody tr td:first-child').allTextContents();
    expect(destinations).toEqual(expect.arrayContaining(['Maroc', 'Maroc fixe Casablanca', 'Maroc mobile', 'Maroc services spéciaux']));
    expect(destinations.join(' ')).not.toContain('Morocco');
    expect(await page.textContent('#number-result')).toContain('(Maroc mobile)');
    const history = await page.locator('#history-table tbody').textContent();
    expect(history).toContain('Appel vers Maroc mobile (1\u00a0min\u00a001\u00a0s)');
    expect(await page.getAttribute('nav.sidebar', 'aria-label')).toBe('Rubriques');
    await page.click('[data-lang=en]');
    expect(await page.locator('#rates-table tbody tr td:first-child').allTextContents()).toContain('Morocco Mobile');
    expect(await page.getAttribute('nav.sidebar', 'aria-label')).toBe('Sections');
  });

  it('explains a stopped auto-recharge in the chosen language, not with the server\'s English reason', async () => {
    await h.db.pool.query(`UPDATE accounts SET auto_recharge_enabled = false, auto_recharge_stopped_reason = 'card 0002: declined' WHERE id = 'acme'`);
    await page.click('[data-lang=fr]');
    await page.reload();
    await signedIn(page);
    await page.locator('#recharge-stopped').waitFor({ state: 'visible' });
    const text = await page.textContent('#recharge-stopped');
    expect(text).toContain('la carte se terminant par 0002 a été refusée');
    expect(text).not.toContain('declined');
  });

  it('keeps the user signed in through a network error and a server error while reloading, and offers to try again', async () => {
    await page.route('**/api/v1/me', (route) => route.abort('internetdisconnected'));
    await page.reload();
    await page.locator('#login-error').waitFor({ state: 'visible' });
    expect(await page.textContent('#login-error')).toBe('Impossible de joindre le service. Vérifiez votre connexion internet puis réessayez.');
    expect(await page.evaluate(() => sessionStorage.getItem('solde.apiKey'))).toBe(adminKey.secret);
    await page.screenshot({ path: `${ARTIFACTS}/screens-network-error.png` });
    await page.unroute('**/api/v1/me');
    await page.route('**/api/v1/me', (route) => route.fulfill({
      status: 503, contentType: 'application/json', body: JSON.stringify({ error: { code: 'POSTGRES_UNAVAILABLE', message: 'Database unavailable' } }),
    }));
    await page.click('#login-retry');
    await expect.poll(() => page.textContent('#login-error')).toBe('Le service est momentanément indisponible. Réessayez dans un instant.');
    expect(await page.evaluate(() => sessionStorage.getItem('solde.apiKey'))).toBe(adminKey.secret);
    await page.unroute('**/api/v1/me');
    await page.click('#login-retry');
    await signedIn(page);
    expect(await page.textContent('#account-name')).toBe('Cabinet Martin & Associés');
  });

  it('signs out, in words, when the key is refused (revoked while the page is open)', async () => {
    expect(await h.keys.revoke(adminKey.keyId)).toBe(true);
    await page.selectOption('#rates-country', 'SN');
    await page.locator('#login-view').waitFor({ state: 'visible' });
    expect(await page.textContent('#login-error')).toContain('Cette clé d’accès n’est pas reconnue');
    expect(await page.isHidden('#app-view')).toBe(true);
    expect(await page.evaluate(() => sessionStorage.getItem('solde.apiKey'))).toBeNull();
  });
});
