// Splits a V8 CPU profile of Solde's thread into the steps of a call, by where each sampled function lives
// (its script URL): self time only, so every microsecond is counted once. Used by bench/sip-profile.ts to
// turn a profile taken under load into "CPU µs per call, by step".

export interface CpuProfileNode {
  readonly id: number;
  readonly callFrame: { readonly functionName: string; readonly url: string };
  readonly children?: readonly number[];
}

export interface CpuProfile {
  readonly nodes: readonly CpuProfileNode[];
  readonly startTime: number;
  readonly endTime: number;
  readonly samples: readonly number[];
  readonly timeDeltas: readonly number[];
}

/** First match wins: more specific paths before the folders that hold them. */
const STEPS: ReadonlyArray<readonly [string, RegExp]> = [
  ['SIP parse/serialise (drachtio-srf sip-parser, request, response)', /node_modules\/drachtio-srf\/lib\/(sip-parser\/|request\.js|response\.js|proto\.js)/],
  ['drachtio wire protocol (framing)', /node_modules\/drachtio-srf\/lib\/(wire-protocol|drachtio-agent)\.js/],
  ['drachtio-srf dialogs, B2BUA, middleware', /node_modules\/drachtio-srf\//],
  ['pipeline steps (validate, trust, tenant)', /\/sip\/(pipeline|trust|account-cache|refusals)/],
  ['classify + rate', /\/rating\/(classify|tariffs)\/|node_modules\/libphonenumber-js\//],
  ['funds: engine and scripts client', /\/rating\/funds\/|\/rating\/(money|contracts)|node_modules\/(ioredis|redis-parser|@ioredis|denque|cluster-key-slot|standard-as-callback)\//],
  ['rtpengine NG (bencode, UDP)', /\/sip\/media\//],
  ['announcement', /\/sip\/announce\//],
  ['metering', /\/sip\/session\/(meter|billing|timers)/],
  ['settle', /\/sip\/session\/settle/],
  ['call record (+ pg client)', /\/sip\/cdr\/|\/sip\/session\/record|node_modules\/(pg|pg-protocol|pg-types|pg-pool|postgres-)/],
  ['session control (flows, session)', /\/sip\/(session|cluster|concurrency|app|deps|metrics)/],
  ['logging (pino)', /node_modules\/(pino|sonic-boom|fast-redact|quick-format-unescaped|thread-stream|on-exit-leak-free|atomic-sleep|safe-stable-stringify)|\/core\/log/],
  ['metrics (prom-client)', /node_modules\/(prom-client|tdigest|bintrees)\/|\/core\/metrics/],
  ['other JavaScript (tsx loader, other packages)', /node_modules\//],
  ['Node internals (sockets, timers, streams, events)', /^node:|^internal\//],
];

/** What the VM itself does, named as V8 names it. */
const VM: Readonly<Record<string, string>> = {
  '(garbage collector)': 'garbage collection',
  '(program)': 'V8 and native code outside JavaScript',
};

export function stepOf(node: CpuProfileNode): string | null {
  const { url, functionName } = node.callFrame;
  if (functionName === '(idle)') return null; // waiting for I/O: not CPU
  if (url === '') return VM[functionName] ?? 'V8 and native code outside JavaScript';
  for (const [step, pattern] of STEPS) if (pattern.test(url)) return step;
  return 'Solde, elsewhere';
}

/** Self time per step, µs, over the whole profile (idle excluded). */
export function selfTimeBySteps(profile: CpuProfile): Map<string, number> {
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  const totals = new Map<string, number>();
  if (profile.samples.length !== profile.timeDeltas.length) throw new Error('profile: samples and timeDeltas differ in length');
  // Each sample's time is the delta to the next one (V8's convention: timeDeltas[i+1] belongs to samples[i]).
  for (let i = 0; i < profile.samples.length; i += 1) {
    const node = byId.get(profile.samples[i]!);
    if (!node) throw new Error(`profile: sample of unknown node ${profile.samples[i]}`);
    const step = stepOf(node);
    const micros = profile.timeDeltas[i + 1] ?? 0;
    if (step !== null && micros > 0) totals.set(step, (totals.get(step) ?? 0) + micros);
  }
  return totals;
}
