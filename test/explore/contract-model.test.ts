import {
  LINECALLSTATE_IDLE,
  LINECALLSTATE_OFFERING,
  LINE_CALLSTATE,
  NDIS_STATUS_TAPI_INDICATION,
  LINEMEDIAMODE_DIGITALDATA,
  NDIS_STATUS_INVALID_LENGTH,
  NDIS_STATUS_SUCCESS,
  NDIS_STATUS_TAPI_INVALCALLHANDLE,
  OID_TAPI_CLOSE_CALL,
  type RequestKind,
} from '../../oid/index.js';
import { FaultyMiniport } from '../../miniport/faulty/index.js';
import type { ByteCounts } from '../../miniport/miniport.js';
import { SimulatedMiniport } from '../../miniport/simulated-miniport.js';
import { TapiEventFields } from '../../miniport/tapi-event-fields.js';
import type { ExploreAction } from '../../sim/explore/explore-action.js';
import { EXPLORE_MINIPORT, simTarget, type TargetFactory } from '../../sim/explore/explore-target.js';
import { runSequence } from '../../sim/explore/sequence-run.js';

/*
 * The reference model judges every exchange of a run: the correct simulated miniport never
 * leaves it, in flows where the contract leaves room for several readings (a timer firing while
 * a request is pended, a line closed with a call offered after the CLOSE was sent); each broken
 * variant does, at the exchange where it goes wrong, with a witness a scenario can check.
 */

const offer: ExploreAction = { do: 'offer', line: 0, mediaMode: LINEMEDIAMODE_DIGITALDATA, callerId: '5551234' };
const live = { kind: 'live', pick: 0 } as const;
const sync = { mode: 'sync' } as const;
const hold = { mode: 'hold' } as const;
const call = (op: Extract<ExploreAction, { do: 'call' }>['op'], policy: Extract<ExploreAction, { do: 'call' }>['policy'] = sync, short = false): ExploreAction => ({ do: 'call', op, target: live, policy, short });

describe('the correct simulated miniport', () => {
  test.each<[string, ExploreAction[]]>([
    ['offer, ACCEPT, ANSWER, remote hang-up, DROP', [offer, call('accept'), call('answer'), { do: 'remote', op: 'hangUp', pick: 0 }, call('drop')]],
    ['an offer that times out while its ANSWER is held, then the ANSWER completes (INVALCALLSTATE)', [offer, call('answer', hold), { do: 'advance', ms: 31_000 }, { do: 'complete' }]],
    ['a held CLOSE of the line, an offer on it, then the CLOSE completes and drops the call', [{ do: 'line', op: 'close', line: 0, mediaModes: 0, policy: hold, short: false }, offer, { do: 'complete' }]],
    ['MAKE_CALL, DIAL-less call shows PROCEEDING at the next clock turn, the far end answers then is dropped', [{ do: 'makeCall', line: 0, dest: '5550000' }, { do: 'advance', ms: 0 }, { do: 'remote', op: 'answer', pick: 0 }, call('drop')]],
    ['MAKE_CALL without digits waits in DIALTONE, DIAL places it', [{ do: 'makeCall', line: 0, dest: '' }, { do: 'advance', ms: 10 }, call('dial'), { do: 'remote', op: 'busy', pick: 0 }]],
    ['requests on handles never issued and closed ones, and short buffers', [offer, call('closeCall'), { do: 'call', op: 'answer', target: { kind: 'stale', pick: 0 }, policy: sync, short: false }, { do: 'call', op: 'drop', target: { kind: 'bogus' }, policy: sync, short: false }, call('getCallStatus', sync, true)]],
  ])('%s: no mismatch, no violation, no leak', (_, actions) => {
    expect(runSequence(actions, simTarget()).failure).toBeUndefined();
  });
});

describe('broken variants leave the model', () => {
  test('LINE_NEWCALL without OFFERING: the OFFERING that must follow never came', () => {
    const f = runSequence([offer], simTarget('newcall-without-offering')).failure;
    expect(f?.kind).toBe('mismatch');
    expect(f?.message).toMatch(/LINE_CALLSTATE OFFERING .* never came/);
    expect(f?.witness).toEqual({ kind: 'event', event: 'callState', htCall: expect.any(Number), state: LINECALLSTATE_OFFERING });
    expect(f?.action).toBe(0);
  });

  test('a wrong BytesNeeded for a short buffer', () => {
    const f = runSequence([offer, call('answer', sync, true)], simTarget('wrong-bytes-needed')).failure;
    expect(f?.kind).toBe('mismatch');
    expect(f?.message).toMatch(/BytesNeeded 12; the structure needs 24/);
    expect(f?.witness).toEqual({ kind: 'completion', requestId: 5, status: NDIS_STATUS_INVALID_LENGTH, bytesNeeded: 24 });
  });

  test('a CLOSE_CALL right behind a pended ANSWER that frees nothing: its line-down never came', () => {
    const f = runSequence([offer, call('answer', hold), call('closeCall'), { do: 'complete' }], simTarget('leaks-call-on-close-during-answer')).failure;
    expect(f?.kind).toBe('mismatch');
    expect(f?.message).toMatch(/OID_TAPI_CLOSE_CALL .*NDIS_STATUS_WAN_LINE_DOWN .* never came/);
    expect(f?.action).toBe(3);
  });

  test('the leak probe: a closed hdCall the miniport still answers for is a leak', () => {
    // CLOSE_CALL of an IDLE call indicates nothing: a miniport that ignores it is seen only by the probe at the end.
    class IgnoresCloseCall extends FaultyMiniport {
      override request(requestId: number, kind: RequestKind, oid: number, buffer: Uint8Array, counts: ByteCounts): number {
        return oid === OID_TAPI_CLOSE_CALL ? NDIS_STATUS_SUCCESS : super.request(requestId, kind, oid, buffer, counts);
      }
    }
    const target: TargetFactory = (clock) => {
      const sim = new SimulatedMiniport({ ...EXPLORE_MINIPORT, clock });
      return { miniport: new IgnoresCloseCall(sim), sim };
    };
    const f = runSequence([offer, call('drop'), call('closeCall')], target).failure;
    expect(f?.kind).toBe('leak');
    expect(f?.message).toMatch(/OID_TAPI_GET_CALL_STATUS request \d+ got NDIS_STATUS_SUCCESS; the contract says NDIS_STATUS_TAPI_INVALCALLHANDLE/);
    expect(f?.witness).toMatchObject({ kind: 'completion', status: NDIS_STATUS_TAPI_INVALCALLHANDLE });
  });

  test('an indication after IDLE is reported by the verifier and explained by nothing in the model', () => {
    const f = runSequence([offer, call('drop')], simTarget('indicates-after-idle')).failure;
    expect(f?.kind).toBe('violation');
    expect(f?.rule).toBe('EVENT_AFTER_IDLE');
  });

  test('a request completed twice', () => {
    const f = runSequence([offer, call('accept', hold), { do: 'complete' }], simTarget('completes-twice')).failure;
    expect(f?.rule).toBe('COMPLETION_ONCE');
    expect(f?.action).toBe(2);
  });

  test('an offer that is never answered must time out: the IDLE the timer owes is missed', () => {
    class SwallowsIdle extends FaultyMiniport {
      private readonly ev = new TapiEventFields('x64', 'wdk');
      protected override fromInner(status: number, buffer: Uint8Array): void {
        const e = this.ev;
        if (status === NDIS_STATUS_TAPI_INDICATION && e.read(new DataView(buffer.buffer, buffer.byteOffset, buffer.byteLength)) && e.msg === LINE_CALLSTATE && e.p1 === LINECALLSTATE_IDLE) return;
        this.indicateUp(status, buffer);
      }
    }
    const target: TargetFactory = (clock) => ({ miniport: new SwallowsIdle(new SimulatedMiniport({ ...EXPLORE_MINIPORT, clock })) });
    expect(runSequence([offer, { do: 'advance', ms: 29_999 }], target).failure?.action).toBeGreaterThan(1);
    const f = runSequence([offer, { do: 'advance', ms: 30_000 }], target).failure;
    expect(f?.action).toBe(1);
    expect(f?.message).toMatch(/not answered within 30000 ms but never went IDLE/);
    expect(f?.witness).toMatchObject({ kind: 'event', event: 'callState', state: LINECALLSTATE_IDLE });
  });

  test('the run stops at the failing action, and its transcript ends there', () => {
    // The far end hangs up an offered call: IDLE, then the variant's DISCONNECTED comes unasked.
    const r = runSequence([offer, { do: 'remote', op: 'hangUp', pick: 0 }, call('drop')], simTarget('indicates-after-idle'), { transcript: true });
    expect(r.failure?.message).toMatch(/EVENT_AFTER_IDLE/);
    expect(r.failure?.action).toBe(1);
    expect(r.transcript.map((t) => t.step)).toEqual(['bringUp', 'offer', 'remote']);
  });
});
