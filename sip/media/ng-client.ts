import { createSocket, type Socket } from 'node:dgram';
import { randomBytes } from 'node:crypto';
import { decode, encode, type BValue } from './bencode';

// rtpengine NG control over UDP: "<cookie> <bencoded dict>". Each command has a bounded timeout and is
// re-sent once with the same cookie halfway through it (rtpengine answers a repeated cookie from its
// cache without redoing the command, so a resend is safe). In-flight commands are bounded too.

const DELETE_OK = Buffer.from('6:result2:ok');

export type NgReply = { readonly [key: string]: BValue };

export class NgError extends Error {
  override name = 'NgError';
  constructor(message: string, readonly command: string) {
    super(message);
  }
}

export interface NgClientOptions {
  readonly host: string;
  readonly port: number;
  /** Whole budget of one command, resend included. */
  readonly timeoutMs?: number;
  readonly maxInFlight?: number;
}

interface Pending {
  readonly command: string;
  readonly resolve: (reply: NgReply) => void;
  readonly reject: (error: Error) => void;
  readonly timers: NodeJS.Timeout[];
}

export class NgClient {
  private readonly socket: Socket;
  private readonly pending = new Map<string, Pending>();
  private readonly timeoutMs: number;
  private readonly maxInFlight: number;
  private closed = false;
  /** Cookies: a random prefix per client and a counter (unique, cheaper than random bytes per command). */
  private readonly cookiePrefix = randomBytes(4).toString('hex');
  private cookieCounter = 0;
  /** A connected UDP socket: no address lookup per send. */
  private readonly connected: Promise<void>;

  constructor(private readonly options: NgClientOptions) {
    this.timeoutMs = options.timeoutMs ?? 1000;
    this.maxInFlight = options.maxInFlight ?? 4096;
    if (this.timeoutMs < 10 || this.timeoutMs > 60_000) throw new RangeError('NG timeoutMs must be 10..60000');
    this.socket = createSocket('udp4');
    this.socket.on('message', (message) => this.onMessage(message));
    this.socket.on('error', () => undefined); // a send error surfaces as the command's timeout
    this.connected = new Promise((resolve) => this.socket.connect(options.port, options.host, () => resolve()));
    this.socket.unref();
  }

  /** Sends one NG command ({command: 'offer', ...}); resolves with the reply dictionary, whatever its result. */
  send(command: string, args: { readonly [key: string]: BValue }): Promise<NgReply> {
    if (this.closed) return Promise.reject(new NgError('NG client closed', command));
    if (this.pending.size >= this.maxInFlight) {
      return Promise.reject(new NgError(`more than ${this.maxInFlight} rtpengine commands in flight`, command));
    }
    this.cookieCounter = (this.cookieCounter + 1) % Number.MAX_SAFE_INTEGER;
    const cookie = `${this.cookiePrefix}${this.cookieCounter.toString(36)}`;
    const packet = Buffer.concat([Buffer.from(`${cookie} `), encode({ ...args, command })]);
    return new Promise<NgReply>((resolve, reject) => {
      const transmit = () => {
        if (!this.closed) void this.connected.then(() => { if (!this.closed) this.socket.send(packet); });
      };
      const timers = [
        setTimeout(transmit, Math.floor(this.timeoutMs / 2)),
        setTimeout(() => this.fail(cookie, new NgError(
          `rtpengine at ${this.options.host}:${this.options.port} did not answer "${command}" within ${this.timeoutMs} ms`, command)), this.timeoutMs),
      ];
      this.pending.set(cookie, { command, resolve, reject, timers });
      transmit();
    });
  }

  get inFlight(): number {
    return this.pending.size;
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    for (const cookie of [...this.pending.keys()]) this.fail(cookie, new NgError('NG client closed', 'close'));
    this.socket.close();
  }

  private onMessage(message: Buffer): void {
    const space = message.indexOf(0x20);
    if (space <= 0) return;
    const cookie = message.toString('latin1', 0, space);
    const entry = this.pending.get(cookie);
    if (!entry) return; // the answer to a resend that was already answered
    this.pending.delete(cookie);
    entry.timers.forEach(clearTimeout);
    // A delete answers with the call's whole statistics (about 2 KB of nested dictionaries) that nobody
    // reads: its outcome is enough, and decoding it is a measurable share of a busy process.
    if (entry.command === 'delete' && message.includes(DELETE_OK, space)) {
      entry.resolve({ result: 'ok' });
      return;
    }
    try {
      const reply = decode(message.subarray(space + 1));
      if (typeof reply !== 'object' || Array.isArray(reply)) throw new Error('reply is not a dictionary');
      entry.resolve(reply);
    } catch (error) {
      entry.reject(new NgError(`unreadable rtpengine reply: ${(error as Error).message}`, entry.command));
    }
  }

  private fail(cookie: string, error: Error): void {
    const entry = this.pending.get(cookie);
    if (!entry) return;
    this.pending.delete(cookie);
    entry.timers.forEach(clearTimeout);
    entry.reject(error);
  }
}
