// Jest for test/unit only: pure rule tests, no database, Redis or dist/ (so no globalSetup). StrykerJS runs this
// config (stryker.config.json); `npm run test:unit` uses it too. Transform as in jest.config.js.
import base from './jest.config.js';

export default {
  testEnvironment: base.testEnvironment,
  roots: ['<rootDir>/test/unit'],
  testMatch: base.testMatch,
  extensionsToTreatAsEsm: base.extensionsToTreatAsEsm,
  moduleNameMapper: base.moduleNameMapper,
  transform: base.transform,
};
