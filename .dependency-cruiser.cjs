/**
 * The layers of docs/architecture.md, checked in CI (`npm run lint:boundaries`). Imports only run
 * down: composition root → API surfaces → contexts → shared / ports & adapters. No cycles.
 */
const ROOT = '^src/(main|server|cli|app\\.module)\\.ts$|^src/platform/|^projections/main\\.ts$';
const SURFACES = '^src/api/|^src/oauth/';
const CONTEXTS = '^src/(user-pools|auth|tokens|admin|triggers|identity-pools|history)/';
// src/events/catalogue.ts gathers every context's events (docs, redaction tests), and
// src/events/asyncapi.ts documents them from it: both sit above the contexts.
const LOWER = '^src/(shared|events/(?!catalogue\\.ts|asyncapi\\.ts)|event-store|db|crypto|messaging|config)/';

module.exports = {
  forbidden: [
    { name: 'no-circular', severity: 'error', comment: 'No import cycles, anywhere.', from: {}, to: { circular: true } },
    {
      name: 'composition-root-on-top',
      severity: 'error',
      comment: 'Only the composition root knows the Platform; everything else receives narrow ports.',
      from: { pathNot: `${ROOT}|^test/|^bench/|^scripts/` },
      to: { path: ROOT },
    },
    {
      name: 'contexts-below-surfaces',
      severity: 'error',
      comment: 'A bounded context never imports an API surface or the projections.',
      from: { path: CONTEXTS },
      to: { path: `${SURFACES}|^projections/` },
    },
    {
      name: 'lower-layers-know-no-context',
      severity: 'error',
      comment: 'Shared code, the event store, db, crypto, messaging and config import no context, surface or projection.',
      from: { path: LOWER },
      to: { path: `${CONTEXTS}|${SURFACES}|^projections/|${ROOT}` },
    },
    { name: 'db-below-event-store', severity: 'error', from: { path: '^src/db/' }, to: { path: '^src/event-store/' } },
    {
      name: 'projections-below-surfaces',
      severity: 'error',
      comment: 'Read-model builders read events and write tables; they serve no API.',
      from: { path: '^projections/', pathNot: '^projections/main\\.ts$' },
      to: { path: `${SURFACES}|${ROOT}` },
    },
    {
      name: 'context-order',
      severity: 'error',
      comment: 'tokens and triggers are the lowest contexts; user-pools sits on them; auth and admin on user-pools.',
      from: { path: '^src/(tokens|triggers)/' },
      to: { path: '^src/(user-pools|auth|admin|identity-pools|history)/' },
    },
    { name: 'user-pools-below-auth', severity: 'error', from: { path: '^src/user-pools/' }, to: { path: '^src/(auth|admin|identity-pools|history)/' } },
    {
      name: 'pure-domain',
      severity: 'error',
      comment: 'Deciders, events and state import no framework, driver or crypto library (STYLE.md habit 7).',
      from: { path: '\\.(decider|events|state)\\.ts$' },
      to: { path: '^(@nestjs|pg|kafkajs|jose|@node-rs|@electric-sql|@kurrent)|^node:crypto$|^crypto$', dependencyTypes: ['npm', 'core'] },
    },
    { name: 'no-unresolvable', severity: 'error', from: {}, to: { couldNotResolve: true } },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '\\.spec\\.ts$' },
    tsConfig: { fileName: 'tsconfig.json' },
    tsPreCompilationDeps: true,
    enhancedResolveOptions: { exportsFields: ['exports'], conditionNames: ['import', 'require', 'node', 'default'] },
  },
};
