import fc from 'fast-check';
import type { CompletionPolicy } from '../../miniport/completion-policy.js';
import type { RequestResult } from '../../ndistapi/ndis-tapi.js';
import { RULES_BY_ID } from '../../ndistapi/verifier/rules.js';
import { answerBreach } from './oid-answer-rules.js';
import { buildRequest, fuzzRequest, type BuiltRequest } from './oid-buffers.js';
import { STACK_STATES, WIRE_FORMS, incomingCallFails, rigIn } from './stack-state.js';

/*
 * The same fuzzed buffers through the NDISTAPI shim (NdisTapi.submit: its queue, its handle
 * bookkeeping on OPEN, MAKE_CALL, CLOSE, CLOSE_CALL and SHUTDOWN) with the verifier and the
 * rig's recorder watching every exchange. Nothing may throw; each request gets exactly one
 * final result, following the answer rules; the verifier's records are well formed; the shim
 * ends idle; after PROVIDER_SHUTDOWN nothing is left on either side and a normal incoming call
 * works.
 */

const POLICIES: readonly CompletionPolicy[] = [{ mode: 'sync' }, { mode: 'pend', delayMs: 3 }, { mode: 'hold' }];

describe.each(STACK_STATES)('NdisTapi.submit with fuzzed buffers, verifier attached, from state %s', (state) => {
  test('never throws, one result per request by the rules, well-formed violations, stays usable', async () => {
    let results = 0;
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...WIRE_FORMS),
        fc.constantFrom(...POLICIES),
        fc.array(fuzzRequest, { minLength: 5, maxLength: 30, size: 'max' }),
        async (wire, policy, fuzzed) => {
          const { rig, handles } = await rigIn(state, wire);
          rig.miniport.policies.setDefault(policy);
          const got = new Map<number, RequestResult[]>();
          const sent = new Map<number, BuiltRequest>();
          for (const f of fuzzed) {
            const b = buildRequest(f, wire.abi, wire.variant, handles);
            let id = 0;
            try {
              id = rig.shim.submit(b.kind, b.oid, b.buffer, (r) => got.set(r.requestId, [...(got.get(r.requestId) ?? []), r]));
            } catch (e) {
              throw new Error(`submit threw ${String(e)}; request ${JSON.stringify(f)}`);
            }
            sent.set(id, b);
            // Let the clock run now and then, so pended requests complete between submissions too.
            if (f.picks[0]! % 3 === 0) rig.clock.advance(5);
          }
          for (let i = 0; i < 2 * fuzzed.length && (rig.shim.busy || rig.miniport.outstanding.length > 0); i++) {
            rig.clock.advance(5);
            rig.miniport.complete();
          }
          expect({ busy: rig.shim.busy, queued: rig.shim.queued, outstanding: rig.miniport.outstanding }).toEqual({ busy: false, queued: 0, outstanding: [] });
          for (const [id, b] of sent) {
            const r = got.get(id) ?? [];
            expect({ id, results: r.length }).toEqual({ id, results: 1 });
            const breach = answerBreach(b, r[0]!.status, r[0]!.bytesUsed, r[0]!.bytesNeeded, false);
            if (breach !== undefined) throw new Error(breach);
            results++;
          }
          for (const v of rig.verifier.violations) {
            expect(RULES_BY_ID.has(v.rule)).toBe(true);
            expect(typeof v.detail).toBe('string');
            expect(Number.isInteger(v.seq)).toBe(true);
          }
          const broken = await incomingCallFails(rig);
          if (broken !== undefined) throw new Error(`after ${fuzzed.length} fuzzed requests: ${broken}`);
        },
      ),
      { seed: 0x5eed_0101 + STACK_STATES.indexOf(state), numRuns: 200 },
    );
    expect(results).toBeGreaterThan(2000);
  });
});
