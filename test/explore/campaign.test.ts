import { explore } from '../../sim/explore/explore.js';
import { EXPLORE_MINIPORT, simTarget } from '../../sim/explore/explore-target.js';

/*
 * The robustness campaign: 100,000 generated sequences (remote actions, good and bad requests,
 * completion orderings, clock steps, each followed by the full teardown and leak checks)
 * against the correct simulated miniport: no exception, no verifier violation, no mismatch with
 * the reference model, no leak. About a minute on a 2-core machine.
 */
test('100,000 sequences against the simulated miniport: zero crashes, mismatches, violations and leaks', async () => {
  const started = Date.now();
  const r = await explore({ target: simTarget(), miniport: EXPLORE_MINIPORT, against: 'sim', seed: 0x5eed, runs: 100_000 });
  expect(r.failure).toBeUndefined();
  expect(r.runs).toBe(100_000);
  expect(Date.now() - started).toBeLessThan(240_000);
}, 300_000);
