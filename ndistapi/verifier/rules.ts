/** One rule of the miniport contract the verifier checks. */
export interface Rule {
  /** Stable id, used to relax the rule and in violation records. */
  readonly id: RuleId;
  /** The rule in one line. */
  readonly statement: string;
  /** Where it is written: the section of ../shared/reference/ndis-tapi.md and its primary sources. */
  readonly source: string;
}

export type RuleId =
  | 'NEWCALL_FIELDS'
  | 'NEWCALL_ON_DETECTING_LINE'
  | 'NEWCALL_HDCALL_UNIQUE'
  | 'EVENT_UNKNOWN_LINE'
  | 'EVENT_UNKNOWN_CALL'
  | 'EVENT_AFTER_IDLE'
  | 'CALLSTATE_ONE_STATE'
  | 'OFFERING_MEDIA_MODE'
  | 'CONNECTED_AFTER_LINE_UP'
  | 'LINE_UP_FOR_LIVE_CALL'
  | 'LINE_DOWN_KNOWN_LINK'
  | 'COMPLETION_ONCE'
  | 'COMPLETION_NOT_PENDING'
  | 'COMPLETION_MATCHES_REQUEST'
  | 'REQUEST_BEFORE_INITIALIZE'
  | 'ONE_REQUEST_AT_A_TIME'
  | 'CLOSE_CANNOT_FAIL'
  | 'DROP_LEAVES_IDLE'
  | 'MAKE_CALL_HDCALL'
  | 'GET_ID_NDIS_LINK_CONTEXT';

const rule = (id: RuleId, statement: string, source: string): Rule => ({ id, statement, source });

/** Every rule, strict by default. */
export const RULES: readonly Rule[] = [
  rule('NEWCALL_FIELDS', 'LINE_NEWCALL carries the miniport\'s hdCall in ulParam1 and 0 in htCall, ulParam2 and ulParam3.', 'ndis-tapi.md §5 (LINE_NEWCALL details); WDK NDIS_TAPI_EVENT; Network guide 6.9'),
  rule('NEWCALL_ON_DETECTING_LINE', 'LINE_NEWCALL comes only on an open line whose default media detection was set.', 'ndis-tapi.md §5, §6.3; OID_TAPI_SET_DEFAULT_MEDIA_DETECTION'),
  rule('NEWCALL_HDCALL_UNIQUE', 'A new call\'s hdCall is not the handle of a call the miniport still holds.', 'ndis-tapi.md §6.6 step 1, §6.7 (hdCall is a unique call context)'),
  rule('EVENT_UNKNOWN_LINE', 'Every NDIS_TAPI_EVENT names in htLine a line NDISTAPI opened and has not closed.', 'ndis-tapi.md §5 (htLine from OID_TAPI_OPEN), §6.11'),
  rule('EVENT_UNKNOWN_CALL', 'No call event names an htCall NDISTAPI does not know or has closed.', 'ndis-tapi.md §5, §6.10, §11.11'),
  rule('EVENT_AFTER_IDLE', 'After LINECALLSTATE_IDLE nothing more is indicated for the call; only CLOSE_CALL follows.', 'ndis-tapi.md §7.6; TSPI LINE_CALLINFO'),
  rule('CALLSTATE_ONE_STATE', 'ulParam1 of LINE_CALLSTATE is exactly one LINECALLSTATE_* value.', 'ndis-tapi.md §5 (LINE_CALLSTATE)'),
  rule('OFFERING_MEDIA_MODE', 'OFFERING carries in ulParam3 a media mode the line detects.', 'ndis-tapi.md §5, §6.6 step 2'),
  rule('CONNECTED_AFTER_LINE_UP', 'LINECALLSTATE_CONNECTED is indicated only after the call\'s NDIS_STATUS_WAN_LINE_UP.', 'ndis-tapi.md §8 (ordering), §11.10'),
  rule('LINE_UP_FOR_LIVE_CALL', 'A line-up\'s ConnectionWrapperID is the htCall of a known call that is not idle.', 'ndis-tapi.md §8, §11.9'),
  rule('LINE_DOWN_KNOWN_LINK', 'A line-down names the NdisLinkContext of a link that is up.', 'ndis-tapi.md §8'),
  rule('COMPLETION_ONCE', 'A pended request completes exactly once; a request answered at once never completes.', 'ndis-tapi.md §9'),
  rule('COMPLETION_NOT_PENDING', 'A completion never carries NDIS_STATUS_PENDING.', 'ndis-tapi.md §9; NdisMQueryInformationComplete'),
  rule('COMPLETION_MATCHES_REQUEST', 'A completion is for the OID and kind (query or set) of the pended request.', 'ndis-tapi.md §9'),
  rule('REQUEST_BEFORE_INITIALIZE', 'No OID_TAPI_* request but PROVIDER_INITIALIZE comes before it succeeds or after PROVIDER_SHUTDOWN.', 'ndis-tapi.md §0 steps 4-5, §6.1, §6.12'),
  rule('ONE_REQUEST_AT_A_TIME', 'NDIS hands the miniport one request at a time: none while another is pending.', 'ndis-tapi.md §9, §11.13'),
  rule('CLOSE_CANNOT_FAIL', 'OID_TAPI_CLOSE_CALL and OID_TAPI_CLOSE on valid handles succeed.', 'ndis-tapi.md §6.10, §6.11, §11.11'),
  rule('DROP_LEAVES_IDLE', 'When OID_TAPI_DROP succeeds the call has been indicated IDLE.', 'ndis-tapi.md §6.9'),
  rule('MAKE_CALL_HDCALL', 'A successful OID_TAPI_MAKE_CALL returns a nonzero hdCall no live call holds.', 'ndis-tapi.md §6.7'),
  rule('GET_ID_NDIS_LINK_CONTEXT', 'OID_TAPI_GET_ID "ndis" for a call returns the NdisLinkContext of the call\'s line-up.', 'ndis-tapi.md §6.8, §8'),
];

export const RULES_BY_ID: ReadonlyMap<RuleId, Rule> = new Map(RULES.map((r) => [r.id, r]));
