/*
 * The packet layouts of shared/reference/ms-trp.md, transcribed by hand for the tests (NOT
 * derived from tapi/trp): section 3 (request fields, byte offsets), section 2.3 (Req_Func),
 * section 4.2 (Msg values) and section 4.3 (event fields, byte offsets).
 *
 * Field kinds, from the field text of sections 2.2 and 3:
 *   n    a DWORD value (handle, context, ID, mask, version)
 *   nd   a DWORD the client sends as TAPI_NO_DATA (hLine in Open, code pages, NegotiateAPIVersion outs)
 *   s    VarData offset of a required UTF-16 string
 *   s?   VarData offset of a string, TAPI_NO_DATA = none
 *   b    VarData offset of a blob (TAPI_NO_DATA = none); its size is the next field, kind z
 *   z    the size of the preceding blob
 *   cp   VarData offset of a LINECALLPARAMS (TAPI_NO_DATA = none)
 *   o    an output structure: request = bytes allocated, reply = VarData offset
 *   x    NegotiateAPIVersion's ExtensionID: request TAPI_NO_DATA, reply offset of 16 bytes
 *   cap  GetAsyncEvents' dwTotalBufferSize (VarData space allocated)
 */
export type RefKind = 'n' | 'nd' | 's' | 's?' | 'b' | 'z' | 'cp' | 'o' | 'x' | 'cap';

export interface RefRequest {
  readonly reqFunc: number;
  readonly fields: ReadonlyArray<readonly [name: string, offset: number, kind: RefKind]>;
}

export const REF_REQUESTS: Readonly<Record<string, RefRequest>> = {
  lInitialize: {
    reqFunc: 47,
    fields: [
      ['hLineApp', 8, 'n'],
      ['hInstance', 12, 'n'],
      ['InitContext', 16, 'n'],
      ['dwFriendlyNameOffset', 20, 's'],
      ['dwNumDevs', 24, 'n'],
      ['dwModuleNameOffset', 28, 's'],
      ['dwAPIVersion', 32, 'n'],
    ],
  },
  lShutdown: { reqFunc: 86, fields: [['hLineApp', 8, 'n']] },
  lOpen: {
    reqFunc: 54,
    fields: [
      ['hLineApp', 8, 'n'],
      ['dwDeviceID', 12, 'n'],
      ['hLine', 16, 'nd'],
      ['dwNegotiatedVersion', 20, 'n'],
      ['dwExtVersion', 24, 'n'],
      ['OpenContext', 28, 'n'],
      ['dwPrivileges', 32, 'n'],
      ['dwMediaModes', 36, 'n'],
      ['pCallParams', 40, 'cp'],
      ['dwAsciiCallParamsCodePage', 44, 'nd'],
      ['pGetCallParams', 48, 'n'],
      ['hRemoteLine', 52, 'n'],
    ],
  },
  lClose: { reqFunc: 9, fields: [['hLine', 8, 'n']] },
  lMakeCall: {
    reqFunc: 48,
    fields: [
      ['dwRequestID', 8, 'n'],
      ['lpContext', 12, 'n'],
      ['hLine', 16, 'n'],
      ['lphCallContext', 20, 'n'],
      ['lpszDestAddress', 24, 's?'],
      ['dwCountryCode', 28, 'n'],
      ['lpCallParams', 32, 'cp'],
      ['dwCallParamsCodePage', 36, 'nd'],
    ],
  },
  lAnswer: { reqFunc: 7, fields: [['dwRequestID', 8, 'n'], ['hCall', 12, 'n'], ['lpsUserUserInfo', 16, 'b'], ['dwSize', 20, 'z']] },
  lAccept: { reqFunc: 4, fields: [['dwRequestID', 8, 'n'], ['hCall', 12, 'n'], ['lpsUserUserInfo', 16, 'b'], ['dwSize', 20, 'z']] },
  lDrop: { reqFunc: 16, fields: [['dwRequestID', 8, 'n'], ['hCall', 12, 'n'], ['lpsUserUserInfo', 16, 'b'], ['dwSize', 20, 'z']] },
  lBlindTransfer: {
    reqFunc: 8,
    fields: [['dwRequestID', 8, 'n'], ['hCall', 12, 'n'], ['lpszDestAddress', 16, 's'], ['dwCountryCode', 20, 'n']],
  },
  lRedirect: {
    reqFunc: 60,
    fields: [['dwRequestID', 8, 'n'], ['hCall', 12, 'n'], ['lpszDestAddress', 16, 's'], ['dwCountryCode', 20, 'n']],
  },
  lSecureCall: { reqFunc: 64, fields: [['dwRequestID', 8, 'n'], ['hCall', 12, 'n']] },
  lDeallocateCall: { reqFunc: 12, fields: [['hCall', 8, 'n']] },
  lGetCallInfo: { reqFunc: 30, fields: [['hCall', 8, 'n'], ['lpCallInfo', 12, 'o']] },
  lGetCallStatus: { reqFunc: 31, fields: [['hCall', 8, 'n'], ['lpCallStatus', 12, 'o']] },
  lGetNewCalls: {
    reqFunc: 39,
    fields: [['hLine', 8, 'n'], ['dwAddressID', 12, 'n'], ['dwSelect', 16, 'n'], ['pCallList', 20, 'o']],
  },
  lGetDevCaps: {
    reqFunc: 34,
    fields: [
      ['hLineApp', 8, 'n'],
      ['dwDeviceID', 12, 'n'],
      ['dwTSPIVersion', 16, 'n'],
      ['dwExtVersion', 20, 'n'],
      ['lpLineDevCaps', 24, 'o'],
    ],
  },
  lGetAddressCaps: {
    reqFunc: 21,
    fields: [
      ['hLineApp', 8, 'n'],
      ['dwDeviceID', 12, 'n'],
      ['dwAddressID', 16, 'n'],
      ['dwTSPIVersion', 20, 'n'],
      ['dwExtVersion', 24, 'n'],
      ['lpAddressCaps', 28, 'o'],
    ],
  },
  lNegotiateAPIVersion: {
    reqFunc: 52,
    fields: [
      ['hLineApp', 8, 'n'],
      ['dwDeviceID', 12, 'n'],
      ['dwVersion', 16, 'n'],
      ['dwVersionCurrent', 20, 'n'],
      ['dwNegotiatedVersion', 24, 'nd'],
      ['ExtensionID', 28, 'x'],
      ['dwSize', 32, 'n'],
    ],
  },
  lNegotiateExtVersion: {
    reqFunc: 53,
    fields: [
      ['hLineApp', 8, 'n'],
      ['dwDeviceID', 12, 'n'],
      ['dwTSPIVersion', 16, 'n'],
      ['dwLowVersion', 20, 'n'],
      ['dwHighVersion', 24, 'n'],
      ['lpdwExtVersion', 28, 'n'],
    ],
  },
  lGetID: {
    reqFunc: 37,
    fields: [
      ['hLine', 8, 'n'],
      ['dwAddressID', 12, 'n'],
      ['hCall', 16, 'n'],
      ['dwSelect', 20, 'n'],
      ['lpDeviceID', 24, 'o'],
      ['lpszDeviceClass', 28, 's'],
    ],
  },
  lSetDefaultMediaDetection: { reqFunc: 76, fields: [['hLine', 8, 'n'], ['dwMediaModes', 12, 'n']] },
  lSetStatusMessages: { reqFunc: 82, fields: [['hLine', 8, 'n'], ['dwLineStates', 12, 'n'], ['dwAddressStates', 16, 'n']] },
  lSetMediaMode: { reqFunc: 80, fields: [['hCall', 8, 'n'], ['dwMediaMode', 12, 'n']] },
  lSetAppSpecific: { reqFunc: 70, fields: [['hCall', 8, 'n'], ['dwAppSpecific', 12, 'n']] },
  GetAsyncEvents: {
    reqFunc: 0,
    fields: [['dwTotalBufferSize', 8, 'cap'], ['dwNeededBufferSize', 12, 'n'], ['dwUsedBufferSize', 16, 'n']],
  },
  // No MS-TRP packet (section 2.3: numbers inferred, 45 and 73); wanemu's layout, after lineHandoff
  // (hCall, lpszFileName, dwMediaMode) and lineSetCallPrivilege (hCall, dwCallPrivilege).
  lHandoff: { reqFunc: 45, fields: [['hCall', 8, 'n'], ['lpszFileName', 12, 's?'], ['dwMediaMode', 16, 'n']] },
  lSetCallPrivilege: { reqFunc: 73, fields: [['hCall', 8, 'n'], ['dwCallPrivilege', 12, 'n']] },
};

/** Section 4.2 Msg values. */
export const REF_MSG = {
  LINE_ADDRESSSTATE: 0,
  LINE_CALLINFO: 1,
  LINE_CALLSTATE: 2,
  LINE_CLOSE: 3,
  LINE_LINEDEVSTATE: 8,
  LINE_REPLY: 0x0c,
  LINE_CREATE: 0x13,
  LINE_APPNEWCALL: 0x17,
  LINE_REMOVE: 0x19,
} as const;

export interface RefEvent {
  readonly msg: number;
  readonly totalSize: number;
  /** Named DWORDs besides TotalSize (0) and Msg (16). */
  readonly fields: ReadonlyArray<readonly [name: string, offset: number]>;
}

/** Section 4.1 / 4.3 event layouts. */
export const REF_EVENTS: Readonly<Record<string, RefEvent>> = {
  LINE_REPLY: {
    msg: REF_MSG.LINE_REPLY,
    totalSize: 40,
    fields: [['InitContext', 4], ['lpContext', 8], ['OpenContext', 20], ['dwRemoteRequestID', 24], ['dwResult', 28]],
  },
  MakeCallCompletion: {
    msg: REF_MSG.LINE_REPLY,
    totalSize: 52,
    fields: [
      ['InitContext', 4],
      ['lpContext', 8],
      ['OpenContext', 20],
      ['dwRemoteRequestID', 24],
      ['dwResult', 28],
      ['hCall', 32],
      ['lphCallContext', 36],
      ['dwAddressID', 40],
      ['dwCallID', 44],
      ['dwRelatedCallID', 48],
    ],
  },
  LINE_CALLSTATE: {
    msg: REF_MSG.LINE_CALLSTATE,
    totalSize: 40,
    fields: [
      ['InitContext', 4],
      ['dwCallStateMode', 8],
      ['hCall', 12],
      ['OpenContext', 20],
      ['dwCallState', 24],
      ['dwCallPrivilege', 28],
      ['dwMediaMode', 32],
      ['hRemoteLine', 36],
    ],
  },
  LINE_CALLINFO: {
    msg: REF_MSG.LINE_CALLINFO,
    totalSize: 40,
    fields: [['InitContext', 4], ['hCall', 12], ['OpenContext', 20], ['dwCallInfoStates', 24], ['hRemoteLine', 36]],
  },
  LINE_APPNEWCALL: {
    msg: REF_MSG.LINE_APPNEWCALL,
    totalSize: 40,
    fields: [
      ['InitContext', 4],
      ['hRemoteLine', 12],
      ['OpenContext', 20],
      ['dwAddressID', 24],
      ['hCall', 28],
      ['dwCallID', 32],
      ['dwRelatedCallID', 36],
    ],
  },
  LINE_CLOSE: { msg: REF_MSG.LINE_CLOSE, totalSize: 40, fields: [['InitContext', 4], ['hRemoteLine', 12], ['OpenContext', 20]] },
  LINE_LINEDEVSTATE: {
    msg: REF_MSG.LINE_LINEDEVSTATE,
    totalSize: 40,
    fields: [['InitContext', 4], ['hRemoteLine', 12], ['OpenContext', 20], ['dwDevStates', 24], ['dwParam2', 28], ['dwParam3', 32]],
  },
  LINE_CREATE: { msg: REF_MSG.LINE_CREATE, totalSize: 40, fields: [['InitContext', 4], ['dwDeviceID', 24]] },
  LINE_REMOVE: { msg: REF_MSG.LINE_REMOVE, totalSize: 40, fields: [['InitContext', 4], ['dwDeviceID', 24]] },
};

/** Little-endian DWORD at `at`. */
export function u32(bytes: Uint8Array, at: number): number {
  return new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength).getUint32(at, true);
}

/** Writes a little-endian DWORD at `at`. */
export function putU32(bytes: Uint8Array, at: number, value: number): void {
  new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength).setUint32(at, value >>> 0, true);
}

/** UTF-16LE with a NUL, for hand-built VarData. */
export function utf16z(text: string): Uint8Array {
  return new Uint8Array(Buffer.from(`${text}\0`, 'utf16le'));
}

/** Builds a 60-byte fixed part plus VarData by hand. */
export function handPacket(reqFunc: number, slots: ReadonlyArray<readonly [offset: number, value: number]>, varData: Uint8Array = new Uint8Array(0)): Uint8Array {
  const bytes = new Uint8Array(60 + varData.length);
  putU32(bytes, 0, reqFunc);
  for (const [offset, value] of slots) putU32(bytes, offset, value);
  bytes.set(varData, 60);
  return bytes;
}
