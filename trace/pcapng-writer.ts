import { closeSync, openSync, writeSync } from 'node:fs';
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

const FLUSH_AT = 1 << 20;

/**
 * Writes a pcapng file as a stream: the section header and one interface (LINKTYPE_USER0,
 * nanosecond timestamps) at once, then one enhanced packet block per record. Blocks collect in
 * a buffer that goes to the file whenever it passes 1 MB, on `flush()`, on `close()`, and when
 * the process exits, so a crash loses at most the unflushed tail, and a file cut anywhere
 * reads back up to its last whole block.
 */
export class PcapngWriter {
  private readonly fd: number;
  private buf = new Uint8Array(FLUSH_AT * 2);
  private dv = new DataView(this.buf.buffer);
  private used = 0;
  private closed = false;
  private pendingTotal = 0;
  private readonly onExit = (): void => this.flush();

  /** `comment` goes into the section header (opt_comment): wanemu puts its run's configuration there. */
  constructor(
    readonly path: string,
    interfaceName = 'wanemu',
    comment?: string,
  ) {
    this.fd = openSync(path, 'w');
    this.sectionHeader(comment);
    this.interfaceDescription(interfaceName);
    process.on('exit', this.onExit);
  }

  /**
   * Appends one enhanced packet block: `header` then `data` as the packet, at `timeNs`
   * nanoseconds (a whole number; exact up to 2^53 ns, 104 days of clock time).
   */
  packet(timeNs: number, header: Uint8Array, data: Uint8Array): void {
    const at = this.beginPacket(timeNs, header.length, data);
    this.buf.set(header, at);
    this.endPacket();
  }

  /**
   * Starts an enhanced packet block whose packet is `headerLength` bytes the caller writes at
   * the returned offset of `bytes` / `view`, followed by `data` (copied here). Call `endPacket`
   * right after writing the header.
   */
  beginPacket(timeNs: number, headerLength: number, data: Uint8Array): number {
    const length = headerLength + data.length;
    const total = BLOCK_OVERHEAD + EPB_FIXED + pad4(length);
    const at = this.reserve(total);
    const dv = this.dv;
    dv.setUint32(at, BLOCK_EPB, true);
    dv.setUint32(at + 4, total, true);
    dv.setUint32(at + 8, 0, true); // interface 0
    dv.setUint32(at + 12, Math.floor(timeNs / 4294967296), true);
    dv.setUint32(at + 16, timeNs >>> 0, true);
    dv.setUint32(at + 20, length, true);
    dv.setUint32(at + 24, length, true);
    const d = at + 28 + headerLength;
    if (data.length <= 64) {
      for (let i = 0; i < data.length; i++) this.buf[d + i] = data[i]!;
    } else {
      this.buf.set(data, d);
    }
    for (let i = d + data.length; i < at + total - 4; i++) this.buf[i] = 0;
    dv.setUint32(at + total - 4, total, true);
    this.pendingTotal = total;
    return at + 28;
  }

  endPacket(): void {
    this.used += this.pendingTotal;
    if (this.used >= FLUSH_AT) this.flush();
  }

  /** The buffer blocks are built in (valid until the next call that writes). */
  get bytes(): Uint8Array {
    return this.buf;
  }

  get view(): DataView {
    return this.dv;
  }

  flush(): void {
    if (this.used === 0 || this.closed) return;
    let done = 0;
    while (done < this.used) done += writeSync(this.fd, this.buf, done, this.used - done);
    this.used = 0;
  }

  close(): void {
    if (this.closed) return;
    this.flush();
    this.closed = true;
    process.off('exit', this.onExit);
    closeSync(this.fd);
  }

  private reserve(n: number): number {
    if (this.used + n > this.buf.length) {
      this.flush();
      if (n > this.buf.length) {
        this.buf = new Uint8Array(pad4(n) * 2);
        this.dv = new DataView(this.buf.buffer);
      }
    }
    return this.used;
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
