import type { Call, Ending } from './call';
import type { Settlement } from './settle';

// The call record of a finished call. Calls that were never tied to a tenant (malformed, untrusted) have
// none: there is no account to bill or show them to; they are logged and counted instead.

const ATTEMPTS = 3;

export async function recordCall(session: Call, ending: Ending, settlement: Settlement, endedAtMs: number): Promise<void> {
  const classification = session.classification;
  if (!session.accountId || !classification) return;
  const record = {
    callId: session.key,
    accountId: session.accountId,
    extension: session.extension,
    class: classification.class,
    dialled: classification.dialled,
    e164: classification.e164,
    country: classification.country,
    rule: classification.rule,
    tariffPrefix: session.tariff?.prefix ?? null,
    perMinuteMicros: session.tariff?.perMinuteMicros ?? null,
    startedAt: new Date(session.receivedAtMs),
    answeredAt: session.answeredAtMs === null ? null : new Date(session.answeredAtMs),
    endedAt: new Date(endedAtMs),
    billedSeconds: settlement.billedSeconds,
    costMicros: settlement.costMicros,
    endingReason: ending.reason,
    sipStatus: session.finalStatus || ending.status,
    settleStatus: settlement.status,
  };
  for (let attempt = 1; attempt <= ATTEMPTS; attempt += 1) {
    try {
      await session.services.records.write(record);
      return;
    } catch (error) {
      session.log.error({ err: error, attempt }, 'call record not written');
      if (attempt < ATTEMPTS) await new Promise((resolve) => setTimeout(resolve, 200 * attempt));
    }
  }
}
