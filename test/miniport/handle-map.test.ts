import fc from 'fast-check';
import { HandleMap } from '../../miniport/handle-map.js';

describe('HandleMap', () => {
  it('behaves as a Map under any sequence of sets, deletes and clears', () => {
    const key = fc.oneof(fc.integer({ min: 0, max: 64 }), fc.integer({ min: 0, max: 2 ** 40 }).map((k) => k * 16), fc.constantFrom(0x7f00_0010, 0x7f00_0020, 2 ** 53 - 1));
    const op = fc.oneof(
      fc.record({ op: fc.constant('set' as const), key, value: fc.integer() }),
      fc.record({ op: fc.constant('delete' as const), key }),
      fc.record({ op: fc.constant('get' as const), key }),
      fc.record({ op: fc.constant('clear' as const) }),
    );
    fc.assert(
      fc.property(fc.array(op, { maxLength: 400 }), (ops) => {
        const model = new Map<number, number>();
        const m = new HandleMap<number>();
        for (const o of ops) {
          if (o.op === 'set') {
            model.set(o.key, o.value);
            m.set(o.key, o.value);
          } else if (o.op === 'delete') {
            expect(m.delete(o.key)).toBe(model.delete(o.key));
          } else if (o.op === 'get') {
            // Looked up twice: the second is answered from the remembered last hit.
            expect(m.get(o.key)).toBe(model.get(o.key));
            expect(m.has(o.key)).toBe(model.has(o.key));
          } else {
            model.clear();
            m.clear();
          }
          expect(m.size).toBe(model.size);
          if (o.op !== 'clear') expect(m.get(o.key)).toBe(model.get(o.key));
        }
        for (const k of model.keys()) expect(m.get(k)).toBe(model.get(k));
        expect([...m.entries()]).toEqual([...model.entries()]);
      }),
      { numRuns: 300 },
    );
  });

  it('finds every entry after growing far past its first capacity, and after removing most of them', () => {
    const m = new HandleMap<string>();
    for (let i = 0; i < 10_000; i++) m.set(0x2_0000 + i * 16, `c${i}`);
    expect(m.size).toBe(10_000);
    for (let i = 0; i < 10_000; i += 3) expect(m.delete(0x2_0000 + i * 16)).toBe(true);
    for (let i = 0; i < 10_000; i++) expect(m.get(0x2_0000 + i * 16)).toBe(i % 3 === 0 ? undefined : `c${i}`);
    expect(m.has(0x1_0000)).toBe(false);
    expect(m.delete(0x1_0000)).toBe(false);
  });

  it('answers a repeated lookup right after the entries it was found among have moved', () => {
    // Keys 0..15 in a 16-slot table of capacity 32 collide in runs; deleting one shifts the
    // run back, so the slot remembered for the last lookup may now hold another key.
    const m = new HandleMap<number>();
    for (let k = 0; k < 15; k++) m.set(k, k * 10);
    for (let k = 0; k < 15; k++) {
      expect(m.get(k)).toBe(k * 10);
      if (k > 0) expect(m.delete(k - 1)).toBe(true);
      expect(m.get(k)).toBe(k * 10);
      expect(m.get(k - 1)).toBeUndefined();
    }
    m.set(99, 1);
    expect(m.get(99)).toBe(1);
    m.clear();
    expect(m.get(99)).toBeUndefined();
    expect(m.has(99)).toBe(false);
    // Growing moves every entry: the last one set is still found.
    const g = new HandleMap<number>();
    for (let k = 0; k < 100; k++) {
      g.set(k * 7, k);
      expect(g.get(k * 7)).toBe(k);
    }
  });

  it('iterates in insertion order over a snapshot, so entries may be deleted while visited', () => {
    const m = new HandleMap<number>();
    for (const k of [50, 3, 900, 7]) m.set(k, k * 2);
    m.set(3, 1); // replacing keeps the place
    const seen: number[] = [];
    for (const [k] of m) {
      seen.push(k);
      m.delete(k);
    }
    expect(seen).toEqual([50, 3, 900, 7]);
    expect(m.size).toBe(0);
    const visited: Array<[number, number]> = [];
    m.set(1, 10).set(2, 20);
    m.forEach((v, k) => visited.push([k, v]));
    expect(visited).toEqual([
      [1, 10],
      [2, 20],
    ]);
    expect([...m.keys()]).toEqual([1, 2]);
    expect([...m.values()]).toEqual([10, 20]);
  });
});
