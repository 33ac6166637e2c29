import * as oids from './constants/oid-codes.js';
import type { StructName } from './schema/structures.js';

/** How NDIS hands an OID to the miniport: MiniportQueryInformation or MiniportSetInformation. */
export type RequestKind = 'query' | 'set';

/** What the NT4 DDK OID chart says of a miniport's support for an OID_TAPI_* request. */
export type Requirement = 'mandatory' | 'optional' | 'undocumented';

export interface TapiOidInfo {
  readonly name: string;
  readonly oid: number;
  /** Undefined where no DDK page documents the OID (GATHER_DIGITS, MONITOR_DIGITS). */
  readonly kind: RequestKind | undefined;
  readonly requirement: Requirement;
  /** The NDIS_TAPI_* structure in the information buffer, where mingw-w64 declares one. */
  readonly structure: StructName | undefined;
}

type Row = readonly [name: keyof typeof oids & `OID_TAPI_${string}`, kind: RequestKind | undefined, req: Requirement, structure: StructName | undefined];

/*
 * Query/set and mandatory/optional per the NT 4.0 DDK chart "5.8 TAPI Objects", as recorded in
 * ../shared/reference/ndis-tapi.md §1. GET_DEV_CONFIG and SET_DEV_CONFIG are optional in the
 * chart and "mandatory" in their own pages; the chart is followed here.
 */
const ROWS: readonly Row[] = [
  ['OID_TAPI_ACCEPT', 'set', 'optional', 'NDIS_TAPI_ACCEPT'],
  ['OID_TAPI_ANSWER', 'set', 'mandatory', 'NDIS_TAPI_ANSWER'],
  ['OID_TAPI_CLOSE', 'set', 'mandatory', 'NDIS_TAPI_CLOSE'],
  ['OID_TAPI_CLOSE_CALL', 'set', 'mandatory', 'NDIS_TAPI_CLOSE_CALL'],
  ['OID_TAPI_CONDITIONAL_MEDIA_DETECTION', 'set', 'mandatory', 'NDIS_TAPI_CONDITIONAL_MEDIA_DETECTION'],
  ['OID_TAPI_CONFIG_DIALOG', 'query', 'optional', 'NDIS_TAPI_CONFIG_DIALOG'],
  ['OID_TAPI_DEV_SPECIFIC', 'query', 'optional', 'NDIS_TAPI_DEV_SPECIFIC'],
  ['OID_TAPI_DIAL', 'set', 'optional', 'NDIS_TAPI_DIAL'],
  ['OID_TAPI_DROP', 'set', 'mandatory', 'NDIS_TAPI_DROP'],
  ['OID_TAPI_GET_ADDRESS_CAPS', 'query', 'mandatory', 'NDIS_TAPI_GET_ADDRESS_CAPS'],
  ['OID_TAPI_GET_ADDRESS_ID', 'query', 'mandatory', 'NDIS_TAPI_GET_ADDRESS_ID'],
  ['OID_TAPI_GET_ADDRESS_STATUS', 'query', 'mandatory', 'NDIS_TAPI_GET_ADDRESS_STATUS'],
  ['OID_TAPI_GET_CALL_ADDRESS_ID', 'query', 'mandatory', 'NDIS_TAPI_GET_CALL_ADDRESS_ID'],
  ['OID_TAPI_GET_CALL_INFO', 'query', 'mandatory', 'NDIS_TAPI_GET_CALL_INFO'],
  ['OID_TAPI_GET_CALL_STATUS', 'query', 'mandatory', 'NDIS_TAPI_GET_CALL_STATUS'],
  ['OID_TAPI_GET_DEV_CAPS', 'query', 'mandatory', 'NDIS_TAPI_GET_DEV_CAPS'],
  ['OID_TAPI_GET_DEV_CONFIG', 'query', 'optional', 'NDIS_TAPI_GET_DEV_CONFIG'],
  ['OID_TAPI_GET_EXTENSION_ID', 'query', 'optional', 'NDIS_TAPI_GET_EXTENSION_ID'],
  ['OID_TAPI_GET_ID', 'query', 'mandatory', 'NDIS_TAPI_GET_ID'],
  ['OID_TAPI_GET_LINE_DEV_STATUS', 'query', 'mandatory', 'NDIS_TAPI_GET_LINE_DEV_STATUS'],
  ['OID_TAPI_MAKE_CALL', 'query', 'mandatory', 'NDIS_TAPI_MAKE_CALL'],
  ['OID_TAPI_NEGOTIATE_EXT_VERSION', 'query', 'optional', 'NDIS_TAPI_NEGOTIATE_EXT_VERSION'],
  ['OID_TAPI_OPEN', 'query', 'mandatory', 'NDIS_TAPI_OPEN'],
  ['OID_TAPI_PROVIDER_INITIALIZE', 'query', 'mandatory', 'NDIS_TAPI_PROVIDER_INITIALIZE'],
  ['OID_TAPI_PROVIDER_SHUTDOWN', 'set', 'mandatory', 'NDIS_TAPI_PROVIDER_SHUTDOWN'],
  ['OID_TAPI_SECURE_CALL', 'set', 'optional', 'NDIS_TAPI_SECURE_CALL'],
  ['OID_TAPI_SELECT_EXT_VERSION', 'set', 'optional', 'NDIS_TAPI_SELECT_EXT_VERSION'],
  ['OID_TAPI_SEND_USER_USER_INFO', 'set', 'optional', 'NDIS_TAPI_SEND_USER_USER_INFO'],
  ['OID_TAPI_SET_APP_SPECIFIC', 'set', 'mandatory', 'NDIS_TAPI_SET_APP_SPECIFIC'],
  ['OID_TAPI_SET_CALL_PARAMS', 'set', 'mandatory', 'NDIS_TAPI_SET_CALL_PARAMS'],
  ['OID_TAPI_SET_DEFAULT_MEDIA_DETECTION', 'set', 'mandatory', 'NDIS_TAPI_SET_DEFAULT_MEDIA_DETECTION'],
  ['OID_TAPI_SET_DEV_CONFIG', 'set', 'optional', 'NDIS_TAPI_SET_DEV_CONFIG'],
  ['OID_TAPI_SET_MEDIA_MODE', 'set', 'mandatory', 'NDIS_TAPI_SET_MEDIA_MODE'],
  ['OID_TAPI_SET_STATUS_MESSAGES', 'set', 'mandatory', 'NDIS_TAPI_SET_STATUS_MESSAGES'],
  ['OID_TAPI_GATHER_DIGITS', undefined, 'undocumented', undefined],
  ['OID_TAPI_MONITOR_DIGITS', undefined, 'undocumented', undefined],
];

/** Every OID_TAPI_* request, in OID order, with how it is issued and what it carries. */
export const TAPI_OIDS: readonly TapiOidInfo[] = ROWS.map(([name, kind, requirement, structure]) => ({
  name,
  oid: oids[name],
  kind,
  requirement,
  structure,
})).sort((a, b) => a.oid - b.oid);

const byOid = new Map(TAPI_OIDS.map((r) => [r.oid, r]));

/** The row of an OID_TAPI_* code, or undefined for any other OID. */
export function tapiOidInfo(oid: number): TapiOidInfo | undefined {
  return byOid.get(oid >>> 0);
}

/**
 * The structure in an OID's information buffer: the TAPI OIDs', and NDIS_WAN_INFO for
 * OID_WAN_GET_INFO, the one NDISWAN OID wanemu serves (ndis-tapi.md §0 step 2).
 */
export function structureOfOid(oid: number): StructName | undefined {
  return oid >>> 0 === oids.OID_WAN_GET_INFO ? 'NDIS_WAN_INFO' : tapiOidInfo(oid)?.structure;
}

/** Query or set, for the OIDs `structureOfOid` knows; undefined otherwise. */
export function kindOfOid(oid: number): RequestKind | undefined {
  return oid >>> 0 === oids.OID_WAN_GET_INFO ? 'query' : tapiOidInfo(oid)?.kind;
}
