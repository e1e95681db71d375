/** A FIFO over a growable ring buffer: O(1) push and shift without array copying. */
export class RingQueue<T> {
  private buf: (T | undefined)[];
  private head = 0;
  private size = 0;

  constructor(initial = 64) {
    this.buf = new Array<T | undefined>(initial);
  }
  get length(): number {
    return this.size;
  }
  push(v: T): void {
    if (this.size === this.buf.length) this.grow();
    this.buf[(this.head + this.size) % this.buf.length] = v;
    this.size++;
  }
  peek(): T | undefined {
    return this.size ? this.buf[this.head] : undefined;
  }
  shift(): T | undefined {
    if (!this.size) return undefined;
    const v = this.buf[this.head];
    this.buf[this.head] = undefined;
    this.head = (this.head + 1) % this.buf.length;
    this.size--;
    return v;
  }
  clear(): void {
    this.buf = new Array<T | undefined>(64);
    this.head = 0;
    this.size = 0;
  }
  private grow(): void {
    const next = new Array<T | undefined>(this.buf.length * 2);
    for (let i = 0; i < this.size; i++) next[i] = this.buf[(this.head + i) % this.buf.length];
    this.buf = next;
    this.head = 0;
  }
}
