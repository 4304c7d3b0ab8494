// Runs before the test suite (npm test): makes sure what the tests need is on this machine, installing
// Debian packages that are missing (root only), and that Postgres and Redis answer. Prints what it does.
import { execFileSync, spawnSync } from 'node:child_process';
import { createConnection } from 'node:net';

/** Debian packages the tests use, by the command each provides. */
const PACKAGES: ReadonlyArray<{ command: string; pkg: string; why: string }> = [
  { command: 'rtpengine', pkg: 'rtpengine-daemon', why: 'media and announcements (SIP tests)' },
  { command: 'redis-server', pkg: 'redis-server', why: 'the Redis Cluster suite' },
  { command: 'redis-benchmark', pkg: 'redis-tools', why: 'benchmarks' },
  { command: 'sox', pkg: 'sox', why: 'audio checks' },
  { command: 'chromium', pkg: 'chromium', why: 'portal end-to-end test' },
  { command: 'sipp', pkg: 'sip-tester', why: 'PBX and carrier of the real-server suite (test/real/)' },
];

/** drachtio-server is no Debian package: it is built from its source bundle (scripts/install-drachtio.sh). */
function requireDrachtio(): void {
  if (spawnSync('drachtio', ['--version'], { stdio: 'ignore' }).status === 0) return;
  console.error([
    'test-prereqs: drachtio-server is missing: the real-server suite (test/real/) runs Solde against the real',
    '  drachtio-server v0.9.4. Build and install it (root, about 5-20 minutes) from its source bundle with:',
    '    npm run install-drachtio -- <folder holding build.sh and drachtio-server-0.9.4-src.tar.gz>',
    '  CI (.ci/run) builds it by itself.',
  ].join('\n'));
  process.exit(1);
}

function has(command: string): boolean {
  return spawnSync('sh', ['-c', `command -v ${command}`], { stdio: 'ignore' }).status === 0;
}

function installMissing(): void {
  const missing = PACKAGES.filter((p) => !has(p.command));
  if (missing.length === 0) return;
  const names = missing.map((p) => p.pkg);
  console.log(`test-prereqs: installing ${names.join(', ')} (${missing.map((p) => p.why).join('; ')})`);
  if (process.getuid?.() !== 0) {
    console.error(`test-prereqs: not root; run: sudo apt-get install -y ${names.join(' ')}`);
    process.exit(1);
  }
  execFileSync('apt-get', ['update', '-q'], { stdio: 'inherit' });
  execFileSync('apt-get', ['install', '-y', '-q', '--no-install-recommends', ...names], {
    stdio: 'inherit',
    env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' },
  });
}

function reachable(host: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = createConnection({ host, port, timeout: 2000 });
    socket.once('connect', () => { socket.destroy(); resolve(true); });
    socket.once('error', () => resolve(false));
    socket.once('timeout', () => { socket.destroy(); resolve(false); });
  });
}

installMissing();
requireDrachtio();
const services = [
  { name: 'PostgreSQL', port: 5432, start: "pg_ctlcluster --skip-systemctl-redirect $(ls /etc/postgresql) main start" },
  { name: 'Redis', port: 6379, start: 'redis-server --daemonize yes --bind 127.0.0.1 -::1 --port 6379 --save "" --appendonly no' },
];
for (const service of services) {
  if (await reachable('127.0.0.1', service.port)) continue;
  console.error(`test-prereqs: ${service.name} is not answering on 127.0.0.1:${service.port}. Start it with:\n  ${service.start}`);
  process.exit(1);
}
console.log('test-prereqs: tools installed (drachtio-server included), PostgreSQL and Redis answer');
