import type { Hold } from '../../rating/contracts';
import type { RefusalReason } from '../refusals';
import { firstGrantFor } from '../session/billing';
import type { CallSession } from '../session/call-session';
import { hasAudioOffer } from './validate-invite';

// The last decision before connecting: the tenant may call, within its concurrency limit (counted
// cluster-wide; an account without limit takes no Redis round trip), and a paid
// call has its first grant reserved. Emergency calls are never refused for any reason.
// 'handled': the session took over (insufficient balance is announced before the 402).

export type Decision = RefusalReason | 'handled' | null;

export async function authorize(session: CallSession, meterIntervalSeconds: number, validitySeconds: number): Promise<Decision> {
  if (session.classification!.class === 'EMERGENCY') return null;
  const account = session.account;
  if (!account) return 'unknown-account';
  if (account.status !== 'active') return 'account-suspended';
  if (!hasAudioOffer(session.req)) return 'no-sdp';
  if (account.maxConcurrentCalls > 0) {
    const slot = await takeSlot(session, account.maxConcurrentCalls);
    if (slot !== null) return slot;
  }
  if (!session.isPaid) return null;
  return reserveFirstGrant(session, meterIntervalSeconds, validitySeconds);
}

// The cluster-wide slot (sip/cluster/call-slots.ts). Redis not answering fails open: the call goes on
// uncounted (solde_call_slots_unavailable_total); a paid call is refused anyway by the funds engine, so
// only free calls can exceed the limit while Redis is down. The slot is released at the end all the
// same, in case the acquire landed after its timeout.
async function takeSlot(session: CallSession, limit: number): Promise<Decision> {
  const slots = session.services.slots;
  const slot = await slots.tryAcquire(session.accountId, limit, session.key);
  if (slot === 'busy') return 'concurrency-limit';
  if (session.phase === 'ended') {
    // The caller gave up while the acquire was in flight and finish() has run without it: free it here.
    await slots.release(session.accountId, session.key);
    return 'handled';
  }
  session.holdsSlot = true;
  return null;
}

async function reserveFirstGrant(session: CallSession, meterIntervalSeconds: number, validitySeconds: number): Promise<Decision> {
  const grant = firstGrantFor(session.tariff!, meterIntervalSeconds);
  session.grant = grant;
  let hold: Hold;
  try {
    hold = await session.services.funds.reserve({
      accountId: session.accountId, callId: session.key, amountMicros: grant.amountMicros, validitySeconds,
    });
  } catch (error) {
    session.log.warn({ err: error }, 'reserve failed');
    hold = { status: 'unavailable' };
  }
  session.hold = hold;
  if (session.phase === 'ended') {
    // The caller gave up while the reserve was in flight and the call is already finished: free the hold.
    if (hold.status === 'ok') await session.services.funds.release({ accountId: session.accountId, callId: session.key }).catch(() => undefined);
    return 'handled';
  }
  switch (hold.status) {
    case 'ok':
      session.reserved = true;
      return null;
    case 'insufficient':
      void session.refuseWithAnnouncement();
      return 'handled';
    case 'unavailable':
      return 'funds-unavailable';
    case 'not_found':
      return 'unknown-account';
    case 'exists':
      return 'bad-request'; // this dialog id was already used by an earlier call
    default:
      session.log.error({ status: hold.status }, 'unexpected reserve status');
      return 'internal-error';
  }
}
