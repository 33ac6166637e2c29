import { shared } from './jest.shared.js';

// The dissector against tshark (Debian's package, which .ci/run installs).
export default {
  ...shared,
  roots: ['<rootDir>/test/wireshark'],
  testTimeout: 120000,
};
