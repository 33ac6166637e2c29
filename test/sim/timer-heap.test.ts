import fc from 'fast-check';
import { TimerHeap, type HeapTimer } from '../../sim/timer-heap.js';

interface T extends HeapTimer {
  id: number;
}

test('pops in (time, order set) order whatever was pushed and removed', () => {
  fc.assert(
    fc.property(
      fc.array(fc.record({ at: fc.integer({ min: 0, max: 20 }), drop: fc.boolean() }), { maxLength: 200 }),
      (ops) => {
        const heap = new TimerHeap<T>();
        const timers: T[] = ops.map((o, i) => ({ at: o.at, seq: i, index: -1, id: i }));
        timers.forEach((t) => heap.push(t));
        const dropped = new Set<number>();
        ops.forEach((o, i) => {
          if (o.drop) {
            expect(heap.remove(timers[i]!)).toBe(true);
            expect(heap.remove(timers[i]!)).toBe(false);
            dropped.add(i);
          }
        });
        const expected = timers
          .filter((t) => !dropped.has(t.id))
          .sort((a, b) => a.at - b.at || a.seq - b.seq)
          .map((t) => t.id);
        expect(heap.size).toBe(expected.length);
        const got: number[] = [];
        for (let t = heap.pop(); t !== undefined; t = heap.pop()) got.push(t.id);
        expect(got).toEqual(expected);
        expect(heap.size).toBe(0);
      },
    ),
  );
});
