import { m, widened } from './members.js';

/*
 * What a WAN miniport passes up with NdisMIndicateStatus: NDIS_TAPI_EVENT (ddk/ndistapi.h)
 * for NDIS_STATUS_TAPI_INDICATION, and the NDISWAN line-up / line-down buffers (ddk/ndiswan.h).
 */
export const INDICATION_STRUCTURES = {
  NDIS_TAPI_EVENT: {
    header: 'ddk/ndistapi.h',
    fields: [
      m('HTAPI_LINE', 'htLine'),
      m('HTAPI_CALL', 'htCall'),
      m('ULONG', 'ulMsg'),
      widened('ulParam1'),
      widened('ulParam2'),
      widened('ulParam3'),
    ],
  },
  NDIS_MAC_LINE_UP: {
    header: 'ddk/ndiswan.h',
    fields: [
      m('ULONG', 'LinkSpeed'),
      m('NDIS_WAN_QUALITY', 'Quality'),
      m('USHORT', 'SendWindow'),
      m('NDIS_HANDLE', 'ConnectionWrapperID'),
      m('NDIS_HANDLE', 'NdisLinkHandle'),
      m('NDIS_HANDLE', 'NdisLinkContext'),
    ],
  },
  NDIS_MAC_LINE_DOWN: {
    header: 'ddk/ndiswan.h',
    fields: [m('NDIS_HANDLE', 'NdisLinkContext')],
  },
} as const;
