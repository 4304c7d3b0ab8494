import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startChild, type Child } from './child';
import { freeTcpPort, freeUdpPort } from './ports';

// The real drachtio-server v0.9.4 (built by scripts/install-drachtio.sh; `npm test` says how when it is
// missing) for one test file: loopback only, its own SIP port and admin port, started from the test's
// set-up and stopped afterwards. Inbound mode: Solde connects to the admin port. Outbound mode: the server
// connects to Solde for every new INVITE (`tcp://` request handler, no routing web service needed).

export interface RealDrachtioOptions {
  readonly secret: string;
  /** Outbound mode: the TCP port Solde listens on (DRACHTIO_LISTEN_PORT). */
  readonly outboundAppPort?: number;
}

export interface RealDrachtio {
  readonly host: '127.0.0.1';
  readonly sipPort: number;
  readonly adminPort: number;
  readonly process: Child;
  stop(): Promise<void>;
}

export async function startRealDrachtio(options: RealDrachtioOptions): Promise<RealDrachtio> {
  const sipPort = await freeUdpPort();
  const adminPort = await freeTcpPort();
  const dir = mkdtempSync(join(tmpdir(), 'solde-drachtio-'));
  const configPath = join(dir, 'drachtio.conf.xml');
  writeFileSync(configPath, drachtioConfig(adminPort, sipPort, options));
  const child = startChild('drachtio', 'drachtio', ['-f', configPath]);
  try {
    // Printed once the SIP transport is bound and the admin port listens.
    await child.waitForLine(/Starting sofia event loop/, 15_000, `start on SIP udp/127.0.0.1:${sipPort}, admin ${adminPort}`);
  } catch (error) {
    await child.stop();
    rmSync(dir, { recursive: true, force: true });
    const hint = /ENOENT/.test(child.output())
      ? '\ndrachtio-server is not installed: npm run install-drachtio -- <folder with build.sh and the source archive>' : '';
    throw new Error(`${(error as Error).message}${hint}`);
  }
  return {
    host: '127.0.0.1', sipPort, adminPort, process: child,
    async stop() {
      await child.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

function drachtioConfig(adminPort: number, sipPort: number, options: RealDrachtioOptions): string {
  const outbound = options.outboundAppPort === undefined ? '' :
    `  <request-handlers><request-handler sip-method="INVITE">tcp://127.0.0.1:${options.outboundAppPort}</request-handler></request-handlers>\n`;
  return `<drachtio>
  <admin port="${adminPort}" secret="${options.secret}">127.0.0.1</admin>
${outbound}  <sip><contacts><contact>sip:127.0.0.1:${sipPort};transport=udp</contact></contacts></sip>
  <cdrs>false</cdrs>
  <logging><console/><sofia-loglevel>3</sofia-loglevel><loglevel>info</loglevel></logging>
</drachtio>
`;
}
