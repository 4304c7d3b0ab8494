import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { callKey } from '../../sip/pipeline/call-key';
import { ClusterKeys } from '../../sip/cluster/index';
import { placeCall } from './support/call';
import { waitForUdpBound, freeUdpPort } from './support/ports';
import { callerScenario, carrierScenario } from './support/scenarios';
import { expectSuccess, startSipp, tracedMessages, type SippResult } from './support/sipp';
import { EUR, useRealStack } from './support/stack';
import type { SoldeProcess } from './support/solde-process';

// Issue 13: a call outlives its process's memory, not its money. Two Solde processes on one real
// drachtio-server (inbound mode: the server hands new INVITEs round robin to the apps connected). 20 paid
// calls land on the first ("victim", started alone); the second ("survivor") connects; the victim is
// killed with SIGKILL. Within its lease (3 s) plus a bounded margin the survivor adopts its calls: BYE on
// both legs of each through drachtio-server (which kept the dialogs of the dead connection), no hold left,
// each call charged exactly the money committed to it when its owner died, `owner-lost` records, and the
// survivor takes the next call.

const LEASE_SECONDS = 3;
const CALLS = 20;
const MOROCCO = '00212612345678';
const BALANCE = 1000n * EUR;
/** Lease + a scan period with jitter + BYE round trips, generously: the bound of "within the lease". */
const ADOPTION_BOUND_MS = (LEASE_SECONDS + 7) * 1000;

const stack = useRealStack({
  mode: 'inbound', meterIntervalSeconds: 2, rtpPortBlocks: 4, accounts: [{ id: 'acme', balanceMicros: BALANCE, maxConcurrentCalls: 50 }],
  soldeEnv: { SOLDE_INSTANCE_ID: 'victim', SOLDE_OWNER_LEASE_SECONDS: String(LEASE_SECONDS) },
});

const bounded = <T>(promise: Promise<T>, ms: number, what: string) => {
  let timer: NodeJS.Timeout | undefined;
  return Promise.race([promise.finally(() => clearTimeout(timer)),
    new Promise<never>((_, reject) => { timer = setTimeout(() => reject(new Error(`${what}: not within ${ms} ms`)), ms); })]);
};

async function poll<T>(what: string, timeoutMs: number, probe: () => Promise<T | undefined>): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (let attempt = 0; attempt < 10_000; attempt += 1) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`${what}: not within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`${what}: gave up`);
}

const receivedByes = (result: SippResult) => tracedMessages(result).filter((m) => m.direction === 'received' && m.startLine.startsWith('BYE '));

describe('a dead instance\'s calls are adopted', () => {
  /** The second Solde of the first test, still running for the second. */
  let survivorProcess: SoldeProcess | undefined;

  it('kill -9 of the owner: every call gets BYE on both legs, is charged its granted time, recorded owner-lost; the survivor serves on', async () => {
    const redis = stack.funds.ctx.store.client;
    const keys = new ClusterKeys(stack.redisPrefix);
    const timeoutSeconds = 90;
    const carrier = startSipp({
      name: 'adoption carrier', scenarioXml: carrierScenario({ kind: 'answer', ringMs: 100, hangup: { by: 'caller', timeoutMs: 80_000 } }, 80_000),
      localPort: stack.trunkPort, calls: CALLS, timeoutSeconds,
    });
    await waitForUdpBound(stack.trunkPort, 10_000, 'adoption carrier SIPp', () => carrier.process.running);
    const callIdPrefix = `adopt-${randomBytes(6).toString('hex')}`;
    const server = `${stack.drachtio.host}:${stack.drachtio.sipPort}`;
    const caller = startSipp({
      name: 'adoption caller', localPort: await freeUdpPort(), calls: CALLS, rate: 10, timeoutSeconds, callIdPattern: `${callIdPrefix}-%u`,
      remote: server,
      scenarioXml: callerScenario({ dialled: MOROCCO, extension: '101', server, rtpPort: 6000, steps: [
        { kind: 'expect', status: 183, timeoutMs: 15_000 }, { kind: 'answered', timeoutMs: 40_000 }, { kind: 'expect-bye', timeoutMs: 80_000 }] }),
    });
    const keysOfCalls = Array.from({ length: CALLS }, (_, i) => ({
      callId: `${callIdPrefix}-${i + 1}`, fromTag: `${caller.process.pid}SIPpTag00${i + 1}`,
    })).map((c) => ({ ...c, key: callKey(c.callId, c.fromTag) }));

    // Every call answered on the victim: its dialog records are in Redis.
    await poll('20 answered calls recorded by the victim', 60_000, async () =>
      (await redis.hlen(keys.dialogs('victim'))) === CALLS ? true : undefined)
      .catch(async (error: Error) => {
        throw new Error(`${error.message} (${await redis.hlen(keys.dialogs('victim'))} recorded)\n${stack.solde.process.output().slice(-6000)}`);
      });
    const survivor = await stack.startAnotherSolde({ SOLDE_INSTANCE_ID: 'survivor' });
    survivorProcess = survivor;
    await survivor.process.waitForLine(/connected to drachtio-server/, 30_000, 'survivor connected');

    process.kill(stack.solde.process.pid, 'SIGKILL');
    await bounded(stack.solde.process.exited, 5_000, 'victim exit');
    const killedAtMs = Date.now();
    // The victim can no longer renew anything: what is committed to each call now is what it must pay.
    const committed = new Map<string, bigint>();
    for (const c of keysOfCalls) {
      const seen = await stack.funds.committed({ accountId: 'acme', callId: c.key });
      expect(seen).toMatchObject({ status: 'ok', callState: 'live' });
      committed.set(c.key, seen.committedMicros);
    }

    const [callerResult, carrierResult] = await bounded(Promise.all([caller.done, carrier.done]), ADOPTION_BOUND_MS, 'BYE on both legs of every call')
      .catch(async (error: Error) => {
        const [a, b] = await Promise.all([caller.stop(), carrier.stop()]);
        throw new Error(`${error.message}: ${receivedByes(a).length} BYEs at the caller, ${receivedByes(b).length} at the carrier\n`
          + `--- survivor ---\n${survivor.process.output().slice(-8000)}`);
      });
    const adoptedInMs = Date.now() - killedAtMs;
    expectSuccess('adoption caller', callerResult);
    expectSuccess('adoption carrier', carrierResult);
    for (const result of [callerResult, carrierResult]) {
      const byes = receivedByes(result);
      expect(byes).toHaveLength(CALLS);
      for (const bye of byes) expect(bye.header('reason')).toContain('owner-lost');
    }

    let charged = 0n;
    for (const c of keysOfCalls) {
      const record = await stack.callRecord(c.callId, c.fromTag);
      const expected = committed.get(c.key)!;
      expect(expected).toBeGreaterThan(0n);
      expect(record).toMatchObject({ accountId: 'acme', endingReason: 'owner-lost', settleStatus: 'ok', answered: true, costMicros: expected });
      // 1 EUR a second on 1/1 increments: the committed money is a whole number of seconds.
      expect(BigInt(record!.billedSeconds) * EUR).toBe(expected);
      charged += expected;
    }
    // No hold left; the account paid exactly the committed money of every call, in the ledger too.
    expect(await stack.funds.balance('acme')).toMatchObject({ heldMicros: 0n, availableMicros: BALANCE - charged });
    const ledger = await poll('the call debits in the ledger', 15_000, async () => {
      const { rows } = await stack.db.pool.query<{ call_id: string; total: string }>(
        `SELECT call_id, (-SUM(amount_micros::numeric))::text AS total FROM ledger_entries WHERE account_id = 'acme' AND kind = 'call_debit' GROUP BY call_id`);
      const totals = new Map(rows.map((row) => [row.call_id, BigInt(row.total)]));
      return keysOfCalls.every((c) => totals.get(c.key) === committed.get(c.key)) ? totals : undefined;
    });
    expect(ledger.size).toBe(CALLS);
    // The victim's lease and records are gone; the survivor's own lease is current.
    expect(await redis.zscore(keys.leases, 'victim')).toBeNull();
    expect(await redis.hget(keys.adopters, 'victim')).toBeNull();
    expect(await redis.hlen(keys.dialogs('victim'))).toBe(0);
    expect(await redis.zscore(keys.leases, 'survivor')).not.toBeNull();
    await survivor.process.waitForLine(/adoption finished/, 5_000, 'log the adoption');

    // The survivor takes the next call.
    const next = await placeCall(stack, {
      name: 'after adoption', dialled: '00493012345678',
      steps: [{ kind: 'answered', timeoutMs: 10_000 }, { kind: 'pause', ms: 300 }, { kind: 'bye' }],
      carrier: { kind: 'answer', ringMs: 50, hangup: { by: 'caller', timeoutMs: 10_000 } },
    });
    expect(await stack.callRecord(next.callId, next.fromTag)).toMatchObject({ class: 'INCLUDED', endingReason: 'caller-bye' });
    // Its dialog record was dropped when it ended (the delete is not awaited by the call: bounded wait).
    await poll('the survivor\'s dialog records gone', 5_000, async () => (await redis.hlen(keys.dialogs('survivor'))) === 0 ? true : undefined);
    console.info(`adoption: ${CALLS} calls ended ${adoptedInMs} ms after the kill (lease ${LEASE_SECONDS} s)`);
  }, 150_000);

  it('the PBX hangs up before the adoption: drachtio-server answers its BYE 481 itself, the adopter still ends the carrier leg and settles', async () => {
    expect(survivorProcess).toBeDefined();
    const redis = stack.funds.ctx.store.client;
    const keys = new ClusterKeys(stack.redisPrefix);
    const second = await stack.startAnotherSolde({ SOLDE_INSTANCE_ID: 'second' });
    const processes: Record<string, SoldeProcess> = { survivor: survivorProcess!, second };
    // Round robin between the two apps: the call lands on either; the other one adopts it.
    const call = placeCall(stack, {
      name: 'orphan', dialled: MOROCCO, timeoutSeconds: 60,
      steps: [{ kind: 'expect', status: 183, timeoutMs: 15_000 }, { kind: 'answered', timeoutMs: 30_000 }, { kind: 'pause', ms: 1_000 }, { kind: 'bye', status: 481 }],
      carrier: { kind: 'answer', ringMs: 100, hangup: { by: 'caller', timeoutMs: 50_000 } },
    });
    const owner = await poll('the call answered', 40_000, async () => {
      for (const id of Object.keys(processes)) if (await redis.hlen(keys.dialogs(id)) > 0) return id;
      return undefined;
    });
    const [key] = await redis.hkeys(keys.dialogs(owner));
    process.kill(processes[owner]!.process.pid, 'SIGKILL');
    await bounded(processes[owner]!.process.exited, 5_000, 'owner exit');
    const committed = await stack.funds.committed({ accountId: 'acme', callId: key! });
    const adopter = Object.keys(processes).find((id) => id !== owner)!;

    const result = await call; // the caller got 481 to its BYE, the carrier got the adopter's BYE
    expect(receivedByes(result.carrier!)[0]?.header('reason')).toContain('owner-lost');
    const record = await stack.callRecord(result.callId, result.fromTag);
    expect(record).toMatchObject({ endingReason: 'owner-lost', settleStatus: 'ok', costMicros: committed.committedMicros });
    const ended = await processes[adopter]!.process.waitForLine(/adopted call ended/, 15_000, 'end the adopted call');
    expect(JSON.parse(ended)).toMatchObject({ caller: 'gone', callee: 'ok' });
    expect(await stack.funds.balance('acme')).toMatchObject({ heldMicros: 0n });
  }, 120_000);
});
