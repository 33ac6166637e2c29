import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import {
  LINECALLSTATE_CONNECTED,
  LINECALLSTATE_IDLE,
  LINECALLSTATE_OFFERING,
  LINEDEVSTATE_CONNECTED,
  LINEDEVSTATE_DISCONNECTED,
  LINEDEVSTATE_RINGING,
  LINEMEDIAMODE_DIGITALDATA,
  LINE_CALLSTATE,
  LINE_LINEDEVSTATE,
  LINE_NEWCALL,
  NDIS_STATUS_FAILURE,
  NDIS_STATUS_INVALID_DATA,
  NDIS_STATUS_INVALID_LENGTH,
  NDIS_STATUS_INVALID_OID,
  NDIS_STATUS_SUCCESS,
  NDIS_STATUS_TAPI_INDICATION,
  NDIS_STATUS_TAPI_INVALADDRESSID,
  NDIS_STATUS_TAPI_INVALLINEHANDLE,
  NDIS_STATUS_TAPI_OPERATIONUNAVAIL,
  NDIS_STATUS_WAN_LINE_DOWN,
  NDIS_STATUS_WAN_LINE_UP,
  OID_TAPI_ACCEPT,
  OID_TAPI_ANSWER,
  OID_TAPI_DEV_SPECIFIC,
  OID_TAPI_GET_CALL_INFO,
  OID_TAPI_OPEN,
  OID_TAPI_PROVIDER_INITIALIZE,
  OID_TAPI_SET_DEFAULT_MEDIA_DETECTION,
  OID_TAPI_SET_STATUS_MESSAGES,
  layoutOf,
  type RequestKind,
  type StructName,
} from '../../oid/index.js';
import type { Miniport } from '../../miniport/miniport.js';
import { SimulatedMiniport } from '../../miniport/simulated-miniport.js';
import { VirtualClock } from '../../sim/virtual-clock.js';
import { NativeMiniport } from '../../bridge/native-miniport.js';

const root = join(__dirname, '..', '..');
const LOOPBACK = join(root, 'bridge', 'build', 'libwanemu_loopback.so');

beforeAll(() => {
  const r = spawnSync(process.execPath, [join(root, 'bridge', 'build.mjs'), '--strict', 'native', 'loopback'], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`bridge build failed: ${r.stderr}`);
});

/** Member offsets in the x64 WDK layout (the loopback library's). */
const off = (s: StructName): Readonly<Record<string, number>> => layoutOf(s, 'x64', 'wdk').offsets;
const sizeOf = (s: StructName): number => layoutOf(s, 'x64', 'wdk').size;
const DS = off('NDIS_TAPI_DEV_SPECIFIC');
const DS_SIZE = sizeOf('NDIS_TAPI_DEV_SPECIFIC');
const PARAMS = DS['Params']!;
const EV = off('NDIS_TAPI_EVENT');
const UP = off('NDIS_MAC_LINE_UP');
const DOWN = off('NDIS_MAC_LINE_DOWN');
const GCI = off('NDIS_TAPI_GET_CALL_INFO');
const LCI = off('LINE_CALL_INFO');

/**
 * wanemu's transfer request in Params (docs/dev-specific.md), spelt out here rather than taken
 * from the implementation: the ASCII tag "WXFR", the operation as a little-endian ULONG
 * (1 blind transfer, 2 redirect), then the destination.
 */
const BLIND_TRANSFER = 1;
const REDIRECT = 2;
const ascii = (s: string): number[] => [...s].map((c) => c.charCodeAt(0));
function params(op: number, destination: number[] | string, tag = 'WXFR'): Uint8Array {
  const dest = typeof destination === 'string' ? [...ascii(destination), 0] : destination;
  return Uint8Array.from([...ascii(tag), op & 0xff, (op >>> 8) & 0xff, (op >>> 16) & 0xff, op >>> 24, ...dest]);
}

function put(b: Uint8Array, at: number, width: 4 | 8, v: number): void {
  const dv = new DataView(b.buffer, b.byteOffset, b.byteLength);
  dv.setUint32(at, v >>> 0, true);
  if (width === 8) dv.setUint32(at + 4, Math.floor(v / 2 ** 32) >>> 0, true);
}
const u32 = (b: Uint8Array, at: number): number => new DataView(b.buffer, b.byteOffset, b.byteLength).getUint32(at, true);

interface DevSpecificRequest {
  hdLine: number;
  addressId?: number;
  hdCall: number;
  params: Uint8Array;
  /** ulParamsSize, when it is not the length of `params`. */
  paramsSize?: number;
  /** The buffer's length, when it is not the structure with `params` in it. */
  length?: number;
}

function devSpecific(r: DevSpecificRequest): Uint8Array {
  const b = new Uint8Array(r.length ?? Math.max(DS_SIZE, PARAMS + r.params.length));
  b.fill(0xa5); // garbage where nothing is written: the returned buffers must still agree
  put(b, DS['ulRequestID']!, 4, 0);
  put(b, DS['hdLine']!, 8, r.hdLine);
  put(b, DS['ulAddressID']!, 4, r.addressId ?? 0);
  put(b, DS['hdCall']!, 8, r.hdCall);
  put(b, DS['ulParamsSize']!, 4, r.paramsSize ?? r.params.length);
  b.set(r.params.subarray(0, Math.max(0, b.length - PARAMS)), PARAMS);
  return b;
}

function struct(s: StructName, fields: Record<string, [4 | 8, number]>, extra = 0): Uint8Array {
  const b = new Uint8Array(sizeOf(s) + extra);
  const o = off(s);
  for (const [name, [width, v]] of Object.entries(fields)) put(b, o[name]!, width, v);
  return b;
}

const hex = (b: Uint8Array): string => Buffer.from(b).toString('hex');

/** An NDIS_TAPI_EVENT as the miniport should indicate it. */
function tapiEvent(htLine: number, htCall: number, msg: number, p1: number, p2: number, p3: number): Indication {
  const b = new Uint8Array(sizeOf('NDIS_TAPI_EVENT'));
  put(b, EV['htLine']!, 8, htLine);
  put(b, EV['htCall']!, 8, htCall);
  put(b, EV['ulMsg']!, 4, msg);
  put(b, EV['ulParam1']!, 8, p1);
  put(b, EV['ulParam2']!, 8, p2);
  put(b, EV['ulParam3']!, 8, p3);
  return { status: NDIS_STATUS_TAPI_INDICATION, bytes: hex(b) };
}

function lineDown(context: number): Indication {
  const b = new Uint8Array(sizeOf('NDIS_MAC_LINE_DOWN'));
  put(b, DOWN['NdisLinkContext']!, 8, context);
  return { status: NDIS_STATUS_WAN_LINE_DOWN, bytes: hex(b) };
}

interface Indication {
  status: number;
  bytes: string;
}

/** One step of the script as one side answered it. */
interface Step {
  name: string;
  status?: number;
  bytesUsed?: number;
  bytesNeeded?: number;
  /** The buffer as sent, and after the request, hex. */
  sent?: string;
  buffer?: string;
  hdCall?: number;
  htCall?: number;
  indications: Indication[];
}

const HT_LINE_0 = 0x5100;
const HT_LINE_1 = 0x5101;
const HT_CALL_BASE = 0x7100;
const LINK_CONTEXT_BASE = 0xc0de00;

/** The miniport under test, with what it was told to do beside requests. */
interface Side {
  readonly miniport: Miniport & { attach(sink: Parameters<NonNullable<Miniport['attach']>>[0]): () => void };
  offer(): { hdCall: number; htCall: number };
  advanceTo(ms: number): void;
  close(): void;
}

/**
 * Runs the script on one side: NDISTAPI's part (htCall into LINE_NEWCALL, a context into the
 * line-up) played by the sink, every request, offer and clock step recorded with the
 * indications it caused.
 */
function run(side: Side): Step[] {
  const steps: Step[] = [];
  let indications: Indication[] = [];
  let nextHtCall = HT_CALL_BASE;
  let nextContext = LINK_CONTEXT_BASE;
  const completions: unknown[] = [];
  side.miniport.attach({
    indicate(status, buf) {
      indications.push({ status, bytes: hex(buf) });
      const dv = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
      if (status === NDIS_STATUS_TAPI_INDICATION && dv.getUint32(EV['ulMsg']!, true) === LINE_NEWCALL) put(buf, EV['ulParam2']!, 8, ++nextHtCall);
      if (status === NDIS_STATUS_WAN_LINE_UP) put(buf, UP['NdisLinkContext']!, 8, ++nextContext);
    },
    complete(c) {
      completions.push(c);
    },
  });
  let id = 1;
  const req = (name: string, kind: RequestKind, oid: number, buffer: Uint8Array): Step => {
    indications = [];
    const counts = { bytesUsed: 0, bytesNeeded: 0 };
    const sent = hex(buffer);
    const status = side.miniport.request(id++, kind, oid, buffer, counts);
    const s: Step = { name, sent, status, bytesUsed: counts.bytesUsed, bytesNeeded: counts.bytesNeeded, buffer: hex(buffer), indications };
    steps.push(s);
    return s;
  };
  const offer = (name: string): number => {
    indications = [];
    const o = side.offer();
    steps.push({ name, hdCall: o.hdCall, htCall: o.htCall, indications });
    return o.hdCall;
  };
  const ds = (name: string, r: DevSpecificRequest, kind: RequestKind = 'query'): Step => req(name, kind, OID_TAPI_DEV_SPECIFIC, devSpecific(r));
  const callInfo = (name: string, hdCall: number): Step =>
    req(name, 'query', OID_TAPI_GET_CALL_INFO, struct('NDIS_TAPI_GET_CALL_INFO', { hdCall: [8, hdCall], LineCallInfo: [4, 1024] }, 1024));

  req('initialize', 'query', OID_TAPI_PROVIDER_INITIALIZE, struct('NDIS_TAPI_PROVIDER_INITIALIZE', { ulDeviceIDBase: [4, 0] }));
  const open0 = req('open line 0', 'query', OID_TAPI_OPEN, struct('NDIS_TAPI_OPEN', { ulDeviceID: [4, 0], htLine: [8, HT_LINE_0] }));
  const hdLine = u32(Buffer.from(open0.buffer!, 'hex'), off('NDIS_TAPI_OPEN')['hdLine']!);
  const open1 = req('open line 1', 'query', OID_TAPI_OPEN, struct('NDIS_TAPI_OPEN', { ulDeviceID: [4, 1], htLine: [8, HT_LINE_1] }));
  const hdLine1 = u32(Buffer.from(open1.buffer!, 'hex'), off('NDIS_TAPI_OPEN')['hdLine']!);
  req(
    'status messages',
    'set',
    OID_TAPI_SET_STATUS_MESSAGES,
    struct('NDIS_TAPI_SET_STATUS_MESSAGES', { hdLine: [8, hdLine], ulLineStates: [4, LINEDEVSTATE_RINGING | LINEDEVSTATE_CONNECTED | LINEDEVSTATE_DISCONNECTED] }),
  );
  req(
    'media detection',
    'set',
    OID_TAPI_SET_DEFAULT_MEDIA_DETECTION,
    struct('NDIS_TAPI_SET_DEFAULT_MEDIA_DETECTION', { hdLine: [8, hdLine], ulMediaModes: [4, LINEMEDIAMODE_DIGITALDATA] }),
  );
  const a = offer('offer A');
  req('answer A', 'set', OID_TAPI_ANSWER, struct('NDIS_TAPI_ANSWER', { hdCall: [8, a] }));

  // Bad inputs, on the connected call A: none may change anything.
  const good = params(BLIND_TRANSFER, '5557000');
  ds('short buffer', { hdLine, hdCall: a, params: good, length: DS_SIZE - 1 });
  ds('as a set', { hdLine, hdCall: a, params: good }, 'set');
  ds('bad hdLine', { hdLine: 0xdead, hdCall: a, params: good });
  ds('bad address id', { hdLine, addressId: 1, hdCall: a, params: good });
  ds('bad address id before params past the buffer', { hdLine, addressId: 1, hdCall: a, params: good, paramsSize: 100 });
  ds('params past the buffer', { hdLine, hdCall: a, params: good, paramsSize: 100 });
  ds('params past the buffer, untagged', { hdLine, hdCall: 0x2ffff, params: params(BLIND_TRANSFER, '5557000', 'XXXX'), paramsSize: 100 });
  ds('params past 4 GB', { hdLine, hdCall: a, params: good, paramsSize: 0xffff_ffff });
  ds('params without the tag', { hdLine, hdCall: a, params: params(BLIND_TRANSFER, '5557000', 'WXFX') });
  ds('untagged before an unknown hdCall', { hdLine, hdCall: 0x2ffff, params: params(BLIND_TRANSFER, '5557000', 'XXXX') });
  ds('params shorter than tag and operation', { hdLine, hdCall: a, params: good, paramsSize: 7 });
  ds('unknown operation 3', { hdLine, hdCall: a, params: params(3, '5557000') });
  ds('unknown operation 0, unknown hdCall', { hdLine, hdCall: 0x2ffff, params: params(0, '5557000') });
  ds('unknown hdCall', { hdLine, hdCall: 0x2ffff, params: good });
  ds('call on another line', { hdLine: hdLine1, hdCall: a, params: good });
  ds('redirect of a connected call', { hdLine, hdCall: a, params: params(REDIRECT, '5557000') });
  ds('empty destination (no bytes)', { hdLine, hdCall: a, params: params(BLIND_TRANSFER, []) });
  ds('empty destination (a NUL)', { hdLine, hdCall: a, params: params(BLIND_TRANSFER, '') });

  ds('blind transfer A', { hdLine, hdCall: a, params: good });
  callInfo('call info A', a);
  ds('blind transfer A again (IDLE)', { hdLine, hdCall: a, params: good });

  const b = offer('offer B');
  ds('blind transfer of offered B', { hdLine, hdCall: b, params: params(BLIND_TRANSFER, '5557000') });
  ds('redirect B', { hdLine, hdCall: b, params: params(REDIRECT, [...ascii('5551234'), 0, ...ascii('xyz')]) });
  callInfo('call info B', b);
  indications = [];
  side.advanceTo(60_000);
  steps.push({ name: 'past the offer timeout', indications });

  const c = offer('offer C');
  req('accept C', 'set', OID_TAPI_ACCEPT, struct('NDIS_TAPI_ACCEPT', { hdCall: [8, c] }));
  ds('redirect of accepted C, unterminated destination', { hdLine, hdCall: c, params: params(REDIRECT, ascii('5550001')) });
  callInfo('call info C', c);

  expect(completions).toEqual([]);
  return steps;
}

const simSide = (): Side => {
  const clock = new VirtualClock();
  const m = new SimulatedMiniport({ clock });
  return {
    miniport: m,
    offer() {
      const r = m.remote.offer({ mediaMode: LINEMEDIAMODE_DIGITALDATA });
      if (!r.ok) throw new Error(r.reason);
      return { hdCall: r.hdCall, htCall: r.htCall };
    },
    advanceTo: (ms) => clock.advanceTo(ms),
    close: () => m.dispose(),
  };
};

const nativeSide = async (): Promise<Side> => {
  const m = await NativeMiniport.open(LOOPBACK, { config: 'clock=virtual' });
  return {
    miniport: m,
    offer() {
      const reply = m.control(`offer line=0 address=0 media=${LINEMEDIAMODE_DIGITALDATA}`);
      const r = /^ok hdcall=(\d+) htcall=(\d+)$/.exec(reply);
      if (r === null) throw new Error(reply);
      return { hdCall: Number(r[1]), htCall: Number(r[2]) };
    },
    advanceTo: (ms) => void m.control(`advance to=${ms}`),
    close: () => m.close(),
  };
};

describe('OID_TAPI_DEV_SPECIFIC (call transfer) on the simulated miniport and the loopback library', () => {
  let sim: Step[];
  let native: Step[];
  beforeAll(async () => {
    const s = simSide();
    try {
      sim = run(s);
    } finally {
      s.close();
    }
    const n = await nativeSide();
    try {
      native = run(n);
    } finally {
      n.close();
    }
  });

  const step = (name: string): Step => {
    const s = sim.find((x) => x.name === name);
    if (s === undefined) throw new Error(`no step ${name}`);
    return s;
  };

  it('gives the same statuses, byte counts, buffers and indications, step by step', () => {
    expect(native.map((s) => s.name)).toEqual(sim.map((s) => s.name));
    for (let i = 0; i < sim.length; i++) expect(native[i]).toEqual(sim[i]);
  });

  it('answers bad input as the handler specifies, changing nothing', () => {
    const bad: Array<[string, number, number?]> = [
      ['short buffer', NDIS_STATUS_INVALID_LENGTH, DS_SIZE],
      ['as a set', NDIS_STATUS_INVALID_OID],
      ['bad hdLine', NDIS_STATUS_TAPI_INVALLINEHANDLE],
      ['bad address id', NDIS_STATUS_TAPI_INVALADDRESSID],
      ['bad address id before params past the buffer', NDIS_STATUS_TAPI_INVALADDRESSID],
      ['params past the buffer', NDIS_STATUS_INVALID_LENGTH, PARAMS + 100],
      ['params past the buffer, untagged', NDIS_STATUS_INVALID_LENGTH, PARAMS + 100],
      ['params past 4 GB', NDIS_STATUS_INVALID_DATA, 0],
      ['params without the tag', NDIS_STATUS_TAPI_OPERATIONUNAVAIL],
      ['untagged before an unknown hdCall', NDIS_STATUS_TAPI_OPERATIONUNAVAIL],
      ['params shorter than tag and operation', NDIS_STATUS_TAPI_OPERATIONUNAVAIL],
      ['unknown operation 3', NDIS_STATUS_TAPI_OPERATIONUNAVAIL],
      ['unknown operation 0, unknown hdCall', NDIS_STATUS_TAPI_OPERATIONUNAVAIL],
      ['unknown hdCall', NDIS_STATUS_FAILURE],
      ['call on another line', NDIS_STATUS_FAILURE],
      ['redirect of a connected call', NDIS_STATUS_FAILURE],
      ['empty destination (no bytes)', NDIS_STATUS_FAILURE],
      ['empty destination (a NUL)', NDIS_STATUS_FAILURE],
      ['blind transfer A again (IDLE)', NDIS_STATUS_FAILURE],
      ['blind transfer of offered B', NDIS_STATUS_FAILURE],
    ];
    for (const [name, status, needed] of bad) {
      const s = step(name);
      expect({ name, status: s.status, bytesUsed: s.bytesUsed, bytesNeeded: s.bytesNeeded, indications: s.indications, unchanged: s.buffer === s.sent }).toEqual({
        name,
        status,
        bytesUsed: 0,
        bytesNeeded: needed ?? 0,
        indications: [],
        unchanged: true,
      });
    }
  });

  it('transfers a connected call: ulParamsSize 0, line-down, IDLE, LINEDEVSTATE_DISCONNECTED, the destination as called id', () => {
    const offerA = step('offer A');
    const htA = offerA.htCall!;
    expect(htA).toBe(HT_CALL_BASE + 1);
    expect(step('answer A').status).toBe(NDIS_STATUS_SUCCESS);
    expect(step('answer A').indications.map((i) => i.status)).toEqual([NDIS_STATUS_WAN_LINE_UP, NDIS_STATUS_TAPI_INDICATION, NDIS_STATUS_TAPI_INDICATION]);
    expect(step('answer A').indications[1]).toEqual(tapiEvent(HT_LINE_0, htA, LINE_CALLSTATE, LINECALLSTATE_CONNECTED, 0, LINEMEDIAMODE_DIGITALDATA));

    const t = step('blind transfer A');
    expect(t.status).toBe(NDIS_STATUS_SUCCESS);
    expect(t.bytesUsed).toBe(DS_SIZE);
    expect(t.bytesNeeded).toBe(0);
    const sent = Buffer.from(t.sent!, 'hex');
    expect(u32(sent, DS['ulParamsSize']!)).toBe(16);
    put(sent, DS['ulParamsSize']!, 4, 0);
    expect(t.buffer).toBe(hex(sent));
    expect(t.indications).toEqual([
      lineDown(LINK_CONTEXT_BASE + 1),
      tapiEvent(HT_LINE_0, htA, LINE_CALLSTATE, LINECALLSTATE_IDLE, 0, LINEMEDIAMODE_DIGITALDATA),
      tapiEvent(HT_LINE_0, 0, LINE_LINEDEVSTATE, LINEDEVSTATE_DISCONNECTED, 0, 0),
    ]);
    expect(calledId(step('call info A'))).toBe('5557000');
  });

  it('redirects an offered or accepted call: IDLE only, the offer timer gone, the destination up to its NUL', () => {
    const offerB = step('offer B');
    expect(offerB.indications[1]).toEqual(tapiEvent(HT_LINE_0, offerB.htCall!, LINE_CALLSTATE, LINECALLSTATE_OFFERING, 0, LINEMEDIAMODE_DIGITALDATA));
    const r = step('redirect B');
    expect([r.status, r.bytesUsed, r.bytesNeeded]).toEqual([NDIS_STATUS_SUCCESS, DS_SIZE, 0]);
    expect(u32(Buffer.from(r.buffer!, 'hex'), DS['ulParamsSize']!)).toBe(0);
    expect(r.indications).toEqual([tapiEvent(HT_LINE_0, offerB.htCall!, LINE_CALLSTATE, LINECALLSTATE_IDLE, 0, LINEMEDIAMODE_DIGITALDATA)]);
    expect(calledId(step('call info B'))).toBe('5551234');
    expect(step('past the offer timeout').indications).toEqual([]);

    const c = step('redirect of accepted C, unterminated destination');
    expect([c.status, c.bytesUsed]).toEqual([NDIS_STATUS_SUCCESS, DS_SIZE]);
    expect(c.indications).toEqual([tapiEvent(HT_LINE_0, step('offer C').htCall!, LINE_CALLSTATE, LINECALLSTATE_IDLE, 0, LINEMEDIAMODE_DIGITALDATA)]);
    expect(calledId(step('call info C'))).toBe('5550001');
  });
});

/** LINE_CALL_INFO's CalledID from a GET_CALL_INFO step, without its NUL. */
function calledId(s: Step): string {
  expect(s.status).toBe(NDIS_STATUS_SUCCESS);
  const b = Buffer.from(s.buffer!, 'hex');
  const at = GCI['LineCallInfo']!;
  const size = u32(b, at + LCI['ulCalledIDSize']!);
  const offset = u32(b, at + LCI['ulCalledIDOffset']!);
  const bytes = b.subarray(at + offset, at + offset + size);
  expect(bytes[bytes.length - 1]).toBe(0);
  return bytes.subarray(0, bytes.length - 1).toString('latin1');
}
