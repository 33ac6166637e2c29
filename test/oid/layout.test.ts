import { ABIS, STRUCT_NAMES, layoutOf, layouts, variantLayouts, type Abi, type StructName } from '../../oid/index.js';

/*
 * The `layouts` table against the offsets and sizes documented in
 * /work/shared/reference/ndis-tapi.md: §2.3 (request structures, x64 and x86 columns),
 * §2.4 (the DDK / mingw-w64 variant on x64) and §2.5 (the LINE_* structures).
 * The expected values below are transcribed from those tables, not computed.
 */

type Member = readonly [name: string, x64Offset: number, x64Size: number, x86Offset: number, x86Size: number];

interface DocRequestLayout {
  readonly x64: number;
  readonly x86: number;
  readonly members: readonly Member[];
}

interface DocLineLayout {
  readonly size: number;
  readonly offsets: Readonly<Record<string, number>>;
}

/** §2.3: `#### NAME (x64 size N, x86 size M)` and its member table. */
const REQUESTS: Readonly<Record<string, DocRequestLayout>> = {
  NDIS_TAPI_ACCEPT: {
    x64: 24,
    x86: 16,
    members: [
      ['ulRequestID', 0, 4, 0, 4],
      ['hdCall', 8, 8, 4, 4],
      ['ulUserUserInfoSize', 16, 4, 8, 4],
      ['UserUserInfo', 20, 1, 12, 1],
    ],
  },
  NDIS_TAPI_CLOSE: {
    x64: 16,
    x86: 8,
    members: [
      ['ulRequestID', 0, 4, 0, 4],
      ['hdLine', 8, 8, 4, 4],
    ],
  },
  NDIS_TAPI_CLOSE_CALL: {
    x64: 16,
    x86: 8,
    members: [
      ['ulRequestID', 0, 4, 0, 4],
      ['hdCall', 8, 8, 4, 4],
    ],
  },
  NDIS_TAPI_CONDITIONAL_MEDIA_DETECTION: {
    x64: 136,
    x86: 124,
    members: [
      ['ulRequestID', 0, 4, 0, 4],
      ['hdLine', 8, 8, 4, 4],
      ['ulMediaModes', 16, 4, 8, 4],
      ['LineCallParams', 20, 112, 12, 112],
    ],
  },
  NDIS_TAPI_CONFIG_DIALOG: {
    x64: 28,
    x86: 28,
    members: [
      ['ulRequestID', 0, 4, 0, 4],
      ['ulDeviceID', 4, 4, 4, 4],
      ['ulDeviceClassSize', 8, 4, 8, 4],
      ['ulDeviceClassOffset', 12, 4, 12, 4],
      ['ulLibraryNameTotalSize', 16, 4, 16, 4],
      ['ulLibraryNameNeededSize', 20, 4, 20, 4],
      ['szLibraryName', 24, 1, 24, 1],
    ],
  },
  NDIS_TAPI_DEV_SPECIFIC: {
    x64: 40,
    x86: 24,
    members: [
      ['ulRequestID', 0, 4, 0, 4],
      ['hdLine', 8, 8, 4, 4],
      ['ulAddressID', 16, 4, 8, 4],
      ['hdCall', 24, 8, 12, 4],
      ['ulParamsSize', 32, 4, 16, 4],
      ['Params', 36, 1, 20, 1],
    ],
  },
  NDIS_TAPI_DIAL: {
    x64: 24,
    x86: 16,
    members: [
      ['ulRequestID', 0, 4, 0, 4],
      ['hdCall', 8, 8, 4, 4],
      ['ulDestAddressSize', 16, 4, 8, 4],
      ['szDestAddress', 20, 1, 12, 1],
    ],
  },
  NDIS_TAPI_GET_ADDRESS_CAPS: {
    x64: 192,
    x86: 192,
    members: [
      ['ulRequestID', 0, 4, 0, 4],
      ['ulDeviceID', 4, 4, 4, 4],
      ['ulAddressID', 8, 4, 8, 4],
      ['ulExtVersion', 12, 4, 12, 4],
      ['LineAddressCaps', 16, 176, 16, 176],
    ],
  },
  NDIS_TAPI_GET_ADDRESS_ID: {
    x64: 32,
    x86: 24,
    members: [
      ['ulRequestID', 0, 4, 0, 4],
      ['hdLine', 8, 8, 4, 4],
      ['ulAddressID', 16, 4, 8, 4],
      ['ulAddressMode', 20, 4, 12, 4],
      ['ulAddressSize', 24, 4, 16, 4],
      ['szAddress', 28, 1, 20, 1],
    ],
  },
  NDIS_TAPI_GET_ADDRESS_STATUS: {
    x64: 88,
    x86: 76,
    members: [
      ['ulRequestID', 0, 4, 0, 4],
      ['hdLine', 8, 8, 4, 4],
      ['ulAddressID', 16, 4, 8, 4],
      ['LineAddressStatus', 20, 64, 12, 64],
    ],
  },
  NDIS_TAPI_GET_CALL_ADDRESS_ID: {
    x64: 24,
    x86: 12,
    members: [
      ['ulRequestID', 0, 4, 0, 4],
      ['hdCall', 8, 8, 4, 4],
      ['ulAddressID', 16, 4, 8, 4],
    ],
  },
  NDIS_TAPI_GET_CALL_INFO: {
    x64: 312,
    x86: 304,
    members: [
      ['ulRequestID', 0, 4, 0, 4],
      ['hdCall', 8, 8, 4, 4],
      ['LineCallInfo', 16, 296, 8, 296],
    ],
  },
  NDIS_TAPI_GET_CALL_STATUS: {
    x64: 56,
    x86: 44,
    members: [
      ['ulRequestID', 0, 4, 0, 4],
      ['hdCall', 8, 8, 4, 4],
      ['LineCallStatus', 16, 36, 8, 36],
    ],
  },
  NDIS_TAPI_GET_DEV_CAPS: {
    x64: 248,
    x86: 248,
    members: [
      ['ulRequestID', 0, 4, 0, 4],
      ['ulDeviceID', 4, 4, 4, 4],
      ['ulExtVersion', 8, 4, 8, 4],
      ['LineDevCaps', 12, 236, 12, 236],
    ],
  },
  NDIS_TAPI_GET_DEV_CONFIG: {
    x64: 40,
    x86: 40,
    members: [
      ['ulRequestID', 0, 4, 0, 4],
      ['ulDeviceID', 4, 4, 4, 4],
      ['ulDeviceClassSize', 8, 4, 8, 4],
      ['ulDeviceClassOffset', 12, 4, 12, 4],
      ['DeviceConfig', 16, 24, 16, 24],
    ],
  },
  NDIS_TAPI_GET_EXTENSION_ID: {
    x64: 24,
    x86: 24,
    members: [
      ['ulRequestID', 0, 4, 0, 4],
      ['ulDeviceID', 4, 4, 4, 4],
      ['LineExtensionID', 8, 16, 8, 16],
    ],
  },
  NDIS_TAPI_GET_ID: {
    x64: 72,
    x86: 52,
    members: [
      ['ulRequestID', 0, 4, 0, 4],
      ['hdLine', 8, 8, 4, 4],
      ['ulAddressID', 16, 4, 8, 4],
      ['hdCall', 24, 8, 12, 4],
      ['ulSelect', 32, 4, 16, 4],
      ['ulDeviceClassSize', 36, 4, 20, 4],
      ['ulDeviceClassOffset', 40, 4, 24, 4],
      ['DeviceID', 44, 24, 28, 24],
    ],
  },
  NDIS_TAPI_GET_LINE_DEV_STATUS: {
    x64: 96,
    x86: 84,
    members: [
      ['ulRequestID', 0, 4, 0, 4],
      ['hdLine', 8, 8, 4, 4],
      ['LineDevStatus', 16, 76, 8, 76],
    ],
  },
  NDIS_TAPI_MAKE_CALL: {
    x64: 160,
    x86: 140,
    members: [
      ['ulRequestID', 0, 4, 0, 4],
      ['hdLine', 8, 8, 4, 4],
      ['htCall', 16, 8, 8, 4],
      ['hdCall', 24, 8, 12, 4],
      ['ulDestAddressSize', 32, 4, 16, 4],
      ['ulDestAddressOffset', 36, 4, 20, 4],
      ['bUseDefaultLineCallParams', 40, 1, 24, 1],
      ['LineCallParams', 44, 112, 28, 112],
    ],
  },
  NDIS_TAPI_NEGOTIATE_EXT_VERSION: {
    x64: 20,
    x86: 20,
    members: [
      ['ulRequestID', 0, 4, 0, 4],
      ['ulDeviceID', 4, 4, 4, 4],
      ['ulLowVersion', 8, 4, 8, 4],
      ['ulHighVersion', 12, 4, 12, 4],
      ['ulExtVersion', 16, 4, 16, 4],
    ],
  },
  NDIS_TAPI_OPEN: {
    x64: 24,
    x86: 16,
    members: [
      ['ulRequestID', 0, 4, 0, 4],
      ['ulDeviceID', 4, 4, 4, 4],
      ['htLine', 8, 8, 8, 4],
      ['hdLine', 16, 8, 12, 4],
    ],
  },
  NDIS_TAPI_PROVIDER_INITIALIZE: {
    x64: 24,
    x86: 16,
    members: [
      ['ulRequestID', 0, 4, 0, 4],
      ['ulDeviceIDBase', 4, 4, 4, 4],
      ['ulNumLineDevs', 8, 4, 8, 4],
      ['ulProviderID', 16, 8, 12, 4],
    ],
  },
  NDIS_TAPI_PROVIDER_SHUTDOWN: {
    x64: 4,
    x86: 4,
    members: [
      ['ulRequestID', 0, 4, 0, 4],
    ],
  },
  NDIS_TAPI_SECURE_CALL: {
    x64: 16,
    x86: 8,
    members: [
      ['ulRequestID', 0, 4, 0, 4],
      ['hdCall', 8, 8, 4, 4],
    ],
  },
  NDIS_TAPI_SELECT_EXT_VERSION: {
    x64: 24,
    x86: 12,
    members: [
      ['ulRequestID', 0, 4, 0, 4],
      ['hdLine', 8, 8, 4, 4],
      ['ulExtVersion', 16, 4, 8, 4],
    ],
  },
  NDIS_TAPI_SET_APP_SPECIFIC: {
    x64: 24,
    x86: 12,
    members: [
      ['ulRequestID', 0, 4, 0, 4],
      ['hdCall', 8, 8, 4, 4],
      ['ulAppSpecific', 16, 4, 8, 4],
    ],
  },
  NDIS_TAPI_SET_CALL_PARAMS: {
    x64: 48,
    x86: 40,
    members: [
      ['ulRequestID', 0, 4, 0, 4],
      ['hdCall', 8, 8, 4, 4],
      ['ulBearerMode', 16, 4, 8, 4],
      ['ulMinRate', 20, 4, 12, 4],
      ['ulMaxRate', 24, 4, 16, 4],
      ['bSetLineDialParams', 28, 1, 20, 1],
      ['LineDialParams', 32, 16, 24, 16],
    ],
  },
  NDIS_TAPI_SET_DEFAULT_MEDIA_DETECTION: {
    x64: 24,
    x86: 12,
    members: [
      ['ulRequestID', 0, 4, 0, 4],
      ['hdLine', 8, 8, 4, 4],
      ['ulMediaModes', 16, 4, 8, 4],
    ],
  },
  NDIS_TAPI_SET_DEV_CONFIG: {
    x64: 24,
    x86: 24,
    members: [
      ['ulRequestID', 0, 4, 0, 4],
      ['ulDeviceID', 4, 4, 4, 4],
      ['ulDeviceClassSize', 8, 4, 8, 4],
      ['ulDeviceClassOffset', 12, 4, 12, 4],
      ['ulDeviceConfigSize', 16, 4, 16, 4],
      ['DeviceConfig', 20, 1, 20, 1],
    ],
  },
  NDIS_TAPI_SET_MEDIA_MODE: {
    x64: 24,
    x86: 12,
    members: [
      ['ulRequestID', 0, 4, 0, 4],
      ['hdCall', 8, 8, 4, 4],
      ['ulMediaMode', 16, 4, 8, 4],
    ],
  },
  NDIS_TAPI_SET_STATUS_MESSAGES: {
    x64: 24,
    x86: 16,
    members: [
      ['ulRequestID', 0, 4, 0, 4],
      ['hdLine', 8, 8, 4, 4],
      ['ulLineStates', 16, 4, 8, 4],
      ['ulAddressStates', 20, 4, 12, 4],
    ],
  },
  NDIS_TAPI_EVENT: {
    x64: 48,
    x86: 24,
    members: [
      ['htLine', 0, 8, 0, 4],
      ['htCall', 8, 8, 4, 4],
      ['ulMsg', 16, 4, 8, 4],
      ['ulParam1', 24, 8, 12, 4],
      ['ulParam2', 32, 8, 16, 4],
      ['ulParam3', 40, 8, 20, 4],
    ],
  },
  NDIS_MAC_LINE_UP: {
    x64: 40,
    x86: 24,
    members: [
      ['LinkSpeed', 0, 4, 0, 4],
      ['Quality', 4, 4, 4, 4],
      ['SendWindow', 8, 2, 8, 2],
      ['ConnectionWrapperID', 16, 8, 12, 4],
      ['NdisLinkHandle', 24, 8, 16, 4],
      ['NdisLinkContext', 32, 8, 20, 4],
    ],
  },
  NDIS_MAC_LINE_DOWN: {
    x64: 8,
    x86: 4,
    members: [
      ['NdisLinkContext', 0, 8, 0, 4],
    ],
  },};

/** §2.5: `#### NAME (size N on both x86 and x64)` and its `offset:member` list. */
const LINE_STRUCTS: Readonly<Record<string, DocLineLayout>> = {
  LINE_DIAL_PARAMS: {
    size: 16,
    offsets: {
      ulDialPause: 0, ulDialSpeed: 4, ulDigitDuration: 8, ulWaitForDialtone: 12,
    },
  },
  LINE_CALL_PARAMS: {
    size: 112,
    offsets: {
      ulTotalSize: 0, ulBearerMode: 4, ulMinRate: 8, ulMaxRate: 12, ulMediaMode: 16, ulCallParamFlags: 20,
      ulAddressMode: 24, ulAddressID: 28, DialParams: 32, ulOrigAddressSize: 48, ulOrigAddressOffset: 52, ulDisplayableAddressSize: 56,
      ulDisplayableAddressOffset: 60, ulCalledPartySize: 64, ulCalledPartyOffset: 68, ulCommentSize: 72, ulCommentOffset: 76, ulUserUserInfoSize: 80,
      ulUserUserInfoOffset: 84, ulHighLevelCompSize: 88, ulHighLevelCompOffset: 92, ulLowLevelCompSize: 96, ulLowLevelCompOffset: 100, ulDevSpecificSize: 104,
      ulDevSpecificOffset: 108,
    },
  },
  LINE_CALL_STATUS: {
    size: 36,
    offsets: {
      ulTotalSize: 0, ulNeededSize: 4, ulUsedSize: 8, ulCallState: 12, ulCallStateMode: 16, ulCallPrivilege: 20,
      ulCallFeatures: 24, ulDevSpecificSize: 28, ulDevSpecificOffset: 32,
    },
  },
  VAR_STRING: {
    size: 24,
    offsets: {
      ulTotalSize: 0, ulNeededSize: 4, ulUsedSize: 8, ulStringFormat: 12, ulStringSize: 16, ulStringOffset: 20,
    },
  },
  LINE_EXTENSION_ID: {
    size: 16,
    offsets: {
      ulExtensionID0: 0, ulExtensionID1: 4, ulExtensionID2: 8, ulExtensionID3: 12,
    },
  },
  LINE_DEV_STATUS: {
    size: 76,
    offsets: {
      ulTotalSize: 0, ulNeededSize: 4, ulUsedSize: 8, ulNumOpens: 12, ulOpenMediaModes: 16, ulNumActiveCalls: 20,
      ulNumOnHoldCalls: 24, ulNumOnHoldPendCalls: 28, ulLineFeatures: 32, ulNumCallCompletions: 36, ulRingMode: 40, ulSignalLevel: 44,
      ulBatteryLevel: 48, ulRoamMode: 52, ulDevStatusFlags: 56, ulTerminalModesSize: 60, ulTerminalModesOffset: 64, ulDevSpecificSize: 68,
      ulDevSpecificOffset: 72,
    },
  },
  LINE_ADDRESS_STATUS: {
    size: 64,
    offsets: {
      ulTotalSize: 0, ulNeededSize: 4, ulUsedSize: 8, ulNumInUse: 12, ulNumActiveCalls: 16, ulNumOnHoldCalls: 20,
      ulNumOnHoldPendCalls: 24, ulAddressFeatures: 28, ulNumRingsNoAnswer: 32, ulForwardNumEntries: 36, ulForwardSize: 40, ulForwardOffset: 44,
      ulTerminalModesSize: 48, ulTerminalModesOffset: 52, ulDevSpecificSize: 56, ulDevSpecificOffset: 60,
    },
  },
  LINE_ADDRESS_CAPS: {
    size: 176,
    offsets: {
      ulTotalSize: 0, ulNeededSize: 4, ulUsedSize: 8, ulLineDeviceID: 12, ulAddressSize: 16, ulAddressOffset: 20,
      ulDevSpecificSize: 24, ulDevSpecificOffset: 28, ulAddressSharing: 32, ulAddressStates: 36, ulCallInfoStates: 40, ulCallerIDFlags: 44,
      ulCalledIDFlags: 48, ulConnectedIDFlags: 52, ulRedirectionIDFlags: 56, ulRedirectingIDFlags: 60, ulCallStates: 64, ulDialToneModes: 68,
      ulBusyModes: 72, ulSpecialInfo: 76, ulDisconnectModes: 80, ulMaxNumActiveCalls: 84, ulMaxNumOnHoldCalls: 88, ulMaxNumOnHoldPendingCalls: 92,
      ulMaxNumConference: 96, ulMaxNumTransConf: 100, ulAddrCapFlags: 104, ulCallFeatures: 108, ulRemoveFromConfCaps: 112, ulRemoveFromConfState: 116,
      ulTransferModes: 120, ulParkModes: 124, ulForwardModes: 128, ulMaxForwardEntries: 132, ulMaxSpecificEntries: 136, ulMinFwdNumRings: 140,
      ulMaxFwdNumRings: 144, ulMaxCallCompletions: 148, ulCallCompletionConds: 152, ulCallCompletionModes: 156, ulNumCompletionMessages: 160, ulCompletionMsgTextEntrySize: 164,
      ulCompletionMsgTextSize: 168, ulCompletionMsgTextOffset: 172,
    },
  },
  LINE_DEV_CAPS: {
    size: 236,
    offsets: {
      ulTotalSize: 0, ulNeededSize: 4, ulUsedSize: 8, ulProviderInfoSize: 12, ulProviderInfoOffset: 16, ulSwitchInfoSize: 20,
      ulSwitchInfoOffset: 24, ulPermanentLineID: 28, ulLineNameSize: 32, ulLineNameOffset: 36, ulStringFormat: 40, ulAddressModes: 44,
      ulNumAddresses: 48, ulBearerModes: 52, ulMaxRate: 56, ulMediaModes: 60, ulGenerateToneModes: 64, ulGenerateToneMaxNumFreq: 68,
      ulGenerateDigitModes: 72, ulMonitorToneMaxNumFreq: 76, ulMonitorToneMaxNumEntries: 80, ulMonitorDigitModes: 84, ulGatherDigitsMinTimeout: 88, ulGatherDigitsMaxTimeout: 92,
      ulMedCtlDigitMaxListSize: 96, ulMedCtlMediaMaxListSize: 100, ulMedCtlToneMaxListSize: 104, ulMedCtlCallStateMaxListSize: 108, ulDevCapFlags: 112, ulMaxNumActiveCalls: 116,
      ulAnswerMode: 120, ulRingModes: 124, ulLineStates: 128, ulUUIAcceptSize: 132, ulUUIAnswerSize: 136, ulUUIMakeCallSize: 140,
      ulUUIDropSize: 144, ulUUISendUserUserInfoSize: 148, ulUUICallInfoSize: 152, MinDialParams: 156, MaxDialParams: 172, DefaultDialParams: 188,
      ulNumTerminals: 204, ulTerminalCapsSize: 208, ulTerminalCapsOffset: 212, ulTerminalTextEntrySize: 216, ulTerminalTextSize: 220, ulTerminalTextOffset: 224,
      ulDevSpecificSize: 228, ulDevSpecificOffset: 232,
    },
  },
  LINE_CALL_INFO: {
    size: 296,
    offsets: {
      ulTotalSize: 0, ulNeededSize: 4, ulUsedSize: 8, hLine: 12, ulLineDeviceID: 16, ulAddressID: 20,
      ulBearerMode: 24, ulRate: 28, ulMediaMode: 32, ulAppSpecific: 36, ulCallID: 40, ulRelatedCallID: 44,
      ulCallParamFlags: 48, ulCallStates: 52, ulMonitorDigitModes: 56, ulMonitorMediaModes: 60, DialParams: 64, ulOrigin: 80,
      ulReason: 84, ulCompletionID: 88, ulNumOwners: 92, ulNumMonitors: 96, ulCountryCode: 100, ulTrunk: 104,
      ulCallerIDFlags: 108, ulCallerIDSize: 112, ulCallerIDOffset: 116, ulCallerIDNameSize: 120, ulCallerIDNameOffset: 124, ulCalledIDFlags: 128,
      ulCalledIDSize: 132, ulCalledIDOffset: 136, ulCalledIDNameSize: 140, ulCalledIDNameOffset: 144, ulConnectedIDFlags: 148, ulConnectedIDSize: 152,
      ulConnectedIDOffset: 156, ulConnectedIDNameSize: 160, ulConnectedIDNameOffset: 164, ulRedirectionIDFlags: 168, ulRedirectionIDSize: 172, ulRedirectionIDOffset: 176,
      ulRedirectionIDNameSize: 180, ulRedirectionIDNameOffset: 184, ulRedirectingIDFlags: 188, ulRedirectingIDSize: 192, ulRedirectingIDOffset: 196, ulRedirectingIDNameSize: 200,
      ulRedirectingIDNameOffset: 204, ulAppNameSize: 208, ulAppNameOffset: 212, ulDisplayableAddressSize: 216, ulDisplayableAddressOffset: 220, ulCalledPartySize: 224,
      ulCalledPartyOffset: 228, ulCommentSize: 232, ulCommentOffset: 236, ulDisplaySize: 240, ulDisplayOffset: 244, ulUserUserInfoSize: 248,
      ulUserUserInfoOffset: 252, ulHighLevelCompSize: 256, ulHighLevelCompOffset: 260, ulLowLevelCompSize: 264, ulLowLevelCompOffset: 268, ulChargingInfoSize: 272,
      ulChargingInfoOffset: 276, ulTerminalModesSize: 280, ulTerminalModesOffset: 284, ulDevSpecificSize: 288, ulDevSpecificOffset: 292,
    },
  },
};

/** §2.3 heading note: these share another structure's layout. */
const SAME_LAYOUT_AS: Readonly<Record<string, string>> = {
  NDIS_TAPI_ANSWER: 'NDIS_TAPI_ACCEPT',
  NDIS_TAPI_DROP: 'NDIS_TAPI_ACCEPT',
  NDIS_TAPI_SEND_USER_USER_INFO: 'NDIS_TAPI_ACCEPT',
  NDIS_TAPI_SECURE_CALL: 'NDIS_TAPI_CLOSE_CALL',
};

function structName(name: string): StructName {
  const found = STRUCT_NAMES.find((n) => n === name);
  if (found === undefined) throw new Error(`${name} is documented but not in STRUCT_NAMES`);
  return found;
}

/** The documented column for one ABI: offsets in declaration order, and member sizes. */
function documented(doc: DocRequestLayout, abi: Abi): { size: number; offsets: Record<string, number>; sizes: Record<string, number> } {
  const offsets: Record<string, number> = {};
  const sizes: Record<string, number> = {};
  for (const [name, o64, s64, o86, s86] of doc.members) {
    offsets[name] = abi === 'x64' ? o64 : o86;
    sizes[name] = abi === 'x64' ? s64 : s86;
  }
  return { size: abi === 'x64' ? doc.x64 : doc.x86, offsets, sizes };
}

const REQUEST_CASES = Object.keys(REQUESTS).flatMap((name) => ABIS.map((abi) => [name, abi] as const));
const LINE_CASES = Object.keys(LINE_STRUCTS).flatMap((name) => ABIS.map((abi) => [name, abi] as const));

describe('layouts against ndis-tapi.md §2.3 (request and indication structures)', () => {
  test('the transcribed table covers the structures the brief requires', () => {
    for (const name of [
      'NDIS_TAPI_EVENT',
      'NDIS_TAPI_MAKE_CALL',
      'NDIS_TAPI_SET_CALL_PARAMS',
      'NDIS_TAPI_GET_ID',
      'NDIS_TAPI_PROVIDER_INITIALIZE',
      'NDIS_TAPI_OPEN',
      'NDIS_TAPI_GET_ADDRESS_STATUS',
      'NDIS_TAPI_ACCEPT',
      'NDIS_MAC_LINE_UP',
    ]) {
      expect(REQUESTS).toHaveProperty([name]);
    }
    expect(Object.keys(REQUESTS)).toHaveLength(34);
  });

  test.each(REQUEST_CASES)('%s on %s: sizeof and every member offset', (name, abi) => {
    const want = documented(REQUESTS[name]!, abi);
    const got = layouts[structName(name)][abi];
    expect(got.size).toBe(want.size);
    expect(got.offsets).toEqual(want.offsets);
    // Declaration order, as in the header.
    expect(Object.keys(got.offsets)).toEqual(Object.keys(want.offsets));
  });

  test.each(REQUEST_CASES)('%s on %s: every member size', (name, abi) => {
    const want = documented(REQUESTS[name]!, abi);
    const fields = layoutOf(structName(name), abi).fields;
    expect(Object.fromEntries(fields.map((f) => [f.name, f.size]))).toEqual(want.sizes);
  });

  test.each(Object.entries(SAME_LAYOUT_AS))('%s has the layout of %s', (name, model) => {
    for (const abi of ABIS) {
      expect(layouts[structName(name)][abi]).toEqual(layouts[structName(model)][abi]);
    }
  });

  test('spot checks: handle padding, BOOLEAN padding, embedded LINE_* structures', () => {
    // ULONG then an 8-byte handle: 4 bytes of padding on x64, none on x86.
    expect(layouts.NDIS_TAPI_EVENT.x64).toEqual({
      size: 48,
      offsets: { htLine: 0, htCall: 8, ulMsg: 16, ulParam1: 24, ulParam2: 32, ulParam3: 40 },
    });
    expect(layouts.NDIS_TAPI_EVENT.x86).toEqual({
      size: 24,
      offsets: { htLine: 0, htCall: 4, ulMsg: 8, ulParam1: 12, ulParam2: 16, ulParam3: 20 },
    });
    expect(layouts.NDIS_TAPI_PROVIDER_INITIALIZE.x64.offsets.ulProviderID).toBe(16);
    expect(layouts.NDIS_TAPI_PROVIDER_INITIALIZE.x86.offsets.ulProviderID).toBe(12);
    expect(layouts.NDIS_TAPI_OPEN.x64.offsets).toEqual({ ulRequestID: 0, ulDeviceID: 4, htLine: 8, hdLine: 16 });
    // A BOOLEAN followed by a 4-aligned structure: 3 bytes of padding on both ABIs.
    expect(layouts.NDIS_TAPI_MAKE_CALL.x64.offsets.bUseDefaultLineCallParams).toBe(40);
    expect(layouts.NDIS_TAPI_MAKE_CALL.x64.offsets.LineCallParams).toBe(44);
    expect(layouts.NDIS_TAPI_MAKE_CALL.x86.offsets.LineCallParams).toBe(28);
    expect(layouts.NDIS_TAPI_MAKE_CALL.x64.size).toBe(160);
    expect(layouts.NDIS_TAPI_MAKE_CALL.x86.size).toBe(140);
    expect(layouts.NDIS_TAPI_SET_CALL_PARAMS.x64.offsets.LineDialParams).toBe(32);
    expect(layouts.NDIS_TAPI_SET_CALL_PARAMS.x86.offsets.LineDialParams).toBe(24);
    expect(layouts.NDIS_TAPI_GET_ID.x64.offsets.DeviceID).toBe(44);
    expect(layouts.NDIS_TAPI_GET_ID.x64.size).toBe(72);
    expect(layouts.NDIS_TAPI_GET_ID.x86.size).toBe(52);
    expect(layouts.NDIS_TAPI_GET_ADDRESS_STATUS.x64.size).toBe(88);
    expect(layouts.NDIS_TAPI_GET_ADDRESS_STATUS.x86.size).toBe(76);
    // A trailing UCHAR X[1] takes one byte, then sizeof rounds up to the alignment.
    expect(layouts.NDIS_TAPI_ACCEPT.x64).toEqual({ size: 24, offsets: { ulRequestID: 0, hdCall: 8, ulUserUserInfoSize: 16, UserUserInfo: 20 } });
    expect(layouts.NDIS_TAPI_ACCEPT.x86).toEqual({ size: 16, offsets: { ulRequestID: 0, hdCall: 4, ulUserUserInfoSize: 8, UserUserInfo: 12 } });
    // USHORT then NDIS_HANDLE.
    expect(layouts.NDIS_MAC_LINE_UP.x64.offsets.ConnectionWrapperID).toBe(16);
    expect(layouts.NDIS_MAC_LINE_UP.x86.offsets.ConnectionWrapperID).toBe(12);
  });
});

describe('layouts against ndis-tapi.md §2.5 (LINE_* structures, the same on both ABIs)', () => {
  test('the transcribed table covers LINE_CALL_INFO, LINE_DEV_CAPS and LINE_CALL_PARAMS', () => {
    expect(LINE_STRUCTS.LINE_CALL_INFO?.size).toBe(296);
    expect(LINE_STRUCTS.LINE_DEV_CAPS?.size).toBe(236);
    expect(LINE_STRUCTS.LINE_CALL_PARAMS?.size).toBe(112);
    expect(Object.keys(LINE_STRUCTS)).toHaveLength(10);
  });

  test.each(LINE_CASES)('%s on %s: sizeof and every member offset', (name, abi) => {
    const want = LINE_STRUCTS[name]!;
    const got = layouts[structName(name)][abi];
    expect(got.size).toBe(want.size);
    expect(got.offsets).toEqual(want.offsets);
    expect(Object.keys(got.offsets)).toEqual(Object.keys(want.offsets));
  });

  test('LINE_CALL_INFO.hLine is a plain 4-byte ULONG, not a handle', () => {
    for (const abi of ABIS) {
      const hLine = layoutOf('LINE_CALL_INFO', abi).fields.find((f) => f.name === 'hLine');
      expect(hLine).toMatchObject({ offset: 12, size: 4, cType: 'ULONG', primitive: 'u32' });
    }
  });

  test('embedded LINE_DIAL_PARAMS members are structures of 16 bytes', () => {
    const caps = layoutOf('LINE_DEV_CAPS', 'x64').fields.filter((f) => f.kind === 'struct');
    expect(caps.map((f) => [f.name, f.offset, f.size, f.struct])).toEqual([
      ['MinDialParams', 156, 16, 'LINE_DIAL_PARAMS'],
      ['MaxDialParams', 172, 16, 'LINE_DIAL_PARAMS'],
      ['DefaultDialParams', 188, 16, 'LINE_DIAL_PARAMS'],
    ]);
  });
});

describe('layout variants (ndis-tapi.md §2.4)', () => {
  test('the wdk table is the default `layouts` table', () => {
    expect(variantLayouts.wdk).toBe(layouts);
  });

  test('ddk NDIS_TAPI_EVENT on x64: ULONG params packed after ulMsg, sizeof 32', () => {
    expect(variantLayouts.ddk.NDIS_TAPI_EVENT.x64).toEqual({
      size: 32,
      offsets: { htLine: 0, htCall: 8, ulMsg: 16, ulParam1: 20, ulParam2: 24, ulParam3: 28 },
    });
    const params = layoutOf('NDIS_TAPI_EVENT', 'x64', 'ddk').fields.filter((f) => f.name.startsWith('ulParam'));
    expect(params.map((f) => [f.cType, f.size, f.primitive])).toEqual([
      ['ULONG', 4, 'u32'],
      ['ULONG', 4, 'u32'],
      ['ULONG', 4, 'u32'],
    ]);
  });

  test('ddk NDIS_TAPI_PROVIDER_INITIALIZE on x64: ULONG ulProviderID at 12, sizeof 16', () => {
    expect(variantLayouts.ddk.NDIS_TAPI_PROVIDER_INITIALIZE.x64).toEqual({
      size: 16,
      offsets: { ulRequestID: 0, ulDeviceIDBase: 4, ulNumLineDevs: 8, ulProviderID: 12 },
    });
  });

  test('the wdk variant keeps ULONG_PTR for those members on x64', () => {
    const wdk = layoutOf('NDIS_TAPI_PROVIDER_INITIALIZE', 'x64', 'wdk').fields.find((f) => f.name === 'ulProviderID');
    expect(wdk).toMatchObject({ cType: 'ULONG_PTR', size: 8, offset: 16, primitive: 'ptr' });
  });

  test.each(STRUCT_NAMES)('%s: ddk and wdk agree on x86', (name) => {
    expect(variantLayouts.ddk[name].x86).toEqual(variantLayouts.wdk[name].x86);
    // The member's C type may differ (ULONG vs ULONG_PTR, both 4 bytes on x86); where it sits does not.
    const bytesOf = (variant: 'wdk' | 'ddk'): Array<[string, number, number, number]> =>
      layoutOf(name, 'x86', variant).fields.map((f) => [f.name, f.offset, f.size, f.align]);
    expect(bytesOf('ddk')).toEqual(bytesOf('wdk'));
    expect(layoutOf(name, 'x86', 'ddk').size).toBe(layoutOf(name, 'x86', 'wdk').size);
  });

  test('on x64 the variants differ in exactly NDIS_TAPI_EVENT and NDIS_TAPI_PROVIDER_INITIALIZE', () => {
    const differing = STRUCT_NAMES.filter(
      (name) => JSON.stringify(variantLayouts.ddk[name].x64) !== JSON.stringify(variantLayouts.wdk[name].x64),
    );
    expect(differing.sort()).toEqual(['NDIS_TAPI_EVENT', 'NDIS_TAPI_PROVIDER_INITIALIZE']);
  });
});

describe('layoutOf', () => {
  test('the layouts table holds layoutOf for every structure, ABI and variant', () => {
    for (const variant of ['wdk', 'ddk'] as const) {
      for (const name of STRUCT_NAMES) {
        for (const abi of ABIS) {
          const l = layoutOf(name, abi, variant);
          expect(variantLayouts[variant][name][abi]).toEqual({ size: l.size, offsets: l.offsets });
          expect(l).toMatchObject({ name, abi, variant });
        }
      }
    }
  });

  test('LINE_DEV_CAPS variable parts are the Size/Offset pairs, not ulTerminalTextEntrySize', () => {
    const parts = layoutOf('LINE_DEV_CAPS', 'x64').varParts;
    expect(parts.map((p) => p.name)).toEqual(['ProviderInfo', 'SwitchInfo', 'LineName', 'TerminalCaps', 'TerminalText', 'DevSpecific']);
    expect(parts.map((p) => p.name)).not.toContain('TerminalTextEntry');
    expect(parts.find((p) => p.name === 'TerminalText')).toEqual({
      name: 'TerminalText',
      sizeField: 'ulTerminalTextSize',
      offsetField: 'ulTerminalTextOffset',
    });
    // ulUUIAcceptSize and friends have no Offset partner: plain members.
    expect(parts.some((p) => p.name.startsWith('UUI'))).toBe(false);
    expect(layoutOf('LINE_DEV_CAPS', 'x86').varParts).toEqual(parts);
  });

  test('LINE_ADDRESS_CAPS variable parts leave out ulCompletionMsgTextEntrySize', () => {
    expect(layoutOf('LINE_ADDRESS_CAPS', 'x64').varParts.map((p) => p.name)).toEqual(['Address', 'DevSpecific', 'CompletionMsgText']);
  });

  test('structures ending in X[1] name the member holding the real length', () => {
    expect(layoutOf('NDIS_TAPI_ACCEPT', 'x64').trailing).toMatchObject({
      name: 'UserUserInfo',
      kind: 'bytes',
      offset: 20,
      size: 1,
      lengthField: 'ulUserUserInfoSize',
    });
    expect(layoutOf('CO_AF_TAPI_SAP', 'x86').trailing).toMatchObject({
      name: 'NdisSapParams',
      kind: 'structs',
      struct: 'NDIS_VAR_DATA_DESC',
      offset: 20,
      size: 8,
      lengthField: 'NumberOfSaps',
    });
    expect(layoutOf('NDIS_TAPI_OPEN', 'x64').trailing).toBeUndefined();
  });

  test('`variable` marks structures carrying data beyond their fixed part, nested ones included', () => {
    expect(layoutOf('NDIS_TAPI_OPEN', 'x64').variable).toBe(false);
    expect(layoutOf('LINE_DIAL_PARAMS', 'x64').variable).toBe(false);
    expect(layoutOf('NDIS_TAPI_SET_CALL_PARAMS', 'x64').variable).toBe(false);
    expect(layoutOf('NDIS_TAPI_ACCEPT', 'x64').variable).toBe(true);
    expect(layoutOf('VAR_STRING', 'x64').variable).toBe(true);
    // No variable part of its own, but it embeds LINE_DEV_CAPS.
    expect(layoutOf('CO_TAPI_LINE_CAPS', 'x64').varParts).toEqual([]);
    expect(layoutOf('CO_TAPI_LINE_CAPS', 'x64').variable).toBe(true);
  });
});
