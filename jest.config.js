/** CommonJS app; Nest 12 ships ESM, so swc transforms those packages too (see README, "Stack notes"). */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/test'],
  testRegex: '\\.(spec|e2e-spec|cluster-spec)\\.ts$',
  // test/cluster starts API and worker processes on one PostgreSQL: only in the PostgreSQL pass.
  testPathIgnorePatterns: ['/node_modules/', ...(process.env.TEST_DATABASE_URL ? [] : ['<rootDir>/test/cluster/'])],
  moduleFileExtensions: ['ts', 'js', 'mjs', 'json'],
  transform: { '^.+\\.(t|j|mj)s$': ['@swc/jest'] },
  // @fastify/cookie loads the ESM-only cookie package with import(): transformed, jest's CommonJS runtime requires it.
  transformIgnorePatterns: [
    '/node_modules/(?!(@nestjs|file-type|load-esm|uid|token-types|strtok3|@tokenizer|content-disposition|@scure|@noble|@otplib|otplib|@fastify/cookie|cookie)/)',
  ],
  testTimeout: 30000,
  // The fault tests start worker processes from dist/: rebuilt here when src/ is newer.
  globalSetup: '<rootDir>/test/support/global-setup.js',
  reporters: ['default', '<rootDir>/test/support/summary-reporter.js'],
};
