// Values extracted from the mingw-w64 headers (ddk/ndis.h, ddk/ndiswan.h) with the
// cross-compiler's preprocessor; `npm run test:conformance` re-checks every one of them.
// Values are unsigned 32-bit numbers, written as in the headers.

// General NDIS_STATUS values used on the TAPI OID interface.
export const NDIS_STATUS_SUCCESS = 0x00000000;
export const NDIS_STATUS_PENDING = 0x00000103;
export const NDIS_STATUS_NOT_RECOGNIZED = 0x00010001;
export const NDIS_STATUS_NOT_COPIED = 0x00010002;
export const NDIS_STATUS_NOT_ACCEPTED = 0x00010003;
export const NDIS_STATUS_FAILURE = 0xc0000001;
export const NDIS_STATUS_RESOURCES = 0xc000009a;
export const NDIS_STATUS_NOT_SUPPORTED = 0xc00000bb;
export const NDIS_STATUS_CLOSING = 0xc0010002;
export const NDIS_STATUS_REQUEST_ABORTED = 0xc001000c;
export const NDIS_STATUS_CLOSING_INDICATING = 0xc001000e;
export const NDIS_STATUS_ADAPTER_NOT_READY = 0xc0010011;
export const NDIS_STATUS_INVALID_LENGTH = 0xc0010014;
export const NDIS_STATUS_INVALID_DATA = 0xc0010015;
export const NDIS_STATUS_BUFFER_TOO_SHORT = 0xc0010016;
export const NDIS_STATUS_INVALID_OID = 0xc0010017;

// Status indications (GeneralStatus of NdisMIndicateStatus).
export const NDIS_STATUS_WAN_LINE_UP = 0x40010008;
export const NDIS_STATUS_WAN_LINE_DOWN = 0x40010009;
export const NDIS_STATUS_WAN_FRAGMENT = 0x4001000a;
export const NDIS_STATUS_WAN_GET_STATS = 0x40010014;
export const NDIS_STATUS_WAN_CO_FRAGMENT = 0x40010015;
export const NDIS_STATUS_WAN_CO_LINKPARAMS = 0x40010016;
export const NDIS_STATUS_WAN_CO_MTULINKPARAMS = 0x40010025;
export const NDIS_STATUS_TAPI_INDICATION = 0x40010080;
