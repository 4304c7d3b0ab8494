// core/errors.ts: the catalogue of coded errors. Iterates the catalogue, so codes added later are checked too.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ERROR_CODES, isSoldeError, SoldeError, type ErrorCode } from '../core/errors';

const CODES = Object.keys(ERROR_CODES) as ErrorCode[];

describe('error catalogue', () => {
  it('is not empty', () => {
    expect(CODES.length).toBeGreaterThan(0);
  });

  it.each(CODES)('%s has a 4xx/5xx HTTP status and a message', (code) => {
    const { http, message } = ERROR_CODES[code];
    expect(code).toMatch(/^[A-Z][A-Z0-9_]*$/);
    expect(Number.isInteger(http)).toBe(true);
    expect(http).toBeGreaterThanOrEqual(400);
    expect(http).toBeLessThanOrEqual(599);
    expect(message.trim().length).toBeGreaterThan(0);
    expect(message).toMatch(/^[A-Z]/);
  });

  it('declares each code once in the source (a repeated key would silently replace the first)', () => {
    const source = readFileSync(new URL('../core/errors.ts', import.meta.url), 'utf8');
    const catalogue = source.slice(source.indexOf('ERROR_CODES = {'), source.indexOf('} as const'));
    const declared = [...catalogue.matchAll(/^\s+([A-Z][A-Z0-9_]*):\s*\{/gm)].map((match) => match[1]);
    expect(declared.length).toBe(CODES.length);
    expect(new Set(declared).size).toBe(declared.length);
  });

  it('gives each code its own message, so a message alone tells which error it was', () => {
    const messages = CODES.map((code) => ERROR_CODES[code].message);
    expect(new Set(messages).size).toBe(messages.length);
  });
});

describe('SoldeError', () => {
  it.each(CODES)('carries %s, its status and its message', (code) => {
    const error = new SoldeError(code, 'detail for the operator', { accountId: 'a1' });
    expect(error).toBeInstanceOf(Error);
    expect(error.name).toBe('SoldeError');
    expect(error.code).toBe(code);
    expect(error.http).toBe(ERROR_CODES[code].http);
    expect(error.message).toBe(`${ERROR_CODES[code].message}: detail for the operator`);
    expect(error.meta).toEqual({ accountId: 'a1' });
    expect(isSoldeError(error)).toBe(true);
    expect(isSoldeError(error, code)).toBe(true);
    const other = CODES.find((candidate) => candidate !== code)!;
    expect(isSoldeError(error, other)).toBe(false);
  });

  it('without detail, has exactly the catalogue message and empty meta', () => {
    const error = new SoldeError('NO_RATE');
    expect(error.message).toBe(ERROR_CODES.NO_RATE.message);
    expect(error.meta).toEqual({});
  });

  it('is told apart from other errors and look-alikes', () => {
    expect(isSoldeError(new Error('NO_RATE'))).toBe(false);
    expect(isSoldeError({ name: 'SoldeError', code: 'NO_RATE', http: 404 })).toBe(false);
    expect(isSoldeError(undefined)).toBe(false);
    expect(isSoldeError('NO_RATE', 'NO_RATE')).toBe(false);
  });
});
