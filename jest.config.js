import { shared } from './jest.shared.js';

export default {
  ...shared,
  roots: ['<rootDir>/test'],
  testPathIgnorePatterns: ['/node_modules/', '<rootDir>/test/conformance/', '<rootDir>/test/wireshark/'],
};
