import { REQ_FUNC, type ReqFuncName } from './req-func.js';
import {
  blob,
  callParams,
  capacity,
  context,
  dword,
  handle,
  output,
  outputBlob,
  requestId,
  string,
  usedBytes,
  type BlobSizeSlot,
  type OutputKind,
  type SlotSpec,
} from './request-slots.js';
import { LINEEXTENSIONID_SIZE, TAPI_NO_DATA } from './trp-constants.js';

/*
 * One row per function: the named parameter slots of its TAPI32_MSG, with their byte offsets,
 * exactly as shared/reference/ms-trp.md section 3 lists them. Slots not named here are padding
 * (Reserved2..ReservedN). Encoding, decoding, the reply codec and the packet types are all
 * derived from this table.
 */

/** How a function's reserved fields (Reserved1 and padding) are treated on receipt. */
export type ReservedPolicy =
  /** Reserved1 MUST be 0 when sent (a breach is reported); padding is ignored. The general MS-TRP rule. */
  | 'ignore'
  /** Every reserved field MUST be 0 and a nonzero one is rejected (GetAsyncEvents). */
  | 'zero';

/** Where a layout comes from: an MS-TRP packet page, or wanemu's own (no MS-TRP packet exists). */
export type LayoutSource = 'ms-trp' | 'wanemu';

/** The packet layout of one function. */
export interface RequestLayout<F extends ReqFuncName = ReqFuncName, S extends readonly SlotSpec[] = readonly SlotSpec[]> {
  readonly func: F;
  /** Req_Func. */
  readonly reqFunc: number;
  /** Named slots in offset order. */
  readonly slots: S;
  readonly reserved: ReservedPolicy;
  readonly source: LayoutSource;
  /** Whether the function answers with a request ID and a later LINE_REPLY (it has a dwRequestID slot). */
  readonly async: boolean;
}

function layout<F extends ReqFuncName, const S extends readonly SlotSpec[]>(
  func: F,
  slots: S,
  options: { readonly reserved?: ReservedPolicy; readonly source?: LayoutSource } = {},
): RequestLayout<F, S> {
  return {
    func,
    reqFunc: REQ_FUNC[func],
    slots,
    reserved: options.reserved ?? 'ignore',
    source: options.source ?? 'ms-trp',
    async: slots.some((s) => s.kind === 'requestId'),
  };
}

/** The request layouts wanemu speaks, by function name. */
export const REQUEST_LAYOUTS = {
  GetAsyncEvents: layout(
    'GetAsyncEvents',
    [capacity('dwTotalBufferSize', 8), dword('dwNeededBufferSize', 12, { dir: 'out' }), usedBytes('dwUsedBufferSize', 16)],
    { reserved: 'zero' },
  ),
  lAccept: layout('lAccept', [requestId('dwRequestID', 8), handle('hCall', 12), ...blob('lpsUserUserInfo', 16, 'dwSize', 20)]),
  lAnswer: layout('lAnswer', [requestId('dwRequestID', 8), handle('hCall', 12), ...blob('lpsUserUserInfo', 16, 'dwSize', 20)]),
  lBlindTransfer: layout('lBlindTransfer', [
    requestId('dwRequestID', 8),
    handle('hCall', 12),
    string('lpszDestAddress', 16, false),
    dword('dwCountryCode', 20),
  ]),
  lClose: layout('lClose', [handle('hLine', 8)]),
  lDeallocateCall: layout('lDeallocateCall', [handle('hCall', 8)]),
  lDrop: layout('lDrop', [requestId('dwRequestID', 8), handle('hCall', 12), ...blob('lpsUserUserInfo', 16, 'dwSize', 20)]),
  lGetAddressCaps: layout('lGetAddressCaps', [
    handle('hLineApp', 8),
    dword('dwDeviceID', 12),
    dword('dwAddressID', 16),
    dword('dwTSPIVersion', 20),
    dword('dwExtVersion', 24),
    output('lpAddressCaps', 28, 'LINEADDRESSCAPS'),
  ]),
  lGetCallInfo: layout('lGetCallInfo', [handle('hCall', 8), output('lpCallInfo', 12, 'LINECALLINFO')]),
  lGetCallStatus: layout('lGetCallStatus', [handle('hCall', 8), output('lpCallStatus', 12, 'LINECALLSTATUS')]),
  lGetDevCaps: layout('lGetDevCaps', [
    handle('hLineApp', 8),
    dword('dwDeviceID', 12),
    dword('dwTSPIVersion', 16),
    dword('dwExtVersion', 20),
    output('lpLineDevCaps', 24, 'LINEDEVCAPS'),
  ]),
  lGetID: layout('lGetID', [
    handle('hLine', 8),
    dword('dwAddressID', 12),
    handle('hCall', 16),
    dword('dwSelect', 20),
    output('lpDeviceID', 24, 'VARSTRING'),
    string('lpszDeviceClass', 28, false),
  ]),
  lGetNewCalls: layout('lGetNewCalls', [
    handle('hLine', 8),
    dword('dwAddressID', 12),
    dword('dwSelect', 16),
    output('pCallList', 20, 'LINECALLLIST'),
  ]),
  // No MS-TRP packet: wanemu's own, lineHandoff's parameters in the MS-TRP manner (see docs/trp-packets.md).
  lHandoff: layout('lHandoff', [handle('hCall', 8), string('lpszFileName', 12, true), dword('dwMediaMode', 16)], { source: 'wanemu' }),
  lInitialize: layout('lInitialize', [
    handle('hLineApp', 8, { dir: 'out' }),
    handle('hInstance', 12),
    context('InitContext', 16),
    string('dwFriendlyNameOffset', 20, false),
    dword('dwNumDevs', 24, { dir: 'out' }),
    string('dwModuleNameOffset', 28, false),
    dword('dwAPIVersion', 32),
  ]),
  lMakeCall: layout('lMakeCall', [
    requestId('dwRequestID', 8),
    context('lpContext', 12),
    handle('hLine', 16),
    context('lphCallContext', 20),
    string('lpszDestAddress', 24, true),
    dword('dwCountryCode', 28),
    callParams('lpCallParams', 32),
    dword('dwCallParamsCodePage', 36, { sentAs: TAPI_NO_DATA }),
  ]),
  lNegotiateAPIVersion: layout('lNegotiateAPIVersion', [
    handle('hLineApp', 8),
    dword('dwDeviceID', 12),
    dword('dwVersion', 16),
    dword('dwVersionCurrent', 20),
    dword('dwNegotiatedVersion', 24, { dir: 'out', sentAs: TAPI_NO_DATA }),
    ...outputBlob('ExtensionID', 28, 'LINEEXTENSIONID', LINEEXTENSIONID_SIZE, 'dwSize', 32, { sentAs: TAPI_NO_DATA }),
  ]),
  lNegotiateExtVersion: layout('lNegotiateExtVersion', [
    handle('hLineApp', 8),
    dword('dwDeviceID', 12),
    dword('dwTSPIVersion', 16),
    dword('dwLowVersion', 20),
    dword('dwHighVersion', 24),
    dword('lpdwExtVersion', 28, { dir: 'out' }),
  ]),
  lOpen: layout('lOpen', [
    handle('hLineApp', 8),
    dword('dwDeviceID', 12),
    handle('hLine', 16, { dir: 'out', sentAs: TAPI_NO_DATA }),
    dword('dwNegotiatedVersion', 20),
    dword('dwExtVersion', 24),
    context('OpenContext', 28),
    dword('dwPrivileges', 32),
    dword('dwMediaModes', 36),
    callParams('pCallParams', 40),
    dword('dwAsciiCallParamsCodePage', 44, { sentAs: TAPI_NO_DATA }),
    dword('pGetCallParams', 48, { dir: 'inout' }),
    handle('hRemoteLine', 52),
  ]),
  lRedirect: layout('lRedirect', [
    requestId('dwRequestID', 8),
    handle('hCall', 12),
    string('lpszDestAddress', 16, false),
    dword('dwCountryCode', 20),
  ]),
  lSecureCall: layout('lSecureCall', [requestId('dwRequestID', 8), handle('hCall', 12)]),
  lSetAppSpecific: layout('lSetAppSpecific', [handle('hCall', 8), dword('dwAppSpecific', 12)]),
  // No MS-TRP packet: wanemu's own, lineSetCallPrivilege's parameters (see docs/trp-packets.md).
  lSetCallPrivilege: layout('lSetCallPrivilege', [handle('hCall', 8), dword('dwCallPrivilege', 12)], { source: 'wanemu' }),
  lSetDefaultMediaDetection: layout('lSetDefaultMediaDetection', [handle('hLine', 8), dword('dwMediaModes', 12)]),
  lSetMediaMode: layout('lSetMediaMode', [handle('hCall', 8), dword('dwMediaMode', 12)]),
  lSetStatusMessages: layout('lSetStatusMessages', [handle('hLine', 8), dword('dwLineStates', 12), dword('dwAddressStates', 16)]),
  lShutdown: layout('lShutdown', [handle('hLineApp', 8)]),
} as const;

/** The functions wanemu has a packet layout for. */
export type RequestFuncName = keyof typeof REQUEST_LAYOUTS;

/** The layout of a function, or undefined when wanemu has none (typed for callers holding any name). */
export function requestLayout(func: string): RequestLayout | undefined {
  return Object.hasOwn(REQUEST_LAYOUTS, func) ? (REQUEST_LAYOUTS as Readonly<Record<string, RequestLayout>>)[func] : undefined;
}

/** The named slots of a function's layout, as a union. */
export type SlotOf<F extends RequestFuncName> = (typeof REQUEST_LAYOUTS)[F]['slots'][number];

/** The value a slot takes in a decoded request. */
type PacketValue<S> = S extends { readonly kind: 'string'; readonly optional: true }
  ? string | null
  : S extends { readonly kind: 'string' }
    ? string
    : S extends { readonly kind: 'blob' | 'callParams' }
      ? Uint8Array | null
      : number;

/** The fields of a function's request: every named slot but blob sizes (a blob carries its length). */
export type RequestFields<F extends RequestFuncName> = {
  readonly [S in SlotOf<F> as S extends BlobSizeSlot ? never : S['name']]: PacketValue<S>;
};

/**
 * A decoded request, or one to encode: `func` and one member per field, named as in MS-TRP.
 * Strings are JavaScript strings, blobs and LINECALLPARAMS are bytes, null for TAPI_NO_DATA;
 * output slots hold the bytes the client allocated; everything else is the DWORD.
 */
export type RequestPacket<F extends RequestFuncName = RequestFuncName> = F extends RequestFuncName
  ? { readonly func: F } & RequestFields<F>
  : never;

/** In a reply, every named slot as the DWORD the buffer holds. */
export type ReplySlots<F extends RequestFuncName> = { readonly [S in SlotOf<F> as S['name']]: number };

/** The slots that locate output data in a successful reply. */
export type OutputSlotName<F extends RequestFuncName> = Extract<SlotOf<F>, { readonly kind: OutputKind }>['name'];

/** The slots the server writes in the reply. */
export type OutSlotName<F extends RequestFuncName> = Extract<SlotOf<F>, { readonly dir: 'out' | 'inout' }>['name'];
