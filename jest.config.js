/** Tiers are told apart by file suffix: *.test.ts (unit), *.integration.test.ts, *.e2e.test.ts. */
const base = {
  preset: 'ts-jest',
  testEnvironment: 'node',
  transform: { '^.+\\.ts$': ['ts-jest', { diagnostics: false }] },
};
module.exports = {
  globalSetup: '<rootDir>/jest.tmpdir-setup.js',
  globalTeardown: '<rootDir>/jest.tmpdir-teardown.js',
  projects: [
    {
      ...base,
      displayName: 'unit',
      testMatch: ['<rootDir>/tests/**/*.test.ts'],
      testPathIgnorePatterns: ['\\.integration\\.test\\.ts$', '\\.e2e\\.test\\.ts$'],
    },
    { ...base, displayName: 'integration', testMatch: ['<rootDir>/tests/**/*.integration.test.ts'] },
    { ...base, displayName: 'e2e', testMatch: ['<rootDir>/tests/**/*.e2e.test.ts'] },
  ],
};
