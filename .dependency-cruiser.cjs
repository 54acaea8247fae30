/**
 * The import boundaries, checked in `npm test` (test/unit/shared/boundaries.test.ts).
 *
 * Contexts: shared, customers, social, commerce, consent, privacy, audit, knowledge, segments, loyalty,
 * service, campaigns, finance, as subfolders of each layer below. Everything may use `shared` (and the
 * adapters' `dynamo` and `messaging` plumbing) directly; any other context is reached through its index.ts.
 *
 * Violations that existed when the check was introduced are listed in
 * .dependency-cruiser-known-violations.json (regenerate with `npm run boundaries -- --baseline` only to REMOVE
 * entries as they are fixed); anything new fails the suite.
 */
const LAYERS = '(domain|functions|adapters|api|wiring|events|store/keys)';

/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    {
      name: 'context-through-index',
      severity: 'error',
      comment: 'A context imports another context only through that context\'s index.ts.',
      from: { path: `^${LAYERS}/([^/]+)/` },
      to: {
        path: `^${LAYERS}/([^/]+)/`,
        pathNot: [`^${LAYERS}/($2|shared|dynamo|messaging)/`, '/index\\.js$'],
      },
    },
    {
      name: 'no-aws-sdk-in-domain',
      severity: 'error',
      comment: 'Use cases take ports; the AWS SDK lives in adapters.',
      from: { path: '^domain/' },
      to: { path: '@aws-sdk/' },
    },
    {
      name: 'no-circular',
      severity: 'error',
      comment: 'No import cycles.',
      from: {},
      to: { circular: true },
    },
    {
      name: 'adapters-not-up',
      severity: 'error',
      comment: 'Adapters implement ports; they do not reach up into handlers or the wiring.',
      from: { path: '^adapters/' },
      to: { path: '^(functions|wiring)/' },
    },
    {
      name: 'bench-not-test',
      severity: 'error',
      comment: 'The benchmark does not depend on the test suite.',
      from: { path: '^bench/' },
      to: { path: '^test/' },
    },
    {
      name: 'events-not-wiring',
      severity: 'error',
      comment: 'Event definitions do not depend on how functions are wired.',
      from: { path: '^events/' },
      to: { path: '^wiring/' },
    },
    {
      name: 'not-to-unresolvable',
      severity: 'error',
      comment: 'Every import resolves (else the rules above could not see it).',
      from: {},
      to: { couldNotResolve: true },
    },
  ],
  options: {
    // run on the esbuild mirror of scripts/boundaries.ts (dependency-cruiser cannot read TypeScript 7), so paths end in .js
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '(^|/)(cdk\\.out|\\.local)/' },
    enhancedResolveOptions: {
      exportsFields: ['exports'],
      conditionNames: ['import', 'require', 'node', 'default', 'types'],
    },
  },
};
