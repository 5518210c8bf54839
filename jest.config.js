// Tests run as native ES modules (NestJS 12 ships ESM only), compiled by SWC without type
// checking; `npm test` type-checks the whole tree with tsc first.
const swc = [
  '@swc/jest',
  {
    jsc: {
      parser: { syntax: 'typescript', decorators: true },
      transform: { legacyDecorator: true, decoratorMetadata: true },
      target: 'es2022',
    },
    module: { type: 'es6' },
    sourceMaps: 'inline',
  },
];
const common = {
  testEnvironment: 'node',
  extensionsToTreatAsEsm: ['.ts'],
  moduleNameMapper: { '^(\\.{1,2}/.*)\\.js$': '$1' },
  transform: { '^.+\\.ts$': swc },
};
export default {
  // Integration and e2e tests start real services; the bound is generous, results come by polling.
  testTimeout: 120000,
  // One test file at a time (scripts/test.sh passes --maxWorkers=1), in a worker process that is
  // replaced once its heap passes 1 GB after a file: every file loads the app's module graph
  // afresh into jest's VM context, and one process for the whole suite ran out of heap (3.4 GB).
  workerIdleMemoryLimit: '1GB',
  projects: [
    { ...common, displayName: 'unit', testMatch: ['<rootDir>/{src,projections,test}/**/*.unit.spec.ts'] },
    { ...common, displayName: 'int', testMatch: ['<rootDir>/{src,projections,test}/**/*.int.spec.ts'] },
    { ...common, displayName: 'e2e', testMatch: ['<rootDir>/{src,projections,test}/**/*.e2e.spec.ts'] },
  ],
};
