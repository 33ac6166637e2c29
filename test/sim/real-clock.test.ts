import { RealClock } from '../../sim/real-clock.js';

test('RealClock runs timers on wall-clock time, in due order, and cancels them', async () => {
  const c = new RealClock();
  const seen: string[] = [];
  const t0 = c.now();
  const cancelled = c.setTimer(5, () => seen.push('cancelled'));
  c.setTimer(20, () => seen.push('late'));
  c.setTimer(1, () => seen.push('early'));
  cancelled.cancel();
  await new Promise<void>((resolve) => c.setTimer(40, resolve));
  expect(seen).toEqual(['early', 'late']);
  expect(c.now() - t0).toBeGreaterThanOrEqual(39);
});
