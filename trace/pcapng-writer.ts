import { closeSync, openSync } from 'node:fs';
import {
  BLOCK_EPB,
  BLOCK_IDB,
  BLOCK_OVERHEAD,
  BLOCK_SHB,
  BYTE_ORDER_MAGIC,
  EPB_FIXED,
  LINKTYPE_WANEMU,
  OPT_COMMENT,
  OPT_END,
  OPT_IF_NAME,
  OPT_IF_TSRESOL,
  TSRESOL_NANOSECONDS,
  VERSION_MAJOR,
  VERSION_MINOR,
  pad4,
} from './pcapng.js';

import { WriteRing, writeAll } from './trace-write-worker.js';

/** Blocks go to the file whenever this much collects. */
const FLUSH_AT = 1 << 20;
/** The buffer blocks are built in: room for FLUSH_AT and a block that crosses it. */
const SEGMENT = FLUSH_AT * 2;

/** True on a little-endian host, where `words` are the file's byte order as they are. */
const HOST_LE = new Uint8Array(Uint32Array.of(1).buffer)[0] === 1;

const swap32 = (v: number): number => (((v & 0xff) << 24) | ((v & 0xff00) << 8) | ((v >>> 8) & 0xff00) | (v >>> 24)) >>> 0;

export interface PcapngWriterOptions {
  /**
   * Whether the file writes may move to a worker thread once the trace passes its first 1 MB
   * (default true). A short trace never starts one.
   */
  readonly writeThread?: boolean;
}

/**
 * Writes a pcapng file as a stream: the section header and one interface (LINKTYPE_USER0,
 * nanosecond timestamps) at once, then one enhanced packet block per record. Blocks collect in
 * a buffer that goes to the file whenever it passes 1 MB, on `flush()`, on `close()`, and when
 * the process exits (also after an uncaught exception), so a crash loses at most the unwritten
 * tail, and a file cut anywhere reads back up to its last whole block.
 *
 * The first 1 MB is written from this thread. After it, the writes move to a worker thread
 * (trace-write-worker.ts): this thread builds blocks in a ring of shared segments and hands each
 * full one over, waiting only when the worker is SEGMENTS segments behind. `flush()`, `close()`
 * and the exit handler wait until the worker has written everything handed over.
 */
export class PcapngWriter {
  private readonly fd: number;
  private buf: Uint8Array = new Uint8Array(SEGMENT);
  private dv: DataView = new DataView(this.buf.buffer);
  private u32: Uint32Array = new Uint32Array(this.buf.buffer);
  private used = 0;
  /** File offset of buf[0]. */
  private position = 0;
  private ring: WriteRing | undefined;
  /** The buffer holds one block bigger than a segment, built apart from the ring. */
  private oversize = false;
  private closed = false;
  private pendingTotal = 0;
  private pendingWords = 0;
  private readonly writeThread: boolean;
  private readonly onExit = (): void => this.flush();

  /** `comment` goes into the section header (opt_comment): wanemu puts its run's configuration there. */
  constructor(
    readonly path: string,
    interfaceName = 'wanemu',
    comment?: string,
    options: PcapngWriterOptions = {},
  ) {
    this.writeThread = options.writeThread ?? true;
    this.fd = openSync(path, 'w');
    this.sectionHeader(comment);
    this.interfaceDescription(interfaceName);
    process.on('exit', this.onExit);
  }

  /**
   * Starts an enhanced packet block at `timeNs` nanoseconds (a whole number; exact up to 2^53
   * ns, 104 days of clock time) whose packet is `headerLength` bytes (a multiple of 4) that the
   * caller writes at the returned byte offset of `bytes`, followed by `data` (copied here). The
   * caller writes the header as 32-bit words in `words` (at index offset / 4: blocks are 4-byte
   * aligned), then calls `endPacket`.
   */
  beginPacket(timeNs: number, headerLength: number, data: Uint8Array): number {
    const at = this.beginPacketOf(timeNs, headerLength, data.length);
    // TypedArray set is a memmove: faster than a byte loop even for a few dozen bytes.
    if (data.length > 0) this.buf.set(data, at + headerLength);
    return at;
  }

  /** As `beginPacket`, for `dataLength` bytes of data the caller writes too, right after the header. */
  beginPacketOf(timeNs: number, headerLength: number, dataLength: number): number {
    const length = headerLength + dataLength;
    const total = BLOCK_OVERHEAD + EPB_FIXED + pad4(length);
    const at = this.reserve(total);
    const u = this.u32;
    const w = at >> 2;
    u[w] = BLOCK_EPB;
    u[w + 1] = total;
    u[w + 2] = 0; // interface 0
    u[w + 3] = Math.floor(timeNs / 4294967296);
    u[w + 4] = timeNs >>> 0;
    u[w + 5] = length;
    u[w + 6] = length;
    // The last word of the padded packet: its padding bytes stay 0 once the data is written over it.
    u[w + (total >> 2) - 2] = 0;
    u[w + (total >> 2) - 1] = total;
    this.pendingTotal = total;
    this.pendingWords = 7 + (headerLength >> 2);
    return at + 28;
  }

  endPacket(): void {
    if (!HOST_LE) this.toLittleEndian(this.used >> 2, this.pendingWords, this.pendingTotal);
    this.used += this.pendingTotal;
    if (this.used >= FLUSH_AT) this.emit(true);
  }

  /** The buffer blocks are built in (valid until the next call that writes). */
  get bytes(): Uint8Array {
    return this.buf;
  }

  get view(): DataView {
    return this.dv;
  }

  /** The same buffer as 32-bit words in the host's byte order (see `beginPacket`). */
  get words(): Uint32Array {
    return this.u32;
  }

  /** Whether the worker thread has been started (the trace has passed its first 1 MB, with the worker allowed). */
  get workerStarted(): boolean {
    return this.ring !== undefined;
  }

  /** Whether a worker thread is writing the file (true once the trace has passed its first 1 MB and the worker is up). */
  get threaded(): boolean {
    return this.ring?.threaded ?? false;
  }

  /** Writes everything recorded so far to the file, and waits until it is there. */
  flush(): void {
    if (this.closed) return;
    this.emit(false);
    this.ring?.drain();
  }

  close(): void {
    if (this.closed) return;
    this.flush();
    this.ring?.stop();
    this.closed = true;
    process.off('exit', this.onExit);
    closeSync(this.fd);
  }

  /**
   * Sends the buffer's blocks on: to the worker once it runs, else to the file from here. The
   * first time the buffer fills (`full`) with the worker allowed, the worker starts.
   */
  private emit(full: boolean): void {
    if (this.used === 0 || this.closed) return;
    if (this.ring !== undefined && !this.oversize) {
      this.ring.publish(this.used, this.position);
    } else {
      writeAll(this.fd, this.buf.subarray(0, this.used), this.position);
    }
    this.position += this.used;
    this.used = 0;
    if (this.ring === undefined && this.writeThread && full) this.ring = new WriteRing(this.fd, SEGMENT);
    if (this.ring !== undefined) {
      this.oversize = false;
      this.use(new Uint8Array(this.ring.segment(), this.ring.slotOffset(), SEGMENT));
    } else if (this.oversize) {
      this.oversize = false;
      this.use(new Uint8Array(SEGMENT));
    }
  }

  private use(buf: Uint8Array): void {
    this.buf = buf;
    this.dv = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
    this.u32 = new Uint32Array(buf.buffer, buf.byteOffset, buf.byteLength >> 2);
  }

  /** Room for an `n`-byte block (n a multiple of 4); returns its offset in the buffer. */
  private reserve(n: number): number {
    if (this.used + n > this.buf.length) {
      this.emit(true);
      if (n > this.buf.length) {
        // Bigger than a segment: built apart, written from here once the worker is done, so the
        // file still grows in order.
        this.ring?.drain();
        this.oversize = true;
        this.use(new Uint8Array(pad4(n)));
      }
    }
    return this.used;
  }

  /** On a big-endian host: the block's words written in host order, made little-endian. */
  private toLittleEndian(w: number, words: number, total: number): void {
    const u = this.u32;
    for (let i = w; i < w + words; i++) u[i] = swap32(u[i]!);
    u[w + (total >> 2) - 1] = swap32(u[w + (total >> 2) - 1]!);
  }

  private sectionHeader(comment: string | undefined): void {
    const text = comment === undefined ? undefined : new TextEncoder().encode(comment);
    const options = text === undefined ? 0 : 4 + pad4(text.length) + 4;
    const total = BLOCK_OVERHEAD + 16 + options;
    const at = this.reserve(total);
    const dv = this.dv;
    this.buf.fill(0, at, at + total);
    if (text !== undefined) {
      dv.setUint16(at + 24, OPT_COMMENT, true);
      dv.setUint16(at + 26, text.length, true);
      this.buf.set(text, at + 28);
    }
    dv.setUint32(at, BLOCK_SHB, true);
    dv.setUint32(at + 4, total, true);
    dv.setUint32(at + 8, BYTE_ORDER_MAGIC, true);
    dv.setUint16(at + 12, VERSION_MAJOR, true);
    dv.setUint16(at + 14, VERSION_MINOR, true);
    // Section length unknown: -1.
    dv.setInt32(at + 16, -1, true);
    dv.setInt32(at + 20, -1, true);
    dv.setUint32(at + total - 4, total, true);
    this.used += total;
  }

  private interfaceDescription(name: string): void {
    const nameBytes = new TextEncoder().encode(name);
    const options = 4 + pad4(nameBytes.length) + 4 + 4 + 4;
    const total = BLOCK_OVERHEAD + 8 + options;
    const at = this.reserve(total);
    const dv = this.dv;
    this.buf.fill(0, at, at + total);
    dv.setUint32(at, BLOCK_IDB, true);
    dv.setUint32(at + 4, total, true);
    dv.setUint16(at + 8, LINKTYPE_WANEMU, true);
    dv.setUint16(at + 10, 0, true);
    dv.setUint32(at + 12, 0, true); // snaplen: no limit
    let o = at + 16;
    dv.setUint16(o, OPT_IF_NAME, true);
    dv.setUint16(o + 2, nameBytes.length, true);
    this.buf.set(nameBytes, o + 4);
    o += 4 + pad4(nameBytes.length);
    dv.setUint16(o, OPT_IF_TSRESOL, true);
    dv.setUint16(o + 2, 1, true);
    dv.setUint8(o + 4, TSRESOL_NANOSECONDS);
    o += 8;
    dv.setUint16(o, OPT_END, true);
    dv.setUint16(o + 2, 0, true);
    dv.setUint32(at + total - 4, total, true);
    this.used += total;
  }
}
