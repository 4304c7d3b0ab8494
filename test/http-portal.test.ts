// The portal's files as a browser gets them: the page and its scripts with a strict content security
// policy, revalidated on every load, and nothing else from the folder.
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHarness, type Harness } from './http-harness';

let h: Harness;
beforeAll(async () => { h = await createHarness(); });
afterAll(async () => { await h?.close(); });

describe('portal files', () => {
  it('sends / to the portal and serves the page with its security headers', async () => {
    expect((await h.app.inject({ url: '/' })).headers.location).toBe('/portal/');
    const page = await h.app.inject({ url: '/portal/' });
    expect(page.statusCode).toBe(200);
    expect(page.headers['content-type']).toMatch(/^text\/html; charset=utf-8/);
    expect(page.body).toBe(readFileSync('src/portal/index.html', 'utf8'));
    expect(page.headers['content-security-policy']).toContain("script-src 'self'");
    expect(page.headers['x-content-type-options']).toBe('nosniff');
    expect(page.headers['cache-control']).toBe('no-cache');
  });

  it('serves every script the page loads, revalidated by ETag', async () => {
    for (const file of ['portal.js', 'page.js', 'balance.js', 'recharge.js', 'rates.js', 'history.js', 'api.js', 'format.js', 'i18n.js', 'portal.css']) {
      const response = await h.app.inject({ url: `/portal/${file}` });
      expect(response.statusCode, file).toBe(200);
      expect(response.headers['content-type'], file).toMatch(file.endsWith('.css') ? /^text\/css/ : /^(text|application)\/javascript/);
      expect(response.body, file).toBe(readFileSync(`src/portal/${file}`, 'utf8'));
      const again = await h.app.inject({ url: `/portal/${file}`, headers: { 'if-none-match': String(response.headers.etag) } });
      expect(again.statusCode, file).toBe(304);
    }
  });

  it('answers 404 for anything else: unknown names, type declarations, paths out of the folder', async () => {
    for (const url of ['/portal/nope.js', '/portal/format.d.ts', '/portal/../config.ts', '/portal/%2e%2e/config.ts', '/portal/../../package.json']) {
      expect((await h.app.inject({ url })).statusCode, url).toBe(404);
    }
  });
});
