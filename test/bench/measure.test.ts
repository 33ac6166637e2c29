import { compareRates } from '../../bench/measure.js';

describe('compareRates', () => {
  test('reports both rates, the unit and their ratio, and runs both loops the same number of times', () => {
    const calls = { a: 0, b: 0 };
    const f = compareRates(
      'x',
      (n) => {
        calls.a += n;
        return n;
      },
      (n) => {
        calls.b += n;
        return n;
      },
      { n: 1000, rounds: 3 },
    );
    expect(f.name).toBe('x');
    expect(f.unit).toBe('ops/s');
    expect(f.value).toBeGreaterThan(0);
    expect(f.baseline).toBeGreaterThan(0);
    expect(f.ratio).toBeCloseTo(f.value / f.baseline, 1);
    // 5 warm-up rounds and 3 measured rounds of 1000 each.
    expect(calls).toEqual({ a: 8000, b: 8000 });
  });
});
