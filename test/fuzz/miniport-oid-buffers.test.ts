import fc from 'fast-check';
import { NDIS_STATUS_PENDING, nameOf } from '../../oid/index.js';
import type { ByteCounts, Completion } from '../../miniport/miniport.js';
import type { CompletionPolicy } from '../../miniport/completion-policy.js';
import { answerBreach } from './oid-answer-rules.js';
import { buildRequest, fuzzRequest, type BuiltRequest } from './oid-buffers.js';
import { STACK_STATES, WIRE_FORMS, incomingCallFails, rigIn } from './stack-state.js';

/*
 * Fuzzed information buffers straight into SimulatedMiniport.request, for every OID it serves
 * (and some it does not), as query and as set, in every state from fresh to a connected call,
 * on every ABI, answered at once, pended on the clock or held for manual completion. Nothing
 * may throw; every answer follows the rules of oid-answer-rules.ts; a pended request completes
 * exactly once; and afterwards the miniport still takes a normal incoming call.
 */

/** Served OIDs that must succeed at least once from each state: more as more handles are valid. */
const MIN_SUCCEEDED: Readonly<Record<(typeof STACK_STATES)[number], number>> = { fresh: 3, initialized: 6, lineOpen: 10, callOffered: 10, callConnected: 10 };

const POLICIES: readonly CompletionPolicy[] = [{ mode: 'sync' }, { mode: 'pend', delayMs: 7 }, { mode: 'hold' }];

describe.each(STACK_STATES)('SimulatedMiniport.request with fuzzed buffers, from state %s', (state) => {
  test('never throws, answers by the rules, completes pended requests once, stays usable', async () => {
    let requests = 0;
    let pended = 0;
    /** Served OIDs that succeeded at least once: the fuzz reached past the checks into the handlers. */
    const succeeded = new Set<number>();
    const statuses = new Set<number>();
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...WIRE_FORMS),
        fc.constantFrom(...POLICIES),
        fc.array(fuzzRequest, { minLength: 5, maxLength: 40, size: 'max' }),
        async (wire, policy, fuzzed) => {
          const { rig, handles } = await rigIn(state, wire);
          const miniport = rig.miniport;
          const completions: Completion[] = [];
          const sub = miniport.completions$.subscribe((c) => completions.push(c));
          miniport.policies.setDefault(policy);
          const sent = new Map<number, BuiltRequest>();
          const counts: ByteCounts = { bytesUsed: 0, bytesNeeded: 0 };
          fuzzed.forEach((f, i) => {
            const b = buildRequest(f, wire.abi, wire.variant, handles);
            const id = 1_000_000 + i;
            sent.set(id, b);
            let status: number;
            try {
              status = miniport.request(id, b.kind, b.oid, b.buffer, counts);
            } catch (e) {
              throw new Error(`request threw ${String(e)}: ${answerBreach(b, 0, 0, 0, true) ?? ''} ${JSON.stringify(f)}`);
            }
            requests++;
            statuses.add(status);
            if (status === 0 && b.served) succeeded.add(b.oid);
            const breach = answerBreach(b, status, counts.bytesUsed, counts.bytesNeeded, policy.mode !== 'sync');
            if (breach !== undefined) throw new Error(breach);
            if (status !== NDIS_STATUS_PENDING) sent.delete(id);
          });
          // Every pended request completes exactly once, by the clock or by hand.
          rig.clock.advance(10);
          while (miniport.complete()) {
            // held requests, oldest first
          }
          rig.clock.advance(10);
          pended += sent.size;
          sub.unsubscribe();
          const byId = new Map<number, Completion[]>();
          for (const c of completions) byId.set(c.requestId, [...(byId.get(c.requestId) ?? []), c]);
          for (const [id, b] of sent) {
            const got = byId.get(id) ?? [];
            expect({ id, completions: got.length }).toEqual({ id, completions: 1 });
            const c = got[0]!;
            expect({ oid: c.oid, kind: c.kind }).toEqual({ oid: b.oid, kind: b.kind });
            const breach = answerBreach(b, c.status, c.bytesUsed, c.bytesNeeded, false);
            if (breach !== undefined) throw new Error(`completion: ${breach}`);
          }
          expect([...byId.keys()].filter((id) => !sent.has(id))).toEqual([]);
          expect(miniport.outstanding).toEqual([]);
          const broken = await incomingCallFails(rig);
          if (broken !== undefined) throw new Error(`after ${fuzzed.length} fuzzed requests: ${broken}`);
        },
      ),
      { seed: 0x5eed_0001 + STACK_STATES.indexOf(state), numRuns: 300 },
    );
    // The campaign reached answers at once and pended ones, many statuses, and handlers past their checks.
    expect(requests).toBeGreaterThan(3000);
    expect(pended).toBeGreaterThan(0);
    expect(statuses.size).toBeGreaterThan(10);
    expect([...succeeded].map((o) => nameOf('OID', o)).length).toBeGreaterThanOrEqual(MIN_SUCCEEDED[state]);
  });
});
