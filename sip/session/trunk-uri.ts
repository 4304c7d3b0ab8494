// The B leg's request URI: the carrier trunk's URI with the number to reach as its user part.

const SIP_URI = /^(sips?):(?:[^@;?]*@)?([^;?]+)(.*)$/;

export function trunkTarget(trunkUri: string, user: string): string {
  const match = SIP_URI.exec(trunkUri);
  if (!match) throw new Error(`trunk URI ${JSON.stringify(trunkUri)} is not a SIP URI`);
  if (!/^\+?[0-9A-Za-z*#]+$/.test(user)) throw new Error(`cannot dial ${JSON.stringify(user)} on the trunk`);
  const [, scheme, hostPort, rest] = match;
  return `${scheme}:${user}@${hostPort}${rest}`;
}
