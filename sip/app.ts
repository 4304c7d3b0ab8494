import { AccountCache } from './account-cache';
import { RedisCallSlots } from './cluster/call-slots';
import { joinCluster } from './cluster/index';
import { CallRecordBatcher } from './cdr/record-batcher';
import { holdEarlyReinvites } from './session/early-reinvites';
import type { SipConfig, SipDeps } from './deps';
import { buildPipeline, type PipelineState } from './pipeline/steps';
import type { CallSession } from './session/call-session';
import type { SessionServices } from './session/services';
import { loadPbxSources } from './trust/pbx-sources';

// Solde's SIP application: the INVITE pipeline on a drachtio-srf instance, the live calls, and a graceful
// stop. src/main.ts builds the deps, calls startSip(), and calls stop() on SIGTERM.

export interface SipApp {
  /** Re-reads pbx_sources (new PBXs are trusted without a restart). */
  reloadPbxSources(): Promise<number>;
  /** Calls in progress. */
  readonly liveCalls: number;
  /** The session of a call by its key (Call-ID;from-tag), for tests and diagnostics. */
  session(key: string): CallSession | undefined;
  /** How many calls in progress are in each phase (diagnostics). */
  callsByPhase(): Record<string, number>;
  /** Resolves when every call in progress has finished. */
  idle(): Promise<void>;
  /**
   * Drain: new INVITEs get 503 at once; live calls go on until they end, at most `deadlineSeconds`
   * (default: config.drainDeadlineSeconds), then are ended and settled. Disconnects from drachtio last.
   */
  stop(deadlineSeconds?: number): Promise<void>;
}

const PBX_RELOAD_MS = 30_000;

export async function createSipApp(deps: SipDeps): Promise<SipApp> {
  holdEarlyReinvites(deps.srf);
  const state: PipelineState = { draining: false, pbxSources: await loadPbxSources(deps.pool), live: new Map() };
  const idleWaiters = new Set<() => void>();
  const clock = deps.clock ?? { now: () => Date.now() };
  const slots = new RedisCallSlots({
    redis: deps.redis, keyPrefix: deps.redisKeyPrefix, instanceId: deps.config.cluster.instanceId, logger: deps.logger, clock,
  });
  const cluster = await joinCluster(deps, { releaseSlotsOf: (deadInstanceId) => slots.releaseAllOf(deadInstanceId) });
  const services: SessionServices = {
    srf: deps.srf, config: deps.config, funds: deps.funds, media: deps.media, announcer: deps.announcer,
    pool: deps.pool, logger: deps.logger, clock, slots, cluster: cluster.calls, records: new CallRecordBatcher(deps.pool),
    forget(callKey) {
      state.live.delete(callKey);
      if (state.live.size === 0) for (const wake of idleWaiters) wake();
    },
  };
  // drachtio-srf accepts an array of middleware; its typings only admit one function.
  const use = deps.srf.use.bind(deps.srf) as unknown as (method: string, steps: unknown[]) => void;
  use('invite', buildPipeline({ ...deps, accounts: new AccountCache(deps.accounts, deps.accountCacheMs ?? 5_000) }, services, state));

  const reloadPbxSources = async () => {
    state.pbxSources = await loadPbxSources(deps.pool);
    return state.pbxSources.size;
  };
  const reloader = setInterval(() => {
    reloadPbxSources().catch((error) => deps.logger.warn({ err: error }, 'pbx_sources reload failed; keeping the previous list'));
  }, PBX_RELOAD_MS);
  reloader.unref();

  const idle = () => state.live.size === 0 ? Promise.resolve() : new Promise<void>((resolve) => {
    const wake = () => { idleWaiters.delete(wake); resolve(); };
    idleWaiters.add(wake);
  });

  return {
    reloadPbxSources,
    get liveCalls() { return state.live.size; },
    session: (key) => state.live.get(key),
    callsByPhase() {
      const counts: Record<string, number> = {};
      for (const session of state.live.values()) counts[session.phase] = (counts[session.phase] ?? 0) + 1;
      return counts;
    },
    idle,
    async stop(deadlineSeconds = deps.config.drainDeadlineSeconds) {
      state.draining = true;
      clearInterval(reloader);
      stopTakingInvites(deps.srf, deps.logger);
      await slots.stopKeepingWarm();
      deps.logger.info({ liveCalls: state.live.size, deadlineSeconds }, 'draining: no new calls');
      await drain(state, idle, deadlineSeconds);
      await services.records.drain();
      await cluster.stop();
      // Not connected (drachtio-server never came up) is fine: drachtio-srf asserts on a missing socket.
      try { deps.srf.disconnect(); } catch { /* nothing to disconnect */ }
    },
  };
}

/**
 * Inbound mode: tells drachtio-server to deal new INVITEs to the other Solde instances only (`remove_route`),
 * while this one's dialogs go on; with no instance left, drachtio-server answers 503 itself. An INVITE
 * already on its way still gets Solde's own 503 (state.draining). Not connected: nothing to remove.
 */
function stopTakingInvites(srf: SipDeps['srf'], logger: SipDeps['logger']): void {
  try {
    // In drachtio-srf (lib/srf.js), missing from its typings.
    (srf as unknown as { unregisterForMessages(verb: string): void }).unregisterForMessages('invite');
  } catch (error) {
    logger.debug({ err: error }, 'no INVITE route to remove (not connected to drachtio-server)');
  }
}

async function drain(state: PipelineState, idle: () => Promise<void>, deadlineSeconds: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<'deadline'>((resolve) => { timer = setTimeout(() => resolve('deadline'), deadlineSeconds * 1000); });
  const outcome = await Promise.race([idle().then(() => 'idle' as const), deadline]);
  clearTimeout(timer);
  if (outcome === 'idle') return;
  const sessions = [...state.live.values()];
  await Promise.all(sessions.map((session) => session.end({ reason: 'shutdown', status: 503, phrase: 'Service Unavailable' })));
}

/** Connects the app to drachtio-server (inbound: srf.connect) or listens for it (outbound: srf.listen). */
export async function startSip(config: SipConfig, deps: SipDeps): Promise<SipApp> {
  const app = await createSipApp(deps);
  const { srf } = deps;
  const drachtio = config.drachtio;
  // An 'error' without a listener would crash the process: connection problems are logged, never fatal
  // (drachtio-srf reconnects by itself in inbound mode).
  srf.on('error', (error) => deps.logger.warn({ err: error }, 'drachtio connection error'));
  if (drachtio.mode === 'inbound') {
    await new Promise<void>((resolve, reject) => {
      const onError = (error: Error) => reject(new Error(`cannot reach drachtio-server at ${drachtio.host}:${drachtio.port}: ${error.message}. Is it running, and is DRACHTIO_SECRET right?`));
      srf.once('error', onError);
      srf.once('connect', (error: Error | null, hostport: string) => {
        srf.removeListener('error', onError);
        if (error) onError(error);
        else {
          deps.logger.info({ hostport }, 'connected to drachtio-server');
          resolve();
        }
      });
      srf.connect({ host: drachtio.host, port: drachtio.port, secret: drachtio.secret });
    });
  } else {
    await srf.listen({ port: drachtio.listenPort, secret: drachtio.secret });
    deps.logger.info({ port: drachtio.listenPort }, 'listening for drachtio-server (outbound mode)');
  }
  return app;
}

/**
 * Production start: connects to drachtio-server (inbound) or listens for it (outbound) without waiting,
 * so that Solde serves its portal while drachtio-server is still coming up; drachtio-srf reconnects by
 * itself and every attempt is logged. Tests use startSip(), which waits for the connection.
 */
export function attachToDrachtio(srf: SipDeps['srf'], drachtio: SipConfig['drachtio'], logger: SipDeps['logger']): void {
  srf.on('error', (error: Error) => logger.warn({ err: error.message }, 'drachtio connection error; retrying'));
  if (drachtio.mode === 'inbound') {
    srf.on('connect', (_error: unknown, hostport: string) => logger.info({ hostport }, 'connected to drachtio-server'));
    logger.info({ host: drachtio.host, port: drachtio.port }, 'connecting to drachtio-server');
    srf.connect({ host: drachtio.host, port: drachtio.port, secret: drachtio.secret });
  } else {
    srf.listen({ port: drachtio.listenPort, secret: drachtio.secret });
    logger.info({ port: drachtio.listenPort }, 'listening for drachtio-server (outbound mode)');
  }
}
