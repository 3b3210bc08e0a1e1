/**
 * The module boundaries (ARCHITECTURE.md), checked by `npm run lint`.
 * Features import downwards only: eservices → registry → auth → queue; notifications → eservices;
 * common, config and i18n are the ground every feature stands on and import no feature.
 * A lower module reaches upward only through an interface or event it owns (JobHandlers,
 * FormNoticeBoard, RemovedUserIds), wired by the upper module when it starts.
 */
const FEATURES = ['auth', 'registry', 'eservices', 'notifications', 'queue', 'health', 'console'];
const MAY_IMPORT = {
  eservices: ['registry', 'auth', 'queue'],
  notifications: ['eservices', 'queue', 'auth'],
  registry: ['auth'],
  auth: ['queue'],
  queue: [],
  health: ['queue', 'auth'],
  console: [],
};
const GROUND = ['common', 'config', 'i18n'];

const direction = FEATURES.map((feature) => ({
  name: `${feature}-imports-downwards`,
  comment: `${feature} may import ${[...MAY_IMPORT[feature], ...GROUND].join(', ')}, nothing else of src`,
  severity: 'error',
  from: { path: `^src/${feature}/`, pathNot: '\\.cli\\.ts$' },
  to: {
    path: '^src/',
    pathNot: `^src/(${[feature, ...MAY_IMPORT[feature], ...GROUND].join('|')})/`,
  },
}));

module.exports = {
  forbidden: [
    {
      name: 'no-circular',
      comment: 'No cycle between files (the generated API client of the console excepted)',
      severity: 'error',
      from: { pathNot: '^web/src/api/' },
      to: { circular: true },
    },
    ...direction,
    {
      name: 'ground-imports-no-feature',
      comment: 'common and config import no feature; i18n only common',
      severity: 'error',
      from: { path: '^src/(common|config|i18n)/', pathNot: '\\.cli\\.ts$' },
      to: { path: '^src/', pathNot: '^src/(common|config|i18n)/' },
    },
    {
      name: 'config-imports-only-config',
      severity: 'error',
      from: { path: '^src/config/' },
      to: { path: '^src/', pathNot: '^src/config/' },
    },
    {
      name: 'migrations-are-loaded-by-name',
      comment: 'Only the data source finds migrations (by file name); they may read common and the search terms they back-fill',
      severity: 'error',
      from: { pathNot: '^src/migrations/' },
      to: { path: '^src/migrations/' },
    },
    {
      name: 'migrations-import-little',
      severity: 'error',
      from: { path: '^src/migrations/' },
      to: { path: '^src/', pathNot: '^src/(migrations|common)/|^src/eservices/(form-search|forms/form-content)\\.ts$' },
    },
    {
      name: 'entry-points-are-not-imported',
      comment: 'The files at the top of src start the service: only command-line entry points (*.cli.ts) import them',
      severity: 'error',
      from: { path: '^src/', pathNot: '(^src/[^/]+\\.ts$)|(\\.cli\\.ts$)' },
      to: { path: '^src/[^/]+\\.ts$' },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: 'node_modules' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    reporterOptions: { text: { highlightFocused: true } },
  },
};
