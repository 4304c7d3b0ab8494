import { fileURLToPath } from 'node:url';
import { startChild, type Child } from './child';

// Solde started the way production starts it: `node --import tsx src/main.ts` with its configuration in
// the environment (README "Configuration"), as a process of its own.

const ROOT = fileURLToPath(new URL('../../..', import.meta.url));

export interface SoldeProcess {
  /** Where the portal and API answer, e.g. http://127.0.0.1:41234 */
  readonly httpAddress: string;
  /** Where /metrics answers (its own listener, SOLDE_METRICS_PORT), e.g. http://127.0.0.1:41235 */
  readonly metricsAddress: string;
  readonly process: Child;
  /** SIGTERM (Solde drains, bounded by SOLDE_DRAIN_DEADLINE_SECONDS) and waits for the exit code. */
  stop(): Promise<number>;
}

export async function startSoldeProcess(env: Record<string, string>, ready: RegExp): Promise<SoldeProcess> {
  const child = startChild('solde', process.execPath, ['--import', 'tsx', 'src/main.ts'], {
    cwd: ROOT, env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '/tmp', SOLDE_LOG_LEVEL: 'info', ...env },
  });
  try {
    const portal = await child.waitForLine(/portal and API at/, 60_000, 'serve HTTP');
    const httpAddress = (JSON.parse(portal) as { address: string }).address;
    const metrics = await child.waitForLine(/metrics at/, 30_000, 'serve /metrics');
    const metricsAddress = (JSON.parse(metrics) as { address: string }).address;
    await child.waitForLine(ready, 30_000, `reach drachtio-server (${ready.source})`);
    return { httpAddress, metricsAddress, process: child, stop: () => child.stop(15_000) };
  } catch (error) {
    await child.stop();
    throw error;
  }
}
