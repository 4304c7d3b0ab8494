// What is committed to a call: its debits so far plus its current hold, read from the account's state in
// Redis. A call whose owning instance died (sip/cluster/adopter.ts) is settled at exactly this amount: the
// cost of the time it had already been granted, no more (its owner can no longer say how long it lasted)
// and no less (the caller was connected for at least the time already paid for). A read, not a script:
// nobody else touches a dead owner's call, and settle() then moves the money atomically.
import type { Committed } from '../contracts';
import { dependencyErrors } from '../../core/metrics';
import type { FundsStore } from './store';

const CALL_FIELD = /^(\w+):(\d+):(\d+):(\w+):(\d+)$/;

export async function readCommitted(store: FundsStore, accountId: string, callId: string): Promise<Committed> {
  const [state] = store.keys.forAccount(accountId).all;
  let field: string | null;
  try {
    field = await store.client.hget(state, `c:${callId}`);
  } catch (error) {
    if (!(error instanceof Error)) throw error;
    dependencyErrors.inc({ dependency: 'redis' });
    return { status: 'unavailable', committedMicros: 0n };
  }
  if (field === null) return { status: 'not_found', committedMicros: 0n };
  const match = CALL_FIELD.exec(field);
  if (!match) throw new Error(`funds: call field of ${callId} is malformed: ${JSON.stringify(field)}`);
  const [, callState, debited, , , hold] = match;
  // A settled call's debit is final; a released one never cost anything; an expired hold is no longer money
  // the call has: only what was debited before it lapsed.
  const committedMicros = callState === 'live' ? BigInt(debited!) + BigInt(hold!) : callState === 'released' ? 0n : BigInt(debited!);
  return { status: 'ok', committedMicros, callState: callState! };
}
