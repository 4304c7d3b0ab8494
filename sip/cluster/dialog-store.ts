import type { Cluster, Redis } from 'ioredis';
import type Srf from 'drachtio-srf';
import type { Classification, Tariff } from '../../rating/contracts';
import type { CallRecord } from '../cdr/call-records';
import type { ClusterKeys } from './owner-lease';
import { leanPipeFor, type ScriptPipe } from '../../rating/funds/script-pipe';
import { leanScript, type LeanScript } from './lean-script';

// The dialog record of an answered call, kept in Redis under its owning instance while the call is up
// (one HSET after the answer, one HDEL when it ends), so that when the owner dies another instance can
// end the call (adopter.ts): BYE both legs, free the media, settle the money and write the call record.
// drachtio-server keeps the dialogs of a client that disconnected, and accepts an in-dialog request by
// drachtio dialog id from any client connection (client.cpp sends it to the dialog controller, which finds
// the dialog by id alone): `dialogId` is all a BYE needs. The SIP identifiers (Call-ID, tags, CSeq, target,
// route set) are kept beside it for diagnostics and for a BYE built by hand should the server lose them.

export interface LegRecord {
  /** drachtio-server's dialog id (srf's dialog.id, sent as stackDialogId). */
  readonly dialogId: string;
  readonly callId: string;
  readonly localTag: string;
  readonly remoteTag: string;
  /** The remote target (its Contact): the request URI of an in-dialog request. */
  readonly remoteTarget: string;
  readonly localContact: string | null;
  /** The last CSeq number we know of on this leg (the INVITE's). */
  readonly cseq: number;
  readonly routeSet: readonly string[];
}

/** What the call record will say of the call, plus what ending it needs. */
export interface DialogRecord extends Pick<CallRecord, 'accountId' | 'extension' | 'class' | 'dialled' | 'e164' | 'country' | 'rule'> {
  readonly v: 1;
  readonly callKey: string;
  readonly tariff: Tariff | null;
  /** A funds hold exists for the call: it is settled at its committed money. */
  readonly paid: boolean;
  /** drachtio-server the call came through (host:port of its SIP side, as srf reports it). */
  readonly server: string | null;
  /** rtpengine's call, when the media is anchored. */
  readonly media: { readonly callId: string; readonly fromTag: string } | null;
  readonly receivedAtMs: number;
  readonly answeredAtMs: number;
  /** Emergency calls are never ended by an adopter. */
  readonly emergency: boolean;
  /** The PBX side (Solde is the UAS) and the carrier side (Solde is the UAC). */
  readonly caller: LegRecord;
  readonly callee: LegRecord;
}

/** What a record is made of: the part of a call session (sip/session/call.ts) it reads. */
export interface AnsweredCall {
  readonly key: string;
  readonly accountId: string;
  readonly extension: string;
  readonly classification: Pick<Classification, 'class' | 'dialled' | 'e164' | 'country' | 'rule'> | null;
  readonly tariff: Tariff | null;
  readonly reserved: boolean;
  readonly mediaAnchored: boolean;
  readonly mediaCall: { readonly callId: string; readonly fromTag: string };
  readonly receivedAtMs: number;
  readonly answeredAtMs: number | null;
  readonly req: Srf.SrfRequest;
}

/** The dialog record of an answered call; null if it lacks what a record needs (no tenant, no dialogs). */
export function dialogRecordOf(session: AnsweredCall, uas: Srf.Dialog, uac: Srf.Dialog): DialogRecord | null {
  const c = session.classification;
  if (!c || !session.accountId || session.answeredAtMs === null) return null;
  const server = (session.req as unknown as { server?: { hostport?: string } }).server?.hostport ?? null;
  return {
    v: 1, callKey: session.key, accountId: session.accountId, extension: session.extension, class: c.class,
    dialled: c.dialled, e164: c.e164, country: c.country, rule: c.rule, tariff: session.tariff, paid: session.reserved,
    server, media: session.mediaAnchored ? session.mediaCall : null, receivedAtMs: session.receivedAtMs,
    answeredAtMs: session.answeredAtMs, emergency: c.class === 'EMERGENCY',
    caller: legOf(uas, session.req), callee: legOf(uac, (uac as unknown as { res?: Srf.SrfResponse }).res),
  };
}

function legOf(dialog: Srf.Dialog, message: { get(name: string): string | undefined } | undefined): LegRecord {
  const d = dialog as unknown as { id: string; sip: { callId: string; localTag: string; remoteTag: string };
    local: { contact?: string }; remote: { uri: string }; req?: { get(name: string): string | undefined } };
  const cseq = Number.parseInt(d.req?.get('CSeq') ?? message?.get('CSeq') ?? '1', 10);
  const routes = message?.get('Record-Route');
  return {
    dialogId: d.id, callId: d.sip.callId, localTag: d.sip.localTag, remoteTag: d.sip.remoteTag, remoteTarget: d.remote.uri,
    localContact: d.local.contact ?? null, cseq: Number.isSafeInteger(cseq) ? cseq : 1,
    routeSet: routes ? routes.split(/,(?=\s*<)/).map((route) => route.trim()) : [],
  };
}

const TARIFF_MICROS = ['perMinuteMicros', 'connectFeeMicros', 'minimumChargeMicros'] as const;

export function encodeRecord(record: DialogRecord): string {
  return JSON.stringify(record, (_key, value: unknown) => typeof value === 'bigint' ? value.toString() : value);
}

export function decodeRecord(text: string): DialogRecord {
  const raw = JSON.parse(text) as Omit<DialogRecord, 'tariff'> & { tariff: Record<string, unknown> | null };
  if (raw.v !== 1 || typeof raw.callKey !== 'string' || typeof raw.caller?.dialogId !== 'string' || typeof raw.callee?.dialogId !== 'string') {
    throw new Error(`not a dialog record: ${text.slice(0, 200)}`);
  }
  if (raw.tariff) for (const field of TARIFF_MICROS) raw.tariff[field] = BigInt(String(raw.tariff[field]));
  return raw as unknown as DialogRecord;
}

// KEYS dialogs of owner, leases; ARGV call key, record, owner, lease ms. The owner's lease is created if it
// has none yet (a call answered before the first heartbeat reached Redis): no record without a lease that
// can lapse, or an owner dying then would leave calls nobody adopts.
const WRITE = `
redis.call('HSET', KEYS[1], ARGV[1], ARGV[2])
if not redis.call('ZSCORE', KEYS[2], ARGV[3]) then
  local t = redis.call('TIME')
  redis.call('ZADD', KEYS[2], tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000) + tonumber(ARGV[4]), ARGV[3])
end
return 1`;

/** A record write or delete waits at most this long for Redis (the funds client's bound). */
const RECORD_TIMEOUT_MS = 500;

/** The dialog records of one owner's calls in Redis. */
export class DialogStore {
  /** The write and delete of every answered call: over a lean pipe on a plain standalone Redis. */
  private readonly pipe: ScriptPipe | undefined;
  private readonly writeOnPipe: LeanScript | undefined;

  constructor(private readonly redis: Redis | Cluster, private readonly keys: ClusterKeys, private readonly leaseMs: number) {
    this.pipe = leanPipeFor(redis, RECORD_TIMEOUT_MS);
    this.writeOnPipe = this.pipe ? leanScript(this.pipe, WRITE) : undefined;
  }

  async write(ownerId: string, record: DialogRecord): Promise<void> {
    const keys = [this.keys.dialogs(ownerId), this.keys.leases];
    const args = [record.callKey, encodeRecord(record), ownerId, String(this.leaseMs)];
    if (this.writeOnPipe) await this.writeOnPipe(keys, args);
    else await this.redis.eval(WRITE, 2, ...keys, ...args);
  }

  async remove(ownerId: string, callKey: string): Promise<void> {
    if (this.pipe) await this.pipe.send(['HDEL', this.keys.dialogs(ownerId), callKey]);
    else await this.redis.hdel(this.keys.dialogs(ownerId), callKey);
  }

  /** Up to about `limit` records of an owner (one HSCAN page); an unreadable record comes back as text. */
  async page(ownerId: string, limit: number): Promise<Array<{ callKey: string; record: DialogRecord | null; text: string }>> {
    if (!Number.isSafeInteger(limit) || limit < 1 || limit > 1000) throw new RangeError(`limit must be 1..1000, got ${limit}`);
    const [, flat] = await this.redis.hscan(this.keys.dialogs(ownerId), '0', 'COUNT', limit);
    const entries: Array<{ callKey: string; record: DialogRecord | null; text: string }> = [];
    for (let i = 0; i + 1 < flat.length && entries.length < limit; i += 2) {
      const text = flat[i + 1]!;
      let record: DialogRecord | null = null;
      try { record = decodeRecord(text); } catch { record = null; }
      entries.push({ callKey: flat[i]!, record, text });
    }
    return entries;
  }

  async count(ownerId: string): Promise<number> {
    return this.redis.hlen(this.keys.dialogs(ownerId));
  }
}
