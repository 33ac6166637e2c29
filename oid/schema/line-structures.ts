import { m, s, ulongs } from './members.js';

/*
 * The LINE_* and VAR_STRING data structures ddk/ndistapi.h defines, as compiled with
 * NDIS_TAPI_CURRENT_VERSION 0x00010003 (the build switch for NDIS WAN miniports), so none
 * of the TAPI 2.x/3.x extension members are present. Only ULONG members: the layout is the
 * same on x86 and x64. Member order is the header's.
 */
const H = 'ddk/ndistapi.h';

export const LINE_STRUCTURES = {
  NDIS_VAR_DATA_DESC: {
    header: H,
    fields: [m('USHORT', 'Length'), m('USHORT', 'MaximumLength'), m('LONG', 'Offset')],
  },
  LINE_DIAL_PARAMS: {
    header: H,
    fields: [...ulongs('ulDialPause', 'ulDialSpeed', 'ulDigitDuration', 'ulWaitForDialtone')],
  },
  LINE_ADDRESS_CAPS: {
    header: H,
    fields: [
      ...ulongs(
        'ulTotalSize', 'ulNeededSize', 'ulUsedSize', 'ulLineDeviceID', 'ulAddressSize', 'ulAddressOffset',
        'ulDevSpecificSize', 'ulDevSpecificOffset', 'ulAddressSharing', 'ulAddressStates', 'ulCallInfoStates',
        'ulCallerIDFlags', 'ulCalledIDFlags', 'ulConnectedIDFlags', 'ulRedirectionIDFlags', 'ulRedirectingIDFlags',
        'ulCallStates', 'ulDialToneModes', 'ulBusyModes', 'ulSpecialInfo', 'ulDisconnectModes',
        'ulMaxNumActiveCalls', 'ulMaxNumOnHoldCalls', 'ulMaxNumOnHoldPendingCalls', 'ulMaxNumConference',
        'ulMaxNumTransConf', 'ulAddrCapFlags', 'ulCallFeatures', 'ulRemoveFromConfCaps', 'ulRemoveFromConfState',
        'ulTransferModes', 'ulParkModes', 'ulForwardModes', 'ulMaxForwardEntries', 'ulMaxSpecificEntries',
        'ulMinFwdNumRings', 'ulMaxFwdNumRings', 'ulMaxCallCompletions', 'ulCallCompletionConds',
        'ulCallCompletionModes', 'ulNumCompletionMessages', 'ulCompletionMsgTextEntrySize',
        'ulCompletionMsgTextSize', 'ulCompletionMsgTextOffset',
      ),
    ],
  },
  LINE_ADDRESS_STATUS: {
    header: H,
    fields: [
      ...ulongs(
        'ulTotalSize', 'ulNeededSize', 'ulUsedSize', 'ulNumInUse', 'ulNumActiveCalls', 'ulNumOnHoldCalls',
        'ulNumOnHoldPendCalls', 'ulAddressFeatures', 'ulNumRingsNoAnswer', 'ulForwardNumEntries', 'ulForwardSize',
        'ulForwardOffset', 'ulTerminalModesSize', 'ulTerminalModesOffset', 'ulDevSpecificSize', 'ulDevSpecificOffset',
      ),
    ],
  },
  LINE_CALL_INFO: {
    header: H,
    fields: [
      ...ulongs(
        'ulTotalSize', 'ulNeededSize', 'ulUsedSize', 'hLine', 'ulLineDeviceID', 'ulAddressID', 'ulBearerMode',
        'ulRate', 'ulMediaMode', 'ulAppSpecific', 'ulCallID', 'ulRelatedCallID', 'ulCallParamFlags', 'ulCallStates',
        'ulMonitorDigitModes', 'ulMonitorMediaModes',
      ),
      s('LINE_DIAL_PARAMS', 'DialParams'),
      ...ulongs(
        'ulOrigin', 'ulReason', 'ulCompletionID', 'ulNumOwners', 'ulNumMonitors', 'ulCountryCode', 'ulTrunk',
        'ulCallerIDFlags', 'ulCallerIDSize', 'ulCallerIDOffset', 'ulCallerIDNameSize', 'ulCallerIDNameOffset',
        'ulCalledIDFlags', 'ulCalledIDSize', 'ulCalledIDOffset', 'ulCalledIDNameSize', 'ulCalledIDNameOffset',
        'ulConnectedIDFlags', 'ulConnectedIDSize', 'ulConnectedIDOffset', 'ulConnectedIDNameSize',
        'ulConnectedIDNameOffset', 'ulRedirectionIDFlags', 'ulRedirectionIDSize', 'ulRedirectionIDOffset',
        'ulRedirectionIDNameSize', 'ulRedirectionIDNameOffset', 'ulRedirectingIDFlags', 'ulRedirectingIDSize',
        'ulRedirectingIDOffset', 'ulRedirectingIDNameSize', 'ulRedirectingIDNameOffset', 'ulAppNameSize',
        'ulAppNameOffset', 'ulDisplayableAddressSize', 'ulDisplayableAddressOffset', 'ulCalledPartySize',
        'ulCalledPartyOffset', 'ulCommentSize', 'ulCommentOffset', 'ulDisplaySize', 'ulDisplayOffset',
        'ulUserUserInfoSize', 'ulUserUserInfoOffset', 'ulHighLevelCompSize', 'ulHighLevelCompOffset',
        'ulLowLevelCompSize', 'ulLowLevelCompOffset', 'ulChargingInfoSize', 'ulChargingInfoOffset',
        'ulTerminalModesSize', 'ulTerminalModesOffset', 'ulDevSpecificSize', 'ulDevSpecificOffset',
      ),
    ],
  },
  LINE_CALL_PARAMS: {
    header: H,
    fields: [
      ...ulongs(
        'ulTotalSize', 'ulBearerMode', 'ulMinRate', 'ulMaxRate', 'ulMediaMode', 'ulCallParamFlags', 'ulAddressMode',
        'ulAddressID',
      ),
      s('LINE_DIAL_PARAMS', 'DialParams'),
      ...ulongs(
        'ulOrigAddressSize', 'ulOrigAddressOffset', 'ulDisplayableAddressSize', 'ulDisplayableAddressOffset',
        'ulCalledPartySize', 'ulCalledPartyOffset', 'ulCommentSize', 'ulCommentOffset', 'ulUserUserInfoSize',
        'ulUserUserInfoOffset', 'ulHighLevelCompSize', 'ulHighLevelCompOffset', 'ulLowLevelCompSize',
        'ulLowLevelCompOffset', 'ulDevSpecificSize', 'ulDevSpecificOffset',
      ),
    ],
  },
  LINE_CALL_STATUS: {
    header: H,
    fields: [
      ...ulongs(
        'ulTotalSize', 'ulNeededSize', 'ulUsedSize', 'ulCallState', 'ulCallStateMode', 'ulCallPrivilege',
        'ulCallFeatures', 'ulDevSpecificSize', 'ulDevSpecificOffset',
      ),
    ],
  },
  LINE_DEV_CAPS: {
    header: H,
    fields: [
      ...ulongs(
        'ulTotalSize', 'ulNeededSize', 'ulUsedSize', 'ulProviderInfoSize', 'ulProviderInfoOffset', 'ulSwitchInfoSize',
        'ulSwitchInfoOffset', 'ulPermanentLineID', 'ulLineNameSize', 'ulLineNameOffset', 'ulStringFormat',
        'ulAddressModes', 'ulNumAddresses', 'ulBearerModes', 'ulMaxRate', 'ulMediaModes', 'ulGenerateToneModes',
        'ulGenerateToneMaxNumFreq', 'ulGenerateDigitModes', 'ulMonitorToneMaxNumFreq', 'ulMonitorToneMaxNumEntries',
        'ulMonitorDigitModes', 'ulGatherDigitsMinTimeout', 'ulGatherDigitsMaxTimeout', 'ulMedCtlDigitMaxListSize',
        'ulMedCtlMediaMaxListSize', 'ulMedCtlToneMaxListSize', 'ulMedCtlCallStateMaxListSize', 'ulDevCapFlags',
        'ulMaxNumActiveCalls', 'ulAnswerMode', 'ulRingModes', 'ulLineStates', 'ulUUIAcceptSize', 'ulUUIAnswerSize',
        'ulUUIMakeCallSize', 'ulUUIDropSize', 'ulUUISendUserUserInfoSize', 'ulUUICallInfoSize',
      ),
      s('LINE_DIAL_PARAMS', 'MinDialParams'),
      s('LINE_DIAL_PARAMS', 'MaxDialParams'),
      s('LINE_DIAL_PARAMS', 'DefaultDialParams'),
      ...ulongs(
        'ulNumTerminals', 'ulTerminalCapsSize', 'ulTerminalCapsOffset', 'ulTerminalTextEntrySize',
        'ulTerminalTextSize', 'ulTerminalTextOffset', 'ulDevSpecificSize', 'ulDevSpecificOffset',
      ),
    ],
  },
  LINE_DEV_STATUS: {
    header: H,
    fields: [
      ...ulongs(
        'ulTotalSize', 'ulNeededSize', 'ulUsedSize', 'ulNumOpens', 'ulOpenMediaModes', 'ulNumActiveCalls',
        'ulNumOnHoldCalls', 'ulNumOnHoldPendCalls', 'ulLineFeatures', 'ulNumCallCompletions', 'ulRingMode',
        'ulSignalLevel', 'ulBatteryLevel', 'ulRoamMode', 'ulDevStatusFlags', 'ulTerminalModesSize',
        'ulTerminalModesOffset', 'ulDevSpecificSize', 'ulDevSpecificOffset',
      ),
    ],
  },
  LINE_EXTENSION_ID: {
    header: H,
    fields: [...ulongs('ulExtensionID0', 'ulExtensionID1', 'ulExtensionID2', 'ulExtensionID3')],
  },
  VAR_STRING: {
    header: H,
    fields: [
      ...ulongs('ulTotalSize', 'ulNeededSize', 'ulUsedSize', 'ulStringFormat', 'ulStringSize', 'ulStringOffset'),
    ],
  },
} as const;
