/**
 * The console's browser tests (test/browser): the real service and Debian's Chromium, one
 * file at a time (each starts a service and a browser). Run by scripts/test.sh after the
 * other tests, with the same summary line.
 */
const base = require('./jest.config');

module.exports = {
  ...base,
  testPathIgnorePatterns: ['/node_modules/'],
  testRegex: '\\.browser-spec\\.ts$',
  testTimeout: 120000,
  maxWorkers: 1,
  globalSetup: '<rootDir>/test/browser/global-setup.js',
};
