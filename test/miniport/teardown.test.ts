import {
  LINECALLSTATE_CONNECTED,
  LINECALLSTATE_DIALING,
  LINECALLSTATE_DIALTONE,
  LINECALLSTATE_DISCONNECTED,
  LINECALLSTATE_IDLE,
  LINECALLSTATE_OFFERING,
  LINECALLSTATE_RINGBACK,
  LINEDIALTONEMODE_NORMAL,
  LINEDISCONNECTMODE_NORMAL,
  LINEMEDIAMODE_DIGITALDATA,
  LINE_CALLSTATE,
  NDIS_STATUS_SUCCESS,
  NDIS_STATUS_TAPI_INDICATION,
  NDIS_STATUS_TAPI_INVALCALLHANDLE,
  NDIS_STATUS_TAPI_INVALCALLSTATE,
  NDIS_STATUS_TAPI_INVALLINEHANDLE,
  NDIS_STATUS_WAN_LINE_DOWN,
  NDIS_STATUS_WAN_LINE_UP,
  OID_TAPI_ANSWER,
  OID_TAPI_CLOSE_CALL,
  OID_TAPI_DROP,
  OID_TAPI_GET_CALL_STATUS,
  OID_TAPI_MAKE_CALL,
  OID_TAPI_SET_DEFAULT_MEDIA_DETECTION,
  asciiz,
  codecFor,
  isCodecError,
} from '../../oid/index.js';
import type { SimulatedMiniportOptions } from '../../miniport/sim-config.js';
import type { TypedResult } from '../../ndistapi/ndis-tapi-client.js';
import { Rig } from '../support/rig.js';

/*
 * Teardown, ndis-tapi.md §6.9-§6.12 and §7.5 (line-down ordering §8): DROP, remote hang-up,
 * CLOSE_CALL, CLOSE and PROVIDER_SHUTDOWN, through the NdisTapi shim on the virtual clock.
 */

/** One status indication as the miniport made it, decoded from its buffer. */
type Raw =
  | { readonly kind: 'event'; readonly msg: number; readonly htCall: number; readonly p1: number; readonly p2: number }
  | { readonly kind: 'up'; readonly connectionWrapperId: number; readonly linkContext: number }
  | { readonly kind: 'down'; readonly linkContext: number };

const EVENT = codecFor('NDIS_TAPI_EVENT', 'x64');
const LINE_UP = codecFor('NDIS_MAC_LINE_UP', 'x64');
const LINE_DOWN = codecFor('NDIS_MAC_LINE_DOWN', 'x64');
const GET_CALL_STATUS = codecFor('NDIS_TAPI_GET_CALL_STATUS', 'x64');
const STATUS_RESERVE = 256;

/** Every indication the miniport makes, decoded (after the shim's write-backs: it subscribed first). */
function record(rig: Rig): Raw[] {
  const log: Raw[] = [];
  rig.miniport.indications$.subscribe(({ status, buffer }) => {
    if (status === NDIS_STATUS_TAPI_INDICATION) {
      const e = EVENT.decode(buffer);
      if (isCodecError(e)) throw e;
      log.push({ kind: 'event', msg: e.ulMsg, htCall: Number(e.htCall), p1: Number(e.ulParam1), p2: Number(e.ulParam2) });
    } else if (status === NDIS_STATUS_WAN_LINE_UP) {
      const u = LINE_UP.decode(buffer);
      if (isCodecError(u)) throw u;
      log.push({ kind: 'up', connectionWrapperId: Number(u.ConnectionWrapperID), linkContext: Number(u.NdisLinkContext) });
    } else if (status === NDIS_STATUS_WAN_LINE_DOWN) {
      const d = LINE_DOWN.decode(buffer);
      if (isCodecError(d)) throw d;
      log.push({ kind: 'down', linkContext: Number(d.NdisLinkContext) });
    }
  });
  return log;
}

/** The log reduced to what matters for ordering: 'down:<ctx>', 'up:<htCall>', or '<htCall>:<state>/<mode>'. */
function trace(log: readonly Raw[]): string[] {
  return log.map((r) => {
    switch (r.kind) {
      case 'up':
        return `up:${r.connectionWrapperId}`;
      case 'down':
        return `down:${r.linkContext}`;
      case 'event':
        return r.msg === LINE_CALLSTATE ? `${r.htCall}:${r.p1}/${r.p2}` : `msg${r.msg}:${r.htCall}`;
    }
  });
}

interface Connected {
  readonly rig: Rig;
  readonly log: Raw[];
  readonly htLine: number;
  readonly htCall: number;
  readonly hdCall: number;
  readonly linkContext: number;
}

/** An outgoing call placed on line `device` and answered by the far end (line-up, CONNECTED). */
async function connectedOutgoing(rig: Rig, log: Raw[], device = 0): Promise<Omit<Connected, 'rig' | 'log'>> {
  const htLine = rig.shim.htLineFor(device);
  const r = await rig.client.makeCall(htLine, `555000${device}`);
  if (r.status !== NDIS_STATUS_SUCCESS || isCodecError(r.value)) throw new Error('MAKE_CALL failed');
  rig.clock.advance(10_000);
  const up = log.find((x) => x.kind === 'up' && x.connectionWrapperId === r.htCall);
  if (up?.kind !== 'up') throw new Error('no line-up');
  expect(rig.shim.calls.get(r.htCall)?.state).toBe(LINECALLSTATE_CONNECTED);
  return { htLine, htCall: r.htCall, hdCall: Number(r.value.hdCall), linkContext: up.linkContext };
}

async function connected(options: SimulatedMiniportOptions = {}): Promise<Connected> {
  const rig = new Rig(options);
  await rig.bringUp();
  const log = record(rig);
  const call = await connectedOutgoing(rig, log);
  log.length = 0;
  rig.take();
  return { rig, log, ...call };
}

/** GET_CALL_STATUS naming the miniport's hdCall directly (the shim may have forgotten the call). */
async function callStatus(rig: Rig, hdCall: number): Promise<TypedResult<'NDIS_TAPI_GET_CALL_STATUS'>> {
  const total = (GET_CALL_STATUS.layout.offsets['LineCallStatus'] ?? 0) + STATUS_RESERVE;
  return rig.client.send(OID_TAPI_GET_CALL_STATUS, 'NDIS_TAPI_GET_CALL_STATUS', { hdCall, LineCallStatus: { ulTotalSize: STATUS_RESERVE } }, total);
}

async function stateOf(rig: Rig, hdCall: number): Promise<number> {
  const r = await callStatus(rig, hdCall);
  expect(r.status).toBe(NDIS_STATUS_SUCCESS);
  if (isCodecError(r.value)) throw r.value;
  return r.value.LineCallStatus.ulCallState;
}

const drop = (rig: Rig, hdCall: number) => rig.client.send(OID_TAPI_DROP, 'NDIS_TAPI_DROP', { hdCall });
const closeCall = (rig: Rig, hdCall: number) => rig.client.send(OID_TAPI_CLOSE_CALL, 'NDIS_TAPI_CLOSE_CALL', { hdCall });

describe('local teardown: OID_TAPI_DROP then OID_TAPI_CLOSE_CALL', () => {
  test('DROP of a connected call: line-down with its NdisLinkContext, then IDLE; the link is gone', async () => {
    const { rig, log, htCall, hdCall, linkContext } = await connected();
    expect((await drop(rig, hdCall)).status).toBe(NDIS_STATUS_SUCCESS);
    expect(trace(log)).toEqual([`down:${linkContext}`, `${htCall}:${LINECALLSTATE_IDLE}/0`]);
    expect(rig.miniport.calls).toEqual([expect.objectContaining({ hdCall, state: LINECALLSTATE_IDLE, linkUp: false })]);
    expect(rig.shim.links.size).toBe(0);
  });

  test('after DROP the handles stay valid until CLOSE_CALL; then they are invalid', async () => {
    const { rig, log, htCall, hdCall } = await connected();
    await drop(rig, hdCall);
    // §6.9: queries may still name hdCall.
    expect(await stateOf(rig, hdCall)).toBe(LINECALLSTATE_IDLE);
    expect(rig.miniport.calls.map((c) => c.hdCall)).toEqual([hdCall]);
    expect(rig.shim.calls.has(htCall)).toBe(true);
    log.length = 0;
    expect((await closeCall(rig, hdCall)).status).toBe(NDIS_STATUS_SUCCESS);
    // Already IDLE and the link already down: CLOSE_CALL indicates nothing more.
    expect(log).toEqual([]);
    expect(rig.miniport.callCount).toBe(0);
    expect(rig.shim.calls.has(htCall)).toBe(false);
    expect((await callStatus(rig, hdCall)).status).toBe(NDIS_STATUS_TAPI_INVALCALLHANDLE);
    expect((await drop(rig, hdCall)).status).toBe(NDIS_STATUS_TAPI_INVALCALLHANDLE);
    expect((await rig.client.send(OID_TAPI_ANSWER, 'NDIS_TAPI_ANSWER', { hdCall })).status).toBe(NDIS_STATUS_TAPI_INVALCALLHANDLE);
    expect(log).toEqual([]);
  });

  test('DROP of a call that is already IDLE is NDIS_STATUS_TAPI_INVALCALLSTATE and indicates nothing', async () => {
    const { rig, log, hdCall } = await connected();
    await drop(rig, hdCall);
    log.length = 0;
    expect((await drop(rig, hdCall)).status).toBe(NDIS_STATUS_TAPI_INVALCALLSTATE);
    expect(log).toEqual([]);
    expect(await stateOf(rig, hdCall)).toBe(LINECALLSTATE_IDLE);
  });

  test('DROP while the call is still being placed: IDLE, no line-up or line-down, and the progress stops', async () => {
    const rig = new Rig();
    const htLine = await rig.bringUp();
    const log = record(rig);
    const r = await rig.client.makeCall(htLine, '5551234');
    rig.clock.advance(100);
    expect(rig.miniport.calls[0]?.state).not.toBe(LINECALLSTATE_IDLE);
    log.length = 0;
    expect((await rig.client.drop(r.htCall)).status).toBe(NDIS_STATUS_SUCCESS);
    rig.clock.advance(3_600_000);
    expect(trace(log)).toEqual([`${r.htCall}:${LINECALLSTATE_IDLE}/0`]);
  });

  test('DROP in DIALTONE (two-step dialling not finished): IDLE', async () => {
    const rig = new Rig();
    const htLine = await rig.bringUp();
    const log = record(rig);
    const r = await rig.client.makeCall(htLine, '');
    rig.clock.advance(0);
    expect(trace(log)).toEqual([`${r.htCall}:${LINECALLSTATE_DIALTONE}/${LINEDIALTONEMODE_NORMAL}`]);
    log.length = 0;
    expect((await rig.client.drop(r.htCall)).status).toBe(NDIS_STATUS_SUCCESS);
    expect(trace(log)).toEqual([`${r.htCall}:${LINECALLSTATE_IDLE}/0`]);
  });

  test('DROP of an offered incoming call: IDLE, and the offer timer never fires afterwards', async () => {
    const rig = new Rig({ offerTimeoutMs: 5_000 });
    await rig.bringUp(LINEMEDIAMODE_DIGITALDATA);
    const log = record(rig);
    const offer = rig.miniport.remote.offer({ mediaMode: LINEMEDIAMODE_DIGITALDATA });
    if (!offer.ok) throw new Error(offer.reason);
    log.length = 0;
    expect((await drop(rig, offer.hdCall)).status).toBe(NDIS_STATUS_SUCCESS);
    rig.clock.advance(60_000);
    expect(trace(log)).toEqual([`${offer.htCall}:${LINECALLSTATE_IDLE}/0`]);
  });
});

describe('remote teardown', () => {
  test('the far end hangs up a connected call: line-down, then DISCONNECTED (LINEDISCONNECTMODE_NORMAL); then DROP gives IDLE', async () => {
    const { rig, log, htCall, hdCall, linkContext } = await connected();
    expect(rig.miniport.remote.hangUp(hdCall)).toBeUndefined();
    expect(trace(log)).toEqual([`down:${linkContext}`, `${htCall}:${LINECALLSTATE_DISCONNECTED}/${LINEDISCONNECTMODE_NORMAL}`]);
    expect(await stateOf(rig, hdCall)).toBe(LINECALLSTATE_DISCONNECTED);
    log.length = 0;
    expect((await rig.client.drop(htCall)).status).toBe(NDIS_STATUS_SUCCESS);
    // The link is already down: only IDLE.
    expect(trace(log)).toEqual([`${htCall}:${LINECALLSTATE_IDLE}/0`]);
    expect((await rig.client.closeCall(htCall)).status).toBe(NDIS_STATUS_SUCCESS);
    expect(rig.miniport.callCount).toBe(0);
  });

  test('the far end hangs up an answered incoming call the same way', async () => {
    const rig = new Rig();
    await rig.bringUp(LINEMEDIAMODE_DIGITALDATA);
    const log = record(rig);
    const offer = rig.miniport.remote.offer({ mediaMode: LINEMEDIAMODE_DIGITALDATA });
    if (!offer.ok) throw new Error(offer.reason);
    expect((await rig.client.answer(offer.htCall)).status).toBe(NDIS_STATUS_SUCCESS);
    const up = log.find((x) => x.kind === 'up');
    if (up?.kind !== 'up') throw new Error('no line-up');
    log.length = 0;
    expect(rig.miniport.remote.hangUp(offer.hdCall)).toBeUndefined();
    expect(trace(log)).toEqual([`down:${up.linkContext}`, `${offer.htCall}:${LINECALLSTATE_DISCONNECTED}/${LINEDISCONNECTMODE_NORMAL}`]);
  });

  test('a second hang-up of a DISCONNECTED call changes nothing', async () => {
    const { rig, log, hdCall } = await connected();
    rig.miniport.remote.hangUp(hdCall);
    log.length = 0;
    expect(rig.miniport.remote.hangUp(hdCall)).toBe('wrong-state');
    expect(log).toEqual([]);
  });
});

describe('OID_TAPI_CLOSE_CALL without DROP', () => {
  test('on a connected call it is drop + close: line-down, IDLE, then freed', async () => {
    const { rig, log, htCall, hdCall, linkContext } = await connected();
    expect((await rig.client.closeCall(htCall)).status).toBe(NDIS_STATUS_SUCCESS);
    expect(trace(log)).toEqual([`down:${linkContext}`, `${htCall}:${LINECALLSTATE_IDLE}/0`]);
    expect(rig.miniport.callCount).toBe(0);
    expect(rig.shim.calls.size).toBe(0);
    expect(rig.shim.links.size).toBe(0);
    expect((await callStatus(rig, hdCall)).status).toBe(NDIS_STATUS_TAPI_INVALCALLHANDLE);
  });

  test('a second CLOSE_CALL of the same handle is NDIS_STATUS_TAPI_INVALCALLHANDLE', async () => {
    const { rig, hdCall } = await connected();
    expect((await closeCall(rig, hdCall)).status).toBe(NDIS_STATUS_SUCCESS);
    expect((await closeCall(rig, hdCall)).status).toBe(NDIS_STATUS_TAPI_INVALCALLHANDLE);
  });

  test('the freed address takes a new call', async () => {
    const { rig, htLine, htCall } = await connected({ callsPerAddress: 1 });
    expect((await rig.client.closeCall(htCall)).status).toBe(NDIS_STATUS_SUCCESS);
    expect((await rig.client.makeCall(htLine, '5559999')).status).toBe(NDIS_STATUS_SUCCESS);
  });
});

describe('nothing is indicated for a call after CLOSE_CALL, even with timers pending', () => {
  test('closed mid-progress: IDLE, then nothing for an hour, and no timer left', async () => {
    const rig = new Rig();
    const htLine = await rig.bringUp();
    const log = record(rig);
    const r = await rig.client.makeCall(htLine, '5551234');
    rig.clock.advance(0);
    expect(trace(log)).toEqual([`${r.htCall}:${LINECALLSTATE_DIALING}/0`]);
    log.length = 0;
    expect((await rig.client.closeCall(r.htCall)).status).toBe(NDIS_STATUS_SUCCESS);
    expect(trace(log)).toEqual([`${r.htCall}:${LINECALLSTATE_IDLE}/0`]);
    log.length = 0;
    rig.clock.advance(3_600_000);
    expect(log).toEqual([]);
    expect(rig.clock.pending).toBe(0);
  });

  test('closed before its first progress step (the clock had not turned): nothing ever follows', async () => {
    const rig = new Rig();
    const htLine = await rig.bringUp();
    const log = record(rig);
    const r = await rig.client.makeCall(htLine, '5551234');
    expect((await rig.client.closeCall(r.htCall)).status).toBe(NDIS_STATUS_SUCCESS);
    const afterClose = log.length;
    rig.clock.advance(3_600_000);
    expect(log.length).toBe(afterClose);
    expect(log.some((x) => x.kind === 'up')).toBe(false);
    expect(rig.clock.pending).toBe(0);
  });

  test('two-step call closed before DIALTONE was indicated: no DIALTONE ever comes', async () => {
    const rig = new Rig();
    const htLine = await rig.bringUp();
    const log = record(rig);
    const r = await rig.client.makeCall(htLine, '');
    expect((await rig.client.closeCall(r.htCall)).status).toBe(NDIS_STATUS_SUCCESS);
    rig.clock.advance(3_600_000);
    expect(log.filter((x) => x.kind === 'event' && x.p1 === LINECALLSTATE_DIALTONE)).toEqual([]);
    expect(rig.clock.pending).toBe(0);
  });

  test("'manual' call closed in RINGBACK: remote controls no longer reach it", async () => {
    const rig = new Rig({ outgoing: { outcome: 'manual' } });
    const htLine = await rig.bringUp();
    const log = record(rig);
    const r = await rig.client.makeCall(htLine, '5551234');
    if (isCodecError(r.value)) throw r.value;
    const hdCall = Number(r.value.hdCall);
    rig.clock.advance(10_000);
    expect(rig.miniport.calls[0]?.state).toBe(LINECALLSTATE_RINGBACK);
    expect((await rig.client.closeCall(r.htCall)).status).toBe(NDIS_STATUS_SUCCESS);
    log.length = 0;
    expect(rig.miniport.remote.answer(hdCall)).toBe('no-such-call');
    expect(rig.miniport.remote.hangUp(hdCall)).toBe('no-such-call');
    rig.clock.advance(3_600_000);
    expect(log).toEqual([]);
  });

  test('incoming call closed while offered: the offer timeout never indicates IDLE afterwards', async () => {
    const rig = new Rig({ offerTimeoutMs: 5_000 });
    await rig.bringUp(LINEMEDIAMODE_DIGITALDATA);
    const log = record(rig);
    const offer = rig.miniport.remote.offer({ mediaMode: LINEMEDIAMODE_DIGITALDATA });
    if (!offer.ok) throw new Error(offer.reason);
    expect((await closeCall(rig, offer.hdCall)).status).toBe(NDIS_STATUS_SUCCESS);
    const afterClose = log.length;
    rig.clock.advance(3_600_000);
    expect(log.length).toBe(afterClose);
    expect(rig.clock.pending).toBe(0);
  });
});

describe('OID_TAPI_CLOSE on a line with live calls', () => {
  test('drops and frees every call on the line (line-down for the connected one); their handles and the line handle are invalid afterwards', async () => {
    const rig = new Rig({ callsPerAddress: 2 });
    const htLine = await rig.bringUp();
    const log = record(rig);
    const first = await connectedOutgoing(rig, log);
    // A second call still being placed when the line closes.
    const placing = await rig.client.makeCall(htLine, '5552222');
    if (isCodecError(placing.value)) throw placing.value;
    const placingHd = Number(placing.value.hdCall);
    rig.clock.advance(0);
    expect(rig.miniport.calls.find((c) => c.hdCall === placingHd)?.state).toBe(LINECALLSTATE_DIALING);
    const hdLine = rig.client.hdLine(htLine);
    log.length = 0;

    expect((await rig.client.close(htLine)).status).toBe(NDIS_STATUS_SUCCESS);
    expect(log.filter((x) => x.kind === 'down')).toEqual([{ kind: 'down', linkContext: first.linkContext }]);
    // The link goes down before the call it carried is reported IDLE (if it is reported at all).
    const down = log.findIndex((x) => x.kind === 'down');
    const idle = log.findIndex((x) => x.kind === 'event' && x.htCall === first.htCall && x.p1 === LINECALLSTATE_IDLE);
    if (idle >= 0) expect(down).toBeLessThan(idle);
    expect(rig.miniport.callCount).toBe(0);
    expect(rig.shim.calls.size).toBe(0);
    expect(rig.shim.lines.size).toBe(0);

    const afterClose = log.length;
    rig.clock.advance(3_600_000);
    expect(log.length).toBe(afterClose);
    expect(rig.clock.pending).toBe(0);

    for (const hd of [first.hdCall, placingHd]) {
      expect((await callStatus(rig, hd)).status).toBe(NDIS_STATUS_TAPI_INVALCALLHANDLE);
      expect((await drop(rig, hd)).status).toBe(NDIS_STATUS_TAPI_INVALCALLHANDLE);
      expect((await closeCall(rig, hd)).status).toBe(NDIS_STATUS_TAPI_INVALCALLHANDLE);
    }
    const make = await rig.client.send(OID_TAPI_MAKE_CALL, 'NDIS_TAPI_MAKE_CALL', { hdLine, htCall: rig.shim.allocateHtCall(), bUseDefaultLineCallParams: 1, DestAddress: asciiz('1') });
    expect(make.status).toBe(NDIS_STATUS_TAPI_INVALLINEHANDLE);
    expect((await rig.client.send(OID_TAPI_SET_DEFAULT_MEDIA_DETECTION, 'NDIS_TAPI_SET_DEFAULT_MEDIA_DETECTION', { hdLine, ulMediaModes: LINEMEDIAMODE_DIGITALDATA })).status).toBe(
      NDIS_STATUS_TAPI_INVALLINEHANDLE,
    );
  });

  test('an offered incoming call on the closing line is freed and no longer times out', async () => {
    const rig = new Rig({ offerTimeoutMs: 5_000 });
    const htLine = await rig.bringUp(LINEMEDIAMODE_DIGITALDATA);
    const log = record(rig);
    const offer = rig.miniport.remote.offer({ mediaMode: LINEMEDIAMODE_DIGITALDATA });
    if (!offer.ok) throw new Error(offer.reason);
    expect(rig.miniport.calls[0]?.state).toBe(LINECALLSTATE_OFFERING);
    expect((await rig.client.close(htLine)).status).toBe(NDIS_STATUS_SUCCESS);
    const afterClose = log.length;
    rig.clock.advance(60_000);
    expect(log.length).toBe(afterClose);
    expect(rig.miniport.callCount).toBe(0);
    expect((await callStatus(rig, offer.hdCall)).status).toBe(NDIS_STATUS_TAPI_INVALCALLHANDLE);
  });

  test('calls on another line are untouched', async () => {
    const rig = new Rig();
    await rig.client.initialize(0);
    await rig.client.open(0);
    await rig.client.open(1);
    const log = record(rig);
    const a = await connectedOutgoing(rig, log, 0);
    const b = await connectedOutgoing(rig, log, 1);
    log.length = 0;
    expect((await rig.client.close(a.htLine)).status).toBe(NDIS_STATUS_SUCCESS);
    expect(log.filter((x) => x.kind === 'down')).toEqual([{ kind: 'down', linkContext: a.linkContext }]);
    expect(rig.miniport.calls).toEqual([expect.objectContaining({ hdCall: b.hdCall, state: LINECALLSTATE_CONNECTED, linkUp: true })]);
    expect(await stateOf(rig, b.hdCall)).toBe(LINECALLSTATE_CONNECTED);
  });
});

describe('OID_TAPI_PROVIDER_SHUTDOWN', () => {
  test('brings every link down and forgets every line and call; requests on old handles fail', async () => {
    const rig = new Rig({ outgoing: { outcome: 'answer' } });
    await rig.client.initialize(0);
    await rig.client.open(0);
    await rig.client.open(1);
    const log = record(rig);
    const a = await connectedOutgoing(rig, log, 0);
    const b = await connectedOutgoing(rig, log, 1);
    const hdLines = [rig.client.hdLine(a.htLine), rig.client.hdLine(b.htLine)];
    log.length = 0;

    expect((await rig.client.shutdown()).status).toBe(NDIS_STATUS_SUCCESS);
    const downs = log.filter((x) => x.kind === 'down').map((x) => (x.kind === 'down' ? x.linkContext : 0));
    expect(downs.sort()).toEqual([a.linkContext, b.linkContext].sort());
    expect(rig.miniport.initialized).toBe(false);
    expect(rig.miniport.callCount).toBe(0);
    expect(rig.shim.initialized).toBe(false);
    expect(rig.shim.lines.size).toBe(0);
    expect(rig.shim.calls.size).toBe(0);
    expect(rig.shim.links.size).toBe(0);

    const afterShutdown = log.length;
    rig.clock.advance(3_600_000);
    expect(log.length).toBe(afterShutdown);

    for (const hd of [a.hdCall, b.hdCall]) {
      expect((await callStatus(rig, hd)).status).toBe(NDIS_STATUS_TAPI_INVALCALLHANDLE);
      expect((await drop(rig, hd)).status).toBe(NDIS_STATUS_TAPI_INVALCALLHANDLE);
      expect((await closeCall(rig, hd)).status).toBe(NDIS_STATUS_TAPI_INVALCALLHANDLE);
    }
    for (const hdLine of hdLines) {
      const make = await rig.client.send(OID_TAPI_MAKE_CALL, 'NDIS_TAPI_MAKE_CALL', { hdLine, htCall: rig.shim.allocateHtCall(), bUseDefaultLineCallParams: 1, DestAddress: asciiz('1') });
      expect(make.status).toBe(NDIS_STATUS_TAPI_INVALLINEHANDLE);
    }
    expect(log.length).toBe(afterShutdown);
  });

  test('calls still being placed stop with it: no progress after the shutdown', async () => {
    const rig = new Rig();
    const htLine = await rig.bringUp();
    const log = record(rig);
    await rig.client.makeCall(htLine, '5551234');
    rig.clock.advance(0);
    expect(rig.miniport.calls[0]?.state).toBe(LINECALLSTATE_DIALING);
    expect((await rig.client.shutdown()).status).toBe(NDIS_STATUS_SUCCESS);
    const afterShutdown = log.length;
    rig.clock.advance(3_600_000);
    expect(log.length).toBe(afterShutdown);
    expect(log.some((x) => x.kind === 'up')).toBe(false);
    expect(rig.clock.pending).toBe(0);
  });

  test('after a new PROVIDER_INITIALIZE the lines must be opened again; old call handles stay invalid', async () => {
    const { rig, htLine, hdCall } = await connected();
    const oldHdLine = rig.client.hdLine(htLine);
    expect((await rig.client.shutdown()).status).toBe(NDIS_STATUS_SUCCESS);
    expect((await rig.client.initialize(0)).status).toBe(NDIS_STATUS_SUCCESS);
    const make = await rig.client.send(OID_TAPI_MAKE_CALL, 'NDIS_TAPI_MAKE_CALL', { hdLine: oldHdLine, htCall: rig.shim.allocateHtCall(), bUseDefaultLineCallParams: 1, DestAddress: asciiz('1') });
    expect(make.status).toBe(NDIS_STATUS_TAPI_INVALLINEHANDLE);
    expect((await callStatus(rig, hdCall)).status).toBe(NDIS_STATUS_TAPI_INVALCALLHANDLE);
    expect((await rig.client.open(0)).status).toBe(NDIS_STATUS_SUCCESS);
    expect((await rig.client.makeCall(htLine, '5551234')).status).toBe(NDIS_STATUS_SUCCESS);
  });
});
