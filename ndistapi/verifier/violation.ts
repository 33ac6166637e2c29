import type { RequestKind } from '../../oid/index.js';
import type { RuleId } from './rules.js';

/** The exchange a violation was found on, copied out of the live buffers. */
export interface ExchangeRecord {
  readonly type: 'request' | 'return' | 'completion' | 'indication';
  /** Position in the exchange stream (0-based). */
  readonly seq: number;
  /** Clock time, milliseconds. */
  readonly time: number;
  /** The OID (requests, returns, completions) or the NDIS_STATUS (indications). */
  readonly code: number;
  readonly requestId?: number;
  readonly kind?: RequestKind;
  readonly status?: number;
  readonly bytes: Uint8Array;
}

/** One breach of one rule, as the verifier reports it. */
export interface Violation {
  readonly rule: RuleId;
  readonly statement: string;
  readonly source: string;
  /** Sequence number of the exchange that broke it. */
  readonly seq: number;
  readonly exchange: ExchangeRecord;
  /** What exactly was wrong, with names and values. */
  readonly detail: string;
}
