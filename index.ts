/** wanemu: an emulator of an NDIS WAN miniport and of the Windows telephony stack above it. */
export * from './oid/index.js';

export type { ByteCounts, Completion, Miniport, StatusIndication } from './miniport/miniport.js';
export { SimulatedMiniport, SIMULATED_OIDS, type SimulatedCallView } from './miniport/simulated-miniport.js';
export { DEFAULT_CONFIG, type OutgoingOutcome, type SimulatedMiniportConfig, type SimulatedMiniportOptions } from './miniport/sim-config.js';
export { CompletionPolicies, type CompletionPolicy } from './miniport/completion-policy.js';
export { RemoteParty, type OfferOptions, type OfferResult, type RemoteRefusal } from './miniport/remote-party.js';
export { CALL_TRANSITIONS, nextCallState, type CallEvent } from './miniport/call-state-table.js';

export { NdisTapi, type RequestResult, type ShimCall, type ShimLine } from './ndistapi/ndis-tapi.js';
export { NdisTapiClient, type TypedResult } from './ndistapi/ndis-tapi-client.js';
export type { Exchange, RequestOutcome } from './ndistapi/exchange.js';
export type { LineEvent } from './ndistapi/line-event.js';
export { ExchangeFormatter } from './ndistapi/exchange-text.js';
export { Verifier } from './ndistapi/verifier/verifier.js';
export { RULES, type Rule, type RuleId } from './ndistapi/verifier/rules.js';
export type { ExchangeRecord, Violation } from './ndistapi/verifier/violation.js';

export type { Clock, Timer } from './sim/clock.js';
export { VirtualClock } from './sim/virtual-clock.js';
export { RealClock } from './sim/real-clock.js';
export { runDemo, type DemoResult } from './sim/demo.js';
