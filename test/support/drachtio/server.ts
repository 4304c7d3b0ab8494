// An emulated drachtio-server v0.9.4 for tests: the app (drachtio-srf) connects to it over TCP as to
// the real one (inbound mode), and the test plays the caller (CallerLeg) and the carrier (BLeg).
// The SIP side is not on the network: the server builds the messages sofia-sip would send and
// receive, and the legs expose them. Faithfulness notes are in README.md beside this file.
import net from 'node:net';
import type { AppLink, ClientTransactionHandler, DialogHandler, ServerTransactionHandler } from './app-link';
import { BLeg } from './b-leg';
import { applyBSide, type BSideBehaviour } from './b-side';
import { CallerLeg } from './caller-leg';
import type { PlaceCallOptions } from './caller-invite';
import { FrameDecoder, encodeFrame, parseFramePayload, type Frame } from './framing';
import { DEFAULT_WAIT_MS, Mailbox } from './mailbox';
import { parseSipMessage, type SipMessage } from './sip-message';
import { initialSofiaCseq } from './sip-ids';
import { NOK, failureLeader, type HostPort } from './wire-leaders';

export interface DrachtioServerOptions {
  /** The shared secret the app must present (`authenticate|<secret>|`). */
  readonly secret: string;
  /** The SIP address the server claims (default 127.0.0.1:5060, as in the transcripts). */
  readonly sipHost?: HostPort;
  /** What every new B leg does by itself (default: nothing, the test drives it). */
  readonly bSide?: BSideBehaviour;
}

/** One frame on the TCP connection, for tests that check the wire itself. */
export interface WireRecord {
  readonly direction: 'app->server' | 'server->app';
  readonly payload: string;
}

const MAX_WIRE_RECORDS = 10_000;
const MAX_TIMERS = 10_000;

export class DrachtioServer implements AppLink {
  readonly sipHost: HostPort;
  /** Every frame both ways, oldest first (bounded). */
  readonly wire: WireRecord[] = [];
  private readonly tcp = net.createServer((socket) => this.onConnection(socket));
  private readonly sockets = new Set<net.Socket>();
  private app: net.Socket | undefined;
  private readonly routes = new Set<string>();
  /** An app has asked for INVITEs at least once (placeCall before that is a test's mistake). */
  private everRouted = false;
  private readonly readyBox = new Mailbox<true>('drachtio emulator: app connection');
  private readonly bLegBox = new Mailbox<BLeg>('drachtio emulator: outbound INVITE from the app');
  private readonly serverTransactions = new Map<string, ServerTransactionHandler>();
  private readonly dialogs = new Map<string, DialogHandler>();
  private readonly clientTransactions = new Map<string, ClientTransactionHandler>();
  private readonly timers = new Set<NodeJS.Timeout>();
  private readonly legs: Array<CallerLeg | BLeg> = [];
  private outboundInviteHandler: ((leg: BLeg) => void) | undefined;
  private bSide: BSideBehaviour | undefined;
  private cseq = initialSofiaCseq();
  private closed = false;
  /** Messages for the app that arrived while no app was connected (dropped). */
  undeliverable = 0;
  /** Protocol errors seen (bad frames, unknown message types): a test can assert there were none. */
  readonly protocolErrors: string[] = [];

  private constructor(readonly secret: string, options: DrachtioServerOptions) {
    this.sipHost = options.sipHost ?? { address: '127.0.0.1', port: 5060 };
    this.bSide = options.bSide;
  }

  static async start(options: DrachtioServerOptions): Promise<DrachtioServer> {
    if (options.secret === '' || options.secret.includes('|')) throw new Error('drachtio emulator: secret must be non-empty, without |');
    const server = new DrachtioServer(options.secret, options);
    await new Promise<void>((resolve, reject) => {
      server.tcp.once('error', reject);
      server.tcp.listen(0, '127.0.0.1', () => resolve());
    });
    return server;
  }

  get host(): string { return '127.0.0.1'; }
  get port(): number {
    const address = this.tcp.address();
    if (address === null || typeof address === 'string') throw new Error('drachtio emulator: not listening');
    return address.port;
  }

  /** Resolves once the app has authenticated and asked for INVITEs (`route|invite`). */
  async waitForApp(timeoutMs = DEFAULT_WAIT_MS): Promise<void> {
    // Bounded: a signal left over from an earlier connection is skipped, a few reconnections at most.
    for (let round = 0; round < 10; round += 1) {
      if (this.app !== undefined && this.routes.has('invite')) return;
      await this.readyBox.next('authenticate + route|invite', timeoutMs);
    }
    throw new Error('drachtio emulator: the app keeps reconnecting without staying routed');
  }

  /** Whether an app asks for INVITEs now (a draining Solde sends `remove_route|invite`). */
  get invitesRouted(): boolean {
    return this.app !== undefined && this.routes.has('invite');
  }

  /** A new call from the caller side, delivered to the app now. */
  placeCall(options: PlaceCallOptions): CallerLeg {
    const routed = this.app !== undefined && this.routes.has('invite');
    if (!routed && !this.everRouted) {
      throw new Error('drachtio emulator: no app routed for INVITE yet; await server.waitForApp() first');
    }
    // An app that removed its route (draining) or left: the server refuses the INVITE itself.
    const leg = new CallerLeg(this, options, routed);
    this.legs.push(leg);
    return leg;
  }

  /** The next INVITE the app sent towards the carrier. */
  nextBLeg(timeoutMs = DEFAULT_WAIT_MS): Promise<BLeg> {
    return this.bLegBox.next('new INVITE (createUAC/createB2BUA)', timeoutMs);
  }

  /** Called synchronously for every new B leg (before it is queued for nextBLeg()). */
  onOutboundInvite(handler: ((leg: BLeg) => void) | undefined): void {
    this.outboundInviteHandler = handler;
  }

  setBSide(behaviour: BSideBehaviour | undefined): void {
    this.bSide = behaviour;
  }

  /** Closes the app connection and the listener; pending waits fail. Call srf.disconnect() first. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.clear();
    const reason = 'the drachtio emulator was closed';
    this.readyBox.close(reason);
    this.bLegBox.close(reason);
    for (const leg of this.legs) leg.close(reason);
    for (const socket of this.sockets) socket.destroy();
    await new Promise<void>((resolve) => this.tcp.close(() => resolve()));
  }

  // AppLink: what the legs use.
  send(leader: string, sip?: SipMessage): void {
    const socket = this.app;
    if (socket === undefined || socket.destroyed) {
      // drachtio-server has no client to give it to: the message is lost, as on the real server.
      this.undeliverable += 1;
      return;
    }
    this.write(socket, sip === undefined ? leader : `${leader}\r\n${sip.toString()}`);
  }
  onServerTransaction(id: string, handler: ServerTransactionHandler): void { this.serverTransactions.set(id, handler); }
  forgetServerTransaction(id: string): void { this.serverTransactions.delete(id); }
  onDialog(id: string, handler: DialogHandler): void { this.dialogs.set(id, handler); }
  forgetDialog(id: string): void { this.dialogs.delete(id); }
  onClientTransaction(id: string, handler: ClientTransactionHandler): void { this.clientTransactions.set(id, handler); }
  forgetClientTransaction(id: string): void { this.clientTransactions.delete(id); }
  nextCseq(): number { this.cseq += 1; return this.cseq; }
  schedule(delayMs: number, action: () => void): void {
    if (this.closed) return;
    if (this.timers.size >= MAX_TIMERS) throw new Error('drachtio emulator: too many pending timers');
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      if (!this.closed) action();
    }, delayMs);
    this.timers.add(timer);
  }

  private onConnection(socket: net.Socket): void {
    if (this.closed) { socket.destroy(); return; }
    this.sockets.add(socket);
    socket.setNoDelay(true);
    const decoder = new FrameDecoder();
    socket.on('data', (chunk: Buffer) => {
      let payloads: string[];
      try {
        payloads = decoder.push(chunk);
      } catch (error) {
        // drachtio-server drops a client that breaks the framing (Client::read_handler).
        this.protocolErrors.push((error as Error).message);
        socket.destroy();
        return;
      }
      for (const payload of payloads) this.onFrame(socket, payload);
    });
    socket.on('error', () => socket.destroy());
    socket.on('close', () => {
      this.sockets.delete(socket);
      if (this.app === socket) { this.app = undefined; this.routes.clear(); }
    });
  }

  private onFrame(socket: net.Socket, payload: string): void {
    this.record('app->server', payload);
    const frame = parseFramePayload(payload);
    if (frame.type === 'authenticate') return this.onAuthenticate(socket, frame);
    if (socket !== this.app) {
      this.protocolErrors.push(`'${frame.type}' before authenticate`);
      socket.destroy();
      return;
    }
    switch (frame.type) {
      case 'route': return this.onRoute(socket, frame, true);
      case 'remove_route': return this.onRoute(socket, frame, false);
      case 'ping': return this.write(socket, `response|${frame.msgId}|OK|pong`);
      case 'sip': return this.onSip(frame);
      default:
        // 'proxy' included: Solde does not proxy, so the emulator does not implement it.
        this.protocolErrors.push(`unsupported message type '${frame.type}'`);
        this.write(socket, `response|${frame.msgId}|NO|Unknown message type`);
    }
  }

  private onAuthenticate(socket: net.Socket, frame: Frame): void {
    if (frame.tokens[2] !== this.secret) {
      // Client::processClientMessage answers NO and the connection is dropped.
      this.write(socket, `response|${frame.msgId}|NO|incorrect secret`);
      socket.end();
      return;
    }
    this.app = socket;
    const hostport = `udp/${this.sipHost.address}:${this.sipHost.port}`;
    // The version field: v0.9.4 built outside a git checkout reports 1.0.0 (transcript).
    this.write(socket, `response|${frame.msgId}|OK|${hostport}|1.0.0|${hostport}`);
  }

  private onRoute(socket: net.Socket, frame: Frame, add: boolean): void {
    const verb = frame.tokens[2] ?? '';
    if (add) this.routes.add(verb.toLowerCase());
    else this.routes.delete(verb.toLowerCase());
    this.write(socket, `response|${frame.msgId}|OK`);
    if (add && verb.toLowerCase() === 'invite') {
      this.everRouted = true;
      this.readyBox.put(true);
    }
  }

  private onSip(frame: Frame): void {
    const transactionId = frame.tokens[2] ?? '';
    const dialogId = frame.tokens[3] ?? '';
    const proxy = frame.tokens[4] === undefined || frame.tokens[4] === '' ? undefined : frame.tokens[4];
    let message: SipMessage;
    try {
      message = parseSipMessage(frame.sip);
    } catch (error) {
      this.protocolErrors.push(`unparseable SIP from the app: ${(error as Error).message}`);
      return this.send(failureLeader(frame.msgId, 'Invalid SIP message'));
    }
    if (!message.isRequest) {
      const handler = this.serverTransactions.get(transactionId);
      if (handler === undefined) return this.send(failureLeader(frame.msgId, NOK.unknownTransaction));
      return handler(message, frame.msgId);
    }
    if (dialogId !== '') {
      const handler = this.dialogs.get(dialogId);
      if (handler === undefined) return this.send(failureLeader(frame.msgId, NOK.unknownDialog));
      return handler(message, frame.msgId);
    }
    if (transactionId !== '') {
      const handler = this.clientTransactions.get(transactionId);
      if (message.method !== 'CANCEL' || handler === undefined) {
        return this.send(failureLeader(frame.msgId, NOK.unknownTransaction));
      }
      return handler(message, frame.msgId);
    }
    this.onNewRequest(message, frame.msgId, proxy);
  }

  private onNewRequest(message: SipMessage, msgId: string, proxy: string | undefined): void {
    if (message.method !== 'INVITE') {
      this.protocolErrors.push(`out-of-dialog ${message.method} from the app is not emulated`);
      return this.send(failureLeader(msgId, `${message.method} outside a dialog is not emulated by the harness`));
    }
    const leg = new BLeg(this, message, msgId, proxy);
    this.legs.push(leg);
    applyBSide(leg, this.bSide, (delayMs, action) => this.schedule(delayMs, action));
    this.outboundInviteHandler?.(leg);
    this.bLegBox.put(leg);
  }

  private write(socket: net.Socket, payloadWithoutId: string): void {
    const { msgId, bytes } = encodeFrame(payloadWithoutId);
    this.record('server->app', `${msgId}|${payloadWithoutId}`);
    socket.write(bytes);
  }

  private record(direction: WireRecord['direction'], payload: string): void {
    if (this.wire.length >= MAX_WIRE_RECORDS) this.wire.shift();
    this.wire.push({ direction, payload });
  }
}

export type { BSideBehaviour };

export function startDrachtioServer(options: DrachtioServerOptions): Promise<DrachtioServer> {
  return DrachtioServer.start(options);
}
