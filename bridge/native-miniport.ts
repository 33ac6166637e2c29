import { Socket } from 'node:net';
import { Subject, type Observable } from 'rxjs';
import { NDIS_STATUS_PENDING, NDIS_STATUS_REQUEST_ABORTED, type RequestKind } from '../oid/index.js';
import type { ByteCounts, Completion, Miniport, MiniportSink, StatusIndication } from '../miniport/miniport.js';
import { loadKoffi, NativeBridgeError, type Koffi } from './koffi-loader.js';
import { bridgeLibraryPath } from './bridge-files.js';

/** Ring record types and header, as bridge/native/wanemu_bridge.c writes them. */
const REC_INDICATE = 1;
const REC_POST = 2;
const REC_COMPLETE = 3;
const REC_WRAP = 4;
const REC_HEADER = 32;

export interface NativeMiniportOptions {
  /** The library's configuration string (wanemu_hw_open's `config`). */
  readonly config?: string;
  /** Bytes of the ring that carries callbacks from other threads (default 1 MiB). */
  readonly ringBytes?: number;
  /** The bridge runtime; found next to the wanemu package by default. */
  readonly bridgeLibrary?: string;
  /**
   * Call the library from a thread of the bridge's own while JavaScript waits and answers other
   * threads' indications: for a library whose request waits on a thread that calls
   * indicate_status (which would otherwise deadlock). Costs a thread handoff per request.
   */
  readonly threadedCalls?: boolean;
}

/** The bridge runtime's functions, bound once. */
interface BridgeFunctions {
  open(path: string, config: string, ringBytes: number, direct: unknown, error: Uint8Array, errorSize: number): unknown;
  opened(b: unknown): number;
  request(b: unknown, id: number, kind: number, oid: number, buffer: Uint8Array, length: number, counts: Uint32Array): number;
  call(slot: number, block: number): number;
  callThreaded(slot: number, block: number): number;
  slot(b: unknown): number;
  blocks(b: unknown): unknown;
  blockInfo(which: number): number;
  control(b: unknown, command: string, reply: Uint8Array, size: number): number;
  wakeFd(b: unknown): number;
  ring(b: unknown): unknown;
  ringSize(b: unknown): number;
  next(b: unknown, consumed: number, sleep: number, at: Uint32Array): number;
  ack(b: unknown, token: number, buffer: Uint8Array, length: number): void;
  stats(b: unknown, out: Float64Array): void;
  close(b: unknown): void;
  free(b: unknown): void;
}

/** The callback type, anonymous: koffi's type names are global to the process, which may load this module more than once (jest). */
let directType: unknown;
const bound = new Map<string, BridgeFunctions>();

function bind(k: Koffi, path: string): { fns: BridgeFunctions; directType: unknown } {
  directType ??= k.pointer(k.proto('void (uint32_t status, uint8_t *buffer, uint32_t length)'));
  const known = bound.get(path);
  if (known !== undefined) return { fns: known, directType };
  let lib;
  try {
    lib = k.load(path);
  } catch (e) {
    throw new NativeBridgeError(`cannot load the bridge runtime ${path}: ${(e as Error).message}`);
  }
  const f = (d: string) => lib.func(d);
  const fns = {
    open: f('void *wb_open(const char *path, const char *config, uint32_t ring_bytes, void *direct, _Out_ uint8_t *error, uint32_t error_size)'),
    opened: f('int32_t wb_opened(void *b)'),
    request: f('uint32_t wb_request(void *b, uint32_t id, uint32_t kind, uint32_t oid, _Inout_ uint8_t *buffer, uint32_t length, _Out_ uint32_t *counts)'),
    call: f('uint32_t wb_call(uint32_t slot, uint32_t block)'),
    callThreaded: f('uint32_t wb_call_threaded(uint32_t slot, uint32_t block)'),
    slot: f('int32_t wb_slot(void *b)'),
    blocks: f('void *wb_blocks(void *b)'),
    blockInfo: f('uint32_t wb_block_info(uint32_t which)'),
    control: f('uint32_t wb_control(void *b, const char *command, _Out_ uint8_t *reply, uint32_t size)'),
    wakeFd: f('int32_t wb_wake_fd(void *b)'),
    ring: f('void *wb_ring(void *b)'),
    ringSize: f('uint32_t wb_ring_size(void *b)'),
    next: f('uint32_t wb_next(void *b, uint32_t consumed, int32_t sleep, _Out_ uint32_t *at)'),
    ack: f('void wb_ack(void *b, uint32_t token, const uint8_t *buffer, uint32_t length)'),
    stats: f('void wb_stats(void *b, _Out_ double *out)'),
    close: f('void wb_close(void *b)'),
    free: f('void wb_free(void *b)'),
  } as unknown as BridgeFunctions;
  bound.set(path, fns);
  return { fns, directType };
}

const decoder = new TextDecoder();
const asciiz = (bytes: Uint8Array): string => {
  const end = bytes.indexOf(0);
  return decoder.decode(end < 0 ? bytes : bytes.subarray(0, end));
};

/**
 * A Miniport over a native library that implements bridge/include/wanemu_hw.h, through koffi
 * and the bridge runtime (bridge/native/wanemu_bridge.c). Buffers cross as bytes. Indications
 * the library makes while wanemu is calling into it are delivered at once, with NDISTAPI's
 * write-backs landing in the library's buffer; those from its own threads, and all completions,
 * come through a ring in memory read in batches (after every call into the library, and when a
 * pipe wakes the event loop), in the order the library made them.
 */
export class NativeMiniport implements Miniport {
  readonly abi = 'x64' as const;
  readonly variant = 'wdk' as const;
  readonly indications$: Observable<StatusIndication>;
  readonly completions$: Observable<Completion>;
  private readonly indications = new Subject<StatusIndication>();
  private readonly completions = new Subject<Completion>();
  private sinks: MiniportSink[] = [];
  private readonly counts = new Uint32Array(2);
  /** The call blocks (see wb_call): per nesting level, parameters as u32s and the buffer at `blockData`. */
  private readonly blockWords: Uint32Array[] = [];
  private readonly blockBytes: Uint8Array[] = [];
  private readonly blockData: number;
  private readonly blockRoom: number;
  /** Requests in progress on this thread (a handler may make another). */
  private calls = 0;
  /** The bridge's slot for wb_call; -1 (all taken): requests pass their arrays instead. */
  private readonly slot: number;
  /** wb_call, held directly: the hot path's only native call. */
  private readonly call: (slot: number, block: number) => number;
  private readonly at = new Uint32Array(1);
  private readonly reply = new Uint8Array(4096);
  private readonly ring: Uint8Array;
  private readonly ringView: DataView;
  private readonly pending = new Map<number, { readonly kind: RequestKind; readonly oid: number; readonly buffer: Uint8Array }>();
  private readonly wake: Socket;
  /** Batches copied out of the ring, one buffer per nesting depth (a record's handler may drain again). */
  private readonly batches: Uint8Array[] = [];
  private batch: Uint8Array = new Uint8Array(0);
  private batchView: DataView = new DataView(new ArrayBuffer(0));
  /** The next record of the current batch, and its end. */
  private cursor = 0;
  private end = 0;
  private depth = 0;
  /** Bytes of the batch taken last, given back at the next wb_next. */
  private release = 0;
  private closed = false;
  private readonly statsOut = new Float64Array(2);

  private constructor(
    readonly path: string,
    private readonly k: Koffi,
    private readonly fns: BridgeFunctions,
    private readonly handle: unknown,
    private readonly direct: unknown,
    threaded: boolean,
  ) {
    this.indications$ = this.indications.asObservable();
    this.completions$ = this.completions.asObservable();
    this.slot = fns.slot(handle);
    this.call = threaded ? fns.callThreaded : fns.call;
    const count = fns.blockInfo(0);
    const blockSize = fns.blockInfo(1);
    this.blockData = fns.blockInfo(2);
    this.blockRoom = blockSize - this.blockData;
    const all = k.view(fns.blocks(handle), count * blockSize);
    for (let i = 0; i < count; i++) {
      this.blockWords.push(new Uint32Array(all, i * blockSize, 8));
      this.blockBytes.push(new Uint8Array(all, i * blockSize, blockSize));
    }
    const size = fns.ringSize(handle);
    this.ring = new Uint8Array(k.view(fns.ring(handle), size));
    this.ringView = new DataView(this.ring.buffer, this.ring.byteOffset, this.ring.byteLength);
    this.wake = new Socket({ fd: fns.wakeFd(handle), readable: true, writable: false });
    this.wake.on('data', () => this.drain(true));
    this.wake.on('error', () => undefined);
    this.wake.unref();
  }

  /**
   * Loads `path` (a library implementing wanemu_hw.h) and opens it. Throws NativeBridgeError when
   * koffi or the bridge runtime is missing, the library cannot be loaded, its ABI version differs
   * from this wanemu's, or it refuses to open.
   */
  static async open(path: string, options: NativeMiniportOptions = {}): Promise<NativeMiniport> {
    const k = await loadKoffi();
    const { fns, directType } = bind(k, options.bridgeLibrary ?? bridgeLibraryPath());
    let self: NativeMiniport | undefined;
    const direct = k.register(((status: number, buffer: unknown, length: number) => self?.onDirect(status, buffer, length)) as (...args: never[]) => unknown, directType);
    const error = new Uint8Array(1024);
    const handle = fns.open(path, options.config ?? '', options.ringBytes ?? 1 << 20, direct, error, error.length);
    if (handle === null) {
      k.unregister(direct);
      throw new NativeBridgeError(asciiz(error));
    }
    if (fns.opened(handle) === 0) {
      fns.free(handle);
      k.unregister(direct);
      throw new NativeBridgeError(asciiz(error));
    }
    self = new NativeMiniport(path, k, fns, handle, direct, options.threadedCalls === true);
    return self;
  }

  request(requestId: number, kind: RequestKind, oid: number, buffer: Uint8Array, counts: ByteCounts): number {
    if (this.closed) {
      counts.bytesUsed = 0;
      counts.bytesNeeded = 0;
      return NDIS_STATUS_REQUEST_ABORTED;
    }
    const depth = this.calls;
    const words = this.blockWords[depth];
    let status: number;
    let queued = 1;
    this.calls++;
    try {
      const length = buffer.length;
      if (words !== undefined && length <= this.blockRoom && this.slot >= 0) {
        // The fast path: parameters and bytes through the call block, no arrays passed to koffi.
        const bytes = this.blockBytes[depth]!;
        const data = this.blockData;
        words[0] = requestId;
        words[1] = kind === 'set' ? 1 : 0;
        words[2] = oid;
        words[3] = length;
        if (length <= 64) {
          for (let i = 0; i < length; i++) bytes[data + i] = buffer[i]!;
        } else {
          bytes.set(buffer, data);
        }
        status = this.call(this.slot, depth) >>> 0;
        if (length <= 64) {
          for (let i = 0; i < length; i++) buffer[i] = bytes[data + i]!;
        } else {
          buffer.set(bytes.subarray(data, data + length));
        }
        counts.bytesUsed = words[4]!;
        counts.bytesNeeded = words[5]!;
        queued = words[6]!;
      } else {
        const c = this.counts;
        status = this.fns.request(this.handle, requestId, kind === 'set' ? 1 : 0, oid, buffer, buffer.length, c) >>> 0;
        counts.bytesUsed = c[0]!;
        counts.bytesNeeded = c[1]!;
      }
    } finally {
      this.calls--;
    }
    if (status === NDIS_STATUS_PENDING) this.pending.set(requestId, { kind, oid, buffer });
    // Completions (and indications from other threads) the call queued: delivered before returning.
    if (queued !== 0) this.drain(true);
    return status;
  }

  /**
   * A test control in the library's own words (wanemu_hw_control); the reply, or a
   * NativeBridgeError when the library has no controls or did not understand the command.
   */
  control(command: string): string {
    if (this.closed) throw new NativeBridgeError(`${this.path} is closed`);
    const status = this.fns.control(this.handle, command, this.reply, this.reply.length) >>> 0;
    const reply = asciiz(this.reply);
    this.drain(true);
    if (status === 0xffff_ffff) throw new NativeBridgeError(`${this.path} has no wanemu_hw_control`);
    if (status !== 0) throw new NativeBridgeError(`${this.path} did not take "${command}": ${reply || `status 0x${status.toString(16)}`}`);
    return reply;
  }

  attach(sink: MiniportSink): () => void {
    this.sinks = [...this.sinks, sink];
    return () => {
      this.sinks = this.sinks.filter((s) => s !== sink);
    };
  }

  /** Records that came through the ring, and pipe wake-ups, so far. */
  get stats(): { readonly records: number; readonly wakeups: number } {
    if (this.closed) return { records: this.statsOut[0]!, wakeups: this.statsOut[1]! };
    this.fns.stats(this.handle, this.statsOut);
    return { records: this.statsOut[0]!, wakeups: this.statsOut[1]! };
  }

  /** Request ids pended and not yet completed. */
  get outstanding(): readonly number[] {
    return [...this.pending.keys()];
  }

  /**
   * Takes whatever the library's threads have queued, now (the event loop also does it when
   * woken). Useful after waiting on something outside the event loop.
   */
  poll(): void {
    this.drain(true);
  }

  /**
   * Closes the library (its threads stop, callbacks after that are dropped), delivers what it
   * queued before, fails every request still pended with NDIS_STATUS_REQUEST_ABORTED, unloads
   * the library and releases the callback.
   */
  close(): void {
    if (this.closed) return;
    this.fns.close(this.handle);
    this.drain(false);
    this.fns.stats(this.handle, this.statsOut);
    this.closed = true;
    this.wake.destroy();
    this.fns.free(this.handle);
    this.k.unregister(this.direct);
    for (const [requestId, p] of [...this.pending]) {
      this.pending.delete(requestId);
      this.emitCompletion({ requestId, kind: p.kind, oid: p.oid, status: NDIS_STATUS_REQUEST_ABORTED, bytesUsed: 0, bytesNeeded: 0 });
    }
  }

  /** The bridge calling on the JavaScript thread: an indication now, or (no buffer) "drain". */
  private onDirect(status: number, buffer: unknown, length: number): void {
    this.drain(false);
    if (buffer === null || length === 0) return;
    this.deliver(status >>> 0, new Uint8Array(this.k.view(buffer, length)));
  }

  private deliver(status: number, buffer: Uint8Array): void {
    const sinks = this.sinks;
    for (let i = 0; i < sinks.length; i++) sinks[i]!.indicate(status, buffer);
    if (this.indications.observed) this.indications.next({ status, buffer });
  }

  private emitCompletion(c: Completion): void {
    for (const sink of this.sinks) sink.complete(c);
    this.completions.next(c);
  }

  /** The buffer a batch fetched at `depth` is copied into (one per depth: records in use stay intact). */
  private batchFor(depth: number, length: number): Uint8Array {
    let s = this.batches[depth];
    if (s === undefined || s.length < length) {
      s = new Uint8Array(Math.max(length, 4096));
      this.batches[depth] = s;
    }
    return s;
  }

  /**
   * Takes the ring's records in batches: each batch is copied out and given back at the next
   * fetch, and its records are handled one by one from a cursor shared by every nesting level, so
   * a handler that makes the bridge drain again continues with the next record: nothing is
   * delivered twice or out of order. `sleep`: when empty, wait for the pipe.
   */
  private drain(sleep: boolean): void {
    if (this.closed) return;
    for (;;) {
      if (this.cursor >= this.end) {
        const n = this.fns.next(this.handle, this.release, sleep && this.depth === 0 ? 1 : 0, this.at);
        this.release = 0;
        if (n === 0) return;
        const from = this.at[0]!;
        const batch = this.batchFor(this.depth, n);
        batch.set(this.ring.subarray(from, from + n));
        this.release = n;
        this.batch = batch;
        this.batchView = new DataView(batch.buffer, batch.byteOffset, n);
        this.cursor = 0;
        this.end = n;
      }
      const v = this.batchView;
      const at = this.cursor;
      const type = v.getUint32(at, true);
      this.cursor = at + v.getUint32(at + 4, true);
      if (type === REC_WRAP) continue;
      const a = v.getUint32(at + 8, true);
      const token = v.getUint32(at + 12, true);
      const c = v.getUint32(at + 16, true);
      const d = v.getUint32(at + 20, true);
      const length = v.getUint32(at + 24, true);
      const e = v.getUint32(at + 28, true);
      const bytes = this.batch.subarray(at + REC_HEADER, at + REC_HEADER + length);
      this.depth++;
      try {
        switch (type) {
          case REC_INDICATE:
            this.deliver(a, bytes);
            this.fns.ack(this.handle, token, bytes, length);
            break;
          case REC_POST:
            this.deliver(a, bytes);
            break;
          case REC_COMPLETE:
            this.complete(a, c, d, e, bytes);
            break;
        }
      } finally {
        this.depth--;
      }
    }
  }

  private complete(requestId: number, status: number, bytesUsed: number, bytesNeeded: number, bytes: Uint8Array): void {
    const p = this.pending.get(requestId);
    if (p === undefined) {
      // Not pended (or completed already): the verifier above reports it; there is no buffer.
      this.emitCompletion({ requestId, kind: 'query', oid: 0, status: status >>> 0, bytesUsed, bytesNeeded });
      return;
    }
    this.pending.delete(requestId);
    p.buffer.set(bytes.subarray(0, Math.min(bytes.length, p.buffer.length)));
    this.emitCompletion({ requestId, kind: p.kind, oid: p.oid, status: status >>> 0, bytesUsed, bytesNeeded });
  }
}
