/*
 * The TAPI structures an application receives from the Get* functions, as tapi.h declares them
 * (mingw-w64 tapi.h: linecallinfo_tag, linecallstatus_tag, linedevcaps_tag, lineaddresscaps_tag,
 * varstring_tag, linedialparams_tag), member for member in the header's order. Layouts and the
 * fixed size per negotiated API version are derived from this table (tapi-layout.ts); no offset
 * is written by hand.
 *
 * `since` is the first API version a member exists in. tapi.h as mingw-w64 ships it has no
 * version gates; the gates come from the NDIS mirrors of the same structures in ddk/ndistapi.h
 * (LINE_CALL_INFO, LINE_DEV_CAPS, LINE_ADDRESS_CAPS: `#if (NDIS_TAPI_CURRENT_VERSION >= ...)`)
 * and from ms-trp.md §6 (LINECALLINFO 296 / 324 / 344, LINECALLSTATUS 36 / 56, LINEDEVCAPS 2.0+
 * at 240, 2.2+ at 252, 3.0+ at 268). On the MS-TRP wire every member is a DWORD, handles
 * included (ms-trp.md §6): HLINE is 4 bytes, which is tapi.h's layout compiled for x86.
 */

/** What a member is: a DWORD, a line handle (a DWORD on the wire), or a nested structure. */
export type TapiMemberType = 'DWORD' | 'HLINE' | 'LINEDIALPARAMS' | 'SYSTEMTIME' | 'GUID';

export interface TapiMember {
  readonly name: string;
  readonly type: TapiMemberType;
  /** The first API version that has the member (absent: every version, 1.3 on). */
  readonly since?: number;
}

const V1_4 = 0x0001_0004;
const V2_0 = 0x0002_0000;
const V2_2 = 0x0002_0002;
const V3_0 = 0x0003_0000;

const dw = (since: number | undefined, ...names: string[]): TapiMember[] =>
  names.map((name) => (since === undefined ? { name, type: 'DWORD' } : { name, type: 'DWORD', since }));

const DIAL_PARAMS: readonly TapiMember[] = dw(undefined, 'dwDialPause', 'dwDialSpeed', 'dwDigitDuration', 'dwWaitForDialtone');

/** tapi.h's SYSTEMTIME members are WORDs (minwinbase.h): the only non-DWORD members here. */
export const SYSTEMTIME_WORDS = ['wYear', 'wMonth', 'wDayOfWeek', 'wDay', 'wHour', 'wMinute', 'wSecond', 'wMilliseconds'] as const;

export const TAPI_STRUCTURES = {
  LINEDIALPARAMS: DIAL_PARAMS,
  VARSTRING: dw(undefined, 'dwTotalSize', 'dwNeededSize', 'dwUsedSize', 'dwStringFormat', 'dwStringSize', 'dwStringOffset'),
  LINECALLSTATUS: [
    ...dw(undefined, 'dwTotalSize', 'dwNeededSize', 'dwUsedSize', 'dwCallState', 'dwCallStateMode', 'dwCallPrivilege', 'dwCallFeatures', 'dwDevSpecificSize', 'dwDevSpecificOffset'),
    ...dw(V2_0, 'dwCallFeatures2'),
    { name: 'tStateEntryTime', type: 'SYSTEMTIME', since: V2_0 },
  ],
  LINECALLINFO: [
    ...dw(undefined, 'dwTotalSize', 'dwNeededSize', 'dwUsedSize'),
    { name: 'hLine', type: 'HLINE' },
    ...dw(
      undefined,
      'dwLineDeviceID', 'dwAddressID', 'dwBearerMode', 'dwRate', 'dwMediaMode', 'dwAppSpecific', 'dwCallID', 'dwRelatedCallID',
      'dwCallParamFlags', 'dwCallStates', 'dwMonitorDigitModes', 'dwMonitorMediaModes',
    ),
    { name: 'DialParams', type: 'LINEDIALPARAMS' },
    ...dw(
      undefined,
      'dwOrigin', 'dwReason', 'dwCompletionID', 'dwNumOwners', 'dwNumMonitors', 'dwCountryCode', 'dwTrunk',
      'dwCallerIDFlags', 'dwCallerIDSize', 'dwCallerIDOffset', 'dwCallerIDNameSize', 'dwCallerIDNameOffset',
      'dwCalledIDFlags', 'dwCalledIDSize', 'dwCalledIDOffset', 'dwCalledIDNameSize', 'dwCalledIDNameOffset',
      'dwConnectedIDFlags', 'dwConnectedIDSize', 'dwConnectedIDOffset', 'dwConnectedIDNameSize', 'dwConnectedIDNameOffset',
      'dwRedirectionIDFlags', 'dwRedirectionIDSize', 'dwRedirectionIDOffset', 'dwRedirectionIDNameSize', 'dwRedirectionIDNameOffset',
      'dwRedirectingIDFlags', 'dwRedirectingIDSize', 'dwRedirectingIDOffset', 'dwRedirectingIDNameSize', 'dwRedirectingIDNameOffset',
      'dwAppNameSize', 'dwAppNameOffset', 'dwDisplayableAddressSize', 'dwDisplayableAddressOffset', 'dwCalledPartySize',
      'dwCalledPartyOffset', 'dwCommentSize', 'dwCommentOffset', 'dwDisplaySize', 'dwDisplayOffset', 'dwUserUserInfoSize',
      'dwUserUserInfoOffset', 'dwHighLevelCompSize', 'dwHighLevelCompOffset', 'dwLowLevelCompSize', 'dwLowLevelCompOffset',
      'dwChargingInfoSize', 'dwChargingInfoOffset', 'dwTerminalModesSize', 'dwTerminalModesOffset', 'dwDevSpecificSize',
      'dwDevSpecificOffset',
    ),
    ...dw(V2_0, 'dwCallTreatment', 'dwCallDataSize', 'dwCallDataOffset', 'dwSendingFlowspecSize', 'dwSendingFlowspecOffset', 'dwReceivingFlowspecSize', 'dwReceivingFlowspecOffset'),
    ...dw(V3_0, 'dwCallerIDAddressType', 'dwCalledIDAddressType', 'dwConnectedIDAddressType', 'dwRedirectionIDAddressType', 'dwRedirectingIDAddressType'),
  ],
  LINEDEVCAPS: [
    ...dw(
      undefined,
      'dwTotalSize', 'dwNeededSize', 'dwUsedSize', 'dwProviderInfoSize', 'dwProviderInfoOffset', 'dwSwitchInfoSize',
      'dwSwitchInfoOffset', 'dwPermanentLineID', 'dwLineNameSize', 'dwLineNameOffset', 'dwStringFormat', 'dwAddressModes',
      'dwNumAddresses', 'dwBearerModes', 'dwMaxRate', 'dwMediaModes', 'dwGenerateToneModes', 'dwGenerateToneMaxNumFreq',
      'dwGenerateDigitModes', 'dwMonitorToneMaxNumFreq', 'dwMonitorToneMaxNumEntries', 'dwMonitorDigitModes',
      'dwGatherDigitsMinTimeout', 'dwGatherDigitsMaxTimeout', 'dwMedCtlDigitMaxListSize', 'dwMedCtlMediaMaxListSize',
      'dwMedCtlToneMaxListSize', 'dwMedCtlCallStateMaxListSize', 'dwDevCapFlags', 'dwMaxNumActiveCalls', 'dwAnswerMode',
      'dwRingModes', 'dwLineStates', 'dwUUIAcceptSize', 'dwUUIAnswerSize', 'dwUUIMakeCallSize', 'dwUUIDropSize',
      'dwUUISendUserUserInfoSize', 'dwUUICallInfoSize',
    ),
    { name: 'MinDialParams', type: 'LINEDIALPARAMS' },
    { name: 'MaxDialParams', type: 'LINEDIALPARAMS' },
    { name: 'DefaultDialParams', type: 'LINEDIALPARAMS' },
    ...dw(
      undefined,
      'dwNumTerminals', 'dwTerminalCapsSize', 'dwTerminalCapsOffset', 'dwTerminalTextEntrySize', 'dwTerminalTextSize',
      'dwTerminalTextOffset', 'dwDevSpecificSize', 'dwDevSpecificOffset',
    ),
    ...dw(V1_4, 'dwLineFeatures'),
    ...dw(V2_0, 'dwSettableDevStatus', 'dwDeviceClassesSize', 'dwDeviceClassesOffset'),
    { name: 'PermanentLineGuid', type: 'GUID', since: V2_2 },
    ...dw(V3_0, 'dwAddressTypes'),
    { name: 'ProtocolGuid', type: 'GUID', since: V3_0 },
    ...dw(V3_0, 'dwAvailableTracking'),
  ],
  LINEADDRESSCAPS: [
    ...dw(
      undefined,
      'dwTotalSize', 'dwNeededSize', 'dwUsedSize', 'dwLineDeviceID', 'dwAddressSize', 'dwAddressOffset', 'dwDevSpecificSize',
      'dwDevSpecificOffset', 'dwAddressSharing', 'dwAddressStates', 'dwCallInfoStates', 'dwCallerIDFlags', 'dwCalledIDFlags',
      'dwConnectedIDFlags', 'dwRedirectionIDFlags', 'dwRedirectingIDFlags', 'dwCallStates', 'dwDialToneModes', 'dwBusyModes',
      'dwSpecialInfo', 'dwDisconnectModes', 'dwMaxNumActiveCalls', 'dwMaxNumOnHoldCalls', 'dwMaxNumOnHoldPendingCalls',
      'dwMaxNumConference', 'dwMaxNumTransConf', 'dwAddrCapFlags', 'dwCallFeatures', 'dwRemoveFromConfCaps',
      'dwRemoveFromConfState', 'dwTransferModes', 'dwParkModes', 'dwForwardModes', 'dwMaxForwardEntries',
      'dwMaxSpecificEntries', 'dwMinFwdNumRings', 'dwMaxFwdNumRings', 'dwMaxCallCompletions', 'dwCallCompletionConds',
      'dwCallCompletionModes', 'dwNumCompletionMessages', 'dwCompletionMsgTextEntrySize', 'dwCompletionMsgTextSize',
      'dwCompletionMsgTextOffset',
    ),
    ...dw(V1_4, 'dwAddressFeatures'),
    ...dw(
      V2_0,
      'dwPredictiveAutoTransferStates', 'dwNumCallTreatments', 'dwCallTreatmentListSize', 'dwCallTreatmentListOffset',
      'dwDeviceClassesSize', 'dwDeviceClassesOffset', 'dwMaxCallDataSize', 'dwCallFeatures2', 'dwMaxNoAnswerTimeout',
      'dwConnectedModes', 'dwOfferingModes', 'dwAvailableMediaModes',
    ),
  ],
} as const satisfies Readonly<Record<string, readonly TapiMember[]>>;

export type TapiStructName = keyof typeof TAPI_STRUCTURES;

/** The structures with the TAPI size header (dwTotalSize, dwNeededSize, dwUsedSize). */
export type TapiVarStructName = Exclude<TapiStructName, 'LINEDIALPARAMS'>;

export const TAPI_STRUCT_NAMES = Object.keys(TAPI_STRUCTURES) as TapiStructName[];
