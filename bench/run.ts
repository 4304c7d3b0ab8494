// npm run bench: every benchmark scenario, one after the other (one file each, each in its own process so
// one scenario's heap and sockets never disturb the next). Each file writes its own section of
// bench/README.md. Run it on a quiet machine: the figures are only comparable within one run.
// A subset: npm run bench -- classify tariff
import { spawnSync } from 'node:child_process';

const SCENARIOS = [
  'classify-mixed.ts', // also measures raw libphonenumber-js (raw-libphonenumber.ts) in the same run
  'tariff-lookup-cost.ts', 'tariff-import.ts',
  'announce-assemble.ts',
  'client-floor.ts', 'redis-floor.ts', 'funds-reserve.ts', 'funds-reserve-settle.ts', 'auth-paid-call.ts',
  'sip-included-latency.ts', 'sip-paid-latency.ts', 'sip-call-cpu.ts', 'sip-profile.ts', 'sip-scale-out.ts', 'sip-real-server.ts',
  'http-balance.ts', 'ledger-history.ts',
] as const;

const filters = process.argv.slice(2);
const chosen = SCENARIOS.filter((file) => filters.length === 0 || filters.some((f) => file.includes(f)));
if (chosen.length === 0) {
  console.error(`no scenario matches ${filters.join(' ')}; scenarios: ${SCENARIOS.join(', ')}`);
  process.exit(2);
}
let failed = 0;
for (const [i, file] of chosen.entries()) {
  console.log(`\n[${i + 1}/${chosen.length}] bench/${file}`);
  const started = Date.now();
  const result = spawnSync(process.execPath, ['--import', 'tsx', `bench/${file}`], { stdio: 'inherit' });
  const seconds = ((Date.now() - started) / 1000).toFixed(1);
  if (result.status !== 0) failed += 1;
  console.log(`[${i + 1}/${chosen.length}] ${file}: ${result.status === 0 ? 'done' : `FAILED (exit ${result.status})`} in ${seconds} s`);
}
console.log(failed ? `\n${failed} scenario(s) failed` : '\nall scenarios done; results are in bench/README.md');
process.exit(failed ? 1 : 0);
