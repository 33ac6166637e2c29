import { exploreFigures } from '../../bench/explore-bench.js';

test('the explore.sequences figure: sequences run per second, against generating them alone in the same run', () => {
  const [f] = exploreFigures();
  expect(f!.name).toBe('explore.sequences');
  expect(f!.unit).toBe('sequences/s');
  expect(f!.value).toBeGreaterThan(0);
  expect(f!.baseline).toBeGreaterThan(f!.value);
  expect(f!.ratio).toBeCloseTo(f!.value / f!.baseline, 2);
}, 120_000);
