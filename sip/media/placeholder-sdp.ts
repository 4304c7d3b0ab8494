// The answer rtpengine gets for the caller's offer while Solde plays an announcement as early media (the
// recorded app's "announce" SDP): the far side is a sink that only sends, on the caller's own codecs, so
// rtpengine opens the caller-facing side and returns the SDP that goes out in the 183.
// Port 9 (discard) on loopback: nothing the caller says during the announcement is sent anywhere useful.

const SINK_PORT = 9;

export function placeholderAnswerSdp(offerSdp: string, sessionVersion: number): string {
  const media = /^m=audio \d+ ([A-Z/]+) ([\d ]+)\s*$/m.exec(offerSdp);
  if (!media) throw new Error('the offer has no audio stream');
  const [, profile, formats] = media;
  const attributes = offerSdp.split(/\r?\n/).filter((line) => /^a=(rtpmap|fmtp):/.test(line));
  const lines = [
    'v=0',
    `o=solde ${sessionVersion} ${sessionVersion} IN IP4 127.0.0.1`,
    's=solde-announcement',
    'c=IN IP4 127.0.0.1',
    't=0 0',
    `m=audio ${SINK_PORT} ${profile} ${formats!.trim()}`,
    ...attributes,
    'a=sendonly',
  ];
  return `${lines.join('\r\n')}\r\n`;
}
