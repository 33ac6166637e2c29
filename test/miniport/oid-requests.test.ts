import fc from 'fast-check';
import {
  ABIS,
  LINEADDRESSMODE_ADDRESSID,
  LINEBEARERMODE_DATA,
  LINEBEARERMODE_VOICE,
  LINEBUSYMODE_STATION,
  LINECALLORIGIN_INBOUND,
  LINECALLORIGIN_OUTBOUND,
  LINECALLPARAMFLAGS_SECURE,
  LINECALLPARTYID_ADDRESS,
  LINECALLSELECT_ADDRESS,
  LINECALLSELECT_CALL,
  LINECALLSELECT_LINE,
  LINECALLSTATE_BUSY,
  LINECALLSTATE_CONNECTED,
  LINECALLSTATE_DISCONNECTED,
  LINECALLSTATE_IDLE,
  LINECALLSTATE_OFFERING,
  LINECALLINFOSTATE_APPSPECIFIC,
  LINECALLINFOSTATE_MEDIAMODE,
  LINEDEVSTATE_RINGING,
  LINEDEVSTATUSFLAGS_CONNECTED,
  LINEDEVSTATUSFLAGS_INSERVICE,
  LINEDISCONNECTMODE_REJECT,
  LINEMEDIAMODE_DIGITALDATA,
  LINEMEDIAMODE_G3FAX,
  LINEMEDIAMODE_INTERACTIVEVOICE,
  LINEMEDIAMODE_UNKNOWN,
  NDIS_STATUS_FAILURE,
  NDIS_STATUS_INVALID_LENGTH,
  NDIS_STATUS_INVALID_OID,
  NDIS_STATUS_PENDING,
  NDIS_STATUS_RESOURCES,
  NDIS_STATUS_SUCCESS,
  NDIS_STATUS_TAPI_ALLOCATED,
  NDIS_STATUS_TAPI_INCOMPATIBLEEXTVERSION,
  NDIS_STATUS_TAPI_INVALADDRESSID,
  NDIS_STATUS_TAPI_INVALCALLHANDLE,
  NDIS_STATUS_TAPI_INVALCALLSTATE,
  NDIS_STATUS_TAPI_INVALLINEHANDLE,
  NDIS_STATUS_TAPI_INVALLINESTATE,
  NDIS_STATUS_TAPI_INVALMEDIAMODE,
  NDIS_STATUS_TAPI_NODEVICE,
  NDIS_STATUS_TAPI_NODRIVER,
  NDIS_STATUS_TAPI_OPERATIONUNAVAIL,
  NDIS_STATUS_TAPI_RESOURCEUNAVAIL,
  NDIS_STATUS_TAPI_STRUCTURETOOSMALL,
  NDIS_STATUS_TAPI_USERUSERINFOTOOBIG,
  OID_TAPI_CLOSE,
  OID_TAPI_CLOSE_CALL,
  OID_TAPI_CONDITIONAL_MEDIA_DETECTION,
  OID_TAPI_CONFIG_DIALOG,
  OID_TAPI_DROP,
  OID_TAPI_GET_ADDRESS_CAPS,
  OID_TAPI_GET_ADDRESS_STATUS,
  OID_TAPI_GET_CALL_ADDRESS_ID,
  OID_TAPI_GET_CALL_INFO,
  OID_TAPI_GET_CALL_STATUS,
  OID_TAPI_GET_DEV_CAPS,
  OID_TAPI_GET_EXTENSION_ID,
  OID_TAPI_GET_ID,
  OID_TAPI_GET_LINE_DEV_STATUS,
  OID_TAPI_NEGOTIATE_EXT_VERSION,
  OID_TAPI_OPEN,
  OID_TAPI_PROVIDER_INITIALIZE,
  OID_TAPI_PROVIDER_SHUTDOWN,
  OID_TAPI_SECURE_CALL,
  OID_TAPI_SET_APP_SPECIFIC,
  OID_TAPI_SET_DEFAULT_MEDIA_DETECTION,
  OID_TAPI_SET_MEDIA_MODE,
  OID_TAPI_SET_STATUS_MESSAGES,
  OID_WAN_GET_INFO,
  OID_WAN_PERMANENT_ADDRESS,
  STRINGFORMAT_ASCII,
  STRINGFORMAT_BINARY,
  TAPI_OIDS,
  asciiz,
  codecFor,
  isCodecError,
  layoutOf,
  nameOf,
  pointerSize,
  tapiOidInfo,
  type Abi,
  type RequestKind,
  type StructInput,
  type StructName,
  type StructValue,
} from '../../oid/index.js';
import type { Miniport } from '../../miniport/miniport.js';
import { SIMULATED_OIDS, SimulatedMiniport } from '../../miniport/simulated-miniport.js';
import type { SimulatedMiniportOptions } from '../../miniport/sim-config.js';
import { Rig } from '../support/rig.js';

/*
 * Every OID the simulated miniport serves, answered as ../shared/reference/ndis-tapi.md §6
 * says: the OUT members (decoded with the oid/ codecs), TAPI's variable-size convention, and
 * the bad inputs (short buffers, unknown handles and device ids, wrong states, unimplemented
 * and foreign OIDs, wrong request kinds, strings outside the buffer, random bytes). Raw-byte
 * cases go straight to `miniport.request`; flows go through the Rig (NdisTapi + client).
 */

// ---------------------------------------------------------------------------------------------
// The contract, transcribed from the reference

const S = NDIS_STATUS_SUCCESS;
const P = NDIS_STATUS_PENDING;

/** "Legal returns" of each served OID: the exact lists of ndis-tapi.md §6.1-§6.17. */
const LEGAL_RETURNS: ReadonlyMap<number, readonly number[]> = new Map([
  // §6.1 (an old sample header also lists NDIS_STATUS_RESOURCES)
  [OID_TAPI_PROVIDER_INITIALIZE, [S, P, NDIS_STATUS_TAPI_RESOURCEUNAVAIL, NDIS_STATUS_FAILURE, NDIS_STATUS_RESOURCES]],
  // §6.2
  [OID_TAPI_OPEN, [S, P, NDIS_STATUS_TAPI_ALLOCATED, NDIS_STATUS_TAPI_INVALMEDIAMODE, NDIS_STATUS_FAILURE]],
  // §6.3
  [OID_TAPI_SET_DEFAULT_MEDIA_DETECTION, [S, P, NDIS_STATUS_TAPI_INVALLINEHANDLE, NDIS_STATUS_TAPI_INVALMEDIAMODE, NDIS_STATUS_TAPI_NODRIVER, NDIS_STATUS_TAPI_RESOURCEUNAVAIL, NDIS_STATUS_FAILURE]],
  // §6.4
  [OID_TAPI_CONDITIONAL_MEDIA_DETECTION, [S, P, NDIS_STATUS_TAPI_INVALLINEHANDLE, NDIS_STATUS_TAPI_NODRIVER, NDIS_STATUS_TAPI_RESOURCEUNAVAIL, NDIS_STATUS_TAPI_INVALMEDIAMODE, NDIS_STATUS_FAILURE]],
  // §6.5
  [OID_TAPI_SET_STATUS_MESSAGES, [S, P, NDIS_STATUS_TAPI_INVALLINEHANDLE, NDIS_STATUS_TAPI_INVALLINESTATE, NDIS_STATUS_TAPI_RESOURCEUNAVAIL, NDIS_STATUS_FAILURE]],
  // §6.8
  [OID_TAPI_GET_ID, [S, P, NDIS_STATUS_TAPI_INVALLINEHANDLE, NDIS_STATUS_TAPI_INVALADDRESSID, NDIS_STATUS_TAPI_INVALCALLHANDLE, NDIS_STATUS_TAPI_NODEVICE, NDIS_STATUS_TAPI_RESOURCEUNAVAIL, NDIS_STATUS_FAILURE]],
  // §6.9
  [OID_TAPI_DROP, [S, P, NDIS_STATUS_TAPI_INVALCALLHANDLE, NDIS_STATUS_TAPI_INVALCALLSTATE, NDIS_STATUS_TAPI_USERUSERINFOTOOBIG, NDIS_STATUS_TAPI_RESOURCEUNAVAIL, NDIS_STATUS_FAILURE]],
  // §6.12
  [OID_TAPI_PROVIDER_SHUTDOWN, [S, P, NDIS_STATUS_TAPI_RESOURCEUNAVAIL, NDIS_STATUS_FAILURE]],
  // §6.13
  [OID_TAPI_GET_CALL_INFO, [S, P, NDIS_STATUS_TAPI_INVALCALLHANDLE, NDIS_STATUS_TAPI_RESOURCEUNAVAIL, NDIS_STATUS_FAILURE]],
  // §6.14
  [OID_TAPI_GET_CALL_STATUS, [S, P, NDIS_STATUS_TAPI_INVALCALLHANDLE, NDIS_STATUS_TAPI_RESOURCEUNAVAIL, NDIS_STATUS_FAILURE]],
  // §6.15
  [OID_TAPI_GET_DEV_CAPS, [S, P, NDIS_STATUS_TAPI_NODRIVER, NDIS_STATUS_TAPI_RESOURCEUNAVAIL, NDIS_STATUS_FAILURE]],
  // §6.16
  [OID_TAPI_GET_ADDRESS_CAPS, [S, P, NDIS_STATUS_TAPI_INCOMPATIBLEEXTVERSION, NDIS_STATUS_TAPI_INVALADDRESSID, NDIS_STATUS_TAPI_NODRIVER, NDIS_STATUS_FAILURE]],
  [OID_TAPI_GET_ADDRESS_STATUS, [S, P, NDIS_STATUS_TAPI_INVALLINEHANDLE, NDIS_STATUS_TAPI_INVALADDRESSID, NDIS_STATUS_TAPI_RESOURCEUNAVAIL, NDIS_STATUS_FAILURE]],
  [OID_TAPI_GET_CALL_ADDRESS_ID, [S, P, NDIS_STATUS_TAPI_RESOURCEUNAVAIL, NDIS_STATUS_FAILURE]],
  [OID_TAPI_GET_LINE_DEV_STATUS, [S, P, NDIS_STATUS_TAPI_INVALLINEHANDLE, NDIS_STATUS_TAPI_RESOURCEUNAVAIL, NDIS_STATUS_FAILURE]],
  [OID_TAPI_GET_EXTENSION_ID, [S, P, NDIS_STATUS_TAPI_RESOURCEUNAVAIL, NDIS_STATUS_FAILURE]],
  [OID_TAPI_NEGOTIATE_EXT_VERSION, [S, P, NDIS_STATUS_TAPI_INCOMPATIBLEEXTVERSION, NDIS_STATUS_TAPI_NODRIVER, NDIS_STATUS_TAPI_RESOURCEUNAVAIL, NDIS_STATUS_FAILURE]],
  // §6.17
  [OID_TAPI_SECURE_CALL, [S, P, NDIS_STATUS_TAPI_INVALCALLHANDLE, NDIS_STATUS_TAPI_INVALCALLSTATE, NDIS_STATUS_TAPI_OPERATIONUNAVAIL, NDIS_STATUS_TAPI_RESOURCEUNAVAIL, NDIS_STATUS_FAILURE]],
  [OID_TAPI_SET_APP_SPECIFIC, [S, P, NDIS_STATUS_TAPI_INVALCALLHANDLE, NDIS_STATUS_TAPI_RESOURCEUNAVAIL, NDIS_STATUS_FAILURE]],
  [OID_TAPI_SET_MEDIA_MODE, [S, P, NDIS_STATUS_TAPI_INVALCALLHANDLE, NDIS_STATUS_TAPI_INVALMEDIAMODE, NDIS_STATUS_TAPI_RESOURCEUNAVAIL, NDIS_STATUS_FAILURE]],
]);

/** The OUT members of each query's structure (§2.2, §6): everything else is read-only to the miniport. */
const OUT_SCALARS: Partial<Record<StructName, readonly string[]>> = {
  NDIS_TAPI_PROVIDER_INITIALIZE: ['ulNumLineDevs', 'ulProviderID'],
  NDIS_TAPI_OPEN: ['hdLine'],
  NDIS_TAPI_NEGOTIATE_EXT_VERSION: ['ulExtVersion'],
  NDIS_TAPI_GET_EXTENSION_ID: ['LineExtensionID'],
  NDIS_TAPI_GET_CALL_ADDRESS_ID: ['ulAddressID'],
  NDIS_TAPI_MAKE_CALL: ['hdCall'],
};

/** The OUT TAPI variable-size structure of each query: writable only within the ulTotalSize the caller set. */
const OUT_VAR: Partial<Record<StructName, string>> = {
  NDIS_TAPI_GET_DEV_CAPS: 'LineDevCaps',
  NDIS_TAPI_GET_ADDRESS_CAPS: 'LineAddressCaps',
  NDIS_TAPI_GET_CALL_INFO: 'LineCallInfo',
  NDIS_TAPI_GET_CALL_STATUS: 'LineCallStatus',
  NDIS_TAPI_GET_ADDRESS_STATUS: 'LineAddressStatus',
  NDIS_TAPI_GET_LINE_DEV_STATUS: 'LineDevStatus',
  NDIS_TAPI_GET_ID: 'DeviceID',
};

/** The OIDs this file covers, each in its own describe block below. */
const COVERED = [
  OID_TAPI_PROVIDER_INITIALIZE, OID_TAPI_PROVIDER_SHUTDOWN, OID_TAPI_OPEN, OID_TAPI_CLOSE, OID_TAPI_SET_DEFAULT_MEDIA_DETECTION,
  OID_TAPI_CONDITIONAL_MEDIA_DETECTION, OID_TAPI_SET_STATUS_MESSAGES, OID_TAPI_NEGOTIATE_EXT_VERSION, OID_TAPI_GET_EXTENSION_ID,
  OID_TAPI_GET_DEV_CAPS, OID_TAPI_GET_ADDRESS_CAPS, OID_TAPI_GET_CALL_INFO, OID_TAPI_GET_CALL_STATUS, OID_TAPI_GET_ADDRESS_STATUS,
  OID_TAPI_GET_LINE_DEV_STATUS, OID_TAPI_GET_CALL_ADDRESS_ID, OID_TAPI_GET_ID, OID_TAPI_SECURE_CALL, OID_TAPI_SET_APP_SPECIFIC,
  OID_TAPI_SET_MEDIA_MODE, OID_TAPI_DROP, OID_TAPI_CLOSE_CALL,
] as const;

// ---------------------------------------------------------------------------------------------
// Helpers

interface Answer {
  readonly status: number;
  readonly bytesUsed: number;
  readonly bytesNeeded: number;
}

let nextRequestId = 1;

/** MiniportQuery/SetInformation, synchronously: the status and the byte counts. */
function request(mp: Miniport, kind: RequestKind, oid: number, buffer: Uint8Array): Answer {
  const counts = { bytesUsed: -1, bytesNeeded: -1 };
  const status = mp.request(nextRequestId++, kind, oid, buffer, counts);
  return { status, bytesUsed: counts.bytesUsed, bytesNeeded: counts.bytesNeeded };
}

function kindOf(oid: number): RequestKind {
  if (oid === OID_WAN_GET_INFO) return 'query'; // NDISWAN's query (ndis-tapi.md §0 step 2)
  const kind = tapiOidInfo(oid)?.kind;
  if (kind === undefined) throw new Error(`no documented kind for ${nameOf('OID', oid)}`);
  return kind;
}

function structureOf(oid: number): StructName {
  if (oid === OID_WAN_GET_INFO) return 'NDIS_WAN_INFO';
  const structure = tapiOidInfo(oid)?.structure;
  if (structure === undefined) throw new Error(`no structure for ${nameOf('OID', oid)}`);
  return structure;
}

function encode<S extends StructName>(structure: S, value: StructInput<S>, abi: Abi, length = 0): Uint8Array {
  const bytes = codecFor(structure, abi).encode(value);
  if (isCodecError(bytes)) throw new Error(bytes.message);
  const buffer = new Uint8Array(Math.max(bytes.length, length));
  buffer.set(bytes);
  return buffer;
}

function decode<S extends StructName>(structure: S, bytes: Uint8Array, abi: Abi): StructValue<S> {
  const value = codecFor(structure, abi).decode(bytes);
  if (isCodecError(value)) throw new Error(value.message);
  return value;
}

function offsetOf(structure: StructName, member: string, abi: Abi): number {
  const at = layoutOf(structure, abi).offsets[member];
  if (at === undefined) throw new Error(`${structure} has no ${member}`);
  return at;
}

function sizeOf(structure: StructName, abi: Abi): number {
  return layoutOf(structure, abi).size;
}

/** Little-endian scalar into a buffer at a member's offset (1, 2, 4 or 8 bytes). */
function putScalar(buffer: Uint8Array, offset: number, size: number, value: number): void {
  const dv = new DataView(buffer.buffer, buffer.byteOffset, buffer.byteLength);
  if (size === 1) dv.setUint8(offset, value & 0xff);
  else if (size === 2) dv.setUint16(offset, value & 0xffff, true);
  else if (size === 4) dv.setUint32(offset, value >>> 0, true);
  else dv.setBigUint64(offset, BigInt(value), true);
}

/**
 * Sends a request built with the codec; a TAPI variable-size OUT member gets `reserve` bytes
 * (its ulTotalSize) and the buffer is sized to hold them, as NDISTAPI lays it out.
 */
function send<S extends StructName>(mp: Miniport, oid: number, structure: S, value: StructInput<S>, reserve?: number): Answer & { readonly buffer: Uint8Array; readonly before: Uint8Array; readonly value: StructValue<S> } {
  const outVar = OUT_VAR[structure];
  let v = value;
  let length = 0;
  if (outVar !== undefined && reserve !== undefined) {
    v = { ...value, [outVar]: { ulTotalSize: reserve } } as StructInput<S>;
    length = offsetOf(structure, outVar, mp.abi) + reserve;
  }
  const buffer = encode(structure, v, mp.abi, length);
  const before = buffer.slice();
  const answer = request(mp, kindOf(oid), oid, buffer);
  const decoded = codecFor(structure, mp.abi).decode(buffer);
  return {
    ...answer,
    buffer,
    before,
    // A refused request may leave an OUT structure that does not decode: only a test that looks at it fails.
    get value(): StructValue<S> {
      if (isCodecError(decoded)) throw new Error(`${nameOf('OID', oid)} (${statusName(answer.status)}): ${decoded.message}`);
      return decoded;
    },
  };
}

/** Byte ranges a request may write: its OUT members, and a var-size OUT member up to its ulTotalSize. */
function writable(oid: number, kind: RequestKind, abi: Abi, input: Uint8Array): Array<readonly [number, number]> {
  const info = tapiOidInfo(oid);
  if (info?.structure === undefined || info.kind !== kind || kind === 'set') return [];
  const structure = info.structure;
  // §11.2: a miniport may take the DDK layout (ULONG ulProviderID) of a buffer too short for the WDK one.
  const variant = input.length >= sizeOf(structure, abi) ? 'wdk' : input.length >= layoutOf(structure, abi, 'ddk').size ? 'ddk' : undefined;
  if (variant === undefined) return [];
  const layout = layoutOf(structure, abi, variant);
  const ranges: Array<readonly [number, number]> = [];
  for (const member of OUT_SCALARS[structure] ?? []) {
    const f = layout.fields.find((x) => x.name === member);
    if (f === undefined) throw new Error(`${structure} has no ${member}`);
    ranges.push([f.offset, f.offset + f.size]);
  }
  const outVar = OUT_VAR[structure];
  if (outVar !== undefined) {
    const at = offsetOf(structure, outVar, abi);
    const total = new DataView(input.buffer, input.byteOffset, input.byteLength).getUint32(at, true);
    ranges.push([at, Math.min(input.length, at + total)]);
  }
  return ranges;
}

/** §6 common points: a set leaves the whole buffer alone; a query writes only its OUT members. */
function expectOnlyOutWritten(oid: number, kind: RequestKind, abi: Abi, before: Uint8Array, after: Uint8Array): void {
  const ranges = writable(oid, kind, abi, before);
  const changed: number[] = [];
  for (let i = 0; i < before.length; i++) {
    if (before[i] !== after[i] && !ranges.some(([lo, hi]) => i >= lo && i < hi)) changed.push(i);
  }
  expect({ oid: nameOf('OID', oid), kind, changedOutsideOut: changed }).toEqual({ oid: nameOf('OID', oid), kind, changedOutsideOut: [] });
}

/** A refusal the OID's page lists (§6): not SUCCESS, and on the OID's legal-return list. */
function expectDocumentedRefusal(oid: number, status: number): void {
  const legal = LEGAL_RETURNS.get(oid);
  if (legal === undefined) throw new Error(`no legal-return list for ${nameOf('OID', oid)}`);
  expect(status).not.toBe(NDIS_STATUS_SUCCESS);
  expect(legal.filter((s) => s !== S && s !== P).map((s) => nameOf('NDIS_STATUS', s))).toContain(nameOf('NDIS_STATUS', status));
}

function statusName(status: number): string {
  return nameOf('NDIS_STATUS', status);
}

function text(bytes: Uint8Array): string {
  return String.fromCharCode(...bytes);
}

// Flows through the Rig ---------------------------------------------------------------------

interface OpenLine {
  readonly rig: Rig;
  readonly mp: SimulatedMiniport;
  readonly abi: Abi;
  readonly htLine: number;
  readonly hdLine: number;
}

async function openLine(options: SimulatedMiniportOptions = {}, mediaModes = LINEMEDIAMODE_DIGITALDATA): Promise<OpenLine> {
  const rig = new Rig(options);
  const htLine = await rig.bringUp(mediaModes);
  rig.take();
  return { rig, mp: rig.miniport, abi: rig.miniport.abi, htLine, hdLine: rig.client.hdLine(htLine) };
}

interface Call extends OpenLine {
  readonly htCall: number;
  readonly hdCall: number;
}

/** An incoming call, OFFERING. */
async function offeredCall(options: SimulatedMiniportOptions = {}, offer: { mediaMode?: number; callerId?: string; calledId?: string; address?: number } = {}): Promise<Call> {
  const line = await openLine(options, LINEMEDIAMODE_DIGITALDATA | LINEMEDIAMODE_INTERACTIVEVOICE);
  const r = line.mp.remote.offer({ mediaMode: LINEMEDIAMODE_DIGITALDATA, ...offer });
  if (!r.ok) throw new Error(`offer refused: ${r.reason}`);
  line.rig.take();
  return { ...line, htCall: r.htCall, hdCall: r.hdCall };
}

/** An incoming call, answered: link up and CONNECTED. */
async function connectedCall(options: SimulatedMiniportOptions = {}): Promise<Call & { readonly linkContext: number }> {
  const call = await offeredCall(options, { callerId: '5551234' });
  const answer = await call.rig.client.answer(call.htCall);
  if (answer.status !== S) throw new Error(`ANSWER: ${statusName(answer.status)}`);
  const up = call.rig.take().find((e) => e.type === 'lineUp');
  if (up?.type !== 'lineUp') throw new Error('no line-up');
  return { ...call, linkContext: up.linkContext };
}

/** An outgoing call to `destination`, carried through its progress to the configured outcome. */
async function outgoingCall(options: SimulatedMiniportOptions, destination: string, params?: StructInput<'LINE_CALL_PARAMS'>): Promise<Call> {
  const line = await openLine(options);
  const r = await line.rig.client.makeCall(line.htLine, destination, params);
  if (r.status !== S) throw new Error(`MAKE_CALL: ${statusName(r.status)}`);
  line.rig.clock.advance(60_000);
  line.rig.take();
  return { ...line, htCall: r.htCall, hdCall: line.rig.client.hdCall(r.htCall) };
}

function callInfo(mp: Miniport, hdCall: number, reserve = 1024) {
  return send(mp, OID_TAPI_GET_CALL_INFO, 'NDIS_TAPI_GET_CALL_INFO', { hdCall }, reserve);
}

function callStatus(mp: Miniport, hdCall: number, reserve = 256) {
  return send(mp, OID_TAPI_GET_CALL_STATUS, 'NDIS_TAPI_GET_CALL_STATUS', { hdCall }, reserve);
}

function lineDevStatus(mp: Miniport, hdLine: number, reserve = 256) {
  return send(mp, OID_TAPI_GET_LINE_DEV_STATUS, 'NDIS_TAPI_GET_LINE_DEV_STATUS', { hdLine }, reserve);
}

function devCaps(mp: Miniport, deviceId: number, reserve = 1024) {
  return send(mp, OID_TAPI_GET_DEV_CAPS, 'NDIS_TAPI_GET_DEV_CAPS', { ulDeviceID: deviceId }, reserve);
}

/** NDIS_TAPI_GET_ID as NDISTAPI lays it out: DeviceID with its reserve, then the class name (ASCII, NUL). */
function getIdBuffer(abi: Abi, select: StructInput<'NDIS_TAPI_GET_ID'>, deviceClass: string, reserve = 64): Uint8Array {
  const name = asciiz(deviceClass);
  const classAt = offsetOf('NDIS_TAPI_GET_ID', 'DeviceID', abi) + reserve;
  const buffer = encode('NDIS_TAPI_GET_ID', { ...select, ulDeviceClassSize: name.length, ulDeviceClassOffset: classAt, DeviceID: { ulTotalSize: reserve } }, abi, classAt + name.length);
  buffer.set(name, classAt);
  return buffer;
}

function getId(mp: Miniport, select: StructInput<'NDIS_TAPI_GET_ID'>, deviceClass: string, reserve = 64) {
  const buffer = getIdBuffer(mp.abi, select, deviceClass, reserve);
  const before = buffer.slice();
  const answer = request(mp, 'query', OID_TAPI_GET_ID, buffer);
  return { ...answer, buffer, before, value: answer.status === S ? decode('NDIS_TAPI_GET_ID', buffer, mp.abi) : undefined };
}

// ---------------------------------------------------------------------------------------------

describe('the OIDs the simulated miniport serves', () => {
  test('are the ones this file covers, each with its §6 legal-return list transcribed here', () => {
    for (const oid of COVERED) {
      expect(SIMULATED_OIDS).toContain(oid);
      expect(LEGAL_RETURNS.has(oid) || oid === OID_TAPI_CLOSE || oid === OID_TAPI_CLOSE_CALL).toBe(true);
    }
  });

  test('every OID the §1 chart marks mandatory is served, not answered NDIS_STATUS_TAPI_OPERATIONUNAVAIL', async () => {
    // §1: the M column; §6.16 (GET_ADDRESS_ID) and §6.17 (SET_CALL_PARAMS) list no OPERATIONUNAVAIL.
    const { mp, hdLine } = await openLine();
    const unserved: string[] = [];
    for (const info of TAPI_OIDS.filter((i) => i.requirement === 'mandatory')) {
      const structure = structureOf(info.oid);
      const buffer = encode(structure, { hdLine } as StructInput<StructName>, mp.abi, 256);
      if (request(mp, kindOf(info.oid), info.oid, buffer).status === NDIS_STATUS_TAPI_OPERATIONUNAVAIL) unserved.push(info.name);
    }
    expect(unserved).toEqual([]);
  });
});

describe.each(ABIS)('raw requests on %s', (abi) => {
  test('a buffer shorter than sizeof the structure: NDIS_STATUS_INVALID_LENGTH, BytesNeeded = sizeof, nothing written', () => {
    const mp = new SimulatedMiniport({ abi });
    for (const oid of SIMULATED_OIDS) {
      const structure = structureOf(oid);
      const size = sizeOf(structure, abi);
      // §11.2: a 16-byte (DDK) PROVIDER_INITIALIZE is acceptable on x64; stay below both sizes.
      const ddkSize = layoutOf(structure, abi, 'ddk').size;
      const below = Math.min(size, ddkSize);
      for (const length of new Set([0, 1, below - 1, Math.floor(below / 2)])) {
        const buffer = new Uint8Array(length).fill(0xa5);
        const r = request(mp, kindOf(oid), oid, buffer);
        expect({ oid: nameOf('OID', oid), length, status: statusName(r.status) }).toEqual({ oid: nameOf('OID', oid), length, status: 'NDIS_STATUS_INVALID_LENGTH' });
        expect([size, ddkSize]).toContain(r.bytesNeeded);
        if (ddkSize === size) expect(r.bytesNeeded).toBe(size);
        expect(buffer.every((b) => b === 0xa5)).toBe(true);
      }
    }
  });

  test('a query OID sent as a set, or a set OID sent as a query: NDIS_STATUS_INVALID_OID', () => {
    const mp = new SimulatedMiniport({ abi });
    for (const oid of SIMULATED_OIDS) {
      const wrong: RequestKind = kindOf(oid) === 'query' ? 'set' : 'query';
      const buffer = new Uint8Array(sizeOf(structureOf(oid), abi) + 64);
      const r = request(mp, wrong, oid, buffer);
      expect({ oid: nameOf('OID', oid), status: statusName(r.status) }).toEqual({ oid: nameOf('OID', oid), status: 'NDIS_STATUS_INVALID_OID' });
      expect(buffer.every((b) => b === 0)).toBe(true);
    }
    expect(mp.initialized).toBe(false);
  });

  test('a non-TAPI OID: NDIS_STATUS_INVALID_OID, as a query and as a set', () => {
    const mp = new SimulatedMiniport({ abi });
    for (const oid of [OID_WAN_PERMANENT_ADDRESS, 0x00010101, 0, 0xffffffff, 0x07030100, 0x07030125]) {
      for (const kind of ['query', 'set'] as const) {
        expect(statusName(request(mp, kind, oid, new Uint8Array(128)).status)).toBe('NDIS_STATUS_INVALID_OID');
      }
    }
  });

  test('a TAPI OID the miniport does not implement (optional in §1): NDIS_STATUS_TAPI_OPERATIONUNAVAIL', () => {
    const mp = new SimulatedMiniport({ abi });
    const unimplemented = TAPI_OIDS.filter((i) => !SIMULATED_OIDS.includes(i.oid) && i.requirement !== 'mandatory');
    expect(unimplemented.map((i) => i.oid)).toContain(OID_TAPI_CONFIG_DIALOG);
    for (const info of unimplemented) {
      const buffer = info.structure === undefined ? new Uint8Array(64) : encode(info.structure, {}, abi, 256);
      const r = request(mp, info.kind ?? 'query', info.oid, buffer);
      expect({ oid: info.name, status: statusName(r.status) }).toEqual({ oid: info.name, status: 'NDIS_STATUS_TAPI_OPERATIONUNAVAIL' });
    }
  });
});

// ---------------------------------------------------------------------------------------------

describe('OID_TAPI_PROVIDER_INITIALIZE (§6.1)', () => {
  test('returns ulNumLineDevs and ulProviderID, numbers the lines from ulDeviceIDBase, and leaves IN members alone', () => {
    const mp = new SimulatedMiniport({ lines: 3, providerId: 0x1234_5678 });
    const r = send(mp, OID_TAPI_PROVIDER_INITIALIZE, 'NDIS_TAPI_PROVIDER_INITIALIZE', { ulRequestID: 0xabcd, ulDeviceIDBase: 40 });
    expect(r.status).toBe(S);
    expect(r.value).toMatchObject({ ulRequestID: 0xabcd, ulDeviceIDBase: 40, ulNumLineDevs: 3, ulProviderID: 0x1234_5678 });
    expect(r.bytesUsed).toBe(sizeOf('NDIS_TAPI_PROVIDER_INITIALIZE', 'x64'));
    expectOnlyOutWritten(OID_TAPI_PROVIDER_INITIALIZE, 'query', 'x64', r.before, r.buffer);
    // Lines are ulDeviceIDBase + k from now on.
    expect(send(mp, OID_TAPI_OPEN, 'NDIS_TAPI_OPEN', { ulDeviceID: 40, htLine: 0x10 }).status).toBe(S);
    expect(send(mp, OID_TAPI_OPEN, 'NDIS_TAPI_OPEN', { ulDeviceID: 42, htLine: 0x30 }).status).toBe(S);
    expect(send(mp, OID_TAPI_OPEN, 'NDIS_TAPI_OPEN', { ulDeviceID: 43, htLine: 0x40 }).status).not.toBe(S);
    expect(send(mp, OID_TAPI_OPEN, 'NDIS_TAPI_OPEN', { ulDeviceID: 39, htLine: 0x40 }).status).not.toBe(S);
  });

  test('a second PROVIDER_INITIALIZE without a shutdown is refused with a listed status', () => {
    const mp = new SimulatedMiniport();
    expect(send(mp, OID_TAPI_PROVIDER_INITIALIZE, 'NDIS_TAPI_PROVIDER_INITIALIZE', { ulDeviceIDBase: 0 }).status).toBe(S);
    expectDocumentedRefusal(OID_TAPI_PROVIDER_INITIALIZE, send(mp, OID_TAPI_PROVIDER_INITIALIZE, 'NDIS_TAPI_PROVIDER_INITIALIZE', { ulDeviceIDBase: 7 }).status);
  });

  test('§11.2: on x64 a buffer of the DDK size (ULONG ulProviderID, 16 bytes) is accepted', () => {
    const mp = new SimulatedMiniport({ abi: 'x64', variant: 'wdk' });
    const buffer = encode('NDIS_TAPI_PROVIDER_INITIALIZE', { ulDeviceIDBase: 5 }, 'x64');
    const ddk = buffer.slice(0, layoutOf('NDIS_TAPI_PROVIDER_INITIALIZE', 'x64', 'ddk').size);
    const r = request(mp, 'query', OID_TAPI_PROVIDER_INITIALIZE, ddk);
    expect(statusName(r.status)).toBe('NDIS_STATUS_SUCCESS');
    const value = codecFor('NDIS_TAPI_PROVIDER_INITIALIZE', 'x64', 'ddk').decode(ddk);
    if (isCodecError(value)) throw value;
    expect(value).toMatchObject({ ulDeviceIDBase: 5, ulNumLineDevs: mp.config.lines });
  });
});

describe('OID_TAPI_PROVIDER_SHUTDOWN (§6.12)', () => {
  test('line-down for every link still up, all TAPI state released; the buffer is read-only', async () => {
    const { rig, mp, hdLine, hdCall, htCall, linkContext } = await connectedCall();
    const r = send(mp, OID_TAPI_PROVIDER_SHUTDOWN, 'NDIS_TAPI_PROVIDER_SHUTDOWN', { ulRequestID: 9 });
    expect(r.status).toBe(S);
    expectOnlyOutWritten(OID_TAPI_PROVIDER_SHUTDOWN, 'set', mp.abi, r.before, r.buffer);
    expect(rig.take()).toContainEqual({ type: 'lineDown', htCall, linkContext });
    expect(mp.initialized).toBe(false);
    expect(mp.callCount).toBe(0);
    expect(lineDevStatus(mp, hdLine).status).toBe(NDIS_STATUS_TAPI_INVALLINEHANDLE);
    expect(callInfo(mp, hdCall).status).toBe(NDIS_STATUS_TAPI_INVALCALLHANDLE);
    expect(devCaps(mp, 0).status).not.toBe(S);
    // TAPI may start again.
    const again = send(mp, OID_TAPI_PROVIDER_INITIALIZE, 'NDIS_TAPI_PROVIDER_INITIALIZE', { ulDeviceIDBase: 20 });
    expect(again.status).toBe(S);
    expect(devCaps(mp, 20).status).toBe(S);
  });
});

describe('OID_TAPI_OPEN (§6.2)', () => {
  test('returns hdLine, keeps htLine for every later indication about the line', async () => {
    const rig = new Rig();
    await rig.client.initialize(0);
    const mp = rig.miniport;
    const r = send(mp, OID_TAPI_OPEN, 'NDIS_TAPI_OPEN', { ulRequestID: 3, ulDeviceID: 1, htLine: 0x5150 });
    expect(r.status).toBe(S);
    expect(r.value).toMatchObject({ ulRequestID: 3, ulDeviceID: 1, htLine: 0x5150 });
    expect(r.value.hdLine).not.toBe(0);
    expectOnlyOutWritten(OID_TAPI_OPEN, 'query', mp.abi, r.before, r.buffer);
    const hdLine = Number(r.value.hdLine);
    expect(send(mp, OID_TAPI_SET_DEFAULT_MEDIA_DETECTION, 'NDIS_TAPI_SET_DEFAULT_MEDIA_DETECTION', { hdLine, ulMediaModes: LINEMEDIAMODE_DIGITALDATA }).status).toBe(S);
    // The TAPI_EVENT of the offer names the htLine given in OPEN.
    const htLines: number[] = [];
    const sub = mp.indications$.subscribe((i) => {
      const v = codecFor('NDIS_TAPI_EVENT', mp.abi).decode(i.buffer);
      if (!isCodecError(v)) htLines.push(Number(v.htLine));
    });
    mp.remote.offer({ line: 1, mediaMode: LINEMEDIAMODE_DIGITALDATA });
    sub.unsubscribe();
    expect(htLines.length).toBeGreaterThan(0);
    expect(new Set(htLines)).toEqual(new Set([0x5150]));
  });

  test('two lines get two different hdLines; a second OPEN of an open line is NDIS_STATUS_TAPI_ALLOCATED', async () => {
    const { mp, hdLine } = await openLine();
    const other = send(mp, OID_TAPI_OPEN, 'NDIS_TAPI_OPEN', { ulDeviceID: 1, htLine: 0x99 });
    expect(other.status).toBe(S);
    expect(Number(other.value.hdLine)).not.toBe(hdLine);
    expect(send(mp, OID_TAPI_OPEN, 'NDIS_TAPI_OPEN', { ulDeviceID: 1, htLine: 0x98 }).status).toBe(NDIS_STATUS_TAPI_ALLOCATED);
  });

  test('an unknown device id is refused with a status §6.2 lists', async () => {
    const { mp } = await openLine({ lines: 2 });
    expectDocumentedRefusal(OID_TAPI_OPEN, send(mp, OID_TAPI_OPEN, 'NDIS_TAPI_OPEN', { ulDeviceID: 2, htLine: 0x77 }).status);
    const before = new SimulatedMiniport();
    expectDocumentedRefusal(OID_TAPI_OPEN, send(before, OID_TAPI_OPEN, 'NDIS_TAPI_OPEN', { ulDeviceID: 0, htLine: 0x77 }).status);
  });
});

describe('OID_TAPI_CLOSE (§6.11)', () => {
  test('succeeds on an active line: its calls are dropped (line-down) and freed, and its handles die', async () => {
    const { rig, mp, hdLine, hdCall, htCall, linkContext } = await connectedCall();
    const r = send(mp, OID_TAPI_CLOSE, 'NDIS_TAPI_CLOSE', { hdLine });
    expect(r.status).toBe(S);
    expectOnlyOutWritten(OID_TAPI_CLOSE, 'set', mp.abi, r.before, r.buffer);
    expect(rig.take()).toContainEqual({ type: 'lineDown', htCall, linkContext });
    expect(mp.callCount).toBe(0);
    expect(lineDevStatus(mp, hdLine).status).toBe(NDIS_STATUS_TAPI_INVALLINEHANDLE);
    expect(callInfo(mp, hdCall).status).toBe(NDIS_STATUS_TAPI_INVALCALLHANDLE);
    expect(send(mp, OID_TAPI_CLOSE, 'NDIS_TAPI_CLOSE', { hdLine }).status).toBe(NDIS_STATUS_TAPI_INVALLINEHANDLE);
    // The line can be opened again.
    expect(send(mp, OID_TAPI_OPEN, 'NDIS_TAPI_OPEN', { ulDeviceID: 0, htLine: 0x4321 }).status).toBe(S);
  });

  test('an unknown hdLine: NDIS_STATUS_TAPI_INVALLINEHANDLE', async () => {
    const { mp, hdLine } = await openLine();
    expect(send(mp, OID_TAPI_CLOSE, 'NDIS_TAPI_CLOSE', { hdLine: hdLine + 0x100 }).status).toBe(NDIS_STATUS_TAPI_INVALLINEHANDLE);
    expect(send(mp, OID_TAPI_CLOSE, 'NDIS_TAPI_CLOSE', { hdLine: 0 }).status).toBe(NDIS_STATUS_TAPI_INVALLINEHANDLE);
    expect(lineDevStatus(mp, hdLine).status).toBe(S);
  });
});

describe('OID_TAPI_SET_DEFAULT_MEDIA_DETECTION (§6.3)', () => {
  test('the new set replaces the old one: only calls of its media modes are indicated; 0 means outbound only', async () => {
    const { mp, hdLine } = await openLine({}, LINEMEDIAMODE_DIGITALDATA);
    const set = (modes: number) => send(mp, OID_TAPI_SET_DEFAULT_MEDIA_DETECTION, 'NDIS_TAPI_SET_DEFAULT_MEDIA_DETECTION', { hdLine, ulMediaModes: modes });
    const r = set(LINEMEDIAMODE_INTERACTIVEVOICE);
    expect(r.status).toBe(S);
    expectOnlyOutWritten(OID_TAPI_SET_DEFAULT_MEDIA_DETECTION, 'set', mp.abi, r.before, r.buffer);
    expect(lineDevStatus(mp, hdLine).value.LineDevStatus.ulOpenMediaModes).toBe(LINEMEDIAMODE_INTERACTIVEVOICE);
    expect(mp.remote.offer({ mediaMode: LINEMEDIAMODE_DIGITALDATA })).toEqual({ ok: false, reason: 'media-mode-not-detected' });
    expect(set(0).status).toBe(S);
    expect(mp.remote.offer({ mediaMode: LINEMEDIAMODE_INTERACTIVEVOICE })).toEqual({ ok: false, reason: 'media-mode-not-detected' });
    expect(set(LINEMEDIAMODE_DIGITALDATA).status).toBe(S);
    expect(mp.remote.offer({ mediaMode: LINEMEDIAMODE_DIGITALDATA }).ok).toBe(true);
  });

  test('a media mode the line does not have (LINE_DEV_CAPS.ulMediaModes): NDIS_STATUS_TAPI_INVALMEDIAMODE, set unchanged', async () => {
    const { mp, hdLine } = await openLine({}, LINEMEDIAMODE_DIGITALDATA);
    const caps = devCaps(mp, 0).value.LineDevCaps.ulMediaModes;
    expect(caps & LINEMEDIAMODE_G3FAX).toBe(0);
    const r = send(mp, OID_TAPI_SET_DEFAULT_MEDIA_DETECTION, 'NDIS_TAPI_SET_DEFAULT_MEDIA_DETECTION', { hdLine, ulMediaModes: LINEMEDIAMODE_G3FAX | LINEMEDIAMODE_DIGITALDATA });
    expect(r.status).toBe(NDIS_STATUS_TAPI_INVALMEDIAMODE);
    expect(lineDevStatus(mp, hdLine).value.LineDevStatus.ulOpenMediaModes).toBe(LINEMEDIAMODE_DIGITALDATA);
  });

  test('an unknown hdLine: NDIS_STATUS_TAPI_INVALLINEHANDLE', async () => {
    const { mp, hdLine } = await openLine();
    expect(send(mp, OID_TAPI_SET_DEFAULT_MEDIA_DETECTION, 'NDIS_TAPI_SET_DEFAULT_MEDIA_DETECTION', { hdLine: hdLine + 0x100, ulMediaModes: LINEMEDIAMODE_DIGITALDATA }).status).toBe(NDIS_STATUS_TAPI_INVALLINEHANDLE);
  });
});

describe('OID_TAPI_CONDITIONAL_MEDIA_DETECTION (§6.4)', () => {
  const conditional = (mp: Miniport, hdLine: number, ulMediaModes: number, params: StructInput<'LINE_CALL_PARAMS'> = {}) =>
    send(mp, OID_TAPI_CONDITIONAL_MEDIA_DETECTION, 'NDIS_TAPI_CONDITIONAL_MEDIA_DETECTION', { hdLine, ulMediaModes, LineCallParams: params });

  test('SUCCESS for media modes and parameters the line supports; the monitoring set does not change', async () => {
    const { mp, hdLine } = await openLine({}, LINEMEDIAMODE_DIGITALDATA);
    const r = conditional(mp, hdLine, LINEMEDIAMODE_DIGITALDATA | LINEMEDIAMODE_INTERACTIVEVOICE, { ulBearerMode: LINEBEARERMODE_VOICE, ulMediaMode: LINEMEDIAMODE_INTERACTIVEVOICE });
    expect(r.status).toBe(S);
    expectOnlyOutWritten(OID_TAPI_CONDITIONAL_MEDIA_DETECTION, 'set', mp.abi, r.before, r.buffer);
    expect(lineDevStatus(mp, hdLine).value.LineDevStatus.ulOpenMediaModes).toBe(LINEMEDIAMODE_DIGITALDATA);
    expect(mp.remote.offer({ mediaMode: LINEMEDIAMODE_INTERACTIVEVOICE })).toEqual({ ok: false, reason: 'media-mode-not-detected' });
  });

  test('a media mode the line cannot monitor: NDIS_STATUS_TAPI_INVALMEDIAMODE', async () => {
    const { mp, hdLine } = await openLine();
    expect(conditional(mp, hdLine, LINEMEDIAMODE_G3FAX).status).toBe(NDIS_STATUS_TAPI_INVALMEDIAMODE);
  });

  test('a bearer mode the line does not support is refused with a status §6.4 lists', async () => {
    const { mp, hdLine } = await openLine();
    const bearers = devCaps(mp, 0).value.LineDevCaps.ulBearerModes;
    const unsupported = [0x2, 0x4, 0x10, 0x20, 0x40, 0x80].find((b) => (bearers & b) === 0);
    if (unsupported === undefined) throw new Error('every bearer mode supported');
    expectDocumentedRefusal(OID_TAPI_CONDITIONAL_MEDIA_DETECTION, conditional(mp, hdLine, LINEMEDIAMODE_DIGITALDATA, { ulBearerMode: unsupported }).status);
  });

  test('a rate above LINE_DEV_CAPS.ulMaxRate is not supported: not SUCCESS', async () => {
    const { mp, hdLine } = await openLine();
    const maxRate = devCaps(mp, 0).value.LineDevCaps.ulMaxRate;
    const r = conditional(mp, hdLine, LINEMEDIAMODE_DIGITALDATA, { ulBearerMode: LINEBEARERMODE_DATA, ulMinRate: maxRate * 2, ulMaxRate: maxRate * 2 });
    expectDocumentedRefusal(OID_TAPI_CONDITIONAL_MEDIA_DETECTION, r.status);
  });

  test('a line that cannot place such a call now (its only call appearance in use) does not answer SUCCESS', async () => {
    const { mp, hdLine } = await connectedCall({ addressesPerLine: 1, callsPerAddress: 1 });
    expect(send(mp, OID_TAPI_GET_ADDRESS_STATUS, 'NDIS_TAPI_GET_ADDRESS_STATUS', { hdLine, ulAddressID: 0 }, 256).value.LineAddressStatus.ulAddressFeatures).toBe(0);
    expectDocumentedRefusal(OID_TAPI_CONDITIONAL_MEDIA_DETECTION, conditional(mp, hdLine, LINEMEDIAMODE_DIGITALDATA).status);
  });

  test('an unknown hdLine: NDIS_STATUS_TAPI_INVALLINEHANDLE', async () => {
    const { mp, hdLine } = await openLine();
    expect(conditional(mp, hdLine + 0x100, LINEMEDIAMODE_DIGITALDATA).status).toBe(NDIS_STATUS_TAPI_INVALLINEHANDLE);
  });
});

describe('OID_TAPI_SET_STATUS_MESSAGES (§6.5)', () => {
  test('line-state changes are reported only once enabled (RINGING on an offer)', async () => {
    const { rig, mp, hdLine, htLine } = await openLine({ callsPerAddress: 2 });
    mp.remote.offer({ mediaMode: LINEMEDIAMODE_DIGITALDATA });
    expect(rig.take().filter((e) => e.type === 'lineDevState')).toEqual([]);
    const r = send(mp, OID_TAPI_SET_STATUS_MESSAGES, 'NDIS_TAPI_SET_STATUS_MESSAGES', { hdLine, ulLineStates: LINEDEVSTATE_RINGING, ulAddressStates: 0 });
    expect(r.status).toBe(S);
    expectOnlyOutWritten(OID_TAPI_SET_STATUS_MESSAGES, 'set', mp.abi, r.before, r.buffer);
    mp.remote.offer({ mediaMode: LINEMEDIAMODE_DIGITALDATA });
    expect(rig.take().filter((e) => e.type === 'lineDevState')).toEqual([expect.objectContaining({ htLine, state: LINEDEVSTATE_RINGING })]);
  });

  test('a line state the line does not report (LINE_DEV_CAPS.ulLineStates): NDIS_STATUS_TAPI_INVALLINESTATE', async () => {
    const { mp, hdLine } = await openLine();
    const states = devCaps(mp, 0).value.LineDevCaps.ulLineStates;
    const bit = [...Array(32).keys()].map((i) => (1 << i) >>> 0).find((b) => (states & b) === 0);
    if (bit === undefined) throw new Error('every line state supported');
    expect(send(mp, OID_TAPI_SET_STATUS_MESSAGES, 'NDIS_TAPI_SET_STATUS_MESSAGES', { hdLine, ulLineStates: bit, ulAddressStates: 0 }).status).toBe(NDIS_STATUS_TAPI_INVALLINESTATE);
  });

  test('an address state the address does not report (LINE_ADDRESS_CAPS.ulAddressStates) is refused with a status §6.5 lists', async () => {
    const { mp, hdLine } = await openLine();
    const caps = send(mp, OID_TAPI_GET_ADDRESS_CAPS, 'NDIS_TAPI_GET_ADDRESS_CAPS', { ulDeviceID: 0, ulAddressID: 0 }, 1024).value.LineAddressCaps.ulAddressStates;
    const bit = [...Array(32).keys()].map((i) => (1 << i) >>> 0).find((b) => (caps & b) === 0);
    if (bit === undefined) throw new Error('every address state supported');
    expectDocumentedRefusal(OID_TAPI_SET_STATUS_MESSAGES, send(mp, OID_TAPI_SET_STATUS_MESSAGES, 'NDIS_TAPI_SET_STATUS_MESSAGES', { hdLine, ulLineStates: 0, ulAddressStates: bit }).status);
  });

  test('an unknown hdLine: NDIS_STATUS_TAPI_INVALLINEHANDLE', async () => {
    const { mp, hdLine } = await openLine();
    expect(send(mp, OID_TAPI_SET_STATUS_MESSAGES, 'NDIS_TAPI_SET_STATUS_MESSAGES', { hdLine: hdLine + 0x100 }).status).toBe(NDIS_STATUS_TAPI_INVALLINEHANDLE);
  });
});

describe('OID_TAPI_NEGOTIATE_EXT_VERSION (§6.16)', () => {
  const negotiate = (mp: Miniport, ulDeviceID: number, ulLowVersion: number, ulHighVersion: number) =>
    send(mp, OID_TAPI_NEGOTIATE_EXT_VERSION, 'NDIS_TAPI_NEGOTIATE_EXT_VERSION', { ulRequestID: 1, ulDeviceID, ulLowVersion, ulHighVersion, ulExtVersion: 0xeeee });

  test('returns the highest supported version inside [ulLowVersion, ulHighVersion]', async () => {
    const { mp } = await openLine({ extVersion: 0x0002_0001 });
    const r = negotiate(mp, 0, 0x0001_0000, 0x0003_0000);
    expect(r.status).toBe(S);
    expect(r.value).toMatchObject({ ulDeviceID: 0, ulLowVersion: 0x0001_0000, ulHighVersion: 0x0003_0000, ulExtVersion: 0x0002_0001 });
    expectOnlyOutWritten(OID_TAPI_NEGOTIATE_EXT_VERSION, 'query', mp.abi, r.before, r.buffer);
    expect(negotiate(mp, 0, 0x0002_0001, 0x0002_0001).value.ulExtVersion).toBe(0x0002_0001);
  });

  test('no overlap: NDIS_STATUS_TAPI_INCOMPATIBLEEXTVERSION; a miniport without extensions overlaps nothing', async () => {
    const { mp } = await openLine({ extVersion: 0x0002_0001 });
    expect(negotiate(mp, 0, 0x0003_0000, 0x0004_0000).status).toBe(NDIS_STATUS_TAPI_INCOMPATIBLEEXTVERSION);
    expect(negotiate(mp, 0, 0x0001_0000, 0x0002_0000).status).toBe(NDIS_STATUS_TAPI_INCOMPATIBLEEXTVERSION);
    const plain = await openLine();
    expect(negotiate(plain.mp, 0, 0, 0xffff_ffff).status).toBe(NDIS_STATUS_TAPI_INCOMPATIBLEEXTVERSION);
  });

  test('an unknown device id is refused with a status §6.16 lists', async () => {
    const { mp } = await openLine({ extVersion: 0x0002_0001, lines: 2 });
    expectDocumentedRefusal(OID_TAPI_NEGOTIATE_EXT_VERSION, negotiate(mp, 2, 0x0001_0000, 0x0003_0000).status);
  });
});

describe('OID_TAPI_GET_EXTENSION_ID (§6.16)', () => {
  test('no extensions: LINE_EXTENSION_ID is all zeros, whatever the buffer held', async () => {
    const { mp } = await openLine();
    const r = send(mp, OID_TAPI_GET_EXTENSION_ID, 'NDIS_TAPI_GET_EXTENSION_ID', {
      ulRequestID: 5,
      ulDeviceID: 1,
      LineExtensionID: { ulExtensionID0: 0x11111111, ulExtensionID1: 0x22222222, ulExtensionID2: 0x33333333, ulExtensionID3: 0x44444444 },
    });
    expect(r.status).toBe(S);
    expect(r.value).toEqual({ ulRequestID: 5, ulDeviceID: 1, LineExtensionID: { ulExtensionID0: 0, ulExtensionID1: 0, ulExtensionID2: 0, ulExtensionID3: 0 } });
    expectOnlyOutWritten(OID_TAPI_GET_EXTENSION_ID, 'query', mp.abi, r.before, r.buffer);
  });

  test('an unknown device id is refused with a status §6.16 lists', async () => {
    const { mp } = await openLine({ lines: 2 });
    expectDocumentedRefusal(OID_TAPI_GET_EXTENSION_ID, send(mp, OID_TAPI_GET_EXTENSION_ID, 'NDIS_TAPI_GET_EXTENSION_ID', { ulDeviceID: 9 }).status);
  });
});

describe('OID_TAPI_GET_DEV_CAPS (§6.15)', () => {
  test('LINE_DEV_CAPS: ProviderInfo "ISDN\\0wanemu\\0" as bytes, the line modelling the miniport was given, TAPI sizes', () => {
    const options = { lines: 2, addressesPerLine: 2, callsPerAddress: 3, mediaModes: LINEMEDIAMODE_DIGITALDATA | LINEMEDIAMODE_UNKNOWN, bearerModes: LINEBEARERMODE_DATA, maxRate: 128_000 };
    const mp = new SimulatedMiniport(options);
    expect(send(mp, OID_TAPI_PROVIDER_INITIALIZE, 'NDIS_TAPI_PROVIDER_INITIALIZE', { ulDeviceIDBase: 7 }).status).toBe(S);
    const r = send(mp, OID_TAPI_GET_DEV_CAPS, 'NDIS_TAPI_GET_DEV_CAPS', { ulRequestID: 2, ulDeviceID: 8, ulExtVersion: 0 }, 1024);
    expect(r.status).toBe(S);
    expectOnlyOutWritten(OID_TAPI_GET_DEV_CAPS, 'query', 'x64', r.before, r.buffer);
    expect(r.value).toMatchObject({ ulRequestID: 2, ulDeviceID: 8, ulExtVersion: 0 });
    const caps = r.value.LineDevCaps;
    // "MediaName\0ProviderName\0" (§6.15).
    expect(caps.ProviderInfo).toEqual(asciiz('ISDN\0wanemu'));
    expect(text(caps.ProviderInfo).split('\0')).toEqual(['ISDN', 'wanemu', '']);
    expect(caps).toMatchObject({
      ulNumAddresses: 2,
      ulMediaModes: options.mediaModes,
      ulBearerModes: options.bearerModes,
      ulMaxRate: options.maxRate,
      ulStringFormat: STRINGFORMAT_ASCII,
    });
    expect(caps.ulMaxNumActiveCalls).toBeGreaterThanOrEqual(3);
    expect(caps.ulMaxNumActiveCalls).toBeLessThanOrEqual(6);
    expect(caps.LineName.length).toBeGreaterThan(1);
    expect(caps.LineName[caps.LineName.length - 1]).toBe(0);
    // TAPI's convention: everything fits, so ulUsedSize = ulNeededSize, the fixed part and the strings.
    const fixed = sizeOf('LINE_DEV_CAPS', 'x64');
    expect(caps.ulTotalSize).toBe(1024);
    expect(caps.ulNeededSize).toBe(caps.ulUsedSize);
    expect(caps.ulUsedSize).toBeGreaterThanOrEqual(fixed + caps.ulProviderInfoSize + caps.ulLineNameSize);
    for (const [offset, size] of [[caps.ulProviderInfoOffset, caps.ulProviderInfoSize], [caps.ulLineNameOffset, caps.ulLineNameSize]] as const) {
      expect(offset).toBeGreaterThanOrEqual(fixed);
      expect(offset + size).toBeLessThanOrEqual(caps.ulUsedSize);
    }
    expect(r.bytesUsed).toBe(offsetOf('NDIS_TAPI_GET_DEV_CAPS', 'LineDevCaps', 'x64') + caps.ulUsedSize);
  });

  test('each line has its own permanent line id', async () => {
    const { mp } = await openLine({ lines: 3 });
    const ids = [0, 1, 2].map((d) => devCaps(mp, d).value.LineDevCaps.ulPermanentLineID);
    expect(new Set(ids).size).toBe(3);
  });

  test('ulTotalSize = the fixed size: ulNeededSize > ulTotalSize, variable parts left out, ulUsedSize = fixed size', async () => {
    const { mp } = await openLine();
    const fixed = sizeOf('LINE_DEV_CAPS', mp.abi);
    const r = devCaps(mp, 0, fixed);
    expect(r.status).toBe(S);
    const caps = r.value.LineDevCaps;
    expect(caps.ulTotalSize).toBe(fixed);
    expect(caps.ulNeededSize).toBeGreaterThan(fixed);
    expect(caps.ulUsedSize).toBe(fixed);
    expect({ p: caps.ulProviderInfoSize, l: caps.ulLineNameSize }).toEqual({ p: 0, l: 0 });
    expect(caps.ulNumAddresses).toBe(mp.config.addressesPerLine);
    // Asking again with ulNeededSize gets everything.
    const again = devCaps(mp, 0, caps.ulNeededSize);
    expect(again.value.LineDevCaps.ulUsedSize).toBe(caps.ulNeededSize);
    expect(again.value.LineDevCaps.ProviderInfo.length).toBeGreaterThan(0);
  });

  test('ulTotalSize below the fixed size: NDIS_STATUS_TAPI_STRUCTURETOOSMALL, nothing written', async () => {
    const { mp } = await openLine();
    const r = devCaps(mp, 0, sizeOf('LINE_DEV_CAPS', mp.abi) - 1);
    expect(r.status).toBe(NDIS_STATUS_TAPI_STRUCTURETOOSMALL);
    expect(r.buffer).toEqual(r.before);
  });

  test('ulTotalSize running past the information buffer: NDIS_STATUS_INVALID_LENGTH with the bytes needed', async () => {
    const { mp } = await openLine();
    const at = offsetOf('NDIS_TAPI_GET_DEV_CAPS', 'LineDevCaps', mp.abi);
    const buffer = encode('NDIS_TAPI_GET_DEV_CAPS', { ulDeviceID: 0, LineDevCaps: { ulTotalSize: 2048 } }, mp.abi, at + 1024);
    const r = request(mp, 'query', OID_TAPI_GET_DEV_CAPS, buffer);
    expect(r.status).toBe(NDIS_STATUS_INVALID_LENGTH);
    expect(r.bytesNeeded).toBe(at + 2048);
  });

  test('an unknown device id is refused with a status §6.15 lists', async () => {
    const { mp } = await openLine({ lines: 2 });
    expectDocumentedRefusal(OID_TAPI_GET_DEV_CAPS, devCaps(mp, 2).status);
  });
});

describe('OID_TAPI_GET_ADDRESS_CAPS (§6.16)', () => {
  const addressCaps = (mp: Miniport, ulDeviceID: number, ulAddressID: number, reserve = 1024) =>
    send(mp, OID_TAPI_GET_ADDRESS_CAPS, 'NDIS_TAPI_GET_ADDRESS_CAPS', { ulRequestID: 4, ulDeviceID, ulAddressID, ulExtVersion: 0 }, reserve);

  test('LINE_ADDRESS_CAPS of one address: its line device id, calls it can hold, its address string', async () => {
    const { mp } = await openLine({ addressesPerLine: 2, callsPerAddress: 3 });
    const r = addressCaps(mp, 0, 1);
    expect(r.status).toBe(S);
    expectOnlyOutWritten(OID_TAPI_GET_ADDRESS_CAPS, 'query', mp.abi, r.before, r.buffer);
    expect(r.value).toMatchObject({ ulDeviceID: 0, ulAddressID: 1, ulExtVersion: 0 });
    const caps = r.value.LineAddressCaps;
    expect(caps).toMatchObject({ ulTotalSize: 1024, ulLineDeviceID: 0, ulMaxNumActiveCalls: 3 });
    for (const state of [LINECALLSTATE_IDLE, LINECALLSTATE_OFFERING, LINECALLSTATE_CONNECTED, LINECALLSTATE_DISCONNECTED]) {
      expect(caps.ulCallStates & state).toBe(state);
    }
    expect(caps.Address.length).toBeGreaterThan(1);
    expect(caps.Address[caps.Address.length - 1]).toBe(0);
    expect(caps.ulUsedSize).toBe(caps.ulNeededSize);
    expect(caps.ulNeededSize).toBeGreaterThanOrEqual(sizeOf('LINE_ADDRESS_CAPS', mp.abi) + caps.ulAddressSize);
  });

  test('ulTotalSize = the fixed size: variable parts left out, ulUsedSize = fixed, ulNeededSize larger', async () => {
    const { mp } = await openLine();
    const fixed = sizeOf('LINE_ADDRESS_CAPS', mp.abi);
    const caps = addressCaps(mp, 0, 0, fixed).value.LineAddressCaps;
    expect(caps).toMatchObject({ ulTotalSize: fixed, ulUsedSize: fixed, ulAddressSize: 0 });
    expect(caps.ulNeededSize).toBeGreaterThan(fixed);
    expect(addressCaps(mp, 0, 0, fixed - 4).status).toBe(NDIS_STATUS_TAPI_STRUCTURETOOSMALL);
  });

  test('an address id the line does not have: NDIS_STATUS_TAPI_INVALADDRESSID', async () => {
    const { mp } = await openLine({ addressesPerLine: 2 });
    expect(addressCaps(mp, 0, 2).status).toBe(NDIS_STATUS_TAPI_INVALADDRESSID);
  });

  test('an unknown device id is refused with a status §6.16 lists', async () => {
    const { mp } = await openLine({ lines: 1 });
    expectDocumentedRefusal(OID_TAPI_GET_ADDRESS_CAPS, addressCaps(mp, 1, 0).status);
  });
});

describe('OID_TAPI_GET_CALL_INFO (§6.13)', () => {
  test('an incoming call: line device id, address, bearer, rate, media mode, origin, caller id; SET_APP_SPECIFIC shows', async () => {
    const { mp, hdCall } = await offeredCall({ maxRate: 64_000 }, { callerId: '5551234', calledId: '100' });
    const r = callInfo(mp, hdCall);
    expect(r.status).toBe(S);
    expectOnlyOutWritten(OID_TAPI_GET_CALL_INFO, 'query', mp.abi, r.before, r.buffer);
    expect(Number(r.value.hdCall)).toBe(hdCall);
    const info = r.value.LineCallInfo;
    const bearers = devCaps(mp, 0).value.LineDevCaps.ulBearerModes;
    expect(info).toMatchObject({ ulLineDeviceID: 0, ulAddressID: 0, ulMediaMode: LINEMEDIAMODE_DIGITALDATA, ulOrigin: LINECALLORIGIN_INBOUND, ulCallerIDFlags: LINECALLPARTYID_ADDRESS });
    expect(info.ulBearerMode & bearers).toBe(info.ulBearerMode);
    expect(info.ulBearerMode).not.toBe(0);
    expect(info.ulRate).toBeLessThanOrEqual(64_000);
    expect(info.CallerID).toEqual(asciiz('5551234'));
    expect(info.CalledID).toEqual(asciiz('100'));
    expect(info.ulUsedSize).toBe(info.ulNeededSize);
    expect(send(mp, OID_TAPI_SET_APP_SPECIFIC, 'NDIS_TAPI_SET_APP_SPECIFIC', { hdCall, ulAppSpecific: 0xdead_beef }).status).toBe(S);
    expect(callInfo(mp, hdCall).value.LineCallInfo.ulAppSpecific).toBe(0xdead_beef);
  });

  test('an outgoing call: OUTBOUND, the dialled number as called id, the line device id from ulDeviceIDBase', async () => {
    const rig = new Rig();
    await rig.client.initialize(30);
    await rig.client.open(31);
    const htLine = rig.shim.htLineFor(31);
    const made = await rig.client.makeCall(htLine, '0123456');
    expect(made.status).toBe(S);
    const hdCall = rig.client.hdCall(made.htCall);
    const info = callInfo(rig.miniport, hdCall).value.LineCallInfo;
    expect(info).toMatchObject({ ulLineDeviceID: 31, ulOrigin: LINECALLORIGIN_OUTBOUND });
    expect(info.CalledID).toEqual(asciiz('0123456'));
  });

  test('ulTotalSize = the fixed size: caller id left out, ulUsedSize = fixed, ulNeededSize larger; below it STRUCTURETOOSMALL', async () => {
    const { mp, hdCall } = await offeredCall({}, { callerId: '5551234' });
    const fixed = sizeOf('LINE_CALL_INFO', mp.abi);
    const info = callInfo(mp, hdCall, fixed).value.LineCallInfo;
    expect(info).toMatchObject({ ulTotalSize: fixed, ulUsedSize: fixed, ulCallerIDSize: 0, ulMediaMode: LINEMEDIAMODE_DIGITALDATA });
    expect(info.ulNeededSize).toBeGreaterThanOrEqual(fixed + asciiz('5551234').length);
    expect(callInfo(mp, hdCall, fixed - 1).status).toBe(NDIS_STATUS_TAPI_STRUCTURETOOSMALL);
  });

  test('an unknown hdCall: NDIS_STATUS_TAPI_INVALCALLHANDLE', async () => {
    const { mp, hdCall } = await offeredCall();
    expect(callInfo(mp, hdCall + 1).status).toBe(NDIS_STATUS_TAPI_INVALCALLHANDLE);
    expect(callInfo(mp, 0).status).toBe(NDIS_STATUS_TAPI_INVALCALLHANDLE);
  });
});

describe('OID_TAPI_GET_CALL_STATUS (§6.14)', () => {
  test('the call state as it moves: OFFERING, CONNECTED, then IDLE after DROP', async () => {
    const { rig, mp, hdCall, htCall } = await offeredCall();
    const r = callStatus(mp, hdCall);
    expect(r.status).toBe(S);
    expectOnlyOutWritten(OID_TAPI_GET_CALL_STATUS, 'query', mp.abi, r.before, r.buffer);
    expect(r.value.LineCallStatus).toMatchObject({ ulTotalSize: 256, ulCallState: LINECALLSTATE_OFFERING });
    expect(r.value.LineCallStatus.ulNeededSize).toBeGreaterThanOrEqual(sizeOf('LINE_CALL_STATUS', mp.abi));
    await rig.client.answer(htCall);
    expect(callStatus(mp, hdCall).value.LineCallStatus.ulCallState).toBe(LINECALLSTATE_CONNECTED);
    await rig.client.drop(htCall);
    expect(callStatus(mp, hdCall).value.LineCallStatus.ulCallState).toBe(LINECALLSTATE_IDLE);
  });

  test('the state mode: BUSY with LINEBUSYMODE_*, DISCONNECTED with LINEDISCONNECTMODE_*', async () => {
    const busy = await outgoingCall({ outgoing: { outcome: 'busy' } }, '1');
    expect(callStatus(busy.mp, busy.hdCall).value.LineCallStatus).toMatchObject({ ulCallState: LINECALLSTATE_BUSY, ulCallStateMode: LINEBUSYMODE_STATION });
    const rejected = await outgoingCall({ outgoing: { outcome: 'reject' } }, '2');
    expect(callStatus(rejected.mp, rejected.hdCall).value.LineCallStatus).toMatchObject({ ulCallState: LINECALLSTATE_DISCONNECTED, ulCallStateMode: LINEDISCONNECTMODE_REJECT });
  });

  test('ulTotalSize below the fixed size: NDIS_STATUS_TAPI_STRUCTURETOOSMALL; an unknown hdCall: INVALCALLHANDLE', async () => {
    const { mp, hdCall } = await offeredCall();
    expect(callStatus(mp, hdCall, sizeOf('LINE_CALL_STATUS', mp.abi) - 1).status).toBe(NDIS_STATUS_TAPI_STRUCTURETOOSMALL);
    const exact = callStatus(mp, hdCall, sizeOf('LINE_CALL_STATUS', mp.abi));
    expect(exact.status).toBe(S);
    expect(exact.value.LineCallStatus.ulUsedSize).toBe(sizeOf('LINE_CALL_STATUS', mp.abi));
    expect(callStatus(mp, hdCall + 7).status).toBe(NDIS_STATUS_TAPI_INVALCALLHANDLE);
  });
});

describe('OID_TAPI_GET_ADDRESS_STATUS (§6.16)', () => {
  const addressStatus = (mp: Miniport, hdLine: number, ulAddressID: number, reserve = 256) =>
    send(mp, OID_TAPI_GET_ADDRESS_STATUS, 'NDIS_TAPI_GET_ADDRESS_STATUS', { ulRequestID: 6, hdLine, ulAddressID }, reserve);

  test('counts the active calls of one address', async () => {
    const { mp, hdLine } = await openLine({ addressesPerLine: 2, callsPerAddress: 2 }, LINEMEDIAMODE_DIGITALDATA);
    const idle = addressStatus(mp, hdLine, 1);
    expect(idle.status).toBe(S);
    expectOnlyOutWritten(OID_TAPI_GET_ADDRESS_STATUS, 'query', mp.abi, idle.before, idle.buffer);
    expect(idle.value.LineAddressStatus).toMatchObject({ ulTotalSize: 256, ulNumActiveCalls: 0, ulNumInUse: 0 });
    expect(mp.remote.offer({ address: 1, mediaMode: LINEMEDIAMODE_DIGITALDATA }).ok).toBe(true);
    expect(addressStatus(mp, hdLine, 1).value.LineAddressStatus.ulNumActiveCalls).toBe(1);
    expect(addressStatus(mp, hdLine, 0).value.LineAddressStatus.ulNumActiveCalls).toBe(0);
  });

  test('an address id the line does not have: INVALADDRESSID; an unknown hdLine: INVALLINEHANDLE; too small: STRUCTURETOOSMALL', async () => {
    const { mp, hdLine } = await openLine({ addressesPerLine: 2 });
    expect(addressStatus(mp, hdLine, 2).status).toBe(NDIS_STATUS_TAPI_INVALADDRESSID);
    expect(addressStatus(mp, hdLine + 0x100, 0).status).toBe(NDIS_STATUS_TAPI_INVALLINEHANDLE);
    expect(addressStatus(mp, hdLine, 0, sizeOf('LINE_ADDRESS_STATUS', mp.abi) - 1).status).toBe(NDIS_STATUS_TAPI_STRUCTURETOOSMALL);
  });
});

describe('OID_TAPI_GET_LINE_DEV_STATUS (§6.16)', () => {
  test('the open media modes, the active calls, in service and connected', async () => {
    const { rig, mp, hdLine, htCall } = await offeredCall();
    const r = lineDevStatus(mp, hdLine);
    expect(r.status).toBe(S);
    expectOnlyOutWritten(OID_TAPI_GET_LINE_DEV_STATUS, 'query', mp.abi, r.before, r.buffer);
    const status = r.value.LineDevStatus;
    expect(status).toMatchObject({ ulTotalSize: 256, ulOpenMediaModes: LINEMEDIAMODE_DIGITALDATA | LINEMEDIAMODE_INTERACTIVEVOICE, ulNumActiveCalls: 1 });
    expect(status.ulDevStatusFlags & LINEDEVSTATUSFLAGS_INSERVICE).toBe(LINEDEVSTATUSFLAGS_INSERVICE);
    expect(status.ulDevStatusFlags & LINEDEVSTATUSFLAGS_CONNECTED).toBe(0);
    await rig.client.answer(htCall);
    expect(lineDevStatus(mp, hdLine).value.LineDevStatus.ulDevStatusFlags & LINEDEVSTATUSFLAGS_CONNECTED).toBe(LINEDEVSTATUSFLAGS_CONNECTED);
    await rig.client.drop(htCall);
    expect(lineDevStatus(mp, hdLine).value.LineDevStatus.ulNumActiveCalls).toBe(0);
  });

  test('an unknown hdLine: INVALLINEHANDLE; ulTotalSize below the fixed size: STRUCTURETOOSMALL', async () => {
    const { mp, hdLine } = await openLine();
    expect(lineDevStatus(mp, hdLine + 0x100).status).toBe(NDIS_STATUS_TAPI_INVALLINEHANDLE);
    expect(lineDevStatus(mp, hdLine, sizeOf('LINE_DEV_STATUS', mp.abi) - 1).status).toBe(NDIS_STATUS_TAPI_STRUCTURETOOSMALL);
  });
});

describe('OID_TAPI_GET_CALL_ADDRESS_ID (§6.16)', () => {
  const callAddressId = (mp: Miniport, hdCall: number) =>
    send(mp, OID_TAPI_GET_CALL_ADDRESS_ID, 'NDIS_TAPI_GET_CALL_ADDRESS_ID', { ulRequestID: 8, hdCall, ulAddressID: 0xffff });

  test('the address the call is on (incoming on address 1; outgoing placed on address 1)', async () => {
    const { mp, hdCall } = await offeredCall({ addressesPerLine: 2 }, { address: 1 });
    const r = callAddressId(mp, hdCall);
    expect(r.status).toBe(S);
    expect(r.value).toMatchObject({ ulRequestID: 8, hdCall, ulAddressID: 1 });
    expectOnlyOutWritten(OID_TAPI_GET_CALL_ADDRESS_ID, 'query', mp.abi, r.before, r.buffer);
    const out = await outgoingCall({ addressesPerLine: 2 }, '77', { ulAddressMode: LINEADDRESSMODE_ADDRESSID, ulAddressID: 1 });
    expect(callAddressId(out.mp, out.hdCall).value.ulAddressID).toBe(1);
  });

  test('an unknown hdCall is refused with a status §6.16 lists', async () => {
    const { mp, hdCall } = await offeredCall();
    expectDocumentedRefusal(OID_TAPI_GET_CALL_ADDRESS_ID, callAddressId(mp, hdCall + 1).status);
  });
});

describe('OID_TAPI_GET_ID (§6.8)', () => {
  test('"tapi/line" for a line: the line device id as binary data after the VAR_STRING', async () => {
    const rig = new Rig();
    await rig.client.initialize(12);
    await rig.client.open(13);
    const mp = rig.miniport;
    const hdLine = rig.client.hdLine(rig.shim.htLineFor(13));
    const r = getId(mp, { ulSelect: LINECALLSELECT_LINE, hdLine }, 'tapi/line');
    expect(r.status).toBe(S);
    expectOnlyOutWritten(OID_TAPI_GET_ID, 'query', mp.abi, r.before, r.buffer);
    const id = r.value?.DeviceID;
    const header = sizeOf('VAR_STRING', mp.abi);
    expect(id).toMatchObject({ ulTotalSize: 64, ulNeededSize: header + 4, ulUsedSize: header + 4, ulStringFormat: STRINGFORMAT_BINARY, ulStringSize: 4, ulStringOffset: header });
    if (id === undefined) throw new Error('no DeviceID');
    expect(new DataView(id.String.buffer, id.String.byteOffset).getUint32(0, true)).toBe(13);
    // LINECALLSELECT_ADDRESS names the line too; the class name compares case-insensitively.
    const viaAddress = getId(mp, { ulSelect: LINECALLSELECT_ADDRESS, hdLine, ulAddressID: 0 }, 'TAPI/Line');
    expect(viaAddress.status).toBe(S);
    expect(viaAddress.value?.DeviceID.String).toEqual(id.String);
  });

  test('"ndis" for a connected call: the NdisLinkContext NDISWAN wrote into the line-up, pointer-sized', async () => {
    const { mp, hdCall, linkContext } = await connectedCall();
    const r = getId(mp, { ulSelect: LINECALLSELECT_CALL, hdCall }, 'ndis');
    expect(r.status).toBe(S);
    const id = r.value?.DeviceID;
    if (id === undefined) throw new Error('no DeviceID');
    expect(id).toMatchObject({ ulStringFormat: STRINGFORMAT_BINARY, ulStringSize: pointerSize(mp.abi), ulStringOffset: sizeOf('VAR_STRING', mp.abi) });
    expect(new DataView(id.String.buffer, id.String.byteOffset).getBigUint64(0, true)).toBe(BigInt(linkContext));
  });

  test('DeviceID with room for the header only: ulNeededSize > ulTotalSize, no string, ulUsedSize = sizeof(VAR_STRING)', async () => {
    const { mp, hdLine } = await openLine();
    const header = sizeOf('VAR_STRING', mp.abi);
    const r = getId(mp, { ulSelect: LINECALLSELECT_LINE, hdLine }, 'tapi/line', header);
    expect(r.status).toBe(S);
    expect(r.value?.DeviceID).toMatchObject({ ulTotalSize: header, ulUsedSize: header, ulNeededSize: header + 4, ulStringSize: 0 });
    expect(getId(mp, { ulSelect: LINECALLSELECT_LINE, hdLine }, 'tapi/line', header - 1).status).toBe(NDIS_STATUS_TAPI_STRUCTURETOOSMALL);
  });

  test('unknown hdLine: INVALLINEHANDLE; unknown hdCall: INVALCALLHANDLE; address not on the line: INVALADDRESSID; unknown class: NODEVICE', async () => {
    const { mp, hdLine, hdCall } = await connectedCall({ addressesPerLine: 1 });
    expect(getId(mp, { ulSelect: LINECALLSELECT_LINE, hdLine: hdLine + 0x100 }, 'tapi/line').status).toBe(NDIS_STATUS_TAPI_INVALLINEHANDLE);
    expect(getId(mp, { ulSelect: LINECALLSELECT_CALL, hdCall: hdCall + 1 }, 'ndis').status).toBe(NDIS_STATUS_TAPI_INVALCALLHANDLE);
    expect(getId(mp, { ulSelect: LINECALLSELECT_ADDRESS, hdLine, ulAddressID: 1 }, 'tapi/line').status).toBe(NDIS_STATUS_TAPI_INVALADDRESSID);
    expect(getId(mp, { ulSelect: LINECALLSELECT_LINE, hdLine }, 'comm/datamodem').status).toBe(NDIS_STATUS_TAPI_NODEVICE);
    expect(getId(mp, { ulSelect: LINECALLSELECT_CALL, hdCall }, 'wave/in').status).toBe(NDIS_STATUS_TAPI_NODEVICE);
    expectDocumentedRefusal(OID_TAPI_GET_ID, getId(mp, { ulSelect: 0x40, hdLine, hdCall }, 'tapi/line').status);
  });

  test('"ndis" for a call whose link is not up (still OFFERING) is refused with a status §6.8 lists', async () => {
    const { mp, hdCall } = await offeredCall();
    expectDocumentedRefusal(OID_TAPI_GET_ID, getId(mp, { ulSelect: LINECALLSELECT_CALL, hdCall }, 'ndis').status);
  });

  test('a device class string outside the buffer: NDIS_STATUS_INVALID_LENGTH, BytesNeeded past the buffer and a ULONG', async () => {
    const { mp, hdLine } = await openLine();
    const size = sizeOf('NDIS_TAPI_GET_ID', mp.abi);
    const cases = [
      { ulDeviceClassOffset: size + 64, ulDeviceClassSize: 10, length: size + 64 },
      { ulDeviceClassOffset: size, ulDeviceClassSize: 100, length: size + 50 },
      { ulDeviceClassOffset: 0x7fff_0000, ulDeviceClassSize: 0x20, length: size + 64 },
    ];
    for (const c of cases) {
      const buffer = encode('NDIS_TAPI_GET_ID', { ulSelect: LINECALLSELECT_LINE, hdLine, ulDeviceClassOffset: c.ulDeviceClassOffset, ulDeviceClassSize: c.ulDeviceClassSize, DeviceID: { ulTotalSize: 32 } }, mp.abi, c.length);
      const before = buffer.slice();
      const r = request(mp, 'query', OID_TAPI_GET_ID, buffer);
      expect({ ...c, status: statusName(r.status) }).toEqual({ ...c, status: 'NDIS_STATUS_INVALID_LENGTH' });
      expect(r.bytesNeeded).toBe(c.ulDeviceClassOffset + c.ulDeviceClassSize);
      expect(buffer).toEqual(before);
    }
  });

  test('an offset + size beyond 4 GB: BytesNeeded (a PULONG, §9) still fits a ULONG', async () => {
    const { mp, hdLine } = await openLine();
    const size = sizeOf('NDIS_TAPI_GET_ID', mp.abi);
    for (const c of [
      { ulDeviceClassOffset: 0xffff_fff0, ulDeviceClassSize: 0x20 },
      { ulDeviceClassOffset: 0xffff_ffff, ulDeviceClassSize: 0xffff_ffff },
    ]) {
      const buffer = encode('NDIS_TAPI_GET_ID', { ulSelect: LINECALLSELECT_LINE, hdLine, ...c, DeviceID: { ulTotalSize: 32 } }, mp.abi, size + 64);
      const r = request(mp, 'query', OID_TAPI_GET_ID, buffer);
      expect(r.status).not.toBe(S);
      expect({ ...c, bytesNeededIsUlong: r.bytesNeeded >= 0 && r.bytesNeeded <= 0xffff_ffff }).toEqual({ ...c, bytesNeededIsUlong: true });
      if (r.status === NDIS_STATUS_INVALID_LENGTH) expect(r.bytesNeeded).toBeGreaterThan(buffer.length);
    }
    // The same for a var-size OUT member whose ulTotalSize runs to 4 GB.
    const at = offsetOf('NDIS_TAPI_GET_DEV_CAPS', 'LineDevCaps', mp.abi);
    const caps = encode('NDIS_TAPI_GET_DEV_CAPS', { ulDeviceID: 0, LineDevCaps: { ulTotalSize: 0xffff_ffff } }, mp.abi, at + 1024);
    const r = request(mp, 'query', OID_TAPI_GET_DEV_CAPS, caps);
    expect(r.status).not.toBe(S);
    expect({ ulTotalSize: 0xffff_ffff, bytesNeededIsUlong: r.bytesNeeded >= 0 && r.bytesNeeded <= 0xffff_ffff }).toEqual({ ulTotalSize: 0xffff_ffff, bytesNeededIsUlong: true });
  });
});

describe('OID_TAPI_SECURE_CALL (§6.17)', () => {
  test('marks the call secure for the rest of the call (LINE_CALL_INFO.ulCallParamFlags)', async () => {
    const { mp, hdCall } = await connectedCall();
    expect(callInfo(mp, hdCall).value.LineCallInfo.ulCallParamFlags & LINECALLPARAMFLAGS_SECURE).toBe(0);
    const r = send(mp, OID_TAPI_SECURE_CALL, 'NDIS_TAPI_SECURE_CALL', { ulRequestID: 1, hdCall });
    expect(r.status).toBe(S);
    expectOnlyOutWritten(OID_TAPI_SECURE_CALL, 'set', mp.abi, r.before, r.buffer);
    expect(callInfo(mp, hdCall).value.LineCallInfo.ulCallParamFlags & LINECALLPARAMFLAGS_SECURE).toBe(LINECALLPARAMFLAGS_SECURE);
    expect(mp.calls[0]?.secure).toBe(true);
  });

  test('an unknown hdCall: NDIS_STATUS_TAPI_INVALCALLHANDLE', async () => {
    const { mp, hdCall } = await connectedCall();
    expect(send(mp, OID_TAPI_SECURE_CALL, 'NDIS_TAPI_SECURE_CALL', { hdCall: hdCall + 1 }).status).toBe(NDIS_STATUS_TAPI_INVALCALLHANDLE);
    expect(mp.calls[0]?.secure).toBe(false);
  });
});

describe('OID_TAPI_SET_APP_SPECIFIC (§6.17)', () => {
  test('stores ulAppSpecific uninterpreted for LINE_CALL_INFO, and reports LINE_CALLINFO APPSPECIFIC', async () => {
    const { rig, mp, hdCall, htCall } = await offeredCall();
    for (const value of [0, 1, 0x7fff_ffff, 0xffff_ffff]) {
      const r = send(mp, OID_TAPI_SET_APP_SPECIFIC, 'NDIS_TAPI_SET_APP_SPECIFIC', { ulRequestID: 2, hdCall, ulAppSpecific: value });
      expect(r.status).toBe(S);
      expectOnlyOutWritten(OID_TAPI_SET_APP_SPECIFIC, 'set', mp.abi, r.before, r.buffer);
      expect(callInfo(mp, hdCall).value.LineCallInfo.ulAppSpecific).toBe(value);
    }
    expect(rig.take()).toContainEqual(expect.objectContaining({ type: 'callInfo', htCall, changed: LINECALLINFOSTATE_APPSPECIFIC }));
  });

  test('an unknown hdCall: NDIS_STATUS_TAPI_INVALCALLHANDLE', async () => {
    const { mp, hdCall } = await offeredCall();
    expect(send(mp, OID_TAPI_SET_APP_SPECIFIC, 'NDIS_TAPI_SET_APP_SPECIFIC', { hdCall: hdCall + 1, ulAppSpecific: 5 }).status).toBe(NDIS_STATUS_TAPI_INVALCALLHANDLE);
  });
});

describe('OID_TAPI_SET_MEDIA_MODE (§6.17)', () => {
  const setMediaMode = (mp: Miniport, hdCall: number, ulMediaMode: number) =>
    send(mp, OID_TAPI_SET_MEDIA_MODE, 'NDIS_TAPI_SET_MEDIA_MODE', { ulRequestID: 3, hdCall, ulMediaMode });

  test('exactly one mode, or UNKNOWN with candidate bits: LINE_CALL_INFO.ulMediaMode changes (LINE_CALLINFO MEDIAMODE)', async () => {
    const { rig, mp, hdCall, htCall } = await offeredCall();
    const r = setMediaMode(mp, hdCall, LINEMEDIAMODE_INTERACTIVEVOICE);
    expect(r.status).toBe(S);
    expectOnlyOutWritten(OID_TAPI_SET_MEDIA_MODE, 'set', mp.abi, r.before, r.buffer);
    expect(callInfo(mp, hdCall).value.LineCallInfo.ulMediaMode).toBe(LINEMEDIAMODE_INTERACTIVEVOICE);
    expect(rig.take()).toContainEqual(expect.objectContaining({ type: 'callInfo', htCall, changed: LINECALLINFOSTATE_MEDIAMODE }));
    const narrowed = LINEMEDIAMODE_UNKNOWN | LINEMEDIAMODE_DIGITALDATA | LINEMEDIAMODE_INTERACTIVEVOICE;
    expect(setMediaMode(mp, hdCall, narrowed).status).toBe(S);
    expect(callInfo(mp, hdCall).value.LineCallInfo.ulMediaMode).toBe(narrowed);
  });

  test('two modes without UNKNOWN, none at all, or one the line does not carry: NDIS_STATUS_TAPI_INVALMEDIAMODE, mode unchanged', async () => {
    const { mp, hdCall } = await offeredCall();
    for (const bad of [LINEMEDIAMODE_DIGITALDATA | LINEMEDIAMODE_INTERACTIVEVOICE, 0, LINEMEDIAMODE_G3FAX, LINEMEDIAMODE_UNKNOWN | LINEMEDIAMODE_G3FAX]) {
      expect({ bad, status: statusName(setMediaMode(mp, hdCall, bad).status) }).toEqual({ bad, status: 'NDIS_STATUS_TAPI_INVALMEDIAMODE' });
    }
    expect(callInfo(mp, hdCall).value.LineCallInfo.ulMediaMode).toBe(LINEMEDIAMODE_DIGITALDATA);
  });

  test('an unknown hdCall: NDIS_STATUS_TAPI_INVALCALLHANDLE', async () => {
    const { mp, hdCall } = await offeredCall();
    expect(setMediaMode(mp, hdCall + 1, LINEMEDIAMODE_DIGITALDATA).status).toBe(NDIS_STATUS_TAPI_INVALCALLHANDLE);
  });
});

describe('OID_TAPI_DROP (§6.9)', () => {
  test('a connected call: line-down, IDLE indicated; hdCall stays valid for queries until CLOSE_CALL', async () => {
    const { rig, mp, hdCall, htCall, linkContext } = await connectedCall();
    const r = send(mp, OID_TAPI_DROP, 'NDIS_TAPI_DROP', { ulRequestID: 4, hdCall });
    expect(r.status).toBe(S);
    expectOnlyOutWritten(OID_TAPI_DROP, 'set', mp.abi, r.before, r.buffer);
    const events = rig.take();
    expect(events).toContainEqual({ type: 'lineDown', htCall, linkContext });
    expect(events).toContainEqual(expect.objectContaining({ type: 'callState', htCall, state: LINECALLSTATE_IDLE }));
    expect(callStatus(mp, hdCall).value.LineCallStatus.ulCallState).toBe(LINECALLSTATE_IDLE);
    expect(callInfo(mp, hdCall).status).toBe(S);
    expect(mp.calls[0]).toMatchObject({ hdCall, htCall, linkUp: false });
  });

  test('an offered call can be dropped too (DROP may come at any time)', async () => {
    const { rig, mp, hdCall, htCall } = await offeredCall();
    expect(send(mp, OID_TAPI_DROP, 'NDIS_TAPI_DROP', { hdCall }).status).toBe(S);
    expect(rig.take()).toEqual([expect.objectContaining({ type: 'callState', htCall, state: LINECALLSTATE_IDLE })]);
  });

  test('an IDLE call: NDIS_STATUS_TAPI_INVALCALLSTATE; after CLOSE_CALL: NDIS_STATUS_TAPI_INVALCALLHANDLE', async () => {
    const { mp, hdCall } = await connectedCall();
    expect(send(mp, OID_TAPI_DROP, 'NDIS_TAPI_DROP', { hdCall }).status).toBe(S);
    expect(send(mp, OID_TAPI_DROP, 'NDIS_TAPI_DROP', { hdCall }).status).toBe(NDIS_STATUS_TAPI_INVALCALLSTATE);
    expect(send(mp, OID_TAPI_CLOSE_CALL, 'NDIS_TAPI_CLOSE_CALL', { hdCall }).status).toBe(S);
    expect(send(mp, OID_TAPI_DROP, 'NDIS_TAPI_DROP', { hdCall }).status).toBe(NDIS_STATUS_TAPI_INVALCALLHANDLE);
  });
});

describe('OID_TAPI_CLOSE_CALL (§6.10)', () => {
  test('without a DROP: drop (line-down, IDLE) and free; the handle is dead and nothing more is indicated', async () => {
    const { rig, mp, hdCall, htCall, linkContext } = await connectedCall();
    const r = send(mp, OID_TAPI_CLOSE_CALL, 'NDIS_TAPI_CLOSE_CALL', { ulRequestID: 5, hdCall });
    expect(r.status).toBe(S);
    expectOnlyOutWritten(OID_TAPI_CLOSE_CALL, 'set', mp.abi, r.before, r.buffer);
    expect(rig.take()).toContainEqual({ type: 'lineDown', htCall, linkContext });
    expect(mp.callCount).toBe(0);
    expect(callInfo(mp, hdCall).status).toBe(NDIS_STATUS_TAPI_INVALCALLHANDLE);
    rig.clock.advance(600_000);
    expect(rig.take()).toEqual([]);
  });

  test('after DROP it succeeds and frees the call', async () => {
    const { mp, hdCall } = await connectedCall();
    expect(send(mp, OID_TAPI_DROP, 'NDIS_TAPI_DROP', { hdCall }).status).toBe(S);
    expect(send(mp, OID_TAPI_CLOSE_CALL, 'NDIS_TAPI_CLOSE_CALL', { hdCall }).status).toBe(S);
    expect(mp.callCount).toBe(0);
  });

  test('an unknown (or already closed) hdCall: NDIS_STATUS_TAPI_INVALCALLHANDLE', async () => {
    const { mp, hdCall } = await offeredCall();
    expect(send(mp, OID_TAPI_CLOSE_CALL, 'NDIS_TAPI_CLOSE_CALL', { hdCall: hdCall + 1 }).status).toBe(NDIS_STATUS_TAPI_INVALCALLHANDLE);
    expect(mp.callCount).toBe(1);
    expect(send(mp, OID_TAPI_CLOSE_CALL, 'NDIS_TAPI_CLOSE_CALL', { hdCall }).status).toBe(S);
    expect(send(mp, OID_TAPI_CLOSE_CALL, 'NDIS_TAPI_CLOSE_CALL', { hdCall }).status).toBe(NDIS_STATUS_TAPI_INVALCALLHANDLE);
  });
});

// ---------------------------------------------------------------------------------------------

describe.each(ABIS)('random bytes on %s', (abi) => {
  const oids = [...new Set([...SIMULATED_OIDS, ...TAPI_OIDS.map((i) => i.oid)])];
  const arbRequest = fc.record({
    oid: fc.oneof(
      { weight: 6, arbitrary: fc.constantFrom(...SIMULATED_OIDS) },
      { weight: 2, arbitrary: fc.constantFrom(...oids) },
      { weight: 1, arbitrary: fc.nat({ max: 0xffff_ffff }) },
    ),
    kind: fc.oneof(
      { weight: 4, arbitrary: fc.constant<'documented'>('documented') },
      { weight: 1, arbitrary: fc.constantFrom<RequestKind>('query', 'set') },
    ),
    bytes: fc.uint8Array({ maxLength: 600 }),
    /** Grow the buffer to the structure's size, so the handler itself runs. */
    fit: fc.boolean(),
    /** Put live handles and the device id into the members that name them. */
    live: fc.boolean(),
    /** A ulTotalSize for the var-size OUT member (random bytes make it huge). */
    total: fc.option(fc.nat({ max: 700 }), { nil: undefined }),
  });

  test('never throw; always return a status; sets leave the buffer alone, queries write only OUT members', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(arbRequest, { minLength: 1, maxLength: 6 }), async (requests) => {
        const { mp, hdLine, hdCall } = await connectedCall({ abi });
        for (const q of requests) {
          const info = tapiOidInfo(q.oid);
          const kind: RequestKind = q.kind === 'documented' ? (info?.kind ?? 'query') : q.kind;
          let buffer = q.bytes.slice();
          const structure = info?.structure;
          if (structure !== undefined) {
            if (q.fit) {
              const grown = new Uint8Array(Math.max(buffer.length, sizeOf(structure, abi)));
              grown.set(buffer);
              buffer = grown;
            }
            if (buffer.length >= sizeOf(structure, abi)) {
              const layout = layoutOf(structure, abi);
              if (q.live) {
                for (const f of layout.fields) {
                  if (f.name === 'hdLine') putScalar(buffer, f.offset, f.size, hdLine);
                  if (f.name === 'hdCall') putScalar(buffer, f.offset, f.size, hdCall);
                  if (f.name === 'ulDeviceID') putScalar(buffer, f.offset, f.size, 0);
                }
              }
              const outVar = OUT_VAR[structure];
              if (outVar !== undefined && q.total !== undefined) putScalar(buffer, offsetOf(structure, outVar, abi), 4, q.total);
            }
          }
          const before = buffer.slice();
          const counts = { bytesUsed: 0, bytesNeeded: 0 };
          let status: unknown;
          expect(() => {
            status = mp.request(nextRequestId++, kind, q.oid, buffer, counts);
          }).not.toThrow();
          expect(typeof status).toBe('number');
          expect(Number.isInteger(status) && (status as number) >= 0 && (status as number) <= 0xffff_ffff).toBe(true);
          expect(status).not.toBe(NDIS_STATUS_PENDING);
          if (status === NDIS_STATUS_INVALID_LENGTH) expect(counts.bytesNeeded).toBeGreaterThan(buffer.length);
          if (status === NDIS_STATUS_SUCCESS) expect(counts.bytesUsed).toBeLessThanOrEqual(buffer.length);
          expectOnlyOutWritten(q.oid, kind, abi, before, buffer);
        }
      }),
      { numRuns: 300 },
    );
  });
});

// ---------------------------------------------------------------------------------------------

describe('the main flows on the x86 ABI', () => {
  test('bring-up, capabilities, an incoming call answered, GET_ID "ndis" (4 bytes), info, drop, close, shutdown', async () => {
    const rig = new Rig({ abi: 'x86' });
    const mp = rig.miniport;
    expect(mp.abi).toBe('x86');
    const init = await rig.client.initialize(0);
    expect(init.status).toBe(S);
    if (isCodecError(init.value)) throw init.value;
    expect(init.value.ulNumLineDevs).toBe(mp.config.lines);
    const caps = await rig.client.getDevCaps(0);
    expect(caps.status).toBe(S);
    if (isCodecError(caps.value)) throw caps.value;
    expect(caps.value.LineDevCaps.ProviderInfo).toEqual(asciiz('ISDN\0wanemu'));
    expect(caps.value.LineDevCaps.ulNumAddresses).toBe(mp.config.addressesPerLine);

    const open = await rig.client.open(0);
    expect(open.status).toBe(S);
    const htLine = rig.shim.htLineFor(0);
    const hdLine = rig.client.hdLine(htLine);
    expect((await rig.client.setStatusMessages(htLine, LINEDEVSTATE_RINGING, 0)).status).toBe(S);
    expect((await rig.client.setDefaultMediaDetection(htLine, LINEMEDIAMODE_DIGITALDATA)).status).toBe(S);
    rig.take();

    const offer = mp.remote.offer({ mediaMode: LINEMEDIAMODE_DIGITALDATA, callerId: '42' });
    if (!offer.ok) throw new Error(offer.reason);
    const events = rig.take();
    expect(events[0]).toEqual({ type: 'newCall', htLine, htCall: offer.htCall, hdCall: offer.hdCall });
    expect(events).toContainEqual(expect.objectContaining({ type: 'lineDevState', state: LINEDEVSTATE_RINGING }));
    const { htCall, hdCall } = offer;

    expect((await rig.client.accept(htCall)).status).toBe(S);
    expect((await rig.client.answer(htCall)).status).toBe(S);
    const up = rig.take().find((e) => e.type === 'lineUp');
    if (up?.type !== 'lineUp') throw new Error('no line-up');
    const id = await rig.client.getId({ htCall }, 'ndis');
    expect(id.status).toBe(S);
    if (isCodecError(id.value)) throw id.value;
    expect(id.value.DeviceID).toMatchObject({ ulStringFormat: STRINGFORMAT_BINARY, ulStringSize: 4, ulStringOffset: sizeOf('VAR_STRING', 'x86') });
    expect(new DataView(id.value.DeviceID.String.buffer, id.value.DeviceID.String.byteOffset).getUint32(0, true)).toBe(up.linkContext);

    const lineId = getId(mp, { ulSelect: LINECALLSELECT_LINE, hdLine }, 'tapi/line');
    expect(lineId.status).toBe(S);
    expect(lineId.value?.DeviceID.ulStringSize).toBe(4);

    expect((await rig.client.setAppSpecific(htCall, 0x1234)).status).toBe(S);
    expect((await rig.client.secureCall(htCall)).status).toBe(S);
    const info = await rig.client.getCallInfo(htCall);
    if (isCodecError(info.value)) throw info.value;
    expect(info.value.LineCallInfo).toMatchObject({ ulAppSpecific: 0x1234, ulMediaMode: LINEMEDIAMODE_DIGITALDATA, ulOrigin: LINECALLORIGIN_INBOUND, ulCallParamFlags: LINECALLPARAMFLAGS_SECURE });
    expect(info.value.LineCallInfo.CallerID).toEqual(asciiz('42'));
    const status = await rig.client.getCallStatus(htCall);
    if (isCodecError(status.value)) throw status.value;
    expect(status.value.LineCallStatus.ulCallState).toBe(LINECALLSTATE_CONNECTED);
    const address = send(mp, OID_TAPI_GET_CALL_ADDRESS_ID, 'NDIS_TAPI_GET_CALL_ADDRESS_ID', { hdCall });
    expect(address.status).toBe(S);
    expect(address.value.ulAddressID).toBe(0);
    expect(lineDevStatus(mp, hdLine).value.LineDevStatus.ulNumActiveCalls).toBe(1);

    expect((await rig.client.drop(htCall)).status).toBe(S);
    expect(rig.take()).toEqual(expect.arrayContaining([{ type: 'lineDown', htCall, linkContext: up.linkContext }, expect.objectContaining({ type: 'callState', state: LINECALLSTATE_IDLE })]));
    expect((await rig.client.closeCall(htCall)).status).toBe(S);
    expect(mp.callCount).toBe(0);
    expect((await rig.client.close(htLine)).status).toBe(S);
    expect(lineDevStatus(mp, hdLine).status).toBe(NDIS_STATUS_TAPI_INVALLINEHANDLE);
    expect((await rig.client.shutdown()).status).toBe(S);
    expect(mp.initialized).toBe(false);
    expect(rig.verifier.violations.map((v) => `${v.rule}: ${v.detail}`)).toEqual([]);
  });

  test('an outgoing call: MAKE_CALL, progress to CONNECTED, GET_ID "ndis", CLOSE_CALL with the link still up gives the line-down', async () => {
    const rig = new Rig({ abi: 'x86' });
    const htLine = await rig.bringUp();
    const made = await rig.client.makeCall(htLine, '5550000');
    expect(made.status).toBe(S);
    rig.clock.advance(10_000);
    const events = rig.take();
    const up = events.find((e) => e.type === 'lineUp');
    if (up?.type !== 'lineUp') throw new Error('no line-up');
    expect(events[events.length - 1]).toMatchObject({ type: 'callState', htCall: made.htCall, state: LINECALLSTATE_CONNECTED });
    const id = await rig.client.getId({ htCall: made.htCall }, 'NDIS');
    if (isCodecError(id.value)) throw id.value;
    expect(new DataView(id.value.DeviceID.String.buffer, id.value.DeviceID.String.byteOffset).getUint32(0, true)).toBe(up.linkContext);
    expect((await rig.client.closeCall(made.htCall)).status).toBe(S);
    expect(rig.take()).toContainEqual({ type: 'lineDown', htCall: made.htCall, linkContext: up.linkContext });
    expect(rig.verifier.violations.map((v) => `${v.rule}: ${v.detail}`)).toEqual([]);
  });

  test('bad inputs on x86: short buffers, unknown handles, STRUCTURETOOSMALL, the var-size convention', async () => {
    const { mp, hdLine, hdCall } = await connectedCall({ abi: 'x86' });
    const r = request(mp, 'query', OID_TAPI_GET_CALL_INFO, new Uint8Array(sizeOf('NDIS_TAPI_GET_CALL_INFO', 'x86') - 1));
    expect(r).toMatchObject({ status: NDIS_STATUS_INVALID_LENGTH, bytesNeeded: sizeOf('NDIS_TAPI_GET_CALL_INFO', 'x86') });
    expect(callInfo(mp, hdCall + 1).status).toBe(NDIS_STATUS_TAPI_INVALCALLHANDLE);
    expect(lineDevStatus(mp, hdLine + 0x100).status).toBe(NDIS_STATUS_TAPI_INVALLINEHANDLE);
    expect(callInfo(mp, hdCall, sizeOf('LINE_CALL_INFO', 'x86') - 1).status).toBe(NDIS_STATUS_TAPI_STRUCTURETOOSMALL);
    const fixed = callInfo(mp, hdCall, sizeOf('LINE_CALL_INFO', 'x86')).value.LineCallInfo;
    expect(fixed.ulUsedSize).toBe(sizeOf('LINE_CALL_INFO', 'x86'));
    expect(fixed.ulNeededSize).toBeGreaterThan(fixed.ulTotalSize);
    expect(fixed.ulCallerIDSize).toBe(0);
  });
});

// ---------------------------------------------------------------------------------------------

describe('NdisTapiClient: getAddressCaps and setMediaMode', () => {
  test.each(['x64', 'x86'] as const)('on %s: GET_ADDRESS_CAPS of an address with its reserve and extension version; a bad address id', async (abi) => {
    const rig = new Rig({ abi });
    const mp = rig.miniport;
    expect((await rig.client.initialize(0)).status).toBe(S);
    // The line need not be open.
    const caps = await rig.client.getAddressCaps(1, 0);
    expect(caps.status).toBe(S);
    if (isCodecError(caps.value)) throw caps.value;
    expect(caps.value.LineAddressCaps).toMatchObject({ ulLineDeviceID: 1, ulMaxNumActiveCalls: mp.config.callsPerAddress, ulTotalSize: 1024 });
    expect(caps.value.LineAddressCaps.ulUsedSize).toBe(caps.value.LineAddressCaps.ulNeededSize);
    // The request: device, address and extension version where the layout puts them, the structure's 1 KB reserved after it.
    const codec = codecFor('NDIS_TAPI_GET_ADDRESS_CAPS', abi);
    const request = (): Uint8Array => rig.exchanges.filter((x) => x.type === 'request' && x.name === 'OID_TAPI_GET_ADDRESS_CAPS').at(-1)!.bytes;
    expect(request().length).toBe(offsetOf('NDIS_TAPI_GET_ADDRESS_CAPS', 'LineAddressCaps', abi) + 1024);
    await rig.client.getAddressCaps(0, 0, 300, 0x0001_0000);
    expect(request().length).toBe(offsetOf('NDIS_TAPI_GET_ADDRESS_CAPS', 'LineAddressCaps', abi) + 300);
    const sent = codec.decode(request());
    if (isCodecError(sent)) throw sent;
    expect(sent).toMatchObject({ ulDeviceID: 0, ulAddressID: 0, ulExtVersion: 0x0001_0000 });
    expect(sent.LineAddressCaps.ulTotalSize).toBe(300);
    expect((await rig.client.getAddressCaps(0, mp.config.addressesPerLine)).status).toBe(NDIS_STATUS_TAPI_INVALADDRESSID);
    expect(rig.verifier.violations).toEqual([]);
  });

  test.each(['x64', 'x86'] as const)('on %s: SET_MEDIA_MODE changes the call\'s mode (LINE_CALLINFO MEDIAMODE); a mode the line lacks, an unknown call', async (abi) => {
    const rig = new Rig({ abi });
    const htLine = await rig.bringUp(LINEMEDIAMODE_DIGITALDATA | LINEMEDIAMODE_INTERACTIVEVOICE);
    const offer = rig.miniport.remote.offer({ mediaMode: LINEMEDIAMODE_DIGITALDATA });
    if (!offer.ok) throw new Error(offer.reason);
    rig.events.length = 0;
    expect((await rig.client.setMediaMode(offer.htCall, LINEMEDIAMODE_INTERACTIVEVOICE)).status).toBe(S);
    expect(rig.events).toEqual([{ type: 'callInfo', htLine, htCall: offer.htCall, changed: LINECALLINFOSTATE_MEDIAMODE }]);
    const info = await rig.client.getCallInfo(offer.htCall);
    if (isCodecError(info.value)) throw info.value;
    expect(info.value.LineCallInfo.ulMediaMode).toBe(LINEMEDIAMODE_INTERACTIVEVOICE);
    // The request names the miniport's hdCall.
    const sent = codecFor('NDIS_TAPI_SET_MEDIA_MODE', abi).decode(rig.exchanges.filter((x) => x.type === 'request' && x.name === 'OID_TAPI_SET_MEDIA_MODE')[0]!.bytes);
    if (isCodecError(sent)) throw sent;
    expect(sent).toMatchObject({ hdCall: offer.hdCall, ulMediaMode: LINEMEDIAMODE_INTERACTIVEVOICE });
    expect((await rig.client.setMediaMode(offer.htCall, LINEMEDIAMODE_G3FAX)).status).toBe(NDIS_STATUS_TAPI_INVALMEDIAMODE);
    expect((await rig.client.setMediaMode(0x7fff_0000, LINEMEDIAMODE_DIGITALDATA)).status).toBe(NDIS_STATUS_TAPI_INVALCALLHANDLE);
    expect(rig.verifier.violations).toEqual([]);
  });
});
