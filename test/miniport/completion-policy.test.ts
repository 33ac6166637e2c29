import {
  LINECALLSTATE_CONNECTED,
  LINECALLSTATE_DIALING,
  LINECALLSTATE_OFFERING,
  LINEMEDIAMODE_DIGITALDATA,
  LINE_CALLSTATE,
  NDIS_STATUS_FAILURE,
  NDIS_STATUS_INVALID_LENGTH,
  NDIS_STATUS_PENDING,
  NDIS_STATUS_SUCCESS,
  NDIS_STATUS_TAPI_INDICATION,
  NDIS_STATUS_TAPI_INVALLINEHANDLE,
  NDIS_STATUS_TAPI_RESOURCEUNAVAIL,
  NDIS_STATUS_WAN_LINE_DOWN,
  NDIS_STATUS_WAN_LINE_UP,
  OID_TAPI_ANSWER,
  OID_TAPI_DIAL,
  OID_TAPI_GET_DEV_CAPS,
  OID_TAPI_MAKE_CALL,
  OID_TAPI_SECURE_CALL,
  asciiz,
  codecFor,
  isCodecError,
  tapiOidInfo,
  type StructInput,
  type StructName,
} from '../../oid/index.js';
import type { ByteCounts, Completion } from '../../miniport/miniport.js';
import type { CompletionPolicy } from '../../miniport/completion-policy.js';
import { Rig } from '../support/rig.js';

/*
 * Completion policies of the simulated miniport (ndis-tapi.md §9): synchronous, pended with a
 * delay on the clock, held for manual completion, forced status; and NDIS's one-request-at-a-
 * time serialization as the NdisTapi shim does it.
 */

/** What happened, in order: indications (decoded enough to tell them apart) and completions, with the time. */
type Entry =
  | { readonly t: number; readonly what: 'up'; readonly connectionWrapperId: number }
  | { readonly t: number; readonly what: 'down' }
  | { readonly t: number; readonly what: 'state'; readonly htCall: number; readonly state: number }
  | { readonly t: number; readonly what: 'event'; readonly msg: number }
  | { readonly t: number; readonly what: 'completion'; readonly completion: Completion };

const EVENT = codecFor('NDIS_TAPI_EVENT', 'x64');
const LINE_UP = codecFor('NDIS_MAC_LINE_UP', 'x64');

function record(rig: Rig): Entry[] {
  const log: Entry[] = [];
  rig.miniport.indications$.subscribe(({ status, buffer }) => {
    const t = rig.clock.now();
    if (status === NDIS_STATUS_TAPI_INDICATION) {
      const e = EVENT.decode(buffer);
      if (isCodecError(e)) throw e;
      log.push(e.ulMsg === LINE_CALLSTATE ? { t, what: 'state', htCall: Number(e.htCall), state: Number(e.ulParam1) } : { t, what: 'event', msg: e.ulMsg });
    } else if (status === NDIS_STATUS_WAN_LINE_UP) {
      const u = LINE_UP.decode(buffer);
      if (isCodecError(u)) throw u;
      log.push({ t, what: 'up', connectionWrapperId: Number(u.ConnectionWrapperID) });
    } else if (status === NDIS_STATUS_WAN_LINE_DOWN) {
      log.push({ t, what: 'down' });
    }
  });
  rig.miniport.completions$.subscribe((completion) => log.push({ t: rig.clock.now(), what: 'completion', completion }));
  return log;
}

const completions = (log: readonly Entry[]): Completion[] => log.flatMap((e) => (e.what === 'completion' ? [e.completion] : []));

/** A request made straight to the miniport (not through the shim), with its buffer and counts. */
interface Direct {
  readonly status: number;
  readonly counts: ByteCounts;
  readonly buffer: Uint8Array;
}

function encode<S extends StructName>(structure: S, value: StructInput<S>, total = 0): Uint8Array {
  const bytes = codecFor(structure, 'x64').encode(value);
  if (isCodecError(bytes)) throw bytes;
  const buffer = new Uint8Array(Math.max(bytes.length, total));
  buffer.set(bytes);
  return buffer;
}

function direct(rig: Rig, requestId: number, oid: number, buffer: Uint8Array): Direct {
  const kind = tapiOidInfo(oid)?.kind ?? 'set';
  const counts: ByteCounts = { bytesUsed: 0, bytesNeeded: 0 };
  const status = rig.miniport.request(requestId, kind, oid, buffer, counts);
  return { status, counts, buffer };
}

const SIZE = {
  answer: codecFor('NDIS_TAPI_ANSWER', 'x64').size,
  makeCall: codecFor('NDIS_TAPI_MAKE_CALL', 'x64').size,
  dial: codecFor('NDIS_TAPI_DIAL', 'x64').size,
  devCaps: codecFor('NDIS_TAPI_GET_DEV_CAPS', 'x64').size,
};

/** Request ids far from the shim's own (it numbers from 1). */
let nextId = 5_000;
const id = (): number => nextId++;

/** A line open and detecting DIGITALDATA, with an offered incoming call; the log starts after the offer. */
async function offered(): Promise<{ rig: Rig; log: Entry[]; htLine: number; htCall: number; hdCall: number }> {
  const rig = new Rig();
  const htLine = await rig.bringUp(LINEMEDIAMODE_DIGITALDATA);
  const offer = rig.miniport.remote.offer({ mediaMode: LINEMEDIAMODE_DIGITALDATA });
  if (!offer.ok) throw new Error(offer.reason);
  const log = record(rig);
  return { rig, log, htLine, htCall: offer.htCall, hdCall: offer.hdCall };
}

const answerBuffer = (hdCall: number): Uint8Array => encode('NDIS_TAPI_ANSWER', { hdCall });

function makeCallBuffer(rig: Rig, htLine: number, destination = '5551234'): Uint8Array {
  return encode('NDIS_TAPI_MAKE_CALL', {
    hdLine: rig.client.hdLine(htLine),
    htCall: rig.shim.allocateHtCall(),
    bUseDefaultLineCallParams: 1,
    ...(destination === '' ? {} : { DestAddress: asciiz(destination) }),
  });
}

const hdCallIn = (buffer: Uint8Array): number => {
  const v = codecFor('NDIS_TAPI_MAKE_CALL', 'x64').decode(buffer);
  if (isCodecError(v)) throw v;
  return Number(v.hdCall);
};

/** The shim's request traffic (requests, returns, completions), without the indication traffic. */
const requestExchanges = (rig: Rig): Rig['exchanges'] => rig.exchanges.filter((x) => x.type === 'request' || x.type === 'return' || x.type === 'completion');

const settle = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

describe("'sync' (the default)", () => {
  test('the work is done and the final status returned at once; no completion is ever emitted', async () => {
    const { rig, log, htCall, hdCall } = await offered();
    const r = direct(rig, id(), OID_TAPI_ANSWER, answerBuffer(hdCall));
    expect(r.status).toBe(NDIS_STATUS_SUCCESS);
    expect(r.counts).toEqual({ bytesUsed: SIZE.answer, bytesNeeded: 0 });
    expect(log.map((e) => e.what)).toEqual(['up', 'state']);
    expect(log[1]).toMatchObject({ htCall, state: LINECALLSTATE_CONNECTED });
    rig.clock.advance(3_600_000);
    expect(completions(log)).toEqual([]);
    expect(rig.miniport.outstanding).toEqual([]);
  });

  test("an explicit 'sync' policy overrides a pending default", async () => {
    const { rig, hdCall } = await offered();
    rig.miniport.policies.setDefault({ mode: 'pend', delayMs: 10 });
    rig.miniport.policies.setForOid(OID_TAPI_ANSWER, { mode: 'sync' });
    expect(direct(rig, id(), OID_TAPI_ANSWER, answerBuffer(hdCall)).status).toBe(NDIS_STATUS_SUCCESS);
  });
});

describe("{ mode: 'pend', delayMs }", () => {
  test('NDIS_STATUS_PENDING now; the work and exactly one completion (final status and counts) after the delay', async () => {
    const { rig, log, htCall, hdCall } = await offered();
    rig.miniport.policies.setForOid(OID_TAPI_ANSWER, { mode: 'pend', delayMs: 50 });
    const requestId = id();
    const t0 = rig.clock.now();
    const r = direct(rig, requestId, OID_TAPI_ANSWER, answerBuffer(hdCall));
    expect(r.status).toBe(NDIS_STATUS_PENDING);
    expect(rig.miniport.outstanding).toEqual([requestId]);
    // Nothing is done before completion.
    expect(log).toEqual([]);
    expect(rig.miniport.calls[0]).toMatchObject({ state: LINECALLSTATE_OFFERING, linkUp: false });
    rig.clock.advance(49);
    expect(log).toEqual([]);
    rig.clock.advance(1);
    expect(log).toEqual([
      { t: t0 + 50, what: 'up', connectionWrapperId: htCall },
      { t: t0 + 50, what: 'state', htCall, state: LINECALLSTATE_CONNECTED },
      { t: t0 + 50, what: 'completion', completion: { requestId, kind: 'set', oid: OID_TAPI_ANSWER, status: NDIS_STATUS_SUCCESS, bytesUsed: SIZE.answer, bytesNeeded: 0 } },
    ]);
    expect(rig.miniport.outstanding).toEqual([]);
    rig.clock.advance(3_600_000);
    expect(completions(log)).toHaveLength(1);
  });

  test('a pended query writes its OUT members into the buffer before completing', async () => {
    const rig = new Rig();
    const htLine = await rig.bringUp();
    const log = record(rig);
    rig.miniport.policies.setForOid(OID_TAPI_MAKE_CALL, { mode: 'pend', delayMs: 20 });
    const requestId = id();
    const r = direct(rig, requestId, OID_TAPI_MAKE_CALL, makeCallBuffer(rig, htLine));
    expect(r.status).toBe(NDIS_STATUS_PENDING);
    expect(hdCallIn(r.buffer)).toBe(0);
    expect(rig.miniport.callCount).toBe(0);
    rig.clock.advance(20);
    const [c] = completions(log);
    expect(c).toEqual({ requestId, kind: 'query', oid: OID_TAPI_MAKE_CALL, status: NDIS_STATUS_SUCCESS, bytesUsed: SIZE.makeCall, bytesNeeded: 0 });
    expect(rig.miniport.calls.map((x) => x.hdCall)).toEqual([hdCallIn(r.buffer)]);
    expect(hdCallIn(r.buffer)).not.toBe(0);
  });

  test('the progress of a pended MAKE_CALL starts at its completion, not at the request', async () => {
    const rig = new Rig();
    const htLine = await rig.bringUp();
    const log = record(rig);
    rig.miniport.policies.setForOid(OID_TAPI_MAKE_CALL, { mode: 'pend', delayMs: 1_000 });
    const t0 = rig.clock.now();
    direct(rig, id(), OID_TAPI_MAKE_CALL, makeCallBuffer(rig, htLine));
    rig.clock.advance(999);
    expect(log).toEqual([]);
    rig.clock.advance(1);
    const dialing = log.findIndex((e) => e.what === 'state' && e.state === LINECALLSTATE_DIALING);
    const done = log.findIndex((e) => e.what === 'completion');
    expect(done).toBeGreaterThanOrEqual(0);
    expect(dialing).toBeGreaterThan(done);
    expect(log[dialing]?.t).toBe(t0 + 1_000);
  });

  test('a failing request completes with its failure status', async () => {
    const rig = new Rig();
    await rig.bringUp();
    const log = record(rig);
    rig.miniport.policies.setDefault({ mode: 'pend', delayMs: 5 });
    const requestId = id();
    const buffer = encode('NDIS_TAPI_MAKE_CALL', { hdLine: 0xbad, htCall: 0x1234, bUseDefaultLineCallParams: 1, DestAddress: asciiz('1') });
    expect(direct(rig, requestId, OID_TAPI_MAKE_CALL, buffer).status).toBe(NDIS_STATUS_PENDING);
    rig.clock.advance(5);
    expect(completions(log)).toEqual([expect.objectContaining({ requestId, status: NDIS_STATUS_TAPI_INVALLINEHANDLE })]);
    expect(rig.miniport.callCount).toBe(0);
  });

  test('a variable part found too short at completion time: INVALID_LENGTH with the bytes needed in the completion', async () => {
    const { rig, log, hdCall } = await offered();
    rig.miniport.policies.setForOid(OID_TAPI_DIAL, { mode: 'pend', delayMs: 5 });
    // The fixed part is all there (so not refused at once); the digits it names are not.
    const buffer = encode('NDIS_TAPI_DIAL', { hdCall, ulDestAddressSize: 100 });
    expect(buffer.length).toBe(SIZE.dial);
    const requestId = id();
    expect(direct(rig, requestId, OID_TAPI_DIAL, buffer).status).toBe(NDIS_STATUS_PENDING);
    rig.clock.advance(5);
    const szAt = codecFor('NDIS_TAPI_DIAL', 'x64').layout.offsets['szDestAddress'] ?? 0;
    expect(completions(log)).toEqual([
      { requestId, kind: 'set', oid: OID_TAPI_DIAL, status: NDIS_STATUS_INVALID_LENGTH, bytesUsed: 0, bytesNeeded: szAt + 100 },
    ]);
  });

  test('complete(id) before the delay completes it now, and the timer does not complete it again', async () => {
    const { rig, log, hdCall } = await offered();
    rig.miniport.policies.setForOid(OID_TAPI_ANSWER, { mode: 'pend', delayMs: 50 });
    const requestId = id();
    direct(rig, requestId, OID_TAPI_ANSWER, answerBuffer(hdCall));
    rig.clock.advance(10);
    expect(rig.miniport.complete(requestId)).toBe(true);
    expect(completions(log)).toEqual([expect.objectContaining({ requestId, status: NDIS_STATUS_SUCCESS })]);
    rig.clock.advance(3_600_000);
    expect(completions(log)).toHaveLength(1);
  });
});

describe("{ mode: 'hold' }", () => {
  test('pends until miniport.complete(id), listed in `outstanding` meanwhile; the work happens at completion', async () => {
    const { rig, log, htCall, hdCall } = await offered();
    rig.miniport.policies.setForOid(OID_TAPI_ANSWER, { mode: 'hold' });
    const requestId = id();
    expect(direct(rig, requestId, OID_TAPI_ANSWER, answerBuffer(hdCall)).status).toBe(NDIS_STATUS_PENDING);
    rig.clock.advance(20_000);
    expect(log).toEqual([]);
    expect(rig.miniport.outstanding).toEqual([requestId]);
    expect(rig.miniport.calls[0]?.state).toBe(LINECALLSTATE_OFFERING);
    expect(rig.miniport.complete(requestId)).toBe(true);
    expect(log.map((e) => e.what)).toEqual(['up', 'state', 'completion']);
    expect(log[1]).toMatchObject({ htCall, state: LINECALLSTATE_CONNECTED });
    expect(completions(log)).toEqual([{ requestId, kind: 'set', oid: OID_TAPI_ANSWER, status: NDIS_STATUS_SUCCESS, bytesUsed: SIZE.answer, bytesNeeded: 0 }]);
    expect(rig.miniport.outstanding).toEqual([]);
    expect(rig.miniport.complete(requestId)).toBe(false);
    rig.clock.advance(3_600_000);
    expect(completions(log)).toHaveLength(1);
  });

  test('complete() without an id completes the oldest; with nothing held it returns false', async () => {
    const { rig, log, hdCall } = await offered();
    rig.miniport.policies.setDefault({ mode: 'hold' });
    const a = id();
    const b = id();
    expect(direct(rig, a, OID_TAPI_SECURE_CALL, encode('NDIS_TAPI_SECURE_CALL', { hdCall })).status).toBe(NDIS_STATUS_PENDING);
    expect(direct(rig, b, OID_TAPI_ANSWER, answerBuffer(hdCall)).status).toBe(NDIS_STATUS_PENDING);
    expect(rig.miniport.outstanding).toEqual([a, b]);
    expect(rig.miniport.complete()).toBe(true);
    expect(completions(log).map((c) => [c.requestId, c.oid])).toEqual([[a, OID_TAPI_SECURE_CALL]]);
    expect(rig.miniport.outstanding).toEqual([b]);
    expect(rig.miniport.complete()).toBe(true);
    expect(completions(log).map((c) => [c.requestId, c.oid])).toEqual([[a, OID_TAPI_SECURE_CALL], [b, OID_TAPI_ANSWER]]);
    expect(rig.miniport.complete()).toBe(false);
  });

  test('a held MAKE_CALL creates no call until completed; then its progress follows', async () => {
    const rig = new Rig();
    const htLine = await rig.bringUp();
    const log = record(rig);
    rig.miniport.policies.setForOid(OID_TAPI_MAKE_CALL, { mode: 'hold' });
    const requestId = id();
    const r = direct(rig, requestId, OID_TAPI_MAKE_CALL, makeCallBuffer(rig, htLine));
    rig.clock.advance(60_000);
    expect(rig.miniport.callCount).toBe(0);
    expect(log).toEqual([]);
    rig.miniport.complete(requestId);
    expect(hdCallIn(r.buffer)).toBe(rig.miniport.calls[0]?.hdCall);
    rig.clock.advance(10_000);
    expect(log.filter((e) => e.what === 'state').map((e) => (e.what === 'state' ? e.state : 0)).at(-1)).toBe(LINECALLSTATE_CONNECTED);
  });
});

describe("{ mode: 'force', status }", () => {
  test('answers the status at once without doing the work', async () => {
    const { rig, log, hdCall } = await offered();
    rig.miniport.policies.setForOid(OID_TAPI_ANSWER, { mode: 'force', status: NDIS_STATUS_TAPI_RESOURCEUNAVAIL });
    const r = direct(rig, id(), OID_TAPI_ANSWER, answerBuffer(hdCall));
    expect(r.status).toBe(NDIS_STATUS_TAPI_RESOURCEUNAVAIL);
    expect(rig.miniport.outstanding).toEqual([]);
    expect(log).toEqual([]);
    expect(rig.miniport.calls[0]).toMatchObject({ state: LINECALLSTATE_OFFERING, linkUp: false });
    rig.clock.advance(10);
    expect(completions(log)).toEqual([]);
  });

  test('forcing SUCCESS does no work either: MAKE_CALL creates no call and writes no hdCall', async () => {
    const rig = new Rig();
    const htLine = await rig.bringUp();
    const log = record(rig);
    rig.miniport.policies.setForOid(OID_TAPI_MAKE_CALL, { mode: 'force', status: NDIS_STATUS_SUCCESS });
    const r = direct(rig, id(), OID_TAPI_MAKE_CALL, makeCallBuffer(rig, htLine));
    expect(r.status).toBe(NDIS_STATUS_SUCCESS);
    expect(hdCallIn(r.buffer)).toBe(0);
    rig.clock.advance(10_000);
    expect(rig.miniport.callCount).toBe(0);
    expect(log).toEqual([]);
  });

  test('with pend: true, NDIS_STATUS_PENDING now and the forced status as the completion after delayMs, still without the work', async () => {
    const { rig, log, hdCall } = await offered();
    rig.miniport.policies.setForOid(OID_TAPI_ANSWER, { mode: 'force', status: NDIS_STATUS_FAILURE, pend: true, delayMs: 30 });
    const requestId = id();
    const t0 = rig.clock.now();
    expect(direct(rig, requestId, OID_TAPI_ANSWER, answerBuffer(hdCall)).status).toBe(NDIS_STATUS_PENDING);
    expect(rig.miniport.outstanding).toEqual([requestId]);
    rig.clock.advance(29);
    expect(log).toEqual([]);
    rig.clock.advance(1);
    expect(log).toEqual([{ t: t0 + 30, what: 'completion', completion: expect.objectContaining({ requestId, oid: OID_TAPI_ANSWER, status: NDIS_STATUS_FAILURE }) }]);
    expect(rig.miniport.calls[0]).toMatchObject({ state: LINECALLSTATE_OFFERING, linkUp: false });
    rig.clock.advance(1_000);
    expect(completions(log)).toHaveLength(1);
  });

  test('with pend: true and no delay, it completes at the next turn of the clock', async () => {
    const { rig, log, hdCall } = await offered();
    rig.miniport.policies.setForOid(OID_TAPI_ANSWER, { mode: 'force', status: NDIS_STATUS_TAPI_RESOURCEUNAVAIL, pend: true });
    const requestId = id();
    expect(direct(rig, requestId, OID_TAPI_ANSWER, answerBuffer(hdCall)).status).toBe(NDIS_STATUS_PENDING);
    expect(completions(log)).toEqual([]);
    rig.clock.advance(0);
    expect(completions(log)).toEqual([expect.objectContaining({ requestId, status: NDIS_STATUS_TAPI_RESOURCEUNAVAIL })]);
  });
});

describe('setForNext, per-OID and default policies', () => {
  const FORCED_A: CompletionPolicy = { mode: 'force', status: NDIS_STATUS_TAPI_RESOURCEUNAVAIL };
  const FORCED_B: CompletionPolicy = { mode: 'force', status: NDIS_STATUS_FAILURE };

  test('a one-shot policy applies to the next request only; then the per-OID and default policies resume', async () => {
    const { rig, hdCall } = await offered();
    const p = rig.miniport.policies;
    p.setDefault({ mode: 'pend', delayMs: 10 });
    p.setForOid(OID_TAPI_SECURE_CALL, { mode: 'hold' });
    p.setForNext(FORCED_A);
    const secure = (): number => direct(rig, id(), OID_TAPI_SECURE_CALL, encode('NDIS_TAPI_SECURE_CALL', { hdCall })).status;
    expect(secure()).toBe(NDIS_STATUS_TAPI_RESOURCEUNAVAIL);
    expect(rig.miniport.outstanding).toEqual([]);
    // The per-OID hold is back.
    const held = id();
    expect(direct(rig, held, OID_TAPI_SECURE_CALL, encode('NDIS_TAPI_SECURE_CALL', { hdCall })).status).toBe(NDIS_STATUS_PENDING);
    rig.clock.advance(1_000);
    expect(rig.miniport.outstanding).toEqual([held]);
    rig.miniport.complete(held);
    // Other OIDs follow the default pend.
    const pended = id();
    expect(direct(rig, pended, OID_TAPI_ANSWER, answerBuffer(hdCall)).status).toBe(NDIS_STATUS_PENDING);
    expect(rig.miniport.outstanding).toEqual([pended]);
    rig.clock.advance(10);
    expect(rig.miniport.outstanding).toEqual([]);
  });

  test('one-shot policies queue in order', async () => {
    const { rig, hdCall } = await offered();
    const p = rig.miniport.policies;
    p.setForNext(FORCED_A);
    p.setForNext(FORCED_B);
    const status = (): number => direct(rig, id(), OID_TAPI_SECURE_CALL, encode('NDIS_TAPI_SECURE_CALL', { hdCall })).status;
    expect([status(), status(), status()]).toEqual([NDIS_STATUS_TAPI_RESOURCEUNAVAIL, NDIS_STATUS_FAILURE, NDIS_STATUS_SUCCESS]);
  });

  test('a one-shot policy for an OID waits for that OID; other requests are not affected', async () => {
    const { rig, log, hdCall } = await offered();
    rig.miniport.policies.setForNext(FORCED_A, OID_TAPI_ANSWER);
    expect(direct(rig, id(), OID_TAPI_SECURE_CALL, encode('NDIS_TAPI_SECURE_CALL', { hdCall })).status).toBe(NDIS_STATUS_SUCCESS);
    expect(direct(rig, id(), OID_TAPI_ANSWER, answerBuffer(hdCall)).status).toBe(NDIS_STATUS_TAPI_RESOURCEUNAVAIL);
    expect(log).toEqual([]);
    expect(direct(rig, id(), OID_TAPI_ANSWER, answerBuffer(hdCall)).status).toBe(NDIS_STATUS_SUCCESS);
    expect(log.map((e) => e.what)).toEqual(['up', 'state']);
  });

  test('setForOid(oid, undefined) and reset() bring back the synchronous default', async () => {
    const { rig, hdCall } = await offered();
    const p = rig.miniport.policies;
    const secure = (): number => direct(rig, id(), OID_TAPI_SECURE_CALL, encode('NDIS_TAPI_SECURE_CALL', { hdCall })).status;
    p.setForOid(OID_TAPI_SECURE_CALL, FORCED_A);
    expect(secure()).toBe(NDIS_STATUS_TAPI_RESOURCEUNAVAIL);
    p.setForOid(OID_TAPI_SECURE_CALL, undefined);
    expect(secure()).toBe(NDIS_STATUS_SUCCESS);
    p.setDefault(FORCED_B);
    p.setForNext(FORCED_A);
    p.reset();
    expect(secure()).toBe(NDIS_STATUS_SUCCESS);
  });
});

describe('a short buffer', () => {
  test.each<[string, CompletionPolicy]>([
    ['pend', { mode: 'pend', delayMs: 10 }],
    ['hold', { mode: 'hold' }],
    ['force with pend', { mode: 'force', status: NDIS_STATUS_SUCCESS, pend: true, delayMs: 10 }],
  ])('is refused at once with NDIS_STATUS_INVALID_LENGTH and the size needed, even under %s', async (_name, policy) => {
    const { rig, log, hdCall } = await offered();
    rig.miniport.policies.setDefault(policy);
    const r = direct(rig, id(), OID_TAPI_ANSWER, answerBuffer(hdCall).slice(0, SIZE.answer - 1));
    expect(r.status).toBe(NDIS_STATUS_INVALID_LENGTH);
    expect(r.counts).toEqual({ bytesUsed: 0, bytesNeeded: SIZE.answer });
    expect(rig.miniport.outstanding).toEqual([]);
    rig.clock.advance(1_000);
    expect(rig.miniport.complete()).toBe(false);
    expect(log).toEqual([]);
    expect(rig.miniport.calls[0]?.state).toBe(LINECALLSTATE_OFFERING);
  });

  test('through the shim too: the request finishes at once and the next one is not blocked', async () => {
    const { rig } = await offered();
    rig.miniport.policies.setDefault({ mode: 'pend', delayMs: 10 });
    const r = await rig.client.sendBytes(OID_TAPI_GET_DEV_CAPS, 'NDIS_TAPI_GET_DEV_CAPS', new Uint8Array(SIZE.devCaps - 1));
    expect(r.status).toBe(NDIS_STATUS_INVALID_LENGTH);
    expect(r.bytesNeeded).toBe(SIZE.devCaps);
    expect(rig.shim.busy).toBe(false);
  });
});

describe('serialization through the NdisTapi shim (one request at a time, as NDIS does)', () => {
  test('while a MAKE_CALL is held, a second request is queued and reaches the miniport only after the completion', async () => {
    const rig = new Rig();
    const htLine = await rig.bringUp();
    rig.exchanges.length = 0;
    rig.miniport.policies.setForOid(OID_TAPI_MAKE_CALL, { mode: 'hold' });
    let made: Awaited<ReturnType<typeof rig.client.makeCall>> | undefined;
    let caps: Awaited<ReturnType<typeof rig.client.getDevCaps>> | undefined;
    void rig.client.makeCall(htLine, '5551234').then((r) => (made = r));
    expect(rig.shim.busy).toBe(true);
    expect(rig.shim.queued).toBe(0);
    void rig.client.getDevCaps(0).then((r) => (caps = r));
    expect(rig.shim.queued).toBe(1);
    expect(rig.shim.busy).toBe(true);
    await settle();
    rig.clock.advance(60_000);
    await settle();
    expect(made).toBeUndefined();
    expect(caps).toBeUndefined();
    expect(requestExchanges(rig).filter((x) => x.type === 'request').map((x) => x.name)).toEqual(['OID_TAPI_MAKE_CALL']);
    expect(rig.miniport.outstanding).toHaveLength(1);

    expect(rig.miniport.complete()).toBe(true);
    await settle();
    expect(requestExchanges(rig).map((x) => [x.type, x.name, x.status])).toEqual([
      ['request', 'OID_TAPI_MAKE_CALL', undefined],
      ['return', 'OID_TAPI_MAKE_CALL', NDIS_STATUS_PENDING],
      ['completion', 'OID_TAPI_MAKE_CALL', NDIS_STATUS_SUCCESS],
      ['request', 'OID_TAPI_GET_DEV_CAPS', undefined],
      ['return', 'OID_TAPI_GET_DEV_CAPS', NDIS_STATUS_SUCCESS],
    ]);
    expect(made?.status).toBe(NDIS_STATUS_SUCCESS);
    expect(caps?.status).toBe(NDIS_STATUS_SUCCESS);
    expect(rig.shim.queued).toBe(0);
    expect(rig.shim.busy).toBe(false);
    if (made === undefined || isCodecError(made.value)) throw new Error('no MAKE_CALL result');
    expect(rig.shim.calls.get(made.htCall)?.hdCall).toBe(Number(made.value.hdCall));
  });

  test('queued requests go down in order, each after the previous one completed', async () => {
    const rig = new Rig();
    const htLine = await rig.bringUp();
    rig.exchanges.length = 0;
    rig.miniport.policies.setDefault({ mode: 'pend', delayMs: 10 });
    const order: string[] = [];
    const call = rig.client.makeCall(htLine, '5551234').then((r) => {
      order.push('make');
      return r;
    });
    const caps0 = rig.client.getDevCaps(0).then(() => order.push('caps0'));
    const caps1 = rig.client.getDevCaps(1).then(() => order.push('caps1'));
    expect(rig.shim.queued).toBe(2);
    rig.clock.advance(10);
    expect(rig.shim.queued).toBe(1);
    rig.clock.advance(10);
    expect(rig.shim.queued).toBe(0);
    expect(rig.shim.busy).toBe(true);
    rig.clock.advance(10);
    expect(rig.shim.busy).toBe(false);
    await Promise.all([call, caps0, caps1]);
    expect(order).toEqual(['make', 'caps0', 'caps1']);
    // Never two requests with the miniport at once: every request follows the previous one's completion.
    expect(requestExchanges(rig).map((x) => x.type)).toEqual(['request', 'return', 'completion', 'request', 'return', 'completion', 'request', 'return', 'completion']);
  });

  test('a request pended through the shim resolves only after the delay, with the work done at completion', async () => {
    const rig = new Rig();
    await rig.bringUp(LINEMEDIAMODE_DIGITALDATA);
    const offer = rig.miniport.remote.offer({ mediaMode: LINEMEDIAMODE_DIGITALDATA });
    if (!offer.ok) throw new Error(offer.reason);
    rig.take();
    rig.miniport.policies.setForOid(OID_TAPI_ANSWER, { mode: 'pend', delayMs: 25 });
    let status: number | undefined;
    void rig.client.answer(offer.htCall).then((r) => (status = r.status));
    await settle();
    expect(status).toBeUndefined();
    expect(rig.take()).toEqual([]);
    rig.clock.advance(25);
    await settle();
    expect(status).toBe(NDIS_STATUS_SUCCESS);
    expect(rig.take().map((e) => e.type)).toEqual(['lineUp', 'callState']);
    // Once the ANSWER has completed, the call is CONNECTED.
    const cs = await rig.client.getCallStatus(offer.htCall);
    if (isCodecError(cs.value)) throw cs.value;
    expect(cs.value.LineCallStatus.ulCallState).toBe(LINECALLSTATE_CONNECTED);
  });
});
