import { connect, createServer, type Socket } from 'node:net';

// A TCP path to a server (Redis) whose replies the test can hold back and let go: a command has run,
// but the client has not heard yet (a slow network), to test what happens in between. Bounded: at most
// MAX_HELD_BYTES are held, the requests seen are kept up to MAX_SEEN_BYTES.

const MAX_HELD_BYTES = 1_000_000;
const MAX_SEEN_BYTES = 1_000_000;

export interface ReplyHoldProxy {
  readonly url: string;
  /** From now on, replies wait in the proxy. */
  hold(): void;
  /** Sends the held replies and lets the next ones through. */
  letGo(): void;
  /** Resolves once a request containing `text` went through (bounded). */
  waitForRequest(text: string, timeoutMs?: number): Promise<void>;
  close(): Promise<void>;
}

export async function startReplyHoldProxy(targetPort: number): Promise<ReplyHoldProxy> {
  const sockets = new Set<Socket>();
  const held: Array<{ to: Socket; chunk: Buffer }> = [];
  let heldBytes = 0;
  let holding = false;
  let seen = '';
  const server = createServer((client) => {
    const upstream = connect(targetPort, '127.0.0.1');
    for (const socket of [client, upstream]) {
      sockets.add(socket);
      socket.on('close', () => { sockets.delete(socket); (socket === client ? upstream : client).destroy(); });
      socket.on('error', () => undefined);
    }
    client.on('data', (chunk: Buffer) => {
      if (seen.length < MAX_SEEN_BYTES) seen += chunk.toString('latin1');
      upstream.write(chunk);
    });
    upstream.on('data', (chunk: Buffer) => {
      if (!holding) return void client.write(chunk);
      heldBytes += chunk.length;
      if (heldBytes > MAX_HELD_BYTES) throw new Error('reply-hold proxy: too many bytes held');
      held.push({ to: client, chunk });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as { port: number }).port;
  return {
    url: `redis://127.0.0.1:${port}/0`,
    hold() { holding = true; },
    letGo() {
      holding = false;
      for (const { to, chunk } of held.splice(0)) to.write(chunk);
      heldBytes = 0;
    },
    async waitForRequest(text, timeoutMs = 5_000) {
      for (let waitedMs = 0; !seen.includes(text); waitedMs += 10) {
        if (waitedMs >= timeoutMs) throw new Error(`reply-hold proxy: no request with ${JSON.stringify(text)} in ${timeoutMs} ms`);
        await new Promise((resolve) => setTimeout(resolve, 10));
      }
    },
    async close() {
      for (const socket of sockets) socket.destroy();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}
