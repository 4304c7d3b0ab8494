import { createHash } from 'node:crypto';

// The id of one call for the funds engine (idempotency of reserve/update/settle) and the call record:
// the caller's Call-ID and From tag, which together name the dialog the PBX started. The funds engine
// takes ids of at most 256 printable characters without spaces; anything else is hashed.

const MAX_PLAIN = 200;

export function callKey(callId: string, fromTag: string): string {
  const plain = `${callId};${fromTag}`;
  if (plain.length <= MAX_PLAIN && /^[\x21-\x7e]+$/.test(plain)) return plain;
  return `sha256:${createHash('sha256').update(plain).digest('hex')}`;
}
