import { tapiLayout } from '../../tapi/tapi-layout.js';
import { TAPI_STRUCT_NAMES, TAPI_STRUCTURES, type TapiVarStructName } from '../../tapi/tapi-structures.js';

/*
 * The wire layouts of the TAPI structures against ms-trp.md §6, which gives their byte offsets
 * (computed there from tapi.h's member order; all members DWORDs on the MS-TRP wire) and their
 * fixed sizes per negotiated API version. test/conformance/tapi-structures.test.ts checks the
 * same layouts against tapi.h itself, compiled for x86.
 */

/** ms-trp.md §6.1 to §6.4: member → offset, copied from the reference. */
const REFERENCE: Readonly<Record<string, Readonly<Record<string, number>>>> = {
  LINECALLINFO: {
    dwTotalSize: 0, dwNeededSize: 4, dwUsedSize: 8, hLine: 12, dwLineDeviceID: 16, dwAddressID: 20, dwBearerMode: 24, dwRate: 28,
    dwMediaMode: 32, dwAppSpecific: 36, dwCallID: 40, dwRelatedCallID: 44, dwCallParamFlags: 48, dwCallStates: 52,
    dwMonitorDigitModes: 56, dwMonitorMediaModes: 60, 'DialParams.dwDialPause': 64, 'DialParams.dwDialSpeed': 68,
    'DialParams.dwDigitDuration': 72, 'DialParams.dwWaitForDialtone': 76, dwOrigin: 80, dwReason: 84, dwCompletionID: 88,
    dwNumOwners: 92, dwNumMonitors: 96, dwCountryCode: 100, dwTrunk: 104, dwCallerIDFlags: 108, dwCallerIDSize: 112,
    dwCallerIDOffset: 116, dwCallerIDNameSize: 120, dwCallerIDNameOffset: 124, dwCalledIDFlags: 128, dwCalledIDSize: 132,
    dwCalledIDOffset: 136, dwCalledIDNameSize: 140, dwCalledIDNameOffset: 144, dwConnectedIDFlags: 148, dwConnectedIDSize: 152,
    dwConnectedIDOffset: 156, dwConnectedIDNameSize: 160, dwConnectedIDNameOffset: 164, dwRedirectionIDFlags: 168,
    dwRedirectionIDSize: 172, dwRedirectionIDOffset: 176, dwRedirectionIDNameSize: 180, dwRedirectionIDNameOffset: 184,
    dwRedirectingIDFlags: 188, dwRedirectingIDSize: 192, dwRedirectingIDOffset: 196, dwRedirectingIDNameSize: 200,
    dwRedirectingIDNameOffset: 204, dwAppNameSize: 208, dwAppNameOffset: 212, dwDisplayableAddressSize: 216,
    dwDisplayableAddressOffset: 220, dwCalledPartySize: 224, dwCalledPartyOffset: 228, dwCommentSize: 232, dwCommentOffset: 236,
    dwDisplaySize: 240, dwDisplayOffset: 244, dwUserUserInfoSize: 248, dwUserUserInfoOffset: 252, dwHighLevelCompSize: 256,
    dwHighLevelCompOffset: 260, dwLowLevelCompSize: 264, dwLowLevelCompOffset: 268, dwChargingInfoSize: 272,
    dwChargingInfoOffset: 276, dwTerminalModesSize: 280, dwTerminalModesOffset: 284, dwDevSpecificSize: 288,
    dwDevSpecificOffset: 292, dwCallTreatment: 296, dwCallDataSize: 300, dwCallDataOffset: 304, dwSendingFlowspecSize: 308,
    dwSendingFlowspecOffset: 312, dwReceivingFlowspecSize: 316, dwReceivingFlowspecOffset: 320, dwCallerIDAddressType: 324,
    dwCalledIDAddressType: 328, dwConnectedIDAddressType: 332, dwRedirectionIDAddressType: 336, dwRedirectingIDAddressType: 340,
  },
  LINECALLSTATUS: {
    dwTotalSize: 0, dwNeededSize: 4, dwUsedSize: 8, dwCallState: 12, dwCallStateMode: 16, dwCallPrivilege: 20, dwCallFeatures: 24,
    dwDevSpecificSize: 28, dwDevSpecificOffset: 32, dwCallFeatures2: 36, 'tStateEntryTime.wYear': 40,
  },
  LINEDEVCAPS: {
    dwTotalSize: 0, dwNeededSize: 4, dwUsedSize: 8, dwProviderInfoSize: 12, dwProviderInfoOffset: 16, dwSwitchInfoSize: 20,
    dwSwitchInfoOffset: 24, dwPermanentLineID: 28, dwLineNameSize: 32, dwLineNameOffset: 36, dwStringFormat: 40, dwAddressModes: 44,
    dwNumAddresses: 48, dwBearerModes: 52, dwMaxRate: 56, dwMediaModes: 60, dwGenerateToneModes: 64, dwGenerateToneMaxNumFreq: 68,
    dwGenerateDigitModes: 72, dwMonitorToneMaxNumFreq: 76, dwMonitorToneMaxNumEntries: 80, dwMonitorDigitModes: 84,
    dwGatherDigitsMinTimeout: 88, dwGatherDigitsMaxTimeout: 92, dwMedCtlDigitMaxListSize: 96, dwMedCtlMediaMaxListSize: 100,
    dwMedCtlToneMaxListSize: 104, dwMedCtlCallStateMaxListSize: 108, dwDevCapFlags: 112, dwMaxNumActiveCalls: 116, dwAnswerMode: 120,
    dwRingModes: 124, dwLineStates: 128, dwUUIAcceptSize: 132, dwUUIAnswerSize: 136, dwUUIMakeCallSize: 140, dwUUIDropSize: 144,
    dwUUISendUserUserInfoSize: 148, dwUUICallInfoSize: 152, 'MinDialParams.dwDialPause': 156, 'MaxDialParams.dwDialPause': 172,
    'DefaultDialParams.dwDialPause': 188, dwNumTerminals: 204, dwTerminalCapsSize: 208, dwTerminalCapsOffset: 212,
    dwTerminalTextEntrySize: 216, dwTerminalTextSize: 220, dwTerminalTextOffset: 224, dwDevSpecificSize: 228, dwDevSpecificOffset: 232,
    dwLineFeatures: 236, dwSettableDevStatus: 240, dwDeviceClassesSize: 244, dwDeviceClassesOffset: 248, PermanentLineGuid: 252,
    dwAddressTypes: 268, ProtocolGuid: 272, dwAvailableTracking: 288,
  },
  VARSTRING: { dwTotalSize: 0, dwNeededSize: 4, dwUsedSize: 8, dwStringFormat: 12, dwStringSize: 16, dwStringOffset: 20 },
};

describe('TAPI structure layouts (ms-trp.md §6)', () => {
  test.each(Object.keys(REFERENCE))('%s has the reference offsets', (name) => {
    const l = tapiLayout(name as keyof typeof TAPI_STRUCTURES);
    for (const [member, offset] of Object.entries(REFERENCE[name]!)) expect([member, l.offsets[member]]).toEqual([member, offset]);
  });

  const sizes: readonly (readonly [TapiVarStructName, number, number])[] = [
    // [structure, API version, fixed size]: ms-trp.md §6.1 (296 / 324 / 344), §6.2 (36 / 56), §6.3 (2.0+ at 240, 2.2+ at 252, 3.0+ at 268,
    // full 292; dwLineFeatures at 236 from 1.4 on, as ddk/ndistapi.h gates ulLineFeatures), §6.4 (24), §6.6 (LINEADDRESSCAPS 228 for
    // 3.x; 176 / 180 by ndistapi.h's gates on ulAddressFeatures and the 2.0 members of LINE_ADDRESS_CAPS).
    ['LINECALLINFO', 0x0001_0003, 296], ['LINECALLINFO', 0x0001_0004, 296], ['LINECALLINFO', 0x0002_0000, 324], ['LINECALLINFO', 0x0002_0002, 324], ['LINECALLINFO', 0x0003_0000, 344],
    ['LINECALLSTATUS', 0x0001_0004, 36], ['LINECALLSTATUS', 0x0002_0000, 56], ['LINECALLSTATUS', 0x0003_0000, 56],
    ['LINEDEVCAPS', 0x0001_0003, 236], ['LINEDEVCAPS', 0x0001_0004, 240], ['LINEDEVCAPS', 0x0002_0000, 252], ['LINEDEVCAPS', 0x0002_0001, 252], ['LINEDEVCAPS', 0x0002_0002, 268], ['LINEDEVCAPS', 0x0003_0000, 292],
    ['LINEADDRESSCAPS', 0x0001_0003, 176], ['LINEADDRESSCAPS', 0x0001_0004, 180], ['LINEADDRESSCAPS', 0x0002_0000, 228], ['LINEADDRESSCAPS', 0x0003_0000, 228],
    ['VARSTRING', 0x0001_0003, 24], ['VARSTRING', 0x0003_0000, 24],
  ];
  test.each(sizes.map(([n, v, z]) => [n, `0x${v.toString(16).padStart(8, '0')}`, z] as const))('%s negotiated at %s: fixed size %d', (name, version, size) => {
    expect(tapiLayout(name).fixedSize(Number(version))).toBe(size);
  });

  it('finds the variable parts by their dwXxxSize / dwXxxOffset pairs, and no others', () => {
    expect(tapiLayout('VARSTRING').varParts).toEqual([{ name: 'String', sizeField: 'dwStringSize', offsetField: 'dwStringOffset', since: 0 }]);
    const devCaps = tapiLayout('LINEDEVCAPS').varParts.map((p) => p.name);
    expect(devCaps).toEqual(['ProviderInfo', 'SwitchInfo', 'LineName', 'TerminalCaps', 'TerminalText', 'DevSpecific', 'DeviceClasses']);
    // dwTerminalTextEntrySize has no offset: not a part.
    expect(devCaps).not.toContain('TerminalTextEntry');
    expect(tapiLayout('LINECALLINFO').varParts.find((p) => p.name === 'CallData')?.since).toBe(0x0002_0000);
  });

  it('every structure is laid out without gaps: the full size is the sum of its members', () => {
    for (const name of TAPI_STRUCT_NAMES) {
      const l = tapiLayout(name);
      const sum = Object.values(l.widths).reduce((a, b) => a + b, 0);
      expect([name, sum]).toEqual([name, l.size]);
    }
  });
});
