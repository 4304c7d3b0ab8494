// CPU time spent by each process of a benchmark (this Node process, Redis, Postgres) and by the machine,
// over a measured span: it tells which part a throughput figure is bound by, and what the machine could do
// at most (cores / CPU per operation). Read from /proc (Linux): Redis and Postgres are found by name.
import { readdirSync, readFileSync } from 'node:fs';
import { cpus } from 'node:os';

const TICKS_PER_SECOND = 100; // USER_HZ, 100 on every Linux this runs on
const MICROS_PER_TICK = 1_000_000 / TICKS_PER_SECOND;

export interface CpuSample {
  readonly nodeUs: number;
  readonly redisUs: number;
  readonly postgresUs: number;
  /** Busy time of all cores (user + nice + system + irq + softirq). */
  readonly machineUs: number;
}

export interface CpuPerOp {
  readonly nodeUs: number;
  readonly redisUs: number;
  readonly postgresUs: number;
  readonly otherUs: number;
  /** What all cores could do if nothing but this ran: cores / machine CPU per operation. */
  readonly machineBoundPerSecond: number;
}

/** utime + stime of every process whose command name is `name`, in microseconds. */
function processTicksUs(name: string): number {
  let ticks = 0;
  for (const pid of readdirSync('/proc')) {
    if (!/^\d+$/.test(pid)) continue;
    try {
      const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
      const close = stat.lastIndexOf(')');
      if (!stat.slice(stat.indexOf('(') + 1, close).startsWith(name)) continue;
      const fields = stat.slice(close + 2).split(' ');
      ticks += Number(fields[11]) + Number(fields[12]); // utime, stime (fields 14 and 15 of stat)
    } catch {
      // the process ended while we read: its time is gone with it
    }
  }
  return ticks * MICROS_PER_TICK;
}

function machineBusyUs(): number {
  const line = readFileSync('/proc/stat', 'utf8').split('\n')[0]!.trim().split(/\s+/).slice(1).map(Number);
  const [user = 0, nice = 0, system = 0, , , irq = 0, softirq = 0] = line;
  return (user + nice + system + irq + softirq) * MICROS_PER_TICK;
}

export function sampleCpu(): CpuSample {
  const own = process.cpuUsage();
  return { nodeUs: own.user + own.system, redisUs: processTicksUs('redis-server'), postgresUs: processTicksUs('postgres'), machineUs: machineBusyUs() };
}

export function cpuPerOp(before: CpuSample, after: CpuSample, ops: number): CpuPerOp {
  if (ops <= 0) throw new RangeError('cpuPerOp needs at least one operation');
  const per = (a: number, b: number): number => (b - a) / ops;
  const nodeUs = per(before.nodeUs, after.nodeUs);
  const redisUs = per(before.redisUs, after.redisUs);
  const postgresUs = per(before.postgresUs, after.postgresUs);
  const machine = per(before.machineUs, after.machineUs);
  return { nodeUs, redisUs, postgresUs, otherUs: Math.max(0, machine - nodeUs - redisUs - postgresUs), machineBoundPerSecond: Math.round((cpus().length * 1_000_000) / machine) };
}

export function formatCpu(c: CpuPerOp): string {
  return `CPU µs/op: Node ${c.nodeUs.toFixed(1)}, Redis ${c.redisUs.toFixed(1)}, Postgres ${c.postgresUs.toFixed(1)}, other ${c.otherUs.toFixed(1)}; machine bound ${c.machineBoundPerSecond.toLocaleString('en')}/s`;
}
