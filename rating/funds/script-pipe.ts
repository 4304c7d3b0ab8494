// A lean Redis connection for the call path's scripts (FCALL), on a plain standalone Redis. Every command
// of one tick leaves in one write and replies are parsed in place: ioredis spends 21-34 µs of Node CPU per
// FCALL (an empty function: 27,000-45,000/s from one process, bench/client-floor.ts), more than the
// rest of a paid call's authorization. Everything else (cluster, TLS, sentinel, other commands) stays with
// ioredis. Same contract as the funds client: no offline queue (while disconnected a call fails at once;
// only calls made while the first connection is being opened wait for it), a bounded wait per command,
// reconnection with backoff until close().
import { connect, type Socket } from 'node:net';
import type { Cluster, Redis } from 'ioredis';
import { encodeCommand, RedisReplyError, ReplyParser, type Reply } from './resp';

/** Redis could not be reached, or did not answer in time: the caller's 'unavailable'. */
export class PipeUnavailableError extends Error {
  override readonly name = 'PipeUnavailableError';
}

export interface PipeOptions {
  readonly host: string;
  readonly port: number;
  readonly db: number;
  readonly username?: string;
  readonly password?: string;
  readonly commandTimeoutMs: number;
}

interface Waiter {
  readonly resolve: (reply: Reply) => void;
  readonly reject: (error: Error) => void;
  readonly sentAtMs: number;
}

const MAX_WAITING = 100_000;
const RECONNECT_MAX_MS = 2_000;
const RECONNECT_STEP_MS = 100;
const TIMEOUT_CHECK_MS = 50;

export class ScriptPipe {
  private socket: Socket | undefined;
  private state: 'connecting' | 'ready' | 'down' | 'closed' = 'down';
  private everConnected = false;
  private attempts = 0;
  private readonly waiting: Waiter[] = [];
  private head = 0;
  private out = '';
  private flushQueued = false;
  private readonly parser = new ReplyParser();
  private readonly watchdog: NodeJS.Timeout;
  private reconnectTimer: NodeJS.Timeout | undefined;
  /** Why the current connection is being dropped, for the errors of the calls it fails. */
  private dropReason: string | undefined;

  constructor(private readonly options: PipeOptions) {
    if (!(options.commandTimeoutMs > 0)) throw new RangeError('commandTimeoutMs must be positive');
    this.watchdog = setInterval(() => this.checkTimeouts(), TIMEOUT_CHECK_MS).unref();
    this.open();
  }

  get ready(): boolean {
    return this.state === 'ready';
  }

  /** Sends one command (pipelined with the others of this tick) and resolves with its reply. */
  send(args: readonly string[]): Promise<Reply> {
    if (this.state === 'closed' || (this.state !== 'ready' && this.everConnected)) return Promise.reject(new PipeUnavailableError(`Redis ${this.where()} is not connected`));
    if (this.waiting.length - this.head >= MAX_WAITING) return Promise.reject(new PipeUnavailableError(`Redis ${this.where()}: ${MAX_WAITING} commands already waiting`));
    return new Promise<Reply>((resolve, reject) => {
      this.waiting.push({ resolve, reject, sentAtMs: Date.now() });
      this.write(encodeCommand(args));
    });
  }

  /** Closes for good: waiting commands fail, no reconnection. */
  close(): void {
    if (this.state === 'closed') return;
    this.state = 'closed';
    clearInterval(this.watchdog);
    clearTimeout(this.reconnectTimer);
    this.socket?.destroy();
    this.failAll(new PipeUnavailableError(`Redis ${this.where()}: connection closed`));
  }

  private open(): void {
    this.state = 'connecting';
    const socket = connect({ host: this.options.host, port: this.options.port, noDelay: true });
    this.socket = socket;
    socket.on('connect', () => this.onConnect(socket));
    socket.on('data', (chunk: Buffer) => this.onData(chunk));
    socket.on('error', (error) => { this.dropReason ??= error.message; }); // 'close' follows
    socket.on('close', () => this.onClose(socket));
  }

  private onConnect(socket: Socket): void {
    if (socket !== this.socket || this.state === 'closed') return;
    // Hand-shake commands go first on the wire; their replies are checked like any other.
    const hello: string[][] = [];
    if (this.options.password) hello.push(this.options.username ? ['AUTH', this.options.username, this.options.password] : ['AUTH', this.options.password]);
    if (this.options.db !== 0) hello.push(['SELECT', String(this.options.db)]);
    const queued = this.out;
    this.out = '';
    const fail = (error: Error): void => this.drop(`hand-shake refused: ${error.message}`);
    const early = this.takeWaiting();
    for (const args of hello) {
      this.waiting.push({ resolve: () => undefined, reject: fail, sentAtMs: Date.now() }); // an error reply rejects
      this.out += encodeCommand(args);
    }
    this.waiting.push(...early);
    this.out += queued;
    this.state = 'ready';
    this.everConnected = true;
    this.attempts = 0;
    this.flush();
  }

  private write(command: string): void {
    this.out += command;
    if (this.state !== 'ready' || this.flushQueued) return;
    this.flushQueued = true;
    process.nextTick(() => this.flush());
  }

  private flush(): void {
    this.flushQueued = false;
    if (this.out.length === 0 || this.state !== 'ready') return;
    const text = this.out;
    this.out = '';
    this.socket!.write(text);
  }

  private onData(chunk: Buffer): void {
    try {
      // Once the connection is being dropped, what follows on it is not handed out: 'close' fails it all.
      this.parser.feed(chunk, (reply) => { if (this.dropReason === undefined) this.settleNext(reply); });
    } catch (error) {
      this.drop(`protocol error: ${(error as Error).message}`); // nothing after it can be trusted
    }
  }

  private drop(reason: string): void {
    this.dropReason ??= reason;
    this.socket?.destroy();
  }

  private settleNext(reply: Reply): void {
    const waiter = this.waiting[this.head];
    if (!waiter) throw new Error('Redis sent a reply nobody asked for');
    this.waiting[this.head] = undefined as unknown as Waiter;
    this.head += 1;
    if (this.head === this.waiting.length) {
      this.waiting.length = 0;
      this.head = 0;
    } else if (this.head >= 1024 && this.head * 2 >= this.waiting.length) {
      this.waiting.splice(0, this.head);
      this.head = 0;
    }
    if (reply instanceof RedisReplyError) waiter.reject(reply);
    else waiter.resolve(reply);
  }

  private onClose(socket: Socket): void {
    if (socket !== this.socket) return;
    this.socket = undefined;
    this.out = '';
    this.parser.reset();
    this.failAll(new PipeUnavailableError(`Redis ${this.where()}: ${this.dropReason ?? 'connection lost'}`));
    this.dropReason = undefined;
    if (this.state === 'closed') return;
    this.state = 'down';
    this.attempts += 1;
    const delay = Math.min(this.attempts * RECONNECT_STEP_MS, RECONNECT_MAX_MS);
    this.reconnectTimer = setTimeout(() => this.open(), delay);
    this.reconnectTimer.unref();
  }

  /** The oldest command waited too long: the connection is presumed dead; everything waiting fails. */
  private checkTimeouts(): void {
    const oldest = this.waiting[this.head];
    if (oldest && Date.now() - oldest.sentAtMs > this.options.commandTimeoutMs) {
      this.drop(`no answer in ${this.options.commandTimeoutMs} ms`);
    }
  }

  private failAll(error: Error): void {
    for (const w of this.takeWaiting()) w.reject(error);
  }

  /** Removes and returns the calls still waiting for a reply, oldest first. */
  private takeWaiting(): Waiter[] {
    const waiters = this.waiting.splice(this.head);
    this.waiting.length = 0;
    this.head = 0;
    return waiters;
  }

  private where(): string {
    return `${this.options.host}:${this.options.port}`;
  }
}

/**
 * A ScriptPipe beside a plain standalone ioredis client (no TLS, sentinel or socket path), on the same
 * server, database and credentials, closed when the client ends (so 'Redis unreachable' and shutdown mean
 * what they mean for the client); undefined for any other client, which keeps running on ioredis.
 */
export function leanPipeFor(redis: Redis | Cluster, commandTimeoutMs: number): ScriptPipe | undefined {
  if (redis.isCluster) return undefined;
  const o = (redis as Redis).options;
  if (o.tls || o.sentinels || o.path) return undefined;
  const pipe = new ScriptPipe({ host: o.host ?? '127.0.0.1', port: o.port ?? 6379, db: o.db ?? 0,
    username: o.username, password: o.password, commandTimeoutMs: o.commandTimeout ?? commandTimeoutMs });
  redis.once('end', () => pipe.close());
  return pipe;
}
