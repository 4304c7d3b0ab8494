import { randomBytes } from 'node:crypto';
import { callerScenario, carrierScenario, type CallerStep, type CarrierBehaviour } from './scenarios';
import { expectSuccess, startSipp, type SippResult } from './sipp';
import { freeUdpPort, waitForUdpBound } from './ports';
import type { RealStack } from './stack';

// One call through the real stack: SIPp as the carrier trunk (when the call should reach it) and SIPp as
// the PBX, both bounded; resolves when both have finished and checks each scenario succeeded.

export interface CallPlan {
  readonly name: string;
  readonly dialled: string;
  readonly extension?: string;
  /** The PBX's address (default 127.0.0.1, a trusted source). */
  readonly sourceIp?: string;
  readonly rtpPort?: number;
  readonly steps: readonly CallerStep[];
  /** The carrier's part; none: the call must not reach the trunk. */
  readonly carrier?: CarrierBehaviour;
  readonly timeoutSeconds?: number;
  readonly inviteHeaders?: readonly string[];
  /** A carrier scenario of the test's own (instead of `carrier`), taking this many SIPp calls. */
  readonly carrierXml?: { readonly xml: string; readonly calls: number };
}

export interface CallResult {
  readonly callId: string;
  readonly fromTag: string;
  readonly caller: SippResult;
  readonly carrier?: SippResult;
}

export async function placeCall(stack: RealStack, plan: CallPlan): Promise<CallResult> {
  const callIdPrefix = `real-${randomBytes(6).toString('hex')}`;
  const callId = `${callIdPrefix}-1`; // SIPp's -cid_str for its first (only) call
  const fromTag = randomBytes(5).toString('hex');
  const timeoutSeconds = plan.timeoutSeconds ?? 30;
  const carrierXml = plan.carrierXml ?? (plan.carrier === undefined ? undefined : { xml: carrierScenario(plan.carrier, timeoutSeconds * 1000), calls: 1 });
  const carrier = carrierXml === undefined ? undefined : startSipp({
    name: `${plan.name} carrier`, scenarioXml: carrierXml.xml, localPort: stack.trunkPort, calls: carrierXml.calls, timeoutSeconds,
  });
  // The trunk must listen before the B leg's INVITE leaves, or sofia answers it 503 itself.
  if (carrier) {
    await waitForUdpBound(stack.trunkPort, 10_000, `${plan.name} carrier SIPp`, () => carrier.process.running)
      .catch(async (error: Error) => { throw new Error(`${error.message}\n${(await carrier.stop()).errors || carrier.process.output()}`); });
  }
  const caller = startSipp({
    name: `${plan.name} caller`, localIp: plan.sourceIp ?? '127.0.0.1', localPort: await freeUdpPort(), calls: 1, timeoutSeconds, callIdPattern: `${callIdPrefix}-%u`,
    remote: `${stack.drachtio.host}:${stack.drachtio.sipPort}`,
    scenarioXml: callerScenario({
      dialled: plan.dialled, extension: plan.extension ?? '101', server: `${stack.drachtio.host}:${stack.drachtio.sipPort}`,
      fromTag, rtpPort: plan.rtpPort ?? 6000, steps: plan.steps, inviteHeaders: plan.inviteHeaders,
    }),
  });
  const callerResult = await caller.done;
  const carrierResult = carrier ? await carrier.done : undefined;
  expectSuccess(`${plan.name} caller`, callerResult);
  if (carrierResult) expectSuccess(`${plan.name} carrier`, carrierResult);
  return { callId, fromTag, caller: callerResult, carrier: carrierResult };
}
