import { createServer } from 'node:net';

// A free TCP port on loopback, chosen by the kernel, for the servers a test starts (its own Redis, the
// real-server suite's drachtio-server and proxies): parallel test files never collide.

/** A TCP port nobody on 127.0.0.1 listens on right now. */
export function freeTcpPort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      if (address === null || typeof address === 'string') throw new Error('no TCP address');
      server.close(() => resolve(address.port));
    });
  });
}
