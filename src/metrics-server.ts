// Prometheus metrics on a listener of their own (SOLDE_METRICS_HOST:SOLDE_METRICS_PORT, loopback by
// default), never on the public API port: they show traffic, tenants' activity by route and error rates.
// GET /metrics only; anything else is 404.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { registry } from '../core/metrics';
// Every layer declares its metrics in its own module: /metrics lists them all, also before first use.
import './metrics';
import '../sip/metrics';
import '../sip/announce/metrics';
import '../rating/funds/metrics';

export interface MetricsServer {
  /** e.g. http://127.0.0.1:9464 */
  readonly address: string;
  close(): Promise<void>;
}

export async function startMetricsServer(host: string, port: number, onError: (error: Error) => void): Promise<MetricsServer> {
  const server: Server = createServer((request, response) => {
    if (request.method !== 'GET' || request.url?.split('?')[0] !== '/metrics') {
      response.writeHead(404, { 'content-type': 'text/plain' }).end('only GET /metrics is served here\n');
      return;
    }
    registry.metrics().then(
      (text) => response.writeHead(200, { 'content-type': registry.contentType }).end(text),
      (error: Error) => {
        onError(error);
        response.writeHead(500, { 'content-type': 'text/plain' }).end('metrics could not be collected\n');
      },
    );
  });
  await new Promise<void>((resolve, reject) => {
    const fail = (error: Error) => reject(new Error(`metrics listener ${host}:${port}: ${error.message}; set SOLDE_METRICS_HOST/SOLDE_METRICS_PORT to a free address`));
    server.once('error', fail);
    server.listen(port, host, () => {
      server.off('error', fail);
      resolve();
    });
  });
  const bound = server.address() as AddressInfo;
  const shownHost = bound.family === 'IPv6' ? `[${bound.address}]` : bound.address;
  return {
    address: `http://${shownHost}:${bound.port}`,
    close: () => new Promise<void>((resolve) => {
      server.close(() => resolve());
      server.closeAllConnections();
    }),
  };
}
