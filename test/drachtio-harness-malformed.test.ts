import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { sofiaVerdict } from './support/drachtio/index';
import { TRANSCRIPTS_DIR } from './support/drachtio/transcripts';

// The emulator's gate for malformed INVITEs (sofia-precheck.ts) against what the real drachtio-server
// v0.9.4 did with each one (recordings/malformed-invites.json, recorded by test/real/record-malformed.ts):
// delivered to the app or not, and the server's own answer when it answered.

interface RecordedCase {
  readonly name: string;
  readonly template: string;
  readonly deliveredToApp: boolean;
  readonly statuses: readonly number[];
}

const fixture = JSON.parse(readFileSync(`${TRANSCRIPTS_DIR}malformed-invites.json`, 'utf8')) as { cases: RecordedCase[] };
const datagram = (template: string) =>
  template.replaceAll('CALLID', 'abc123').replaceAll('SERVER', '127.0.0.1:5060').replaceAll('PORT', '5090');

describe('sofia-precheck against the real server', () => {
  it('the recording covers the cases the README table names', () => {
    expect(fixture.cases.length).toBeGreaterThanOrEqual(15);
    expect(fixture.cases.filter((c) => c.deliveredToApp).length).toBeGreaterThan(3);
    expect(fixture.cases.filter((c) => !c.deliveredToApp).length).toBeGreaterThan(3);
  });

  for (const recorded of fixture.cases) {
    it(`${recorded.name}: ${recorded.deliveredToApp ? 'delivered to the app' : `refused by the server (${recorded.statuses[0] ?? 'dropped'})`}`, () => {
      const verdict = sofiaVerdict(datagram(recorded.template));
      expect(verdict.deliver).toBe(recorded.deliveredToApp);
      if (!verdict.deliver) expect(verdict.serverAnswer).toBe(recorded.statuses[0] ?? null);
    });
  }
});
