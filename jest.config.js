import { shared } from './jest.shared.js';

export default {
  ...shared,
  roots: ['<rootDir>/test'],
  // The example scenarios include loads of 30,000 calls, run and replayed in full: seconds each
  // on a 2-core machine, more when it is busy. Jest's default of 5 s is too tight for them.
  testTimeout: 60000,
  testPathIgnorePatterns: ['/node_modules/', '<rootDir>/test/conformance/', '<rootDir>/test/wireshark/'],
};
