/** A timer waiting in a clock: due at `at`, ties broken by `seq` (the order they were set). */
export interface HeapTimer {
  at: number;
  readonly seq: number;
  /** Position in the heap; -1 once it has fired or been cancelled. */
  index: number;
}

function before(a: HeapTimer, b: HeapTimer): boolean {
  return a.at < b.at || (a.at === b.at && a.seq < b.seq);
}

/**
 * A binary min-heap of timers with removal in O(log n): a cancelled timer leaves at once
 * instead of waiting to be skipped, so cancelling many offer timeouts holds no memory.
 */
export class TimerHeap<T extends HeapTimer> {
  private readonly items: T[] = [];

  get size(): number {
    return this.items.length;
  }

  peek(): T | undefined {
    return this.items[0];
  }

  push(t: T): void {
    t.index = this.items.length;
    this.items.push(t);
    this.up(t.index);
  }

  pop(): T | undefined {
    const top = this.items[0];
    if (top !== undefined) this.remove(top);
    return top;
  }

  /** Removes a timer; false when it is not (or no longer) in the heap. */
  remove(t: T): boolean {
    const i = t.index;
    if (i < 0 || this.items[i] !== t) return false;
    const last = this.items.pop()!;
    t.index = -1;
    if (last !== t) {
      this.items[i] = last;
      last.index = i;
      this.up(i);
      this.down(last.index);
    }
    return true;
  }

  private up(i: number): void {
    const items = this.items;
    const t = items[i]!;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      const p = items[parent]!;
      if (!before(t, p)) break;
      items[i] = p;
      p.index = i;
      i = parent;
    }
    items[i] = t;
    t.index = i;
  }

  private down(i: number): void {
    const items = this.items;
    const n = items.length;
    const t = items[i]!;
    for (;;) {
      const l = 2 * i + 1;
      if (l >= n) break;
      const r = l + 1;
      const c = r < n && before(items[r]!, items[l]!) ? r : l;
      const child = items[c]!;
      if (!before(child, t)) break;
      items[i] = child;
      child.index = i;
      i = c;
    }
    items[i] = t;
    t.index = i;
  }
}
