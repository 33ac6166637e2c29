import { bytes, m, s, widened } from './members.js';

/*
 * The NDIS_TAPI_* request structures of ddk/ndistapi.h, one per OID_TAPI_* request, member
 * order and names as in the header. Every request starts with `ULONG ulRequestID`, reserved
 * for NDISTAPI. Handles are ULONG_PTR (8 bytes on x64, 4 on x86).
 */
const H = 'ddk/ndistapi.h';

/** ACCEPT, ANSWER, DROP and SEND_USER_USER_INFO share these four members. */
const WITH_USER_USER_INFO = [
  m('ULONG', 'ulRequestID'),
  m('HDRV_CALL', 'hdCall'),
  m('ULONG', 'ulUserUserInfoSize'),
  bytes('UCHAR', 'UserUserInfo', 'ulUserUserInfoSize'),
] as const;

/** CLOSE_CALL and SECURE_CALL carry only the call handle. */
const CALL_ONLY = [m('ULONG', 'ulRequestID'), m('HDRV_CALL', 'hdCall')] as const;

export const REQUEST_STRUCTURES = {
  NDIS_TAPI_ACCEPT: { header: H, fields: WITH_USER_USER_INFO },
  NDIS_TAPI_ANSWER: { header: H, fields: WITH_USER_USER_INFO },
  NDIS_TAPI_CLOSE: { header: H, fields: [m('ULONG', 'ulRequestID'), m('HDRV_LINE', 'hdLine')] },
  NDIS_TAPI_CLOSE_CALL: { header: H, fields: CALL_ONLY },
  NDIS_TAPI_CONDITIONAL_MEDIA_DETECTION: {
    header: H,
    fields: [
      m('ULONG', 'ulRequestID'),
      m('HDRV_LINE', 'hdLine'),
      m('ULONG', 'ulMediaModes'),
      s('LINE_CALL_PARAMS', 'LineCallParams'),
    ],
  },
  NDIS_TAPI_CONFIG_DIALOG: {
    header: H,
    fields: [
      m('ULONG', 'ulRequestID'),
      m('ULONG', 'ulDeviceID'),
      m('ULONG', 'ulDeviceClassSize'),
      m('ULONG', 'ulDeviceClassOffset'),
      m('ULONG', 'ulLibraryNameTotalSize'),
      m('ULONG', 'ulLibraryNameNeededSize'),
      bytes('CHAR', 'szLibraryName', 'ulLibraryNameTotalSize'),
    ],
  },
  NDIS_TAPI_DEV_SPECIFIC: {
    header: H,
    fields: [
      m('ULONG', 'ulRequestID'),
      m('HDRV_LINE', 'hdLine'),
      m('ULONG', 'ulAddressID'),
      m('HDRV_CALL', 'hdCall'),
      m('ULONG', 'ulParamsSize'),
      bytes('UCHAR', 'Params', 'ulParamsSize'),
    ],
  },
  NDIS_TAPI_DIAL: {
    header: H,
    fields: [
      m('ULONG', 'ulRequestID'),
      m('HDRV_CALL', 'hdCall'),
      m('ULONG', 'ulDestAddressSize'),
      bytes('CHAR', 'szDestAddress', 'ulDestAddressSize'),
    ],
  },
  NDIS_TAPI_DROP: { header: H, fields: WITH_USER_USER_INFO },
  NDIS_TAPI_GET_ADDRESS_CAPS: {
    header: H,
    fields: [
      m('ULONG', 'ulRequestID'),
      m('ULONG', 'ulDeviceID'),
      m('ULONG', 'ulAddressID'),
      m('ULONG', 'ulExtVersion'),
      s('LINE_ADDRESS_CAPS', 'LineAddressCaps'),
    ],
  },
  NDIS_TAPI_GET_ADDRESS_ID: {
    header: H,
    fields: [
      m('ULONG', 'ulRequestID'),
      m('HDRV_LINE', 'hdLine'),
      m('ULONG', 'ulAddressID'),
      m('ULONG', 'ulAddressMode'),
      m('ULONG', 'ulAddressSize'),
      bytes('CHAR', 'szAddress', 'ulAddressSize'),
    ],
  },
  NDIS_TAPI_GET_ADDRESS_STATUS: {
    header: H,
    fields: [
      m('ULONG', 'ulRequestID'),
      m('HDRV_LINE', 'hdLine'),
      m('ULONG', 'ulAddressID'),
      s('LINE_ADDRESS_STATUS', 'LineAddressStatus'),
    ],
  },
  NDIS_TAPI_GET_CALL_ADDRESS_ID: {
    header: H,
    fields: [m('ULONG', 'ulRequestID'), m('HDRV_CALL', 'hdCall'), m('ULONG', 'ulAddressID')],
  },
  NDIS_TAPI_GET_CALL_INFO: {
    header: H,
    fields: [m('ULONG', 'ulRequestID'), m('HDRV_CALL', 'hdCall'), s('LINE_CALL_INFO', 'LineCallInfo')],
  },
  NDIS_TAPI_GET_CALL_STATUS: {
    header: H,
    fields: [m('ULONG', 'ulRequestID'), m('HDRV_CALL', 'hdCall'), s('LINE_CALL_STATUS', 'LineCallStatus')],
  },
  NDIS_TAPI_GET_DEV_CAPS: {
    header: H,
    fields: [
      m('ULONG', 'ulRequestID'),
      m('ULONG', 'ulDeviceID'),
      m('ULONG', 'ulExtVersion'),
      s('LINE_DEV_CAPS', 'LineDevCaps'),
    ],
  },
  NDIS_TAPI_GET_DEV_CONFIG: {
    header: H,
    fields: [
      m('ULONG', 'ulRequestID'),
      m('ULONG', 'ulDeviceID'),
      m('ULONG', 'ulDeviceClassSize'),
      m('ULONG', 'ulDeviceClassOffset'),
      s('VAR_STRING', 'DeviceConfig'),
    ],
  },
  NDIS_TAPI_GET_EXTENSION_ID: {
    header: H,
    fields: [m('ULONG', 'ulRequestID'), m('ULONG', 'ulDeviceID'), s('LINE_EXTENSION_ID', 'LineExtensionID')],
  },
  NDIS_TAPI_GET_ID: {
    header: H,
    fields: [
      m('ULONG', 'ulRequestID'),
      m('HDRV_LINE', 'hdLine'),
      m('ULONG', 'ulAddressID'),
      m('HDRV_CALL', 'hdCall'),
      m('ULONG', 'ulSelect'),
      m('ULONG', 'ulDeviceClassSize'),
      m('ULONG', 'ulDeviceClassOffset'),
      s('VAR_STRING', 'DeviceID'),
    ],
  },
  NDIS_TAPI_GET_LINE_DEV_STATUS: {
    header: H,
    fields: [m('ULONG', 'ulRequestID'), m('HDRV_LINE', 'hdLine'), s('LINE_DEV_STATUS', 'LineDevStatus')],
  },
  NDIS_TAPI_MAKE_CALL: {
    header: H,
    fields: [
      m('ULONG', 'ulRequestID'),
      m('HDRV_LINE', 'hdLine'),
      m('HTAPI_CALL', 'htCall'),
      m('HDRV_CALL', 'hdCall'),
      m('ULONG', 'ulDestAddressSize'),
      m('ULONG', 'ulDestAddressOffset'),
      m('BOOLEAN', 'bUseDefaultLineCallParams'),
      s('LINE_CALL_PARAMS', 'LineCallParams'),
    ],
  },
  NDIS_TAPI_NEGOTIATE_EXT_VERSION: {
    header: H,
    fields: [
      m('ULONG', 'ulRequestID'),
      m('ULONG', 'ulDeviceID'),
      m('ULONG', 'ulLowVersion'),
      m('ULONG', 'ulHighVersion'),
      m('ULONG', 'ulExtVersion'),
    ],
  },
  NDIS_TAPI_OPEN: {
    header: H,
    fields: [m('ULONG', 'ulRequestID'), m('ULONG', 'ulDeviceID'), m('HTAPI_LINE', 'htLine'), m('HDRV_LINE', 'hdLine')],
  },
  NDIS_TAPI_PROVIDER_INITIALIZE: {
    header: H,
    fields: [
      m('ULONG', 'ulRequestID'),
      m('ULONG', 'ulDeviceIDBase'),
      m('ULONG', 'ulNumLineDevs'),
      widened('ulProviderID'),
    ],
  },
  NDIS_TAPI_PROVIDER_SHUTDOWN: { header: H, fields: [m('ULONG', 'ulRequestID')] },
  NDIS_TAPI_SECURE_CALL: { header: H, fields: CALL_ONLY },
  NDIS_TAPI_SELECT_EXT_VERSION: {
    header: H,
    fields: [m('ULONG', 'ulRequestID'), m('HDRV_LINE', 'hdLine'), m('ULONG', 'ulExtVersion')],
  },
  NDIS_TAPI_SEND_USER_USER_INFO: { header: H, fields: WITH_USER_USER_INFO },
  NDIS_TAPI_SET_APP_SPECIFIC: {
    header: H,
    fields: [m('ULONG', 'ulRequestID'), m('HDRV_CALL', 'hdCall'), m('ULONG', 'ulAppSpecific')],
  },
  NDIS_TAPI_SET_CALL_PARAMS: {
    header: H,
    fields: [
      m('ULONG', 'ulRequestID'),
      m('HDRV_CALL', 'hdCall'),
      m('ULONG', 'ulBearerMode'),
      m('ULONG', 'ulMinRate'),
      m('ULONG', 'ulMaxRate'),
      m('BOOLEAN', 'bSetLineDialParams'),
      s('LINE_DIAL_PARAMS', 'LineDialParams'),
    ],
  },
  NDIS_TAPI_SET_DEFAULT_MEDIA_DETECTION: {
    header: H,
    fields: [m('ULONG', 'ulRequestID'), m('HDRV_LINE', 'hdLine'), m('ULONG', 'ulMediaModes')],
  },
  NDIS_TAPI_SET_DEV_CONFIG: {
    header: H,
    fields: [
      m('ULONG', 'ulRequestID'),
      m('ULONG', 'ulDeviceID'),
      m('ULONG', 'ulDeviceClassSize'),
      m('ULONG', 'ulDeviceClassOffset'),
      m('ULONG', 'ulDeviceConfigSize'),
      bytes('UCHAR', 'DeviceConfig', 'ulDeviceConfigSize'),
    ],
  },
  NDIS_TAPI_SET_MEDIA_MODE: {
    header: H,
    fields: [m('ULONG', 'ulRequestID'), m('HDRV_CALL', 'hdCall'), m('ULONG', 'ulMediaMode')],
  },
  NDIS_TAPI_SET_STATUS_MESSAGES: {
    header: H,
    fields: [
      m('ULONG', 'ulRequestID'),
      m('HDRV_LINE', 'hdLine'),
      m('ULONG', 'ulLineStates'),
      m('ULONG', 'ulAddressStates'),
    ],
  },
} as const;
