import type Srf from 'drachtio-srf';
import type { SessionTimerConfig } from '../deps';

// RFC 4028 session timers on both legs of a bridged call. drachtio-server v0.9.4 runs the timers itself
// (sip-dialog.cpp setSessionTimer, sip-dialog-controller.cpp): once a 200 to an INVITE carries
// Session-Expires (B's 200 on the B leg, Solde's 200 on the A leg), the server sends the refreshing
// re-INVITE at half the interval where it is the refresher, restarts the timer on every re-INVITE/UPDATE
// and on the 200 to its own refresh, and where the peer should refresh and did not (or a refresh of
// its own failed) it sends BYE itself and tells the app as if that BYE had come in, with the Reason text
// below. Solde does not run a second set of timers: it negotiates the interval (this module) and turns
// that BYE into the `session-expired` ending (call-session.ts).

/** The text of the Reason header drachtio-server puts on the BYE of a stale dialog; srf passes it to 'destroy'. */
export const SERVER_EXPIRY_TEXT = 'Session timer expired';

/** What a missing Min-SE header means (RFC 4028 §5), and the smallest one allowed. */
export const RFC_MIN_SE_SECONDS = 90;

/** The largest interval Solde agrees to (a 422's Min-SE above this is not followed). */
export const MAX_SESSION_SECONDS = 86_400;

export type Refresher = 'uac' | 'uas';

export interface SessionExpires {
  readonly seconds: number;
  readonly refresher: Refresher | null;
}

/** `Session-Expires: 1800;refresher=uac` (also the compact form `x`); null when absent or unreadable. */
export function parseSessionExpires(value: string | undefined): SessionExpires | null {
  const match = /^\s*(\d{1,10})\s*(;.*)?$/.exec(value ?? '');
  if (!match) return null;
  const refresher = /;\s*refresher\s*=\s*(uac|uas)\b/i.exec(match[2] ?? '')?.[1]?.toLowerCase();
  return { seconds: Number(match[1]), refresher: (refresher as Refresher | undefined) ?? null };
}

/** `Min-SE: 90` (parameters ignored); null when absent or unreadable. */
export function parseMinSe(value: string | undefined): number | null {
  const match = /^\s*(\d{1,10})\s*(;.*)?$/.exec(value ?? '');
  return match ? Number(match[1]) : null;
}

function header(req: Srf.SrfRequest | Srf.SrfResponse, name: string): string | undefined {
  return req.has(name) ? req.get(name) : undefined;
}

function lists(value: string | undefined, token: string): boolean {
  return (value ?? '').split(',').some((item) => item.trim().toLowerCase() === token);
}

/**
 * The caller's INVITE (Solde is the UAS). 'too-small': its Session-Expires is below Solde's Min-SE and
 * it must get 422 (RFC 4028 §8.1); otherwise the headers for Solde's 200: the caller's interval (raised to
 * its own Min-SE if need be) or Solde's, the caller's refresher if it chose one, else Solde refreshes
 * (§9). A caller without `Supported: timer` still gets Session-Expires with refresher=uas (allowed by §9):
 * drachtio-server then refreshes it with re-INVITEs, which any UA answers, so a vanished PBX is noticed.
 */
export function answerSessionTimer(req: Srf.SrfRequest, config: SessionTimerConfig, lenient: boolean):
  { kind: 'too-small' } | { kind: 'ok'; headers: Record<string, string> } {
  const asked = parseSessionExpires(header(req, 'session-expires') ?? header(req, 'x'));
  if (asked !== null && asked.seconds < config.minSeconds && !lenient) return { kind: 'too-small' };
  const supported = lists(header(req, 'supported'), 'timer') || lists(header(req, 'require'), 'timer');
  const callerMinSe = parseMinSe(header(req, 'min-se')) ?? 0;
  const seconds = Math.min(MAX_SESSION_SECONDS, Math.max(asked?.seconds ?? config.expiresSeconds, callerMinSe));
  if (!supported) return { kind: 'ok', headers: { 'Session-Expires': `${seconds};refresher=uas` } };
  const refresher: Refresher = asked?.refresher ?? 'uas';
  return { kind: 'ok', headers: { 'Session-Expires': `${seconds};refresher=${refresher}`, Require: 'timer' } };
}

/** The headers of the B-leg INVITE (Solde is the UAC and asks to refresh B itself). */
export function offerSessionTimer(expiresSeconds: number, config: SessionTimerConfig): Record<string, string> {
  assertInterval(expiresSeconds, config);
  // Min-SE absent means 90 s (RFC 4028 §5): at the default, one header less on every B leg.
  const offer: Record<string, string> = { Supported: 'timer', 'Session-Expires': `${expiresSeconds};refresher=uac` };
  if (config.minSeconds !== RFC_MIN_SE_SECONDS) offer['Min-SE'] = String(config.minSeconds);
  return offer;
}

/**
 * B answered 422: the interval to retry with (its Min-SE), or null when the 422 names none Solde can
 * follow (missing, not larger than what was asked, or beyond MAX_SESSION_SECONDS).
 */
export function intervalAfter422(error: unknown, askedSeconds: number): number | null {
  const res = (error as { status?: unknown; res?: Srf.SrfResponse }).res;
  if ((error as { status?: unknown }).status !== 422 || res === undefined) return null;
  const minSe = parseMinSe(header(res, 'min-se'));
  if (minSe === null || minSe <= askedSeconds || minSe > MAX_SESSION_SECONDS) return null;
  return minSe;
}

/** The 'destroy' of a dialog was drachtio-server's own BYE for a session that was not refreshed. */
export function isSessionExpiry(reason: unknown): boolean {
  return reason === SERVER_EXPIRY_TEXT;
}

function assertInterval(seconds: number, config: SessionTimerConfig): void {
  if (!Number.isInteger(seconds) || seconds < config.minSeconds || seconds > MAX_SESSION_SECONDS) {
    throw new Error(`session interval ${seconds} s outside [${config.minSeconds}, ${MAX_SESSION_SECONDS}]`);
  }
}
