// A typed wrapper around rtpengine-client (plain JavaScript, no types) for the few NG commands that
// playing an announcement involves. Loaded with createRequire so that no ambient module declaration
// is needed, which could clash with another part's. Session control may use its own client; this one
// is what the announcement tests and tools use.
import { createRequire } from 'node:module';

export type NgCommand = 'offer' | 'answer' | 'playMedia' | 'stopMedia' | 'delete' | 'ping' | 'query';
export type NgReply = Readonly<Record<string, unknown>> & { result: string; 'error-reason'?: string };

interface RawClient {
  close(): void;
  [command: string]: unknown;
}
type RawCall = (port: number, host: string, args: Record<string, unknown>) => Promise<NgReply>;

export interface NgClient {
  /** Sends a command; a reply other than "ok" (or "pong") rejects with rtpengine's reason. */
  send(command: NgCommand, args: Record<string, unknown>): Promise<NgReply>;
  close(): void;
}

export function createNgClient(target: { host: string; port: number }, timeoutMs = 2000): NgClient {
  const require = createRequire(import.meta.url);
  const { Client } = require('rtpengine-client') as { Client: new (opts: { timeout: number }) => RawClient };
  const client = new Client({ timeout: timeoutMs });
  return {
    async send(command, args) {
      const call = client[command] as RawCall;
      const reply = await call.call(client, target.port, target.host, args);
      if (reply.result !== 'ok' && reply.result !== 'pong') {
        throw new Error(`rtpengine ${command} failed: ${reply['error-reason'] ?? reply.result}`);
      }
      return reply;
    },
    close: () => client.close(),
  };
}
