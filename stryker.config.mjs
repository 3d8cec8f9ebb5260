// Mutation testing of the pure rules (issue 23): `npm run test:mutation`, not part of `npm test`.
// Scores, the commands that measured them and the equivalent mutants left alive are in test/MUTATION.md.
/** @type {import('@stryker-mutator/api/core').PartialStrykerOptions} */
export default {
  packageManager: 'npm',
  testRunner: 'jest',
  jest: {
    projectType: 'custom',
    // test/unit only: pure tests, no database or Redis, so each mutant costs milliseconds.
    configFile: 'jest.unit.config.js',
  },
  // Jest runs in native ESM mode, as in `npm test`.
  testRunnerNodeArgs: ['--experimental-vm-modules', '--no-warnings=ExperimentalWarning'],
  coverageAnalysis: 'perTest',
  // The rules, and the pure pieces they stand on that moved out of rules/ (issue 18): UK dates, stored OneFile ids, record shapes.
  mutate: ['src/rules/**/*.ts', 'src/jobs/error-policy.ts', 'src/domain/dates.ts', 'src/domain/eportfolio-id.ts', 'src/onefile/wire-shapes.ts'],
  // Reuses the last run's results for unchanged code and tests. The file is a local cache under the gitignored
  // reports/ (it embeds source and test text, so committing it would churn on every rule change); `-- --force`
  // runs everything again.
  incremental: true,
  incrementalFile: 'reports/stryker-incremental.json',
  // The machine's two cores are shared.
  concurrency: 1,
  reporters: ['clear-text', 'json', 'progress'],
  jsonReporter: { fileName: 'reports/mutation/mutation.json' },
  clearTextReporter: { allowColor: false },
  tempDirName: '.stryker-tmp',
};
