import { randomBytes } from 'node:crypto';
import type { SipDeps } from '../deps';
import type { ClusterCalls } from '../session/services';
import { trackSipLink } from '../link-state';
import { Adopter } from './adopter';
import { DialogStore, dialogRecordOf } from './dialog-store';
import { ClusterKeys, every, OwnerLeases } from './owner-lease';

// The cluster side of one Solde instance: its owner lease (renewed every leaseSeconds/3, removed on a clean
// stop), the dialog records of its answered calls, and the adopter that ends the calls of dead instances.
// See docs/CLUSTER.md "Owner leases and adoption".

export { Adopter, type AdopterDeps, type AdoptionReport } from './adopter';
export { DialogStore, type DialogRecord, type LegRecord } from './dialog-store';
export { ClusterKeys, OwnerLeases } from './owner-lease';
export type { ClusterCalls } from '../session/services';

export interface ClusterMember {
  readonly calls: ClusterCalls;
  readonly adopter: Adopter;
  /** After the drain: stops adopting, waits for record writes in flight, gives the lease up. */
  stop(): Promise<void>;
}

export interface ClusterOptions {
  /** Frees an instance's concurrency slots cluster-wide (sip/cluster/call-slots.ts' releaseAllOf). */
  readonly releaseSlotsOf: (instanceId: string) => Promise<number>;
}

/** At most this many record writes or deletes waiting: beyond, a record is skipped (logged), never queued. */
const MAX_IN_FLIGHT = 10_000;

/** How long joining waits for the Redis connection before going on without retiring leftovers. */
const READY_WAIT_MS = 5_000;

/** Joins before the app takes calls (createSipApp, before drachtio-server is reached). */
export async function joinCluster(deps: SipDeps, options: ClusterOptions): Promise<ClusterMember> {
  const { instanceId, leaseSeconds } = deps.config.cluster;
  const keys = new ClusterKeys(deps.redisKeyPrefix);
  const leases = new OwnerLeases(deps.redis, keys, leaseSeconds * 1000);
  const dialogs = new DialogStore(deps.redis, keys, leases.leaseMs);
  const log = deps.logger.child({ part: 'cluster', instance: instanceId });
  const link = trackSipLink(deps.srf, deps.config.drachtio);
  const inbound = deps.config.drachtio.mode === 'inbound';
  const server = connectedServer(deps.srf);
  const adopter = new Adopter({
    instanceId, srf: deps.srf, leases, dialogs, funds: deps.funds, media: deps.media, pool: deps.pool, logger: log,
    // Outbound mode has no standing connection to drachtio-server to send a BYE on: such an instance only
    // keeps its lease and records; inbound instances adopt.
    canSignal: () => inbound && link.up(),
    server,
    releaseSlotsOf: options.releaseSlotsOf,
  });

  await retireLeftovers(deps, leases, options.releaseSlotsOf, log);

  let adoptedWarned = false;
  const heartbeat = every(Math.max(1000, Math.floor(leaseSeconds * 1000 / 3)), async () => {
    // Before the connection is up (process start) a command fails at once: wait for the next beat quietly.
    if (deps.redis.status !== 'ready') return;
    try {
      const outcome = await leases.heartbeat(instanceId, server());
      if (outcome === 'adopted' && !adoptedWarned) log.error('this instance was declared dead (lease lapsed) and its calls are being ended by an adopter');
      adoptedWarned = outcome === 'adopted';
    } catch (error) {
      log.warn({ err: error }, 'owner lease not renewed (Redis)');
    }
  });
  adopter.start();

  // A record's write and its delete are chained per call: a call that ends before its write landed must not
  // leave a record behind.
  const pending = new Map<string, Promise<void>>();
  const chain = (callKey: string, step: () => Promise<void>, what: string) => {
    if (pending.size >= MAX_IN_FLIGHT && !pending.has(callKey)) {
      log.warn({ call: callKey }, `dialog record ${what} skipped: too many in flight`);
      return;
    }
    const next = (pending.get(callKey) ?? Promise.resolve()).then(step)
      .catch((error) => log.warn({ err: error, call: callKey }, `dialog record ${what} failed`))
      .finally(() => { if (pending.get(callKey) === next) pending.delete(callKey); });
    pending.set(callKey, next);
  };
  const written = new Set<string>();
  const calls: ClusterCalls = {
    answered(session, uas, uac) {
      const record = dialogRecordOf(session, uas, uac);
      if (record === null) return;
      written.add(record.callKey);
      chain(record.callKey, () => dialogs.write(instanceId, record), 'write');
    },
    finished(callKey) {
      if (!written.delete(callKey)) return;
      chain(callKey, () => dialogs.remove(instanceId, callKey), 'delete');
    },
  };

  return {
    calls,
    adopter,
    async stop() {
      await adopter.stop();
      await Promise.allSettled([...pending.values()]);
      await heartbeat.stop();
      await leases.leave(instanceId).catch((error) => log.warn({ err: error }, 'owner lease not removed: it lapses by itself'));
    },
  };
}

/** The drachtio-server of the inbound link, as srf names it on 'connect' (what req.server.hostport says too). */
function connectedServer(srf: SipDeps['srf']): () => string | null {
  let hostport: string | null = null;
  const on = srf.on.bind(srf) as (event: string, listener: (...args: unknown[]) => void) => void;
  on('connect', (error, reported) => { if (!error && typeof reported === 'string') hostport = reported; });
  return () => hostport;
}

/**
 * What a previous process with this instance id left, before this one takes a call: its dialog records go
 * to adoption (owner-lease.ts RETIRE), and its concurrency slots are freed (its calls are adopted under the
 * retired id, where no slot is listed; a slot freed while the adopter ends its call admits at most that one
 * call early).
 */
async function retireLeftovers(deps: SipDeps, leases: OwnerLeases, releaseSlotsOf: ClusterOptions['releaseSlotsOf'],
  log: SipDeps['logger']): Promise<void> {
  const { instanceId } = deps.config.cluster;
  for (let waited = 0; deps.redis.status !== 'ready' && waited < READY_WAIT_MS; waited += 100) {
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  try {
    const retiredId = `${instanceId}~retired-${randomBytes(4).toString('hex')}`;
    const count = await leases.retireLeftovers(instanceId, retiredId);
    if (count > 0) log.warn({ count, retiredId }, 'calls of a previous process with this instance id found: handed to adoption');
  } catch (error) {
    log.warn({ err: error }, 'could not look for calls of a previous process with this instance id (Redis); looking again at the next start');
  }
  try {
    const freed = await releaseSlotsOf(instanceId);
    if (freed > 0) log.warn({ freed }, 'freed the concurrency slots an earlier process of this instance id left');
  } catch (error) {
    log.warn({ err: error }, 'could not check for slots an earlier process left (Redis); they free themselves at their expiry');
  }
}
