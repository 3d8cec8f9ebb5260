/*
 * The import direction between src/ folders (issue 18 item 7; docs/architecture.md draws it). `npm test` runs
 * it through `npm run lint:deps`: an import against these rules fails the build, naming the two files.
 * CommonJS because dependency-cruiser reads its configuration with require().
 */
const FOUNDATION = '^src/(domain|util|logging|limiter|config|db)/|^src/redis\\.ts$';
const ENTRIES = '^src/(main|cli|daemon|smartassessor-demo)\\.ts$|^src/(api|cli)/';

const only = (name, comment, from, allowed) => ({
  name, comment, severity: 'error',
  from: { path: from },
  to: { path: '^src/', pathNot: `${allowed}|${FOUNDATION}` },
});

module.exports = {
  forbidden: [
    { name: 'no-circular', comment: 'Files that import each other (type-only imports included) cannot be read one at a time.',
      severity: 'error', from: {}, to: { circular: true } },
    { name: 'foundation-imports-foundation', comment: 'domain, util, logging, limiter, config and db are the ground floor: they import nothing above them.',
      severity: 'error', from: { path: FOUNDATION }, to: { path: '^src/', pathNot: FOUNDATION } },
    only('adapters-stay-adapters', 'A client or an adapter (OneFile, Smart Assessor, PICS, queues, the HTTP server) knows no job, rule or store.',
      '^src/(onefile|smartassessor|pics|queues|http)/', '^src/(onefile|smartassessor|pics|queues|http)/'),
    only('rules-are-pure', "rules/ decide from types alone (the domain's records, OneFile's records and the shapes of OneFile's answers), never the code that fetches them.",
      '^src/rules/', '^src/rules/|^src/onefile/(types|wire-shapes)\\.ts$'),
    { name: 'pics-tables-stay-in-pics', comment: "PICS's tables are named and typed in pics/ alone, which maps their rows to the domain's records (domain/learner.ts): a site whose PICS differs changes pics/. Everyone else takes the database handle's type from db/handle.ts; store/ types the worker's own tables, demo/ seeds the development PICS.",
      severity: 'error', from: { path: '^src/', pathNot: '^src/(pics|db|store|demo)/' }, to: { path: '^src/db/types\\.ts$' } },
    only('store-is-our-schema', "store/ keeps the worker's own state: it may use the rules' and OneFile's types, nothing that works.",
      '^src/store/', '^src/store/|^src/rules/|^src/onefile/(types|wire-shapes)\\.ts$'),
    only('eportfolio-below-jobs', 'The ePortfolio boundary is used by jobs and the producer; it never calls back up into them.',
      '^src/eportfolio/', '^src/(eportfolio|onefile|smartassessor|pics|rules|store)/'),
    only('jobs-below-entries', 'Jobs run work; they do not know who enqueues it (producer, API, CLI) or how the worker is served.',
      '^src/jobs/', '^src/(jobs|eportfolio|onefile|smartassessor|pics|rules|store|queues|metrics)/|^src/deps\\.ts$'),
    only('producer-knows-no-job', 'The producer enqueues by name and payload (queues/): it never imports a job.',
      '^src/producer/', '^src/(producer|eportfolio|pics|rules|store|queues)/'),
    only('metrics-observe', 'Metrics read the budget, the clients and the queues; nothing that does work.',
      '^src/metrics/', '^src/(metrics|onefile|queues)/'),
    only('simulator-stands-apart', 'The simulator stands in for OneFile and Smart Assessor: it shares only the demo data and utilities with the worker.',
      '^src/simulator/', '^src/(simulator|demo)/'),
    only('demo-is-data', 'The demo data seeds PICS and the simulator: it runs nothing.', '^src/demo/', '^src/demo/'),
    { name: 'entries-are-not-imported', comment: 'The programs (main, cli, daemon …) and the API and CLI routes are the top floor: nothing below imports them.',
      severity: 'error', from: { path: '^src/', pathNot: ENTRIES }, to: { path: ENTRIES } },
    { name: 'src-never-imports-tests', severity: 'error', from: { path: '^src/' }, to: { path: '^(test|bench)/' } },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
  },
};
