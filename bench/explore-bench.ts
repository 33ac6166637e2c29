import fc from 'fast-check';
import { sequenceArbitrary } from '../sim/explore/action-arbitrary.js';
import { DEFAULT_MAX_STEPS } from '../sim/explore/explore.js';
import { simTarget } from '../sim/explore/explore-target.js';
import { runSequence } from '../sim/explore/sequence-run.js';
import { compareRates, type Figure } from './measure.js';

/**
 * explore.sequences: sequences `wanemu explore` generates and runs per second against the
 * simulated miniport (each one: a fresh miniport, NDISTAPI, the verifier and the reference
 * model, bring-up, up to 24 actions, the teardown and the leak checks). The baseline, in the
 * same run, is fast-check generating the same sequences without running them: the ratio is the
 * share of the exploration's time that is not running the stack (above 1 never; the closer to 1,
 * the cheaper a run is next to making it).
 */
export function exploreFigures(): Figure[] {
  const arbitrary = sequenceArbitrary(DEFAULT_MAX_STEPS);
  const target = simTarget();
  let seed = 1;
  const explored = (n: number): number => {
    let sum = 0;
    for (const actions of fc.sample(arbitrary, { numRuns: n, seed: seed++ })) {
      const r = runSequence(actions, target);
      if (r.failure !== undefined) throw new Error(`bench: the simulated miniport failed an exploration: ${r.failure.message}`);
      sum += actions.length;
    }
    return sum;
  };
  const generated = (n: number): number => {
    let sum = 0;
    for (const actions of fc.sample(arbitrary, { numRuns: n, seed: seed++ })) sum += actions.length;
    return sum;
  };
  const f = compareRates('explore.sequences', explored, generated, { n: 2_000, rounds: 7 });
  return [{ ...f, unit: 'sequences/s' }];
}
