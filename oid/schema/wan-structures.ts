import { m } from './members.js';

/**
 * What NDISWAN queries of a WAN miniport before TAPI starts (ddk/ndiswan.h): NDIS_WAN_INFO for
 * OID_WAN_GET_INFO, whose FramingBits carry TAPI_PROVIDER for a TAPI-capable adapter
 * (ndis-tapi.md §0, §7.1 step 1).
 */
export const WAN_STRUCTURES = {
  NDIS_WAN_INFO: {
    header: 'ddk/ndiswan.h',
    fields: [
      m('ULONG', 'MaxFrameSize'),
      m('ULONG', 'MaxTransmit'),
      m('ULONG', 'HeaderPadding'),
      m('ULONG', 'TailPadding'),
      m('ULONG', 'Endpoints'),
      m('UINT', 'MemoryFlags'),
      m('NDIS_PHYSICAL_ADDRESS', 'HighestAcceptableAddress'),
      m('ULONG', 'FramingBits'),
      m('ULONG', 'DesiredACCM'),
    ],
  },
} as const;
