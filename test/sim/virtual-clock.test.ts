import { delay, interval, of, take, timeout, toArray, NEVER, firstValueFrom } from 'rxjs';
import { VirtualClock } from '../../sim/virtual-clock.js';

describe('VirtualClock', () => {
  test('runs timers in due order, ties in the order set, with now() at each due time', () => {
    const c = new VirtualClock();
    const seen: string[] = [];
    c.setTimer(30, () => seen.push(`c@${c.now()}`));
    c.setTimer(10, () => seen.push(`a@${c.now()}`));
    c.setTimer(10, () => seen.push(`b@${c.now()}`));
    c.setTimer(0, () => seen.push(`z@${c.now()}`));
    c.advance(20);
    expect(seen).toEqual(['z@0', 'a@10', 'b@10']);
    expect(c.now()).toBe(20);
    c.advance(20);
    expect(seen).toEqual(['z@0', 'a@10', 'b@10', 'c@30']);
    expect(c.now()).toBe(40);
  });

  test('a cancelled timer never fires and holds nothing; timers set by timers run in the same advance', () => {
    const c = new VirtualClock();
    const seen: number[] = [];
    const t = c.setTimer(5, () => seen.push(5));
    c.setTimer(1, () => c.setTimer(2, () => seen.push(c.now())));
    t.cancel();
    expect(c.pending).toBe(1);
    c.advance(10);
    expect(seen).toEqual([3]);
    expect(c.pending).toBe(0);
    t.cancel(); // after the fact: a no-op
  });

  test('an hour of timers runs without waiting, identically every run', () => {
    const run = (): number[] => {
      const c = new VirtualClock();
      const fired: number[] = [];
      for (let i = 0; i < 3600; i++) c.setTimer(((i * 7919) % 3600) * 1000, () => fired.push(c.now()));
      c.advance(3600 * 1000);
      return fired;
    };
    const a = run();
    expect(a).toHaveLength(3600);
    expect([...a].sort((x, y) => x - y)).toEqual(a);
    expect(run()).toEqual(a);
  });

  test('runAll drains timers and stops a flow that re-arms forever', () => {
    const c = new VirtualClock();
    const again = (): void => void c.setTimer(1, again);
    again();
    expect(c.runAll(50)).toBe(50);
    expect(c.now()).toBe(50);
    expect(c.pending).toBe(1);
  });

  test('is an rxjs scheduler: delay, interval and timeout run on virtual time', async () => {
    const c = new VirtualClock();
    const values: Array<[number, number]> = [];
    interval(100, c)
      .pipe(take(3))
      .subscribe((v) => values.push([v, c.now()]));
    const delayed = firstValueFrom(of('x').pipe(delay(250, c)));
    const timedOut = firstValueFrom(NEVER.pipe(timeout({ first: 1000, scheduler: c }), toArray())).catch((e: Error) => e.name);
    c.advance(5000);
    expect(values).toEqual([
      [0, 100],
      [1, 200],
      [2, 300],
    ]);
    await expect(delayed).resolves.toBe('x');
    await expect(timedOut).resolves.toBe('TimeoutError');
    expect(c.pending).toBe(0);
  });
});
