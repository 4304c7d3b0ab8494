// Records what the real drachtio-server v0.9.4 does with each malformed INVITE of support/malformed.ts:
// its own SIP answer (if any) and whether the app was handed the request (a `sip|network` frame on the
// app's TCP connection). The result is the emulator's fixture for sofia-precheck.ts:
//   node --import tsx test/real/record-malformed.ts   (rewrites test/support/drachtio/recordings/malformed-invites.json)
import { writeFileSync } from 'node:fs';
import { TRANSCRIPTS_DIR } from '../support/drachtio/transcripts';
import { MALFORMED_CASES, sendMalformedBurst } from './support/malformed';
import { startRealStack } from './support/stack';

const stack = await startRealStack({ mode: 'inbound', meterIntervalSeconds: 60, recordWire: true, accounts: [{ id: 'acme', balanceMicros: 0n }] });
try {
  console.log(`record-malformed: sending ${MALFORMED_CASES.length} INVITEs to drachtio-server at 127.0.0.1:${stack.drachtio.sipPort}`);
  const server = `127.0.0.1:${stack.drachtio.sipPort}`;
  const replies = await sendMalformedBurst(server, 1_500, MALFORMED_CASES, 'recorded');
  const cases = replies.map((reply, i) => {
    const frame = stack.wire!.frames.find((f) => f.direction === 'server->app' && f.payload.includes(reply.callId));
    return {
      name: reply.name,
      // The datagram with its placeholders (CALLID, SERVER, PORT), as sent.
      template: MALFORMED_CASES[i]!.template,
      deliveredToApp: frame !== undefined,
      // The app's view: the frame's leader up to the SIP text (times and ids as recorded).
      appFrameLeader: frame?.payload.split('\r\n')[0] ?? null,
      // Every status the sender got, drachtio's own answers and (when delivered) Solde's; repeats are retransmissions.
      statuses: reply.statuses,
    };
  });
  const fixture = { recordedWith: 'drachtio-server v0.9.4 (reports 1.0.0), sofia-sip as pinned by its tree; Solde as the app', recordedAt: new Date().toISOString(), cases };
  writeFileSync(`${TRANSCRIPTS_DIR}malformed-invites.json`, `${JSON.stringify(fixture, null, 2)}\n`);
  for (const c of cases) console.log(`${c.deliveredToApp ? 'delivered' : 'refused  '} ${JSON.stringify(c.statuses).padEnd(16)} ${c.name}`);
} finally {
  await stack.close();
}
