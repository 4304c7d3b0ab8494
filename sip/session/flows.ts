import type Srf from 'drachtio-srf';
import { authorizationSeconds } from '../metrics';
import { maxDuration } from '../../rating/tariffs/cost';
import type { Call } from './call';
import { Meter } from './meter';
import { sendResponse } from './respond';
import { trunkTarget } from './trunk-uri';
import { intervalAfter422, offerSessionTimer } from './session-timer';

// The call flows of docs/DESIGN.md "A call", following the recorded drachtio flows (test/support/drachtio/recordings/flows):
// free calls go straight to the trunk; paid calls get a 183 with the balance announcement played by
// rtpengine, then the B2BUA on the same transaction with B's 180 kept from the caller.

/** EMERGENCY, TOLL_FREE, INCLUDED: bridged to the trunk, media not anchored, funds untouched. */
export async function connectFree(session: Call): Promise<void> {
  session.phase = 'ringing';
  await bridge(session, {});
}

export async function connectPaid(session: Call): Promise<void> {
  const { media, announcer } = session.services;
  const account = session.account!;
  session.phase = 'announcing';
  const calleeOffer = await anchorMedia(session);
  if (calleeOffer === null) return;
  const earlySdp = await media.answerEarly(session.mediaCall, session.req.body);
  if (session.isOver) return;
  await sendEarlyMedia(session, earlySdp);
  authorizationSeconds.observe({ class: session.classification!.class }, (session.marks.earlyMediaSentMs! - session.receivedAtMs) / 1000);
  if (session.isOver) return;
  const available = session.availableToCall();
  const minutesLeft = Math.floor(maxDuration(session.tariff!, available) / 60);
  await play(session, () => announcer.balance(account.language, available, account.currency, minutesLeft));
  if (session.isOver) return;
  session.phase = 'ringing';
  await bridge(session, {
    localSdpB: calleeOffer,
    localSdpA: (calleeSdp: string) => media.answer(session.mediaCall, calleeSdp),
    passProvisionalResponses: false,
  });
}

/** The caller cannot pay the first grant: say so as early media, then 402. */
export async function refuseAfterAnnouncement(session: Call): Promise<void> {
  const { media, announcer, funds } = session.services;
  const account = session.account!;
  session.phase = 'announcing';
  if ((await anchorMedia(session)) === null) return;
  const earlySdp = await media.answerEarly(session.mediaCall, session.req.body);
  if (session.isOver) return;
  await sendEarlyMedia(session, earlySdp);
  const available = session.hold?.availableMicros ?? (await funds.balance(session.accountId)).availableMicros;
  await play(session, () => announcer.insufficient(account.language, available, account.currency));
  if (session.isOver) return;
  await session.refuse('insufficient-funds');
}

async function anchorMedia(session: Call): Promise<string | null> {
  // Marked before the offer: an offer whose answer times out may still have created the call in
  // rtpengine, and only a delete frees its ports.
  session.mediaAnchored = true;
  const offer = await session.services.media.offer(session.mediaCall, session.req.body);
  return session.isOver ? null : offer;
}

async function sendEarlyMedia(session: Call, sdp: string): Promise<void> {
  // A Contact on the 183 (RFC 3261 12.1.1; drachtio-server adds none by itself): where the INVITE came in.
  const receivedOn = (session.req as { receivedOn?: string }).receivedOn;
  const contact = `<sip:${receivedOn ?? hostOf(session.req.uri)}>`;
  await sendResponse(session.res, 183, 'Session Progress', { headers: { Contact: contact }, body: sdp });
  session.marks.earlyMediaSentMs = session.now();
}

/** Plays an announcement and waits for its end; an announcement that cannot be made is skipped. */
async function play(session: Call, make: () => Promise<{ path: string; durationMs: number }>): Promise<void> {
  let durationMs: number;
  try {
    const announcement = await make();
    if (session.isOver) return;
    durationMs = await session.services.media.play(session.mediaCall, announcement.path);
  } catch (error) {
    session.log.warn({ err: error }, 'announcement skipped');
    return;
  }
  await session.timers.sleep(durationMs);
}

/** The B-leg INVITE and, after a 422 with a larger Min-SE, one more. */
const B_ATTEMPTS = 2;

async function bridge(session: Call, options: Partial<Srf.CreateB2BUAOptions>): Promise<void> {
  const { srf, config } = session.services;
  const classification = session.classification!;
  const target = trunkTarget(config.trunkUri, classification.e164 ?? classification.dialled.replace(/[^0-9+*#]/g, ''));
  const callbacks = {
    // drachtio-srf calls cbRequest as (err, req), whatever its typings say.
    cbRequest: ((error: unknown, request: Srf.SrfRequest) => {
      if (error || !request) return;
      session.bLegSent(request);
      if (!session.isPaid) authorizationSeconds.observe({ class: classification.class }, (session.marks.bInviteSentMs! - session.receivedAtMs) / 1000);
    }) as unknown as (req: Srf.SrfRequest) => void,
  };
  let dialogs!: { uas: Srf.Dialog; uac: Srf.Dialog };
  let expiresSeconds = config.sessionTimer.expiresSeconds;
  for (let attempt = 1; attempt <= B_ATTEMPTS; attempt += 1) {
    try {
      // passFailure false: the caller's final answer is Solde's (B's status relayed, or 503 at shutdown).
      // Max-Forwards one less than the caller's: sofia would send 70 and let a routing loop run forever.
      // responseHeaders: the session timer Solde agreed with the caller goes on the caller's 200.
      const headers = { 'Max-Forwards': String(session.maxForwards - 1), ...offerSessionTimer(expiresSeconds, config.sessionTimer) };
      dialogs = await srf.createB2BUA(session.req, session.res, target,
        { ...options, headers, responseHeaders: session.sessionTimerHeaders, passFailure: false }, callbacks);
      break;
    } catch (error) {
      // B wants a longer interval (422 with Min-SE, RFC 4028 §7.4): one more try with it, no more.
      const larger = attempt < B_ATTEMPTS && !session.isOver ? intervalAfter422(error, expiresSeconds) : null;
      if (larger !== null) {
        session.log.info({ expiresSeconds: larger }, 'B leg asked for a longer session interval; retrying');
        expiresSeconds = larger;
        continue;
      }
      // A 422 Solde could not follow is B's quarrel with Solde's Min-SE, not the caller's: 502, not a 422
      // without the Min-SE the caller would need.
      const status = (error as { status?: unknown }).status;
      await session.bLegFailed(status === 422 ? { status: 502, reason: 'Bad Gateway' } : error);
      return;
    }
  }
  if (session.phase === 'ended') {
    // Finished while B answered (shutdown deadline): nothing may stay up.
    dialogs.uas.destroy();
    dialogs.uac.destroy();
    return;
  }
  session.answered(dialogs.uas, dialogs.uac);
  if (session.isPaid && session.phase === 'answered') startMeter(session);
}

function startMeter(session: Call): void {
  const { config, funds } = session.services;
  const answeredAtMs = session.answeredAtMs!;
  session.meter = new Meter({
    funds, tariff: session.tariff!, accountId: session.accountId, callKey: session.key,
    intervalSeconds: config.meterIntervalSeconds, validitySeconds: config.grantValiditySeconds,
    elapsedSeconds: () => (session.now() - answeredAtMs) / 1000,
    after: (delayMs, action) => session.timers.after(delayMs, action),
    onLowFunds: (secondsLeft) => void warnLowFunds(session, secondsLeft),
    onPaidTimeOver: (reason) => void session.end({ reason, status: 200 }),
    onError: (error) => session.log.warn({ err: error }, 'funds update failed'),
  }, session.grant!.amountMicros);
  session.meter.start();
}

async function warnLowFunds(session: Call, secondsLeft: number): Promise<void> {
  try {
    const warning = await session.services.announcer.lowFunds(session.account!.language, secondsLeft);
    if (session.phase !== 'answered') return;
    await session.services.media.play(session.mediaCall, warning.path);
    session.log.info({ secondsLeft }, 'low-funds warning played');
  } catch (error) {
    session.log.warn({ err: error }, 'low-funds warning not played');
  }
}

function hostOf(uri: string): string {
  return /^sips?:(?:[^@]*@)?([^;>?]+)/.exec(uri)?.[1] ?? '127.0.0.1';
}
