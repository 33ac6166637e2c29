// MS-TRP values that are not in tapi.h. Source: the MS-TRP packet pages as summarised in
// shared/reference/ms-trp.md (sections 2.1, 4.1 and 5.2). tapi.h's own constants (LINE_*,
// LINEERR_*, LINECALLPRIVILEGE_*) come from `oid/`, extracted from the mingw-w64 headers.
// Values are unsigned 32-bit numbers, like the rest of wanemu's constants.

/** "Field not present": an optional VarData offset, an unset handle or code page (MS-TRP writes it as -1 too). */
export const TAPI_NO_DATA = 0xffffffff;

/** Ack_ReturnValue of a synchronous request that succeeded. */
export const TAPI_SUCCESS = 0x00000000;

/** Ack_ReturnValue when the RPC context handle (phContext) is not valid. */
export const TAPIERR_INVALRPCCONTEXT = 0x0000f101;

/** ClientAttach's return when a non-administrator asks for management (-3) access: -19 as unsigned. */
export const TAPIERR_NOTADMIN = 0xffffffed;

/** Parameter slots of a TAPI32_MSG (MAX_TAPI_FUNC_ARGS): 13 DWORDs from byte 8 to byte 59. */
export const MAX_TAPI_FUNC_ARGS = 13;

/** Byte offset of the first parameter slot in a TAPI32_MSG (after Req_Func and Reserved1). */
export const TAPI32_MSG_PARAMS_OFFSET = 8;

/** Size of the fixed part of a TAPI32_MSG; VarData starts here (0x3C). */
export const TAPI32_MSG_SIZE = 60;

/** Size of the fixed part of an ASYNCEVENTMSG; its VarData starts here. */
export const ASYNCEVENTMSG_SIZE = 40;

/** Fixed size of a LINEEXTENSIONID (four DWORDs), NegotiateAPIVersion's output. */
export const LINEEXTENSIONID_SIZE = 16;
