import { connect, createServer, type Server, type Socket } from 'node:net';

// A TCP path from the application to a real server (Postgres, Redis) that a test cuts and restores: a real
// outage as the client sees it (connections reset, new ones refused), while the server itself keeps its data.

export class TcpCable {
  private server: Server | undefined;
  private readonly sockets = new Set<Socket>();
  /** The port the application connects to (kept across down/up). */
  port = 0;

  constructor(private readonly targetPort: number) {}

  async up(): Promise<void> {
    this.server = createServer((client) => {
      const upstream = connect(this.targetPort, '127.0.0.1');
      for (const s of [client, upstream]) {
        this.sockets.add(s);
        s.on('close', () => this.sockets.delete(s));
        s.on('error', () => undefined);
      }
      client.on('close', () => upstream.destroy());
      upstream.on('close', () => client.destroy());
      client.pipe(upstream).pipe(client);
    });
    await new Promise<void>((resolve) => this.server!.listen(this.port, '127.0.0.1', resolve));
    this.port = (this.server.address() as { port: number }).port;
  }

  async down(): Promise<void> {
    for (const s of this.sockets) s.destroy();
    const server = this.server;
    this.server = undefined;
    if (server) await new Promise((resolve) => server.close(resolve));
  }
}
