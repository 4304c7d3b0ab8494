// Identifiers shaped like the ones drachtio-server v0.9.4 / sofia-sip produce in the transcripts.
import { randomBytes, randomInt, randomUUID } from 'node:crypto';

const ALNUM = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

function alnum(length: number): string {
  const bytes = randomBytes(length);
  let out = '';
  for (const byte of bytes) out += ALNUM[byte % ALNUM.length];
  return out;
}

/** Transaction ids and message ids are UUID v4 (e.g. f85d25b6-ebb2-486e-b204-3ee8f800bbf2). */
export const newTransactionId = (): string => randomUUID();

/** sofia tags are 13 alphanumerics (To tag UN39aHUKc544Q, From tag X7NUe7vt6pHaF). */
export const newSofiaTag = (): string => alnum(13);

/** sofia branches: z9hG4bK + 13 alphanumerics. */
export const newSofiaBranch = (): string => `z9hG4bK${alnum(13)}`;

/** The endpoints' own tags and branches (the raw test UAs used 8 and 16 hex digits). */
export const newEndpointTag = (): string => randomBytes(4).toString('hex');
export const newEndpointBranch = (): string => `z9hG4bK${randomBytes(8).toString('hex')}`;
export const newEndpointCallId = (): string => `${randomBytes(16).toString('hex')}@127.0.0.1`;

/** sofia Call-IDs for requests the app starts: c88d3501-63b8-1240-7ca6-f2f567bf5517. */
export function newSofiaCallId(): string {
  const hex = (n: number): string => randomBytes(n).toString('hex');
  return `${hex(4)}-${hex(2)}-1240-${hex(2)}-${hex(6)}`;
}

/** sofia starts each server's CSeq counter at a large number (123267001 in the transcript). */
export const initialSofiaCseq = (): number => randomInt(100_000_000, 200_000_000);

/** The time field of drachtio's meta: UTC `HH:MM:SS.microseconds` (21:19:44.088219). */
export function drachtioTime(now: Date = new Date()): string {
  const pad = (n: number, width: number): string => String(n).padStart(width, '0');
  const micros = now.getUTCMilliseconds() * 1000 + randomInt(0, 1000);
  return `${pad(now.getUTCHours(), 2)}:${pad(now.getUTCMinutes(), 2)}:${pad(now.getUTCSeconds(), 2)}.${pad(micros, 6)}`;
}
