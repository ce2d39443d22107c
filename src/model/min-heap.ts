/**
 * A binary min-heap on a number key, ties in insertion order; entries that no longer hold are
 * left in and skipped by the caller as they come out (no index to remove them by).
 */
export class MinHeap<T> {
  private readonly items: { key: number; seq: number; value: T }[] = [];
  private seq = 0;

  get size(): number {
    return this.items.length;
  }

  /** The least key (+∞ when empty). */
  get minKey(): number {
    return this.items.length > 0 ? this.items[0]!.key : Number.POSITIVE_INFINITY;
  }

  push(key: number, value: T): void {
    const a = this.items;
    const e = { key, seq: this.seq++, value };
    let i = a.length;
    a.push(e);
    while (i > 0) {
      const up = (i - 1) >> 1;
      if (!less(e, a[up]!)) break;
      a[i] = a[up]!;
      i = up;
    }
    a[i] = e;
  }

  pop(): T | undefined {
    const a = this.items;
    const top = a[0];
    const last = a.pop();
    if (top === undefined || last === undefined) return undefined;
    if (a.length > 0) {
      let i = 0;
      for (;;) {
        const l = 2 * i + 1;
        if (l >= a.length) break;
        const c = l + 1 < a.length && less(a[l + 1]!, a[l]!) ? l + 1 : l;
        if (!less(a[c]!, last)) break;
        a[i] = a[c]!;
        i = c;
      }
      a[i] = last;
    }
    return top.value;
  }
}

function less(a: { key: number; seq: number }, b: { key: number; seq: number }): boolean {
  return a.key < b.key || (a.key === b.key && a.seq < b.seq);
}
