/** One benchmark figure as `npm run bench` prints it: a JSON line with its baseline from the same run. */
export interface Figure {
  readonly name: string;
  readonly value: number;
  readonly unit: string;
  readonly baseline: number;
  /** value / baseline: above 1 is faster than the baseline for a rate. */
  readonly ratio: number;
}

/** A loop body run `n` times; returns a number derived from the work so it cannot be optimised away. */
export type Loop = (n: number) => number;

function rate(loop: Loop, n: number): { opsPerSec: number; sink: number } {
  const t0 = process.hrtime.bigint();
  const sink = loop(n);
  const ns = Number(process.hrtime.bigint() - t0);
  return { opsPerSec: (n * 1e9) / ns, sink };
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}

/**
 * Measures a candidate against its baseline: both warmed up, then interleaved rounds
 * (candidate, baseline, candidate, ...) so machine noise falls on both alike; the median
 * rate of each is reported.
 */
export function compareRates(name: string, candidate: Loop, baseline: Loop, opts: { n?: number; rounds?: number } = {}): Figure {
  const n = opts.n ?? 200_000;
  const rounds = opts.rounds ?? 15;
  let sink = 0;
  for (let i = 0; i < 5; i++) sink += candidate(n) + baseline(n);
  const a: number[] = [];
  const b: number[] = [];
  for (let i = 0; i < rounds; i++) {
    const ra = rate(candidate, n);
    const rb = rate(baseline, n);
    a.push(ra.opsPerSec);
    b.push(rb.opsPerSec);
    sink += ra.sink + rb.sink;
  }
  if (Number.isNaN(sink)) throw new Error('unreachable: keeps the work observable');
  const value = median(a);
  const base = median(b);
  return { name, value: Math.round(value), unit: 'ops/s', baseline: Math.round(base), ratio: Math.round((value / base) * 1000) / 1000 };
}
