import { createConnection, createServer, type Server, type Socket } from 'node:net';
import { FrameDecoder } from '../../support/drachtio/framing';
import type { WireRecord } from '../../support/drachtio/server';
import { freeTcpPort } from './ports';

// A TCP pipe between Solde and the real drachtio-server's admin port that keeps every frame both ways:
// the real server's transcript, the emulator's fixture (test/support/drachtio/recordings/).

const MAX_FRAMES = 20_000;

export interface WireProxy {
  readonly port: number;
  readonly frames: readonly WireRecord[];
  close(): Promise<void>;
}

export async function startWireProxy(targetPort: number): Promise<WireProxy> {
  const port = await freeTcpPort();
  const frames: WireRecord[] = [];
  const sockets = new Set<Socket>();
  const keep = (direction: WireRecord['direction'], decoder: FrameDecoder) => (chunk: Buffer) => {
    for (const payload of decoder.push(chunk)) if (frames.length < MAX_FRAMES) frames.push({ direction, payload });
  };
  const server: Server = createServer((app) => {
    const drachtio = createConnection({ host: '127.0.0.1', port: targetPort });
    for (const socket of [app, drachtio]) { sockets.add(socket); socket.on('close', () => sockets.delete(socket)); socket.on('error', () => undefined); }
    app.on('data', keep('app->server', new FrameDecoder()));
    drachtio.on('data', keep('server->app', new FrameDecoder()));
    app.pipe(drachtio);
    drachtio.pipe(app);
    app.on('close', () => drachtio.destroy());
    drachtio.on('close', () => app.destroy());
  });
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', () => resolve()));
  return {
    port, frames,
    async close() {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
