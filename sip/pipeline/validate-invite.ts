import type Srf from 'drachtio-srf';
import type { RefusalReason } from '../refusals';

// Structural checks of an INVITE before anything else looks at it. A malformed request gets a clear
// 4xx and touches nothing: no tenant lookup, no funds, no call record.

export const MAX_BODY_BYTES = 16_384;

export interface InviteFacts {
  readonly callId: string;
  readonly fromTag: string;
  /** The user part of the request URI, percent-decoded: what the PBX dialled. */
  readonly dialled: string;
  /** The user part of From: the calling extension. */
  readonly extension: string;
  /** Max-Forwards of the INVITE (70 when absent): the B leg gets one less (RFC 7332 loop protection). */
  readonly maxForwards: number;
}

export type Validation = { readonly ok: true; readonly facts: InviteFacts } | { readonly ok: false; readonly reason: RefusalReason };

const REQUIRED = ['Call-ID', 'From', 'To', 'CSeq', 'Via'] as const;

export function validateInvite(req: Srf.SrfRequest): Validation {
  for (const name of REQUIRED) {
    if (!req.has(name) || req.get(name).trim() === '') return { ok: false, reason: 'bad-request' };
  }
  if (!contentLengthMatches(req)) return { ok: false, reason: 'bad-content-length' };
  const maxForwards = maxForwardsOf(req);
  if (maxForwards === null) return { ok: false, reason: 'bad-request' };
  if (maxForwards === 0) return { ok: false, reason: 'too-many-hops' };
  const fromTag = tagOf(req);
  if (!fromTag) return { ok: false, reason: 'bad-request' };
  const uri = /^([a-zA-Z][a-zA-Z0-9+.-]*):(.*)$/.exec(req.uri ?? '');
  if (!uri) return { ok: false, reason: 'bad-request' };
  if (!/^sips?$/i.test(uri[1]!)) return { ok: false, reason: 'unsupported-uri' };
  const user = /^([^@;?]*)@/.exec(uri[2]!)?.[1];
  const dialled = user === undefined ? '' : decode(user);
  if (dialled === null) return { ok: false, reason: 'bad-request' };
  if (dialled.trim() === '') return { ok: false, reason: 'no-number' };
  return { ok: true, facts: { callId: req.get('Call-ID').trim(), fromTag, dialled, extension: extensionOf(req), maxForwards } };
}

/** An INVITE that can be anchored and announced to: an SDP offer with an audio stream. */
export function hasAudioOffer(req: Srf.SrfRequest): boolean {
  const body = req.body ?? '';
  return body.length > 0 && /^m=audio [1-9]\d* /m.test(body);
}

function contentLengthMatches(req: Srf.SrfRequest): boolean {
  const body = req.body ?? '';
  const bytes = Buffer.byteLength(body, 'utf8');
  if (bytes > MAX_BODY_BYTES) return false;
  if (!req.has('Content-Length')) return true; // UDP allows it to be left out
  const declared = req.get('Content-Length').trim();
  return /^\d{1,6}$/.test(declared) && Number(declared) === bytes;
}

const DEFAULT_MAX_FORWARDS = 70;

/** The hop count left; null when the header is not a number (sofia refuses those before the app). */
function maxForwardsOf(req: Srf.SrfRequest): number | null {
  if (!req.has('Max-Forwards')) return DEFAULT_MAX_FORWARDS;
  const value = req.get('Max-Forwards').trim();
  return /^\d{1,3}$/.test(value) ? Math.min(Number(value), 255) : null;
}

function tagOf(req: Srf.SrfRequest): string | null {
  const tag = /;\s*tag=([^;>\s]+)/i.exec(req.get('From'))?.[1];
  return tag && tag.length <= 128 ? tag : null;
}

function extensionOf(req: Srf.SrfRequest): string {
  const user = /sips?:([^@;>]+)@/i.exec(req.get('From'))?.[1] ?? '';
  return (decode(user) ?? '').slice(0, 64);
}

function decode(text: string): string | null {
  try {
    return decodeURIComponent(text);
  } catch {
    return null;
  }
}
