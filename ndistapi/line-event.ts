/**
 * What NdisTapi passes up to the TAPI layer (the TSPI-level line events), with NDISTAPI's own
 * handles: htLine and htCall. Built from the miniport's indications after the shim has done
 * its part (htCall allocated for LINE_NEWCALL, NdisLinkContext for a line-up).
 */
export type LineEvent =
  /** LINE_NEWCALL: a new incoming call; `hdCall` is the miniport's handle. */
  | { readonly type: 'newCall'; readonly htLine: number; readonly htCall: number; readonly hdCall: number }
  /** LINE_CALLSTATE. */
  | { readonly type: 'callState'; readonly htLine: number; readonly htCall: number; readonly state: number; readonly mode: number; readonly mediaMode: number }
  /** LINE_CALLINFO: LINECALLINFOSTATE_* bits that changed. */
  | { readonly type: 'callInfo'; readonly htLine: number; readonly htCall: number; readonly changed: number }
  /** LINE_LINEDEVSTATE. */
  | { readonly type: 'lineDevState'; readonly htLine: number; readonly state: number; readonly param2: number; readonly param3: number }
  /** LINE_ADDRESSSTATE. */
  | { readonly type: 'addressState'; readonly htLine: number; readonly addressId: number; readonly state: number }
  /** LINE_CLOSE: the miniport asks for the line to be closed. */
  | { readonly type: 'lineClose'; readonly htLine: number }
  /** Any other message (LINE_DEVSPECIFIC, LINE_CALLDEVSPECIFIC, ...), passed through. */
  | { readonly type: 'other'; readonly htLine: number; readonly htCall: number; readonly msg: number; readonly param1: number; readonly param2: number; readonly param3: number }
  /** NDIS_STATUS_WAN_LINE_UP: the call's data link is up. */
  | { readonly type: 'lineUp'; readonly htCall: number; readonly linkContext: number; readonly linkSpeed: number }
  /** NDIS_STATUS_WAN_LINE_DOWN. */
  | { readonly type: 'lineDown'; readonly htCall: number; readonly linkContext: number };
