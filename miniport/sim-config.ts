import {
  LINEBEARERMODE_DATA,
  LINEBEARERMODE_VOICE,
  LINECALLSTATE_DIALING,
  LINECALLSTATE_PROCEEDING,
  LINECALLSTATE_RINGBACK,
  LINEMEDIAMODE_DIGITALDATA,
  LINEMEDIAMODE_INTERACTIVEVOICE,
  LINEMEDIAMODE_UNKNOWN,
  type Abi,
  type LayoutVariant,
} from '../oid/index.js';
import { PROGRESS_STATES } from './call-state-table.js';

/** How the far end takes an outgoing call once its progress states have been shown. */
export type OutgoingOutcome =
  /** The far end answers: line-up, then CONNECTED. */
  | 'answer'
  /** BUSY with LINEBUSYMODE_STATION. */
  | 'busy'
  /** DISCONNECTED with LINEDISCONNECTMODE_NOANSWER. */
  | 'noanswer'
  /** DISCONNECTED with LINEDISCONNECTMODE_REJECT. */
  | 'reject'
  /** DISCONNECTED with LINEDISCONNECTMODE_UNREACHABLE. */
  | 'unreachable'
  /** Nothing: the call waits in its last progress state for the remote party's controls. */
  | 'manual';

export interface OutgoingConfig {
  /** The LINECALLSTATE_* values shown after MAKE_CALL (or DIAL) completes, one per step. */
  readonly progress: readonly number[];
  /** Clock milliseconds between progress steps, and before the outcome. */
  readonly stepMs: number;
  readonly outcome: OutgoingOutcome;
  /** Outcomes for particular destination addresses (the digits, without the terminating NUL). */
  readonly byAddress: Readonly<Record<string, OutgoingOutcome>>;
}

/** What the simulated miniport models: its lines, what they can do, and its timings. */
export interface SimulatedMiniportConfig {
  readonly abi: Abi;
  readonly variant: LayoutVariant;
  /** Line devices on the adapter (ulNumLineDevs). */
  readonly lines: number;
  /** Addresses per line (LINE_DEV_CAPS.ulNumAddresses). */
  readonly addressesPerLine: number;
  /** Calls an address can hold at once (LINE_ADDRESS_CAPS.ulMaxNumActiveCalls). */
  readonly callsPerAddress: number;
  /** LINEMEDIAMODE_* bits the lines can detect and carry. */
  readonly mediaModes: number;
  /** LINEBEARERMODE_* bits. */
  readonly bearerModes: number;
  /** Bits per second. */
  readonly maxRate: number;
  /** LINE_DEV_CAPS provider info: "MediaName\0ProviderName\0". */
  readonly providerInfo: string;
  /** LINE_DEV_CAPS line name, before the line number is appended. */
  readonly lineName: string;
  /** ulProviderID returned by PROVIDER_INITIALIZE. */
  readonly providerId: number;
  /** How long an offered call waits for ACCEPT or ANSWER before going IDLE (clock ms). */
  readonly offerTimeoutMs: number;
  /** The highest extension version NEGOTIATE_EXT_VERSION agrees to; 0: no extensions. */
  readonly extVersion: number;
  /** NDIS_MAC_LINE_UP.LinkSpeed, in 100 bit/s units. */
  readonly linkSpeed: number;
  /** NDIS_WAN_INFO.MaxFrameSize (OID_WAN_GET_INFO). */
  readonly maxFrameSize: number;
  /** NDIS_WAN_INFO.MaxTransmit: the default send window. */
  readonly maxTransmit: number;
  readonly outgoing: OutgoingConfig;
}

export const DEFAULT_OUTGOING: OutgoingConfig = {
  progress: [LINECALLSTATE_DIALING, LINECALLSTATE_PROCEEDING, LINECALLSTATE_RINGBACK],
  stepMs: 100,
  outcome: 'answer',
  byAddress: {},
};

export const DEFAULT_CONFIG: SimulatedMiniportConfig = {
  abi: 'x64',
  variant: 'wdk',
  lines: 2,
  addressesPerLine: 1,
  callsPerAddress: 1,
  mediaModes: LINEMEDIAMODE_DIGITALDATA | LINEMEDIAMODE_INTERACTIVEVOICE | LINEMEDIAMODE_UNKNOWN,
  bearerModes: LINEBEARERMODE_DATA | LINEBEARERMODE_VOICE,
  maxRate: 64000,
  providerInfo: 'ISDN\0wanemu\0',
  lineName: 'wanemu ISDN line ',
  providerId: 0x5741_4e45,
  offerTimeoutMs: 30_000,
  extVersion: 0,
  linkSpeed: 640,
  maxFrameSize: 1500,
  maxTransmit: 2,
  outgoing: DEFAULT_OUTGOING,
};

/** A partial configuration, deep enough for `outgoing`. */
export type SimulatedMiniportOptions = Partial<Omit<SimulatedMiniportConfig, 'outgoing'>> & {
  readonly outgoing?: Partial<OutgoingConfig>;
};

export function resolveConfig(options: SimulatedMiniportOptions = {}): SimulatedMiniportConfig {
  const config = { ...DEFAULT_CONFIG, ...options, outgoing: { ...DEFAULT_OUTGOING, ...options.outgoing } };
  for (const k of ['lines', 'addressesPerLine', 'callsPerAddress'] as const) {
    if (!Number.isInteger(config[k]) || config[k] < 1) throw new RangeError(`SimulatedMiniport: ${k} must be a whole number of at least 1, not ${config[k]}`);
  }
  if (!(config.offerTimeoutMs >= 0)) throw new RangeError(`SimulatedMiniport: offerTimeoutMs must be 0 or more, not ${config.offerTimeoutMs}`);
  const { progress } = config.outgoing;
  if (progress.length === 0 || progress.some((st) => !PROGRESS_STATES.includes(st))) {
    throw new RangeError('SimulatedMiniport: outgoing.progress must list one or more of LINECALLSTATE_DIALING, _PROCEEDING, _RINGBACK');
  }
  if (!(config.outgoing.stepMs >= 0)) throw new RangeError(`SimulatedMiniport: outgoing.stepMs must be 0 or more, not ${config.outgoing.stepMs}`);
  return config;
}
