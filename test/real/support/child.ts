import { spawn, type SpawnOptions } from 'node:child_process';

// A process a real-server test starts and stops: its output is kept (the last 64 kB) for failure
// messages, lines can be awaited (bounded), and stop() ends it (SIGTERM, then SIGKILL after a grace).

const KEEP_CHARS = 64_000;

export interface Child {
  readonly name: string;
  readonly pid: number;
  /** The process's recent stdout and stderr, interleaved. */
  output(): string;
  /** Resolves with the first line matching `pattern` (already printed or to come); rejects after timeoutMs or on exit. */
  waitForLine(pattern: RegExp, timeoutMs: number, what: string): Promise<string>;
  /** Resolves with the exit code (signal → -1) once the process has ended. */
  readonly exited: Promise<number>;
  readonly running: boolean;
  stop(graceMs?: number): Promise<number>;
}

export function startChild(name: string, command: string, args: readonly string[], options: SpawnOptions = {}): Child {
  const child = spawn(command, args, { ...options, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  let lines: string[] = [];
  let partial = '';
  const waiters = new Set<{ pattern: RegExp; resolve: (line: string) => void }>();
  const onData = (chunk: Buffer) => {
    const text = chunk.toString();
    output = (output + text).slice(-KEEP_CHARS);
    const parts = (partial + text).split('\n');
    partial = parts.pop() ?? '';
    for (const line of parts) {
      lines.push(line);
      for (const waiter of waiters) if (waiter.pattern.test(line)) { waiters.delete(waiter); waiter.resolve(line); }
    }
    if (lines.length > 2000) lines = lines.slice(-1000);
  };
  child.stdout?.on('data', onData);
  child.stderr?.on('data', onData);
  let exitCode: number | null = null;
  const exited = new Promise<number>((resolve) => {
    child.once('exit', (code) => { exitCode = code ?? -1; resolve(exitCode); });
    child.once('error', (error) => { output += `\nspawn ${command} failed: ${error.message}`; exitCode = -1; resolve(-1); });
  });
  return {
    name,
    pid: child.pid ?? -1,
    output: () => output,
    get running() { return exitCode === null; },
    exited,
    waitForLine(pattern, timeoutMs, what) {
      const seen = lines.find((line) => pattern.test(line));
      if (seen !== undefined) return Promise.resolve(seen);
      return new Promise((resolve, reject) => {
        const waiter = { pattern, resolve: (line: string) => { clearTimeout(timer); resolve(line); } };
        const fail = (why: string) => { waiters.delete(waiter); reject(new Error(`${name}: ${what}: ${why}\n--- ${name} output (tail) ---\n${output.slice(-4000)}`)); };
        const timer = setTimeout(() => fail(`not seen within ${timeoutMs} ms`), timeoutMs);
        waiters.add(waiter);
        void exited.then((code) => { if (waiters.has(waiter)) { clearTimeout(timer); fail(`process exited (${code}) first`); } });
      });
    },
    async stop(graceMs = 3000) {
      if (exitCode !== null) return exitCode;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
      const code = await exited;
      clearTimeout(timer);
      return code;
    },
  };
}
