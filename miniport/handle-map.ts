const TWO_32 = 4294967296;
const GOLDEN = 0x9e3779b1;
const MIX = 0x85ebca6b;

/**
 * A map from handles (non-negative integers below 2^53) to values, for the tables that gain and
 * lose an entry with every call: open addressing with linear probing and backward-shift
 * deletion, so adding and removing entries allocates nothing once the table has grown to its
 * working size. A `Map` that swings between empty and one entry reallocates its table on every
 * delete; this was a third of the bytes each call lifecycle allocated (issue 3 bench).
 * Iteration follows insertion order, as a `Map`'s does, over a snapshot taken when it starts.
 */
export class HandleMap<V> implements ReadonlyMap<number, V> {
  private keyAt: Float64Array;
  /** Insertion sequence of each slot's entry; 0 marks an empty slot. */
  private seqAt: Float64Array;
  private valueAt: Array<V | undefined>;
  private mask: number;
  private shift: number;
  private count = 0;
  private nextSeq = 1;
  /** The last key found or added and its slot (-1: none): a call's events look up the same handle in a row. */
  private lastKey = -1;
  private lastSlot = -1;

  constructor(initialCapacity = 16) {
    let capacity = 16;
    while (capacity < initialCapacity * 2) capacity *= 2;
    this.keyAt = new Float64Array(capacity);
    this.seqAt = new Float64Array(capacity);
    this.valueAt = new Array<V | undefined>(capacity).fill(undefined);
    this.mask = capacity - 1;
    this.shift = 32 - Math.log2(capacity);
  }

  get size(): number {
    return this.count;
  }

  private home(key: number): number {
    const lo = key >>> 0;
    const hi = (key / TWO_32) >>> 0;
    return Math.imul(lo ^ Math.imul(hi, MIX), GOLDEN) >>> this.shift;
  }

  /** The slot holding `key`, or -1. */
  private find(key: number): number {
    if (key === this.lastKey) return this.lastSlot;
    const keys = this.keyAt;
    const seqs = this.seqAt;
    const mask = this.mask;
    for (let i = this.home(key); ; i = (i + 1) & mask) {
      if (seqs[i] === 0) return -1;
      if (keys[i] === key) {
        this.lastKey = key;
        this.lastSlot = i;
        return i;
      }
    }
  }

  get(key: number): V | undefined {
    const i = this.find(key);
    return i < 0 ? undefined : this.valueAt[i];
  }

  has(key: number): boolean {
    return this.find(key) >= 0;
  }

  set(key: number, value: V): this {
    const keys = this.keyAt;
    const seqs = this.seqAt;
    const mask = this.mask;
    let i = this.home(key);
    for (; seqs[i] !== 0; i = (i + 1) & mask) {
      if (keys[i] === key) {
        this.valueAt[i] = value;
        return this;
      }
    }
    keys[i] = key;
    seqs[i] = this.nextSeq++;
    this.valueAt[i] = value;
    this.lastKey = key;
    this.lastSlot = i;
    // At most half full, so probes stay short and a free slot always ends a search.
    if (++this.count * 2 > mask + 1) this.grow();
    return this;
  }

  delete(key: number): boolean {
    let i = this.find(key);
    if (i < 0) return false;
    // Entries move below: the remembered slot is no longer known.
    this.lastKey = -1;
    const keys = this.keyAt;
    const seqs = this.seqAt;
    const values = this.valueAt;
    const mask = this.mask;
    // Backward shift: move later members of the probe run into the hole when that keeps them
    // reachable from their home slot, so no tombstones are left.
    for (let j = (i + 1) & mask; seqs[j] !== 0; j = (j + 1) & mask) {
      const h = this.home(keys[j]!);
      const reachable = i <= j ? h <= i || h > j : h <= i && h > j;
      if (reachable) {
        keys[i] = keys[j]!;
        seqs[i] = seqs[j]!;
        values[i] = values[j];
        i = j;
      }
    }
    seqs[i] = 0;
    values[i] = undefined;
    this.count--;
    return true;
  }

  clear(): void {
    this.lastKey = -1;
    this.seqAt.fill(0);
    this.valueAt.fill(undefined);
    this.count = 0;
  }

  private grow(): void {
    this.lastKey = -1;
    const keys = this.keyAt;
    const seqs = this.seqAt;
    const values = this.valueAt;
    const capacity = (this.mask + 1) * 2;
    this.keyAt = new Float64Array(capacity);
    this.seqAt = new Float64Array(capacity);
    this.valueAt = new Array<V | undefined>(capacity).fill(undefined);
    this.mask = capacity - 1;
    this.shift--;
    for (let s = 0; s < keys.length; s++) {
      if (seqs[s] === 0) continue;
      let i = this.home(keys[s]!);
      while (this.seqAt[i] !== 0) i = (i + 1) & this.mask;
      this.keyAt[i] = keys[s]!;
      this.seqAt[i] = seqs[s]!;
      this.valueAt[i] = values[s];
    }
  }

  /** The entries in insertion order, copied out so the map may change while they are visited. */
  private snapshot(): Array<[number, V]> {
    const slots: number[] = [];
    const seqs = this.seqAt;
    for (let i = 0; i < seqs.length; i++) if (seqs[i] !== 0) slots.push(i);
    slots.sort((a, b) => seqs[a]! - seqs[b]!);
    return slots.map((i) => [this.keyAt[i]!, this.valueAt[i] as V]);
  }

  *entries(): MapIterator<[number, V]> {
    yield* this.snapshot();
  }

  *keys(): MapIterator<number> {
    for (const [k] of this.entries()) yield k;
  }

  *values(): MapIterator<V> {
    for (const [, v] of this.entries()) yield v;
  }

  [Symbol.iterator](): MapIterator<[number, V]> {
    return this.entries();
  }

  forEach(fn: (value: V, key: number, map: ReadonlyMap<number, V>) => void): void {
    for (const [k, v] of this.entries()) fn(v, k, this);
  }
}
