// The layer rule (docs/DECISIONS.md "Layers"): src/ → sip/ → rating/ → core/, never upwards, no cycles.
// `npm test` runs it (test/layers.test.ts); `npx depcruise core rating sip src scripts bench` shows it here.
/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    { name: 'no-circular', severity: 'error', comment: 'No import cycles anywhere, type-only imports included.',
      from: {}, to: { circular: true } },
    { name: 'core-is-the-bottom', severity: 'error', comment: 'core/ (errors, logger, metrics registry) imports no other layer.',
      from: { path: '^core/' }, to: { path: '^(rating|sip|src|scripts|bench|test)/' } },
    { name: 'rating-below-sip-and-src', severity: 'error', comment: 'rating/ is pure rating and accounting: it never imports sip/ or src/.',
      from: { path: '^rating/' }, to: { path: '^(sip|src|scripts|bench|test)/' } },
    { name: 'pure-rating-without-accounting', severity: 'error',
      comment: 'Rating (classification, tariffs, money) is price computation only: it never imports accounting (funds, db).',
      from: { path: '^rating/(classify|tariffs/(cost|tariff-index|deck-format|parse-deck|csv)|money|contracts)' },
      to: { path: '^rating/(funds|db)/' } },
    { name: 'sip-below-src', severity: 'error', comment: 'sip/ is call control: it never imports src/ (process wiring, HTTP, CLI).',
      from: { path: '^sip/' }, to: { path: '^(src|scripts|bench|test)/' } },
  ],
  options: {
    tsPreCompilationDeps: true,
    doNotFollow: { path: 'node_modules' },
    exclude: { path: 'node_modules' },
  },
};
