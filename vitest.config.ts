import { configDefaults, defineConfig } from 'vitest/config';

// Each test file gets its own Postgres database and Redis key prefix (test/support/), so files run in
// parallel without colliding with each other or with a running Solde.
// The real-server suite (test/real/: drachtio-server, rtpengine playing announcements, Solde and SIPp as
// processes of their own) runs after the others have finished: its load would otherwise disturb the tests
// that time RTP packets or race connections, and theirs would disturb its calls.
export default defineConfig({
  test: {
    testTimeout: 30_000,
    hookTimeout: 60_000,
    pool: 'forks',
    maxWorkers: 2,
    // The JSON report lets .ci/run print the plain 'N passed, N failed' line CI reads.
    reporters: ['default', 'json'],
    outputFile: { json: 'test-artifacts/vitest-report.json' },
    projects: [
      { extends: true, test: { name: 'unit', include: ['test/**/*.test.ts'], exclude: [...configDefaults.exclude, 'test/real/**'], sequence: { groupOrder: 0 } } },
      { extends: true, test: { name: 'real-server', include: ['test/real/**/*.test.ts'], sequence: { groupOrder: 1 } } },
    ],
  },
});
