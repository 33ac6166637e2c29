/** wanemu: an emulator of an NDIS WAN miniport and of the Windows telephony stack above it. */
export * from './oid/index.js';
