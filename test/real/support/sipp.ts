import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startChild, type Child } from './child';

// SIPp (sip-tester) for the real-server tests and benchmarks: one instance per scenario file, loopback
// only, bounded by SIPp's own global timeout and by a kill timer. The message trace is kept so a test can
// assert what went over the wire and a failure shows it.

export interface SippOptions {
  /** Appears in failure messages. */
  readonly name: string;
  readonly scenarioXml: string;
  readonly localIp?: string;
  readonly localPort: number;
  /** host:port to send the first request to (UAC); none for a UAS. */
  readonly remote?: string;
  /** Calls to make (UAC) or to take (UAS) before exiting. */
  readonly calls: number;
  /** Calls per second (UAC). */
  readonly rate?: number;
  /** SIPp's global timeout: it quits with an error after this. */
  readonly timeoutSeconds: number;
  /** Also write response times (rtd) per call: bench. */
  readonly traceRtt?: boolean;
  readonly extraArgs?: readonly string[];
  /** SIPp's Call-ID pattern (-cid_str; %u is the call number). */
  readonly callIdPattern?: string;
}

export interface SippResult {
  /** 0: every call succeeded; 1: some failed; 97/99/-1/-2: see sipp(1). */
  readonly code: number;
  /** The SIP messages SIPp sent and received (-trace_msg). */
  readonly messages: string;
  readonly errors: string;
  /** The last statistics screen (-trace_screen), with successful/failed call counts. */
  readonly screen: string;
  /** -trace_rtt: one row per response-time measure. */
  readonly rtt: string;
}

export interface Sipp {
  readonly process: Child;
  /** Resolves once SIPp exited (never later than timeoutSeconds + 5 s: then it is killed). */
  readonly done: Promise<SippResult>;
  stop(): Promise<SippResult>;
}

export function startSipp(options: SippOptions): Sipp {
  const dir = mkdtempSync(join(tmpdir(), `solde-sipp-${options.name.replace(/\W+/g, '-')}-`));
  const scenario = join(dir, 'scenario.xml');
  writeFileSync(scenario, options.scenarioXml);
  const args = [
    '-sf', scenario, '-i', options.localIp ?? '127.0.0.1', '-p', String(options.localPort),
    '-m', String(options.calls), '-timeout', `${options.timeoutSeconds}s`, '-timeout_error', '-nostdin',
    '-trace_msg', '-message_file', join(dir, 'messages.log'), '-trace_err', '-error_file', join(dir, 'errors.log'),
    '-trace_screen', '-screen_file', join(dir, 'screen.log'), '-max_recv_loops', '1000',
    ...(options.rate === undefined ? [] : ['-r', String(options.rate), '-l', String(Math.max(options.calls, 1))]),
    ...(options.callIdPattern === undefined ? [] : ['-cid_str', options.callIdPattern]),
    ...(options.traceRtt ? ['-trace_rtt', '-rtt_freq', '1'] : []),
    ...(options.extraArgs ?? []),
    ...(options.remote === undefined ? [] : [options.remote]),
  ];
  const child = startChild(`sipp ${options.name}`, 'sipp', args, { cwd: dir });
  const killer = setTimeout(() => void child.stop(1000), (options.timeoutSeconds + 5) * 1000);
  const done = child.exited.then((code) => {
    clearTimeout(killer);
    const read = (name: string) => { try { return readFileSync(join(dir, name), 'utf8'); } catch { return ''; } };
    const rttFile = readdirSync(dir).find((name) => name.endsWith('_rtt.csv'));
    const result: SippResult = { code, messages: read('messages.log'), errors: read('errors.log'), screen: read('screen.log'), rtt: rttFile ? read(rttFile) : '' };
    rmSync(dir, { recursive: true, force: true });
    return result;
  });
  return { process: child, done, stop: async () => { await child.stop(1000); return done; } };
}

/** Fails with SIPp's own account of what went wrong unless every call of the scenario succeeded. */
export function expectSuccess(name: string, result: SippResult): void {
  if (result.code === 0) return;
  throw new Error(`sipp ${name} exited ${result.code}\n--- errors ---\n${result.errors.slice(-3000)}\n--- messages (tail) ---\n${result.messages.slice(-5000)}`);
}

export interface TracedMessage {
  readonly direction: 'sent' | 'received';
  /** The SIP start line, e.g. "BYE sip:... SIP/2.0" or "SIP/2.0 200 OK". */
  readonly startLine: string;
  readonly text: string;
  header(name: string): string | undefined;
}

/** The SIP messages of a SIPp -trace_msg file, in order. */
export function tracedMessages(result: SippResult): TracedMessage[] {
  const blocks = result.messages.split(/^-{10,}.*$/m);
  const messages: TracedMessage[] = [];
  for (const block of blocks) {
    const match = /^(UDP message (sent|received)[^\n]*)\n([\s\S]*)$/.exec(block.trim());
    if (!match) continue;
    const text = match[3]!.trimStart().replace(/\r\n/g, '\n');
    const startLine = text.split('\n')[0]!.trim();
    messages.push({
      direction: match[2] === 'sent' ? 'sent' : 'received', startLine, text,
      header: (name) => new RegExp(`^${name}:[ \\t]*(.*)$`, 'im').exec(text.split('\n\n')[0]!)?.[1]?.trim(),
    });
  }
  return messages;
}

/** The status codes SIPp received, in order (provisional and final). */
export function receivedStatuses(result: SippResult): number[] {
  return tracedMessages(result).filter((m) => m.direction === 'received' && m.startLine.startsWith('SIP/2.0'))
    .map((m) => Number(m.startLine.split(' ')[1]));
}
