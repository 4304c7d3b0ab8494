import { createSocket, type Socket } from 'node:dgram';
import { statSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestbed, type Testbed } from './support/sip-testbed';

// The real announcement builder (sip/announce) behind the paid flow: the caller hears the whole balance
// announcement, in the account's language, before the B leg is even tried. Tariff 1 (US): 0.60 EUR/min,
// 0.10 EUR connect fee, 60/60: 12.50 EUR pays for 20 whole minutes.

let bed: Testbed;
let phone: Socket;
const arrivals: number[] = [];

beforeAll(async () => {
  bed = await startTestbed({ announcer: 'real' });
  await bed.account('dupont', { balanceMicros: 12_500_000n, language: 'fr' });
  phone = createSocket('udp4');
  phone.on('message', () => arrivals.push(Date.now()));
  await new Promise<void>((resolve) => phone.bind(0, '127.0.0.1', () => resolve()));
});
afterAll(async () => {
  phone?.close();
  await bed?.close();
});

describe('balance announcement', () => {
  it('is played in full to the caller before the call goes to the trunk', async () => {
    const sdp = ['v=0', 'o=pbx 1 1 IN IP4 127.0.0.1', 's=-', 'c=IN IP4 127.0.0.1', 't=0 0',
      `m=audio ${phone.address().port} RTP/AVP 8 0`, 'a=rtpmap:8 PCMA/8000', 'a=rtpmap:0 PCMU/8000', 'a=sendrecv', ''].join('\r\n');
    const caller = bed.server.placeCall({ from: '110', to: '0012126391234', sdp });
    await caller.waitForStatus(183);
    const earlyAt = Date.now();
    const b = await bed.server.nextBLeg(15_000);
    const bAt = Date.now();
    const request = bed.announced.at(-1)!;
    expect(request).toMatchObject({ kind: 'balance', args: ['fr', 12_500_000n, 'EUR', 20] });
    const announcement = await bed.announcer.balance('fr', 12_500_000n, 'EUR', 20); // cached: the same file
    expect(statSync(announcement.path).size).toBeGreaterThan(10_000);
    expect(bAt - earlyAt).toBeGreaterThanOrEqual(announcement.durationMs - 50);
    // 20 ms packets for the whole announcement reached the caller's port.
    const during = arrivals.filter((t) => t >= earlyAt && t <= bAt).length;
    expect(during).toBeGreaterThan((announcement.durationMs / 20) * 0.8);
    b.respond(486);
    expect((await caller.waitForFinal()).status).toBe(486);
    await bed.app.idle();
    expect(await bed.funds.balance('dupont')).toMatchObject({ availableMicros: 12_500_000n, heldMicros: 0n });
  });
});
