import { describe, expect, it } from 'vitest';
import type { Tariff } from '../rating/contracts';
import { decode, encode } from '../sip/media/bencode';
import { placeholderAnswerSdp } from '../sip/media/placeholder-sdp';
import { callKey } from '../sip/pipeline/call-key';
import { affordableExtension, firstGrantFor, holdFor, paidUntil, renewalLeadSeconds, talkSeconds } from '../sip/session/billing';
import { trunkTarget } from '../sip/session/trunk-uri';
import { PbxSourceIndex } from '../sip/trust/pbx-sources';
import { AccountCache } from '../sip/account-cache';
import type { AccountInfo } from '../sip/deps';

// The pure parts of call control.

const perSecond: Tariff = { prefix: '212', country: 'MA', destination: 'Morocco', perMinuteMicros: 60_000_000n,
  connectFeeMicros: 0n, initialIncrementSeconds: 1, subsequentIncrementSeconds: 1, minimumChargeMicros: 0n };
const perMinute: Tariff = { ...perSecond, prefix: '1', perMinuteMicros: 600_000n, connectFeeMicros: 100_000n,
  initialIncrementSeconds: 60, subsequentIncrementSeconds: 60 };

describe('PBX source index', () => {
  const index = new PbxSourceIndex([
    { accountId: 'a', network: '10.1.0.0/16' }, { accountId: 'b', network: '192.0.2.7/32' },
    { accountId: 'c', network: '2001:db8:42::/48' }, { accountId: 'd', network: '::ffff:198.51.100.0/120' },
    { accountId: 'e', network: '203.0.113.9' }, { accountId: 'f', network: '10.1.2.0/23' },
  ]);
  it('finds the tenant of an address inside a network, IPv4, IPv4-mapped and IPv6', () => {
    expect(index.accountOf('10.1.200.3')).toBe('a');
    expect(index.accountOf('::ffff:10.1.0.1')).toBe('a');
    expect(index.accountOf('192.0.2.7')).toBe('b');
    expect(index.accountOf('2001:db8:42:ffff::1')).toBe('c');
    expect(index.accountOf('198.51.100.77')).toBe('d'); // a mapped network is the IPv4 one
    expect(index.accountOf('203.0.113.9')).toBe('e'); // a bare address is a /32
    expect(index.accountOf('10.1.3.255')).toBe('f'); // the longer prefix wins over 10.1.0.0/16
    expect(index.accountOf('10.1.4.0')).toBe('a');
  });
  it('knows nobody else', () => {
    expect(index.accountOf('10.2.0.1')).toBeNull();
    expect(index.accountOf('192.0.2.8')).toBeNull();
    expect(index.accountOf('2001:db8:43::1')).toBeNull();
    expect(index.accountOf('not-an-address')).toBeNull();
    expect(index.accountOf('10.1')).toBeNull(); // only the strict dotted form is an address
    expect(index.accountOf('0x0a.1.0.1')).toBeNull();
    expect(index.accountOf('203.0.113.10')).toBeNull();
  });
});

describe('billing arithmetic', () => {
  it('first grant: one minute, or one interval when the interval is shorter', () => {
    expect(firstGrantFor(perSecond, 60)).toEqual({ seconds: 60, amountMicros: 60_000_000n });
    expect(firstGrantFor(perSecond, 2)).toEqual({ seconds: 2, amountMicros: 2_000_000n });
    expect(firstGrantFor(perMinute, 2).seconds).toBe(60); // the first increment is longer
  });
  it('the renewal lead is half an interval, between 1 and 30 s', () => {
    expect([1, 2, 3, 60, 600].map(renewalLeadSeconds)).toEqual([1, 1, 2, 30, 30]);
  });
  it('talk time counts started seconds and never exceeds the paid time', () => {
    expect(talkSeconds(0, 10)).toBe(0);
    expect(talkSeconds(1001, 10)).toBe(2);
    expect(talkSeconds(12_000, 10)).toBe(10);
  });
  it('paid time, hold and affordable extension agree with the tariff', () => {
    expect(paidUntil(perSecond, 4_500_000n)).toBe(4);
    expect(paidUntil(perMinute, 700_000n)).toBe(60);
    expect(holdFor(perSecond, 1, 4)).toBe(3_000_000n);
    expect(affordableExtension(perSecond, 3, 1_500_000n)).toBe(1);
    expect(affordableExtension(perMinute, 30, 0n)).toBe(30); // the started minute is already paid
  });
});

describe('small pieces', () => {
  it('bencode round-trips what NG uses', () => {
    const value = { command: 'offer', 'call-id': 'x@y', replace: ['origin', 'session-connection'], n: 42, sdp: 'v=0\r\né' };
    expect(decode(encode(value))).toEqual(value);
    expect(() => decode(Buffer.from('d3:abc'))).toThrow();
  });
  it('the placeholder answer keeps the caller codecs and only sends', () => {
    const sdp = placeholderAnswerSdp('v=0\r\nm=audio 4000 RTP/AVP 8 0 101\r\na=rtpmap:8 PCMA/8000\r\na=sendrecv\r\n', 3);
    expect(sdp).toContain('m=audio 9 RTP/AVP 8 0 101');
    expect(sdp).toContain('a=rtpmap:8 PCMA/8000');
    expect(sdp).toContain('a=sendonly');
    expect(() => placeholderAnswerSdp('v=0\r\n', 1)).toThrow();
  });
  it('the trunk target carries the number as user part', () => {
    expect(trunkTarget('sip:carrier.example:5060;transport=tcp', '+33612345678')).toBe('sip:+33612345678@carrier.example:5060;transport=tcp');
    expect(trunkTarget('sip:old@10.0.0.1', '112')).toBe('sip:112@10.0.0.1');
    expect(() => trunkTarget('sip:10.0.0.1', '12;evil')).toThrow();
  });
  it('call keys are short and printable', () => {
    expect(callKey('abc@host', 'tag1')).toBe('abc@host;tag1');
    expect(callKey('a b', 't')).toMatch(/^sha256:[0-9a-f]{64}$/);
    expect(callKey('x'.repeat(300), 't')).toMatch(/^sha256:/);
  });
});

describe('account cache', () => {
  const acme: AccountInfo = { id: 'acme', currency: 'EUR', language: 'fr', status: 'active', maxConcurrentCalls: 5 };
  it('reads once per TTL, shares concurrent reads, and serves the last known state when the source fails', async () => {
    let reads = 0;
    let failing = false;
    let now = 1_000;
    const cache = new AccountCache({ get: async () => { reads += 1; if (failing) throw new Error('pg down'); return acme; } }, 5_000, () => now);
    const [a, b] = await Promise.all([cache.get('acme'), cache.get('acme')]);
    expect([a, b, reads]).toEqual([acme, acme, 1]);
    now += 4_999;
    await cache.get('acme');
    expect(reads).toBe(1);
    now += 2;
    failing = true;
    expect(await cache.get('acme')).toEqual(acme); // stale but known
    expect(reads).toBe(2);
    await expect(cache.get('unknown')).rejects.toThrow('pg down'); // never known: the error surfaces
  });
});
