import {
  LINEADDRESSMODE_ADDRESSID,
  LINEBEARERMODE_ALTSPEECHDATA,
  LINEBEARERMODE_VOICE,
  LINEBUSYMODE_STATION,
  LINECALLSTATE_BUSY,
  LINECALLSTATE_CONNECTED,
  LINECALLSTATE_DIALING,
  LINECALLSTATE_DIALTONE,
  LINECALLSTATE_DISCONNECTED,
  LINECALLSTATE_IDLE,
  LINECALLSTATE_PROCEEDING,
  LINECALLSTATE_RINGBACK,
  LINEDIALTONEMODE_NORMAL,
  LINEDISCONNECTMODE_NOANSWER,
  LINEDISCONNECTMODE_REJECT,
  LINEDISCONNECTMODE_UNREACHABLE,
  LINEMEDIAMODE_G3FAX,
  LINEMEDIAMODE_INTERACTIVEVOICE,
  LINE_CALLSTATE,
  LINE_NEWCALL,
  NDIS_STATUS_SUCCESS,
  NDIS_STATUS_TAPI_CALLUNAVAIL,
  NDIS_STATUS_TAPI_INDICATION,
  NDIS_STATUS_TAPI_INVALADDRESSID,
  NDIS_STATUS_TAPI_INVALBEARERMODE,
  NDIS_STATUS_TAPI_INVALCALLSTATE,
  NDIS_STATUS_TAPI_INVALMEDIAMODE,
  NDIS_STATUS_WAN_LINE_DOWN,
  NDIS_STATUS_WAN_LINE_UP,
  OID_TAPI_DIAL,
  OID_TAPI_MAKE_CALL,
  asciiz,
  codecFor,
  isCodecError,
  type StructInput,
} from '../../oid/index.js';
import type { OutgoingOutcome, SimulatedMiniportOptions } from '../../miniport/sim-config.js';
import { Rig } from '../support/rig.js';

/*
 * The outgoing-call flows of ndis-tapi.md §6.7 and §7.4 (line-up ordering §8), through the
 * NdisTapi shim, on the virtual clock.
 */

/** One status indication as the miniport made it, decoded from its buffer, with the clock time. */
type Raw =
  | { readonly t: number; readonly kind: 'event'; readonly msg: number; readonly htLine: number; readonly htCall: number; readonly p1: number; readonly p2: number; readonly p3: number }
  | { readonly t: number; readonly kind: 'up'; readonly connectionWrapperId: number; readonly linkHandle: number; readonly linkContext: number }
  | { readonly t: number; readonly kind: 'down'; readonly linkContext: number };

const EVENT = codecFor('NDIS_TAPI_EVENT', 'x64');
const LINE_UP = codecFor('NDIS_MAC_LINE_UP', 'x64');
const LINE_DOWN = codecFor('NDIS_MAC_LINE_DOWN', 'x64');

/** Every indication the miniport makes, decoded (after the shim's write-backs: it subscribed first). */
function record(rig: Rig): Raw[] {
  const log: Raw[] = [];
  rig.miniport.indications$.subscribe(({ status, buffer }) => {
    const t = rig.clock.now();
    if (status === NDIS_STATUS_TAPI_INDICATION) {
      const e = EVENT.decode(buffer);
      if (isCodecError(e)) throw e;
      log.push({ t, kind: 'event', msg: e.ulMsg, htLine: Number(e.htLine), htCall: Number(e.htCall), p1: Number(e.ulParam1), p2: Number(e.ulParam2), p3: Number(e.ulParam3) });
    } else if (status === NDIS_STATUS_WAN_LINE_UP) {
      const u = LINE_UP.decode(buffer);
      if (isCodecError(u)) throw u;
      log.push({ t, kind: 'up', connectionWrapperId: Number(u.ConnectionWrapperID), linkHandle: Number(u.NdisLinkHandle), linkContext: Number(u.NdisLinkContext) });
    } else if (status === NDIS_STATUS_WAN_LINE_DOWN) {
      const d = LINE_DOWN.decode(buffer);
      if (isCodecError(d)) throw d;
      log.push({ t, kind: 'down', linkContext: Number(d.NdisLinkContext) });
    }
  });
  return log;
}

/** The LINE_CALLSTATE indications in a log, as [time, state, mode]. */
function states(log: readonly Raw[], htCall: number): Array<[number, number, number]> {
  return log.filter((r) => r.kind === 'event' && r.msg === LINE_CALLSTATE && r.htCall === htCall).map((r) => (r.kind === 'event' ? [r.t, r.p1, r.p2] : [0, 0, 0]));
}

interface Placed {
  readonly rig: Rig;
  readonly log: Raw[];
  readonly htLine: number;
  readonly htCall: number;
  readonly hdCall: number;
}

/** Opens line 0 and makes a call to `destination`; nothing after MAKE_CALL has been let happen yet. */
async function makeCall(options: SimulatedMiniportOptions, destination: string, params?: StructInput<'LINE_CALL_PARAMS'>): Promise<Placed> {
  const rig = new Rig(options);
  const htLine = await rig.bringUp();
  rig.take();
  const log = record(rig);
  const r = await rig.client.makeCall(htLine, destination, params);
  if (r.status !== NDIS_STATUS_SUCCESS) throw new Error(`MAKE_CALL failed: 0x${r.status.toString(16)}`);
  if (isCodecError(r.value)) throw r.value;
  return { rig, log, htLine, htCall: r.htCall, hdCall: Number(r.value.hdCall) };
}

describe('OID_TAPI_MAKE_CALL', () => {
  test('takes NDISTAPI\'s htCall and returns a unique hdCall; nothing is indicated before the request has completed', async () => {
    const { rig, log, htCall, hdCall } = await makeCall({}, '5551234');
    expect(hdCall).not.toBe(0);
    expect(rig.miniport.calls).toEqual([expect.objectContaining({ hdCall, htCall, inbound: false, line: 0, addressId: 0 })]);
    expect(rig.shim.calls.get(htCall)?.hdCall).toBe(hdCall);
    expect(log).toEqual([]);
    // A second call on the other line gets its own handle.
    const open = await rig.client.open(1);
    expect(open.status).toBe(NDIS_STATUS_SUCCESS);
    const second = await rig.client.makeCall(rig.shim.htLineFor(1), '5559876');
    expect(second.status).toBe(NDIS_STATUS_SUCCESS);
    if (isCodecError(second.value)) throw second.value;
    expect(Number(second.value.hdCall)).not.toBe(hdCall);
    expect(second.htCall).not.toBe(htCall);
  });

  test('right after MAKE_CALL with a destination completes, GET_CALL_STATUS reports exactly one LINECALLSTATE_* bit, not IDLE', async () => {
    // §6.7: MAKE_CALL completes when the call has been placed; §6.14: ulCallState is a LINECALLSTATE_*.
    const { rig, htCall } = await makeCall({}, '5551234');
    const cs = await rig.client.getCallStatus(htCall);
    expect(cs.status).toBe(NDIS_STATUS_SUCCESS);
    if (isCodecError(cs.value)) throw cs.value;
    const state = cs.value.LineCallStatus.ulCallState;
    expect(state !== 0 && (state & (state - 1)) === 0).toBe(true);
    expect(state).not.toBe(LINECALLSTATE_IDLE);
  });

  test('the default progress DIALING, PROCEEDING, RINGBACK is indicated with the htCall, stepMs apart, then line-up and CONNECTED', async () => {
    const { rig, log, htLine, htCall, hdCall } = await makeCall({}, '5551234');
    const t0 = rig.clock.now();
    rig.clock.advance(1_000);
    expect(states(log, htCall)).toEqual([
      [t0, LINECALLSTATE_DIALING, 0],
      [t0 + 100, LINECALLSTATE_PROCEEDING, 0],
      [t0 + 200, LINECALLSTATE_RINGBACK, 0],
      [t0 + 300, LINECALLSTATE_CONNECTED, 0],
    ]);
    // Every call-state indication names the line and carries the call's media mode (the line's default: one bit).
    const mediaMode = rig.miniport.calls[0]?.mediaMode ?? 0;
    expect(mediaMode !== 0 && (mediaMode & (mediaMode - 1)) === 0).toBe(true);
    for (const r of log) if (r.kind === 'event') expect(r).toMatchObject({ htLine, htCall, msg: LINE_CALLSTATE, p3: mediaMode });
    // §8: the line-up (ConnectionWrapperID = htCall) comes before CONNECTED.
    const up = log.findIndex((r) => r.kind === 'up');
    const connected = log.findIndex((r) => r.kind === 'event' && r.p1 === LINECALLSTATE_CONNECTED);
    expect(up).toBeGreaterThanOrEqual(0);
    expect(up).toBeLessThan(connected);
    const lineUp = log[up];
    if (lineUp?.kind !== 'up') throw new Error('no line-up');
    expect(lineUp).toMatchObject({ t: t0 + 300, connectionWrapperId: htCall });
    // §8: the miniport's NdisLinkHandle is set on the first line-up; NDISWAN wrote its NdisLinkContext back.
    expect(lineUp.linkHandle).not.toBe(0);
    const ctx = lineUp.linkContext;
    expect(ctx).not.toBe(0);
    expect(rig.shim.calls.get(htCall)).toMatchObject({ state: LINECALLSTATE_CONNECTED, linkContext: ctx });
    expect(rig.miniport.calls).toEqual([expect.objectContaining({ hdCall, state: LINECALLSTATE_CONNECTED, linkUp: true })]);
  });

  test('GET_ID "ndis" on the connected outgoing call returns the NdisLinkContext of its line-up', async () => {
    const { rig, log, htCall } = await makeCall({}, '5551234');
    rig.clock.advance(1_000);
    const up = log.find((r) => r.kind === 'up');
    if (up?.kind !== 'up') throw new Error('no line-up');
    const id = await rig.client.getId({ htCall }, 'ndis');
    expect(id.status).toBe(NDIS_STATUS_SUCCESS);
    if (isCodecError(id.value)) throw id.value;
    const bytes = id.value.DeviceID.String;
    expect(bytes.length).toBe(8);
    expect(new DataView(bytes.buffer, bytes.byteOffset).getBigUint64(0, true)).toBe(BigInt(up.linkContext));
  });

  test('the progress states and stepMs come from the configuration', async () => {
    const { rig, log, htCall } = await makeCall({ outgoing: { progress: [LINECALLSTATE_DIALING, LINECALLSTATE_RINGBACK], stepMs: 250 } }, '77');
    const t0 = rig.clock.now();
    rig.clock.advance(249);
    expect(states(log, htCall)).toEqual([[t0, LINECALLSTATE_DIALING, 0]]);
    rig.clock.advance(1);
    expect(states(log, htCall)).toEqual([[t0, LINECALLSTATE_DIALING, 0], [t0 + 250, LINECALLSTATE_RINGBACK, 0]]);
    rig.clock.advance(249);
    expect(log.some((r) => r.kind === 'up')).toBe(false);
    rig.clock.advance(1);
    expect(states(log, htCall).at(-1)).toEqual([t0 + 500, LINECALLSTATE_CONNECTED, 0]);
  });

  test('an answered call stays up: one line-up, no line-down, no timer left', async () => {
    const { rig, log } = await makeCall({}, '5551234');
    rig.clock.advance(60_000);
    expect(log.filter((r) => r.kind === 'up')).toHaveLength(1);
    expect(log.filter((r) => r.kind === 'down')).toHaveLength(0);
    expect(rig.clock.pending).toBe(0);
  });

  test('busy: BUSY with LINEBUSYMODE_STATION after the progress, and no line-up', async () => {
    const { rig, log, htCall, hdCall } = await makeCall({ outgoing: { outcome: 'busy' } }, '5551234');
    const t0 = rig.clock.now();
    rig.clock.advance(10_000);
    expect(states(log, htCall)).toEqual([
      [t0, LINECALLSTATE_DIALING, 0],
      [t0 + 100, LINECALLSTATE_PROCEEDING, 0],
      [t0 + 200, LINECALLSTATE_RINGBACK, 0],
      [t0 + 300, LINECALLSTATE_BUSY, LINEBUSYMODE_STATION],
    ]);
    expect(log.some((r) => r.kind === 'up' || r.kind === 'down')).toBe(false);
    expect(rig.miniport.calls).toEqual([expect.objectContaining({ hdCall, state: LINECALLSTATE_BUSY, linkUp: false })]);
  });

  test.each<[OutgoingOutcome, number]>([
    ['noanswer', LINEDISCONNECTMODE_NOANSWER],
    ['reject', LINEDISCONNECTMODE_REJECT],
    ['unreachable', LINEDISCONNECTMODE_UNREACHABLE],
  ])('%s: DISCONNECTED with the matching LINEDISCONNECTMODE_*, and no line-up', async (outcome, mode) => {
    const { rig, log, htCall } = await makeCall({ outgoing: { outcome } }, '5551234');
    const t0 = rig.clock.now();
    rig.clock.advance(10_000);
    expect(states(log, htCall)).toEqual([
      [t0, LINECALLSTATE_DIALING, 0],
      [t0 + 100, LINECALLSTATE_PROCEEDING, 0],
      [t0 + 200, LINECALLSTATE_RINGBACK, 0],
      [t0 + 300, LINECALLSTATE_DISCONNECTED, mode],
    ]);
    expect(log.some((r) => r.kind === 'up' || r.kind === 'down')).toBe(false);
  });

  test('a failed call is then dropped (IDLE) and closed by the application', async () => {
    const { rig, log, htCall } = await makeCall({ outgoing: { outcome: 'reject' } }, '5551234');
    rig.clock.advance(10_000);
    expect((await rig.client.drop(htCall)).status).toBe(NDIS_STATUS_SUCCESS);
    expect(states(log, htCall).at(-1)?.[1]).toBe(LINECALLSTATE_IDLE);
    expect((await rig.client.closeCall(htCall)).status).toBe(NDIS_STATUS_SUCCESS);
    expect(rig.miniport.callCount).toBe(0);
  });

  test('outgoing.byAddress decides the outcome per destination; others get the default outcome', async () => {
    const options: SimulatedMiniportOptions = { lines: 3, outgoing: { outcome: 'answer', byAddress: { '5550001': 'busy', '5550002': 'unreachable' } } };
    const rig = new Rig(options);
    await rig.client.initialize(0);
    for (const d of [0, 1, 2]) expect((await rig.client.open(d)).status).toBe(NDIS_STATUS_SUCCESS);
    const log = record(rig);
    const busy = await rig.client.makeCall(rig.shim.htLineFor(0), '5550001');
    const unreachable = await rig.client.makeCall(rig.shim.htLineFor(1), '5550002');
    const other = await rig.client.makeCall(rig.shim.htLineFor(2), '5550003');
    for (const r of [busy, unreachable, other]) expect(r.status).toBe(NDIS_STATUS_SUCCESS);
    rig.clock.advance(10_000);
    expect(states(log, busy.htCall).at(-1)?.slice(1)).toEqual([LINECALLSTATE_BUSY, LINEBUSYMODE_STATION]);
    expect(states(log, unreachable.htCall).at(-1)?.slice(1)).toEqual([LINECALLSTATE_DISCONNECTED, LINEDISCONNECTMODE_UNREACHABLE]);
    expect(states(log, other.htCall).at(-1)?.slice(1)).toEqual([LINECALLSTATE_CONNECTED, 0]);
    // Only the answered call's link came up.
    expect(log.filter((r) => r.kind === 'up')).toEqual([expect.objectContaining({ connectionWrapperId: other.htCall })]);
  });

  describe("the 'manual' outcome", () => {
    test('waits in the last progress state for as long as it takes', async () => {
      const { rig, log, htCall, hdCall } = await makeCall({ outgoing: { outcome: 'manual' } }, '5551234');
      rig.clock.advance(3_600_000);
      expect(states(log, htCall).map((s) => s[1])).toEqual([LINECALLSTATE_DIALING, LINECALLSTATE_PROCEEDING, LINECALLSTATE_RINGBACK]);
      expect(rig.miniport.calls).toEqual([expect.objectContaining({ hdCall, state: LINECALLSTATE_RINGBACK })]);
    });

    test('remote.answer: line-up (ConnectionWrapperID = htCall), then CONNECTED', async () => {
      const { rig, log, htCall, hdCall } = await makeCall({ outgoing: { outcome: 'manual' } }, '5551234');
      rig.clock.advance(10_000);
      log.length = 0;
      expect(rig.miniport.remote.answer(hdCall)).toBeUndefined();
      expect(log).toEqual([
        expect.objectContaining({ kind: 'up', connectionWrapperId: htCall }),
        expect.objectContaining({ kind: 'event', msg: LINE_CALLSTATE, htCall, p1: LINECALLSTATE_CONNECTED }),
      ]);
      // Once answered, the far end cannot answer again or be busy.
      expect(rig.miniport.remote.answer(hdCall)).toBe('wrong-state');
      expect(rig.miniport.remote.busy(hdCall)).toBe('wrong-state');
    });

    test('remote.busy: BUSY with LINEBUSYMODE_STATION', async () => {
      const { rig, log, htCall, hdCall } = await makeCall({ outgoing: { outcome: 'manual' } }, '5551234');
      rig.clock.advance(10_000);
      log.length = 0;
      expect(rig.miniport.remote.busy(hdCall)).toBeUndefined();
      expect(states(log, htCall).map((s) => s.slice(1))).toEqual([[LINECALLSTATE_BUSY, LINEBUSYMODE_STATION]]);
      expect(log.some((r) => r.kind === 'up')).toBe(false);
    });

    test.each<['noanswer' | 'reject' | 'unreachable', number]>([
      ['noanswer', LINEDISCONNECTMODE_NOANSWER],
      ['reject', LINEDISCONNECTMODE_REJECT],
      ['unreachable', LINEDISCONNECTMODE_UNREACHABLE],
    ])('remote.fail %s: DISCONNECTED with the matching mode', async (why, mode) => {
      const { rig, log, htCall, hdCall } = await makeCall({ outgoing: { outcome: 'manual' } }, '5551234');
      rig.clock.advance(10_000);
      log.length = 0;
      expect(rig.miniport.remote.fail(hdCall, why)).toBeUndefined();
      expect(states(log, htCall).map((s) => s.slice(1))).toEqual([[LINECALLSTATE_DISCONNECTED, mode]]);
    });

    test('the far end can answer while the call is still proceeding; the remaining progress is not shown', async () => {
      const { rig, log, htCall, hdCall } = await makeCall({ outgoing: { outcome: 'manual' } }, '5551234');
      rig.clock.advance(100);
      expect(states(log, htCall).map((s) => s[1])).toEqual([LINECALLSTATE_DIALING, LINECALLSTATE_PROCEEDING]);
      expect(rig.miniport.remote.answer(hdCall)).toBeUndefined();
      rig.clock.advance(10_000);
      expect(states(log, htCall).map((s) => s[1])).toEqual([LINECALLSTATE_DIALING, LINECALLSTATE_PROCEEDING, LINECALLSTATE_CONNECTED]);
    });

    test('remote controls on an unknown call say so', () => {
      const rig = new Rig({ outgoing: { outcome: 'manual' } });
      expect(rig.miniport.remote.answer(0xdead)).toBe('no-such-call');
      expect(rig.miniport.remote.busy(0xdead)).toBe('no-such-call');
      expect(rig.miniport.remote.fail(0xdead, 'reject')).toBe('no-such-call');
    });
  });
});

describe('two-step dialling (MAKE_CALL without a destination, then OID_TAPI_DIAL)', () => {
  test('MAKE_CALL with an empty destination gives DIALTONE (LINEDIALTONEMODE_NORMAL) and waits there', async () => {
    const { rig, log, htCall, hdCall } = await makeCall({}, '');
    rig.clock.advance(3_600_000);
    expect(states(log, htCall)).toEqual([[expect.any(Number), LINECALLSTATE_DIALTONE, LINEDIALTONEMODE_NORMAL]]);
    expect(rig.miniport.calls).toEqual([expect.objectContaining({ hdCall, state: LINECALLSTATE_DIALTONE })]);
  });

  test('DIAL then runs the progress and the outcome for the dialled digits', async () => {
    const { rig, log, htCall } = await makeCall({ outgoing: { outcome: 'answer', byAddress: { '4242': 'busy' } } }, '');
    rig.clock.advance(0);
    expect(states(log, htCall).map((s) => s[1])).toEqual([LINECALLSTATE_DIALTONE]);
    const dial = await rig.client.dial(htCall, '4242');
    expect(dial.status).toBe(NDIS_STATUS_SUCCESS);
    const t0 = rig.clock.now();
    rig.clock.advance(10_000);
    expect(states(log, htCall)).toEqual([
      [expect.any(Number), LINECALLSTATE_DIALTONE, LINEDIALTONEMODE_NORMAL],
      [t0, LINECALLSTATE_DIALING, 0],
      [t0 + 100, LINECALLSTATE_PROCEEDING, 0],
      [t0 + 200, LINECALLSTATE_RINGBACK, 0],
      [t0 + 300, LINECALLSTATE_BUSY, LINEBUSYMODE_STATION],
    ]);
  });

  test('DIAL with digits answered by default: line-up before CONNECTED', async () => {
    const { rig, log, htCall } = await makeCall({}, '');
    rig.clock.advance(0);
    expect((await rig.client.dial(htCall, '5551234')).status).toBe(NDIS_STATUS_SUCCESS);
    rig.clock.advance(10_000);
    const kinds = log.map((r) => (r.kind === 'event' ? r.p1 : r.kind));
    expect(kinds).toEqual([LINECALLSTATE_DIALTONE, LINECALLSTATE_DIALING, LINECALLSTATE_PROCEEDING, LINECALLSTATE_RINGBACK, 'up', LINECALLSTATE_CONNECTED]);
  });

  test('MAKE_CALL completes with the call in its waiting state: DIAL right after it succeeds', async () => {
    // §6.7: for the two-step case MAKE_CALL completes "after allocating a call appearance and
    // entering a waiting state (typically DIALTONE) until OID_TAPI_DIAL".
    const { rig, log, htCall } = await makeCall({}, '');
    expect((await rig.client.dial(htCall, '5551234')).status).toBe(NDIS_STATUS_SUCCESS);
    rig.clock.advance(10_000);
    expect(states(log, htCall).at(-1)?.[1]).toBe(LINECALLSTATE_CONNECTED);
  });

  test('right after MAKE_CALL completes, GET_CALL_STATUS reports the waiting state (DIALTONE), a real LINECALLSTATE_*', async () => {
    // §6.7: MAKE_CALL completes after the call appearance entered its waiting state; §6.14: ulCallState is a LINECALLSTATE_*.
    const { rig, htCall } = await makeCall({}, '');
    const cs = await rig.client.getCallStatus(htCall);
    expect(cs.status).toBe(NDIS_STATUS_SUCCESS);
    if (isCodecError(cs.value)) throw cs.value;
    expect(cs.value.LineCallStatus.ulCallState).toBe(LINECALLSTATE_DIALTONE);
  });

  test('DIAL on a call that is not in DIALTONE is NDIS_STATUS_TAPI_INVALCALLSTATE and changes nothing', async () => {
    const { rig, log, htCall, hdCall } = await makeCall({ outgoing: { outcome: 'manual' } }, '5551234');
    rig.clock.advance(10_000);
    log.length = 0;
    expect((await rig.client.dial(htCall, '999')).status).toBe(NDIS_STATUS_TAPI_INVALCALLSTATE);
    rig.clock.advance(10_000);
    expect(log).toEqual([]);
    expect(rig.miniport.calls).toEqual([expect.objectContaining({ hdCall, state: LINECALLSTATE_RINGBACK })]);
  });

  test('a second DIAL once dialling has started is NDIS_STATUS_TAPI_INVALCALLSTATE', async () => {
    const { rig, htCall } = await makeCall({}, '');
    rig.clock.advance(0);
    expect((await rig.client.dial(htCall, '1')).status).toBe(NDIS_STATUS_SUCCESS);
    rig.clock.advance(0);
    expect((await rig.client.dial(htCall, '2')).status).toBe(NDIS_STATUS_TAPI_INVALCALLSTATE);
  });

  test('DIAL on a connected call is NDIS_STATUS_TAPI_INVALCALLSTATE (request built with the codec)', async () => {
    const { rig, hdCall } = await makeCall({}, '5551234');
    rig.clock.advance(10_000);
    const r = await rig.client.send(OID_TAPI_DIAL, 'NDIS_TAPI_DIAL', { hdCall, szDestAddress: asciiz('123') });
    expect(r.status).toBe(NDIS_STATUS_TAPI_INVALCALLSTATE);
    expect(rig.miniport.calls[0]?.state).toBe(LINECALLSTATE_CONNECTED);
  });
});

describe('MAKE_CALL with LineCallParams (bUseDefaultLineCallParams = 0)', () => {
  async function attempt(params: StructInput<'LINE_CALL_PARAMS'>, options: SimulatedMiniportOptions = {}) {
    const rig = new Rig(options);
    const htLine = await rig.bringUp();
    const log = record(rig);
    const r = await rig.client.makeCall(htLine, '5551234', params);
    return { rig, log, r };
  }

  test('an unsupported media mode is NDIS_STATUS_TAPI_INVALMEDIAMODE; no call is created', async () => {
    const { rig, log, r } = await attempt({ ulMediaMode: LINEMEDIAMODE_G3FAX });
    expect(r.status).toBe(NDIS_STATUS_TAPI_INVALMEDIAMODE);
    rig.clock.advance(10_000);
    expect(log).toEqual([]);
    expect(rig.miniport.callCount).toBe(0);
    expect(rig.shim.calls.has(r.htCall)).toBe(false);
  });

  test('an unsupported bearer mode is NDIS_STATUS_TAPI_INVALBEARERMODE', async () => {
    const { rig, log, r } = await attempt({ ulBearerMode: LINEBEARERMODE_ALTSPEECHDATA });
    expect(r.status).toBe(NDIS_STATUS_TAPI_INVALBEARERMODE);
    rig.clock.advance(10_000);
    expect(log).toEqual([]);
    expect(rig.miniport.callCount).toBe(0);
  });

  test('an address id the line does not have is NDIS_STATUS_TAPI_INVALADDRESSID', async () => {
    const { rig, log, r } = await attempt({ ulAddressMode: LINEADDRESSMODE_ADDRESSID, ulAddressID: 1 });
    expect(r.status).toBe(NDIS_STATUS_TAPI_INVALADDRESSID);
    rig.clock.advance(10_000);
    expect(log).toEqual([]);
    expect(rig.miniport.callCount).toBe(0);
  });

  test('valid parameters are used: the media mode shows in the call-state indications, the address id in the call', async () => {
    const { rig, log, r } = await attempt(
      { ulMediaMode: LINEMEDIAMODE_INTERACTIVEVOICE, ulBearerMode: LINEBEARERMODE_VOICE, ulAddressMode: LINEADDRESSMODE_ADDRESSID, ulAddressID: 1 },
      { addressesPerLine: 2 },
    );
    expect(r.status).toBe(NDIS_STATUS_SUCCESS);
    rig.clock.advance(10_000);
    expect(rig.miniport.calls).toEqual([expect.objectContaining({ htCall: r.htCall, addressId: 1, mediaMode: LINEMEDIAMODE_INTERACTIVEVOICE })]);
    const events = log.filter((x) => x.kind === 'event');
    expect(events.length).toBeGreaterThan(0);
    for (const e of events) expect(e).toMatchObject({ p3: LINEMEDIAMODE_INTERACTIVEVOICE });
  });

  test('with bUseDefaultLineCallParams TRUE the LineCallParams are ignored', async () => {
    const rig = new Rig();
    const htLine = await rig.bringUp();
    const htCall = rig.shim.allocateHtCall();
    const r = await rig.client.send(OID_TAPI_MAKE_CALL, 'NDIS_TAPI_MAKE_CALL', {
      hdLine: rig.client.hdLine(htLine),
      htCall,
      bUseDefaultLineCallParams: 1,
      LineCallParams: { ulMediaMode: LINEMEDIAMODE_G3FAX, ulBearerMode: LINEBEARERMODE_ALTSPEECHDATA },
      DestAddress: asciiz('5551234'),
    });
    expect(r.status).toBe(NDIS_STATUS_SUCCESS);
    // The same media mode as a call placed with the defaults on the other line.
    expect((await rig.client.open(1)).status).toBe(NDIS_STATUS_SUCCESS);
    const plain = await rig.client.makeCall(rig.shim.htLineFor(1), '5551234');
    expect(plain.status).toBe(NDIS_STATUS_SUCCESS);
    const byHt = new Map(rig.miniport.calls.map((c) => [c.htCall, c]));
    expect(byHt.get(htCall)?.mediaMode).not.toBe(LINEMEDIAMODE_G3FAX);
    expect(byHt.get(htCall)?.mediaMode).toBe(byHt.get(plain.htCall)?.mediaMode);
  });
});

describe('capacity and LINE_NEWCALL', () => {
  test('MAKE_CALL on an address that already holds its calls is NDIS_STATUS_TAPI_CALLUNAVAIL', async () => {
    const { rig, log, htLine, hdCall } = await makeCall({ callsPerAddress: 1 }, '5551234');
    rig.clock.advance(10_000);
    const before = log.length;
    const second = await rig.client.makeCall(htLine, '5559999');
    expect(second.status).toBe(NDIS_STATUS_TAPI_CALLUNAVAIL);
    rig.clock.advance(10_000);
    expect(log.length).toBe(before);
    expect(rig.miniport.calls.map((c) => c.hdCall)).toEqual([hdCall]);
    expect(rig.shim.calls.has(second.htCall)).toBe(false);
  });

  test('an address with room for two calls takes a second one, then refuses the third', async () => {
    const { rig, htLine } = await makeCall({ callsPerAddress: 2 }, '5551234');
    expect((await rig.client.makeCall(htLine, '5552222')).status).toBe(NDIS_STATUS_SUCCESS);
    expect((await rig.client.makeCall(htLine, '5553333')).status).toBe(NDIS_STATUS_TAPI_CALLUNAVAIL);
    expect(rig.miniport.callCount).toBe(2);
  });

  test('an IDLE call no longer holds the address: after DROP a new MAKE_CALL succeeds', async () => {
    const { rig, htLine, htCall } = await makeCall({ callsPerAddress: 1 }, '5551234');
    rig.clock.advance(10_000);
    expect((await rig.client.drop(htCall)).status).toBe(NDIS_STATUS_SUCCESS);
    expect((await rig.client.makeCall(htLine, '5559999')).status).toBe(NDIS_STATUS_SUCCESS);
  });

  test.each<[string, OutgoingOutcome]>([
    ['answered', 'answer'],
    ['busy', 'busy'],
    ['rejected', 'reject'],
  ])('no LINE_NEWCALL is ever indicated for an outgoing call (%s, one-step and two-step, through to CLOSE_CALL)', async (_name, outcome) => {
    const { rig, log, htCall } = await makeCall({ callsPerAddress: 2, outgoing: { outcome } }, '5551234');
    const two = await rig.client.makeCall(rig.shim.htLineFor(0), '');
    expect(two.status).toBe(NDIS_STATUS_SUCCESS);
    rig.clock.advance(0);
    expect((await rig.client.dial(two.htCall, '5552222')).status).toBe(NDIS_STATUS_SUCCESS);
    rig.clock.advance(10_000);
    for (const h of [htCall, two.htCall]) {
      expect((await rig.client.drop(h)).status).toBe(NDIS_STATUS_SUCCESS);
      expect((await rig.client.closeCall(h)).status).toBe(NDIS_STATUS_SUCCESS);
    }
    expect(log.filter((r) => r.kind === 'event').length).toBeGreaterThan(0);
    expect(log.filter((r) => r.kind === 'event' && r.msg === LINE_NEWCALL)).toEqual([]);
    expect(rig.take().filter((e) => e.type === 'newCall')).toEqual([]);
  });
});
