import { writeSync } from 'node:fs';
import { Worker } from 'node:worker_threads';

/*
 * The thread that writes a trace's blocks to its file, so the recording thread only builds them.
 *
 * The recording thread and the worker share a SharedArrayBuffer: a control area of 32-bit words
 * and SEGMENTS segments. The recording thread fills segment `k % SEGMENTS`, publishes it (its
 * length and its file position, then the count of published segments, then a notify), and moves
 * on to the next one, waiting first while that one still holds a segment the worker has not
 * written (backpressure: recording never runs more than SEGMENTS segments ahead of the file).
 * The worker writes the published segments in order, each at its own file position, and counts
 * them written. Positions are explicit, so a segment written twice (by the worker and, when the
 * worker is too slow at exit, by the recording thread) leaves the same bytes, and the file only
 * ever grows at its end: a cut file is always whole blocks and then a part of one.
 */

/** Control words (Int32Array indices). */
const WORDS = { ready: 0, stop: 1, published: 2, written: 3, failed: 4, lengths: 8 } as const;
/** File positions (Float64s, one per segment) start at this byte; segments at CONTROL_BYTES. */
const POSITIONS_AT = 128;
const CONTROL_BYTES = 256;

/** Segments in the ring. */
export const SEGMENTS = 4;

/** What the worker is told: the buffer and where everything sits in it. */
interface RingLayout {
  readonly sab: SharedArrayBuffer;
  readonly fd: number;
  readonly segments: number;
  readonly segmentBytes: number;
  readonly segmentsAt: number;
  readonly positionsAt: number;
  readonly words: typeof WORDS;
}

/**
 * The worker's loop. It runs in the worker thread from its source text, so it uses nothing but
 * its arguments: `write` is fs.writeSync there.
 */
function writeLoop(write: (fd: number, bytes: Uint8Array, offset: number, length: number, position: number) => number, ring: RingLayout): void {
  const { ready, stop, published: publishedAt, written: writtenAt, failed, lengths } = ring.words;
  const ctl = new Int32Array(ring.sab, 0, ring.positionsAt / 4);
  const positions = new Float64Array(ring.sab, ring.positionsAt, ring.segments);
  let written = 0;
  Atomics.store(ctl, ready, 1);
  for (;;) {
    const published = Atomics.load(ctl, publishedAt);
    if (written === published) {
      if (Atomics.load(ctl, stop) === 1) return;
      Atomics.wait(ctl, publishedAt, published);
      continue;
    }
    const slot = written % ring.segments;
    const length = Atomics.load(ctl, lengths + slot);
    const bytes = new Uint8Array(ring.sab, ring.segmentsAt + slot * ring.segmentBytes, length);
    try {
      for (let done = 0; done < length; ) done += write(ring.fd, bytes, done, length - done, positions[slot]! + done);
    } catch {
      // The recording thread writes this segment again itself and meets the error there.
      Atomics.store(ctl, failed, 1);
      Atomics.notify(ctl, writtenAt);
      return;
    }
    written++;
    Atomics.store(ctl, writtenAt, written);
    Atomics.notify(ctl, writtenAt);
  }
}

// getBuiltinModule, not require: the worker's source is an ES module when the process runs with --input-type=module.
const WORKER_SOURCE = `(${writeLoop.toString()})(process.getBuiltinModule('node:fs').writeSync, process.getBuiltinModule('node:worker_threads').workerData);`;

/** How long the recording thread waits for a worker that makes no progress before writing its segments itself. */
const STALL_MS = 2_000;

/**
 * The recording thread's side of the ring: segments to fill, publishing, waiting. Until the
 * worker has started (tens of milliseconds), `publish` writes the segment itself, so recording
 * never waits for the thread to come up.
 */
export class WriteRing {
  private readonly sab: SharedArrayBuffer;
  private readonly ctl: Int32Array;
  private readonly positions: Float64Array;
  private readonly worker: Worker;
  /** Segments published to the worker (the worker has seen READY set before the first). */
  private published = 0;
  /** The worker's segments this thread has written itself (after a failure or a stall). */
  private takenOver = 0;
  private handedOver = false;
  private stopped = false;

  constructor(
    private readonly fd: number,
    readonly segmentBytes: number,
  ) {
    this.sab = new SharedArrayBuffer(CONTROL_BYTES + SEGMENTS * segmentBytes);
    this.ctl = new Int32Array(this.sab, 0, POSITIONS_AT / 4);
    this.positions = new Float64Array(this.sab, POSITIONS_AT, SEGMENTS);
    const layout: RingLayout = { sab: this.sab, fd, segments: SEGMENTS, segmentBytes, segmentsAt: CONTROL_BYTES, positionsAt: POSITIONS_AT, words: WORDS };
    // No inherited flags (--cpu-prof, --input-type): the worker is plain.
    this.worker = new Worker(WORKER_SOURCE, { eval: true, workerData: layout, execArgv: [] });
    // A worker that dies is relieved by waitWritten (its writes stop); its error must not end the process.
    this.worker.on('error', () => undefined);
    // The writer's own exit handler waits for it; it must not keep the process alive.
    this.worker.unref();
  }

  /** The segment the next blocks are built in. */
  segment(): ArrayBuffer | SharedArrayBuffer {
    return this.sab;
  }

  /** Byte offset in `segment()` of the slot the next publish takes. */
  slotOffset(): number {
    return CONTROL_BYTES + (this.published % SEGMENTS) * this.segmentBytes;
  }

  /** True once the worker is writing (segments go to it, not to the file from this thread). */
  get threaded(): boolean {
    return this.handedOver;
  }

  /**
   * Hands the current slot's `length` bytes, which belong at file `position`, to the worker, and
   * waits until the next slot is free. Before the worker is up, writes them here instead.
   */
  publish(length: number, position: number): void {
    if (!this.handedOver && !this.stopped) this.handedOver = Atomics.load(this.ctl, WORDS.ready) === 1;
    const slot = this.published % SEGMENTS;
    if (!this.handedOver || this.stopped) {
      writeAll(this.fd, new Uint8Array(this.sab, this.slotOffset(), length), position);
      return;
    }
    Atomics.store(this.ctl, WORDS.lengths + slot, length);
    this.positions[slot] = position;
    this.published++;
    Atomics.store(this.ctl, WORDS.published, this.published);
    Atomics.notify(this.ctl, WORDS.published);
    this.waitWritten(this.published - SEGMENTS + 1);
  }

  /** Waits until everything published is in the file. */
  drain(): void {
    if (this.handedOver) this.waitWritten(this.published);
  }

  /** Drains, then lets the worker end. The fd stays open: it is the writer's. */
  stop(): void {
    if (this.stopped) return;
    this.drain();
    this.stopped = true;
    Atomics.store(this.ctl, WORDS.stop, 1);
    Atomics.notify(this.ctl, WORDS.published);
  }

  /**
   * Waits until at least `n` segments are written. A worker that failed, or made no progress
   * for STALL_MS, is relieved: this thread writes the rest itself (at the same positions, so a
   * segment the worker is still writing ends up the same), and any write error surfaces here.
   */
  private waitWritten(n: number): void {
    for (;;) {
      const written = Math.max(Atomics.load(this.ctl, WORDS.written), this.takenOver);
      if (written >= n) return;
      if (Atomics.load(this.ctl, WORDS.failed) === 1 || Atomics.wait(this.ctl, WORDS.written, written, STALL_MS) === 'timed-out') {
        this.takeOver(written);
        return;
      }
    }
  }

  private takeOver(from: number): void {
    this.stopped = true;
    Atomics.store(this.ctl, WORDS.stop, 1);
    Atomics.notify(this.ctl, WORDS.published);
    for (let k = from; k < this.published; k++) {
      const slot = k % SEGMENTS;
      writeAll(this.fd, new Uint8Array(this.sab, CONTROL_BYTES + slot * this.segmentBytes, Atomics.load(this.ctl, WORDS.lengths + slot)), this.positions[slot]!);
      this.takenOver = k + 1;
    }
    // From now on this thread writes every segment itself, in the slot after the last published.
    void this.worker.terminate();
  }
}

/** Writes all of `bytes` at file `position`. */
export function writeAll(fd: number, bytes: Uint8Array, position: number): void {
  for (let done = 0; done < bytes.length; ) done += writeSync(fd, bytes, done, bytes.length - done, position + done);
}
