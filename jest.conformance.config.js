import { shared } from './jest.shared.js';

export default {
  ...shared,
  roots: ['<rootDir>/test/conformance'],
  // Compiling against two cross-compilers takes a few seconds per file.
  testTimeout: 120000,
};
