import fc from 'fast-check';
import { LINEMEDIAMODE_DIGITALDATA, LINEMEDIAMODE_G3FAX, LINEMEDIAMODE_INTERACTIVEVOICE } from '../../oid/index.js';
import type { CallOp, CallTarget, ExploreAction, ExplorePolicy } from './explore-action.js';

const policy: fc.Arbitrary<ExplorePolicy> = fc.oneof(
  { arbitrary: fc.constant({ mode: 'sync' } as const), weight: 4 },
  { arbitrary: fc.record({ mode: fc.constant('hold' as const) }), weight: 3 },
  { arbitrary: fc.record({ mode: fc.constant('pend' as const), delayMs: fc.constantFrom(0, 10, 1_000) }), weight: 3 },
);

const target: fc.Arbitrary<CallTarget> = fc.oneof(
  { arbitrary: fc.record({ kind: fc.constant('live' as const), pick: fc.nat(3) }), weight: 8 },
  { arbitrary: fc.record({ kind: fc.constant('stale' as const), pick: fc.nat(3) }), weight: 1 },
  { arbitrary: fc.constant({ kind: 'bogus' } as const), weight: 1 },
);

const short = fc.oneof({ arbitrary: fc.constant(false), weight: 9 }, { arbitrary: fc.constant(true), weight: 1 });

/** Answering and closing come up most: the orderings between them hide the worst bugs. */
const CALL_OPS: readonly CallOp[] = ['answer', 'closeCall', 'answer', 'closeCall', 'answer', 'closeCall', 'accept', 'drop', 'getCallStatus', 'setAppSpecific', 'dial'];

/**
 * The generator of exploration steps: offers and the far end's answers, busies and hang-ups,
 * call and line requests on good and bad handles with completion policies and short buffers,
 * MAKE_CALL, completions of held requests and clock advances (past the 30 s offer timeout too).
 * Shrinking moves toward the first alternative of each choice: offers, live calls, answering.
 */
export const actionArbitrary: fc.Arbitrary<ExploreAction> = fc.oneof(
  {
    arbitrary: fc.record({
      do: fc.constant('offer' as const),
      line: fc.constantFrom(0, 0, 0, 1),
      mediaMode: fc.constantFrom(LINEMEDIAMODE_DIGITALDATA, LINEMEDIAMODE_DIGITALDATA, LINEMEDIAMODE_DIGITALDATA, LINEMEDIAMODE_INTERACTIVEVOICE, LINEMEDIAMODE_G3FAX),
      callerId: fc.constantFrom('5551234', ''),
    }),
    weight: 5,
  },
  { arbitrary: fc.record({ do: fc.constant('call' as const), op: fc.constantFrom(...CALL_OPS), target, policy, short }), weight: 12 },
  { arbitrary: fc.record({ do: fc.constant('remote' as const), op: fc.constantFrom('answer' as const, 'busy' as const, 'hangUp' as const), pick: fc.nat(3) }), weight: 2 },
  { arbitrary: fc.record({ do: fc.constant('complete' as const) }), weight: 3 },
  { arbitrary: fc.record({ do: fc.constant('advance' as const), ms: fc.constantFrom(0, 10, 1_000, 31_000) }), weight: 3 },
  { arbitrary: fc.record({ do: fc.constant('makeCall' as const), line: fc.constantFrom(0, 1), dest: fc.constantFrom('5550000', '') }), weight: 2 },
  {
    arbitrary: fc.record({
      do: fc.constant('line' as const),
      op: fc.constantFrom('open' as const, 'close' as const, 'detect' as const),
      line: fc.constantFrom(1, 0, 2),
      mediaModes: fc.constantFrom(LINEMEDIAMODE_DIGITALDATA, LINEMEDIAMODE_DIGITALDATA | LINEMEDIAMODE_INTERACTIVEVOICE, 0, LINEMEDIAMODE_G3FAX),
      policy,
      short,
    }),
    weight: 2,
  },
);

/** Sequences of up to `maxSteps` actions. */
export function sequenceArbitrary(maxSteps: number): fc.Arbitrary<ExploreAction[]> {
  return fc.array(actionArbitrary, { maxLength: maxSteps, size: 'max' });
}
