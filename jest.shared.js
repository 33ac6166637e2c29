// Shared by jest.config.js (unit tests) and jest.conformance.config.js (header conformance).
// @swc/jest compiles the TypeScript sources to CommonJS for jest; tsc type-checks separately.
export const shared = {
  testEnvironment: 'node',
  transform: {
    '^.+\\.ts$': ['@swc/jest', { jsc: { parser: { syntax: 'typescript' }, target: 'es2022' }, module: { type: 'commonjs' } }],
  },
  moduleNameMapper: { '^(\\.{1,2}/.*)\\.js$': '$1' },
  testMatch: ['**/*.test.ts'],
};
