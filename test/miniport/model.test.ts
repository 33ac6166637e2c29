import fc from 'fast-check';
import {
  LINECALLSTATE_IDLE,
  LINEMEDIAMODE_DIGITALDATA,
  LINEMEDIAMODE_G3FAX,
  LINEMEDIAMODE_INTERACTIVEVOICE,
  NDIS_STATUS_SUCCESS,
} from '../../oid/index.js';
import { Rig } from '../support/rig.js';

/*
 * Model test: random sequences of remote-party actions, OID requests (on live, idle, closed and
 * bogus handles), completion policies and clock advances never crash, never break a verifier
 * rule, keep the shim's maps consistent with the miniport's calls, and leak nothing once
 * everything is closed.
 */

type Action =
  | { readonly a: 'offer'; readonly media: number; readonly line: number }
  | { readonly a: 'makeCall'; readonly dest: string }
  | { readonly a: 'call'; readonly op: 'accept' | 'answer' | 'drop' | 'closeCall' | 'secureCall' | 'getCallStatus' | 'getCallInfo' | 'dial'; readonly pick: number }
  | { readonly a: 'remote'; readonly op: 'hangUp' | 'answer' | 'busy' | 'fail'; readonly pick: number }
  | { readonly a: 'policy'; readonly mode: 'pend' | 'hold'; readonly delayMs: number }
  | { readonly a: 'complete' }
  | { readonly a: 'advance'; readonly ms: number };

const actionArb: fc.Arbitrary<Action> = fc.oneof(
  fc.record({ a: fc.constant('offer' as const), media: fc.constantFrom(LINEMEDIAMODE_DIGITALDATA, LINEMEDIAMODE_INTERACTIVEVOICE, LINEMEDIAMODE_G3FAX), line: fc.constantFrom(0, 1, 7) }),
  fc.record({ a: fc.constant('makeCall' as const), dest: fc.constantFrom('', '5550000', 'busy', 'none') }),
  fc.record({
    a: fc.constant('call' as const),
    op: fc.constantFrom('accept', 'answer', 'drop', 'closeCall', 'secureCall', 'getCallStatus', 'getCallInfo', 'dial'),
    pick: fc.nat(8),
  }),
  fc.record({ a: fc.constant('remote' as const), op: fc.constantFrom('hangUp', 'answer', 'busy', 'fail'), pick: fc.nat(8) }),
  fc.record({ a: fc.constant('policy' as const), mode: fc.constantFrom('pend', 'hold'), delayMs: fc.constantFrom(0, 10, 500) }),
  fc.record({ a: fc.constant('complete' as const) }),
  fc.record({ a: fc.constant('advance' as const), ms: fc.constantFrom(0, 50, 100, 1_000, 40_000) }),
);

/** A known htCall, a stale one, or one NDISTAPI never issued. */
function pickCall(rig: Rig, pick: number, stale: number[]): number {
  const known = [...rig.shim.calls.keys()];
  if (pick < known.length) return known[pick]!;
  if (pick - known.length < stale.length) return stale[pick - known.length]!;
  return 0x12345670 + pick;
}

function consistent(rig: Rig): string[] {
  const problems: string[] = [];
  const byHd = new Map(rig.miniport.calls.map((c) => [c.hdCall, c]));
  for (const call of rig.shim.calls.values()) {
    if (call.hdCall === 0) continue; // MAKE_CALL still pending
    const m = byHd.get(call.hdCall);
    if (m === undefined) problems.push(`shim holds htCall ${call.htCall} / hdCall ${call.hdCall}, the miniport does not`);
    else if (m.htCall !== call.htCall) problems.push(`hdCall ${call.hdCall}: miniport uses htCall ${m.htCall}, shim ${call.htCall}`);
    if (rig.shim.callsByHd.get(call.hdCall) !== call.htCall) problems.push(`callsByHd misses hdCall ${call.hdCall}`);
  }
  for (const m of byHd.values()) {
    if (!rig.shim.calls.has(m.htCall)) problems.push(`miniport holds hdCall ${m.hdCall} (htCall ${m.htCall}) unknown to the shim`);
  }
  return problems;
}

async function run(actions: readonly Action[]): Promise<void> {
  const rig = new Rig({ offerTimeoutMs: 30_000, callsPerAddress: 3, outgoing: { byAddress: { busy: 'busy', none: 'noanswer' } } });
  const htLine = await rig.bringUp(LINEMEDIAMODE_DIGITALDATA | LINEMEDIAMODE_INTERACTIVEVOICE);
  const stale: number[] = [];
  const c = rig.client;
  for (const act of actions) {
    switch (act.a) {
      case 'offer':
        rig.miniport.remote.offer({ mediaMode: act.media, line: act.line, callerId: '1' });
        break;
      case 'makeCall':
        void c.makeCall(htLine, act.dest);
        break;
      case 'call': {
        const htCall = pickCall(rig, act.pick, stale);
        if (act.op === 'closeCall') stale.push(htCall);
        if (act.op === 'dial') void c.dial(htCall, '5551111');
        else void c[act.op](htCall);
        break;
      }
      case 'remote': {
        const hdCall = c.hdCall(pickCall(rig, act.pick, stale));
        if (act.op === 'fail') rig.miniport.remote.fail(hdCall, 'unreachable');
        else rig.miniport.remote[act.op](hdCall);
        break;
      }
      case 'policy':
        rig.miniport.policies.setForNext(act.mode === 'pend' ? { mode: 'pend', delayMs: act.delayMs } : { mode: 'hold' });
        break;
      case 'complete':
        rig.miniport.complete();
        break;
      case 'advance':
        rig.clock.advance(act.ms);
        break;
    }
    await Promise.resolve();
    expect(rig.verifier.violations).toEqual([]);
    expect(consistent(rig)).toEqual([]);
  }
  // Teardown: release held requests, let timers run, close every call, the line, the provider.
  rig.miniport.policies.reset();
  while (rig.miniport.complete()) await Promise.resolve();
  rig.clock.advance(120_000);
  for (const htCall of [...rig.shim.calls.keys()]) {
    const r = await c.closeCall(htCall);
    expect(r.status).toBe(NDIS_STATUS_SUCCESS);
  }
  expect(rig.miniport.calls.filter((m) => m.state !== LINECALLSTATE_IDLE)).toEqual([]);
  expect((await c.close(htLine)).status).toBe(NDIS_STATUS_SUCCESS);
  expect((await c.shutdown()).status).toBe(NDIS_STATUS_SUCCESS);
  rig.clock.advance(120_000);
  expect(rig.verifier.violations).toEqual([]);
  expect(rig.miniport.callCount).toBe(0);
  expect(rig.shim.calls.size).toBe(0);
  expect(rig.shim.callsByHd.size).toBe(0);
  expect(rig.shim.links.size).toBe(0);
  expect(rig.verifier.liveCalls).toBe(0);
  expect(rig.clock.pending).toBe(0);
  expect(rig.miniport.outstanding).toEqual([]);
}

test('random sequences of remote actions, requests, policies and clock steps keep every invariant', async () => {
  await fc.assert(fc.asyncProperty(fc.array(actionArb, { maxLength: 40 }), run), { numRuns: 300 });
});
