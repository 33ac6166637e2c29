import { m, s, structs } from './members.js';

/*
 * The CoNDIS TAPI structures at the end of ddk/ndistapi.h (NDPROXY's call manager path).
 * wanemu's WAN path does not use them; they are here so every structure of the header has
 * a checked layout. Note the header's own oddity: `struct _CO_TAPI_TRANSLATE_SAP` is
 * typedef'd as CO_AF_TAPI_SAP.
 */
const H = 'ddk/ndistapi.h';

export const CO_TAPI_STRUCTURES = {
  CO_TAPI_ADDRESS_CAPS: {
    header: H,
    fields: [m('ULONG', 'ulLineID'), m('ULONG', 'ulAddressID'), m('ULONG', 'ulFlags'), s('LINE_ADDRESS_CAPS', 'LineAddressCaps')],
  },
  CO_TAPI_CM_CAPS: {
    header: H,
    fields: [m('ULONG', 'ulCoTapiVersion'), m('ULONG', 'ulNumLines'), m('ULONG', 'ulFlags')],
  },
  CO_TAPI_CALL_DIAGNOSTICS: {
    header: H,
    fields: [m('ULONG', 'ulOrigin'), m('ULONG', 'ulReason'), s('NDIS_VAR_DATA_DESC', 'DiagInfo')],
  },
  CO_TAPI_LINE_CAPS: {
    header: H,
    fields: [m('ULONG', 'ulLineID'), m('ULONG', 'ulFlags'), s('LINE_DEV_CAPS', 'LineDevCaps')],
  },
  CO_TAPI_TRANSLATE_NDIS_CALLPARAMS: {
    header: H,
    fields: [m('ULONG', 'ulFlags'), s('NDIS_VAR_DATA_DESC', 'NdisCallParams'), s('NDIS_VAR_DATA_DESC', 'LineCallInfo')],
  },
  CO_TAPI_TRANSLATE_TAPI_CALLPARAMS: {
    header: H,
    fields: [
      m('ULONG', 'ulLineID'),
      m('ULONG', 'ulAddressID'),
      m('ULONG', 'ulFlags'),
      s('NDIS_VAR_DATA_DESC', 'DestAddress'),
      s('NDIS_VAR_DATA_DESC', 'LineCallParams'),
      s('NDIS_VAR_DATA_DESC', 'NdisCallParams'),
    ],
  },
  CO_AF_TAPI_SAP: {
    header: H,
    fields: [
      m('ULONG', 'ulLineID'),
      m('ULONG', 'ulAddressID'),
      m('ULONG', 'ulMediaModes'),
      m('ULONG', 'Reserved'),
      m('ULONG', 'NumberOfSaps'),
      structs('NDIS_VAR_DATA_DESC', 'NdisSapParams', 'NumberOfSaps'),
    ],
  },
  CO_AF_TAPI_INCOMING_CALL_PARAMETERS: {
    header: H,
    fields: [m('ULONG', 'ulLineID'), m('ULONG', 'ulAddressID'), m('ULONG', 'ulFlags'), s('NDIS_VAR_DATA_DESC', 'LineCallInfo')],
  },
  CO_AF_TAPI_MAKE_CALL_PARAMETERS: {
    header: H,
    fields: [
      m('ULONG', 'ulLineID'),
      m('ULONG', 'ulAddressID'),
      m('ULONG', 'ulFlags'),
      s('NDIS_VAR_DATA_DESC', 'DestAddress'),
      s('NDIS_VAR_DATA_DESC', 'LineCallParams'),
    ],
  },
} as const;
