import { closeSync, fstatSync, openSync, readSync } from 'node:fs';
import type { Abi, LayoutVariant, RequestKind } from '../oid/index.js';
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
  OPT_IF_TSRESOL,
  TSRESOL_NANOSECONDS,
  VERSION_MAJOR,
} from './pcapng.js';
import { TraceFormatError } from './trace-error.js';
import { ABI_CODES, RECORD_HEADER, RECORD_KINDS, RECORD_VERSION, RecordFields, type ReadRecord, type ReusableRecord } from './trace-record.js';

const CHUNK = 1 << 20;

/** What reading a trace found besides its records. */
export interface TraceWarning {
  readonly block: number;
  readonly offset: number;
  readonly message: string;
}

const ignore = (): void => undefined;

/** Kinds with no request of their own (no query or set). */
const NO_REQUEST_KIND: readonly boolean[] = RECORD_KINDS.map(
  (k) => k === 'indication' || k === 'indicationReturn' || k === 'remote' || k === 'tapi' || k === 'trpRequest' || k === 'trpReply' || k === 'trpEvent',
);

/**
 * Reads a wanemu pcapng trace record by record without making anything per record: the file is
 * read in 1 MB chunks into one buffer (with one DataView), and `next()` moves to the next
 * enhanced packet block's record and fills the cursor's fields in place. The cursor is itself
 * the current record (a TraceRecord), valid until the next call to `next()`: its bytes are
 * `bytes[dataStart, dataStart + dataLength)`; `data` gives a view of them, `record()` a record
 * of its own, `copyInto` refills a reusable one.
 *
 * It checks what `readTrace` checks, the same way: a file cut off inside a block ends the
 * records at the last whole block with a warning through `onWarning`; a file that is not a
 * wanemu trace, a block whose lengths are wrong, or a record of an unknown version throws
 * TraceFormatError naming the file, the block number and its byte offset. The file is closed at
 * the end, on an error, or by `close()` (for a reader that stops early).
 */
export class TraceCursor extends RecordFields {
  // The current record: the fields RecordFields holds, and these.
  /** The kind's code in the record header (1-based, RECORD_KINDS). */
  kindCode = 1;
  /** Where the record's bytes start in `bytes`, and how many there are. */
  dataStart = 0;
  dataLength = 0;

  private fd: number | undefined;
  private readonly fileSize: number;
  private buf = new Uint8Array(CHUNK);
  private dv = new DataView(this.buf.buffer);
  private words = new Int32Array(this.buf.buffer);
  /** File offset of buf[0], and the bytes valid in buf. */
  private start = 0;
  private have = 0;
  private eof = false;
  /** File offset and number of the next block. */
  private at = 0;
  private blocks = 0;
  private interfaces = 0;

  constructor(
    readonly path: string,
    private readonly onWarning: (w: TraceWarning) => void = ignore,
    /** The section header's comments (opt_comment): wanemu's run configuration, as JSON. */
    private readonly onComment: (text: string) => void = ignore,
  ) {
    super();
    const fd = openSync(path, 'r');
    try {
      // A block length is only believed as far as the file goes: a corrupt one (up to 4 GB) must
      // not make the reader grow its buffer to it.
      this.fileSize = fstatSync(fd).size;
    } catch (e) {
      closeSync(fd);
      throw e;
    }
    this.fd = fd;
  }

  /** The buffer the current record's bytes are in (replaced when a block outgrows it). */
  get bytes(): Uint8Array {
    return this.buf;
  }

  /** The current record's bytes: a view into the cursor's buffer, overwritten by later reads. */
  get data(): Uint8Array {
    return this.buf.subarray(this.dataStart, this.dataStart + this.dataLength);
  }

  /** Whether the file is still open (false after the end, an error or close()). */
  get open(): boolean {
    return this.fd !== undefined;
  }

  /** The current record as a record of its own, with its own copy of the bytes. */
  record(): ReadRecord {
    return this.frozen(this.buf.slice(this.dataStart, this.dataStart + this.dataLength));
  }

  /** Fills `r` with the current record, copying the bytes into its own buffer. */
  copyInto(r: ReusableRecord): void {
    r.fill(this, this.buf, this.words, this.dataStart, this.dataLength);
  }

  /** Moves to the next record; false at the end of the records (the file is then closed). */
  next(): boolean {
    if (this.fd === undefined) return false;
    try {
      if (this.advance()) return true;
    } catch (e) {
      this.close();
      throw e;
    }
    this.close();
    return false;
  }

  /** Closes the file; the cursor has no more records. */
  close(): void {
    const fd = this.fd;
    if (fd === undefined) return;
    this.fd = undefined;
    closeSync(fd);
  }

  /** Makes `n` bytes from the next block's offset available; false at end of file. */
  private need(n: number): boolean {
    const at = this.at;
    if (at - this.start + n <= this.have) return true;
    if (this.eof) return false;
    const keep = this.have - (at - this.start);
    if (n > this.buf.length) {
      const bigger = new Uint8Array(Math.max(n, this.buf.length * 2));
      bigger.set(this.buf.subarray(at - this.start, this.have));
      this.buf = bigger;
      this.dv = new DataView(bigger.buffer);
      this.words = new Int32Array(bigger.buffer, 0, bigger.length >> 2);
    } else {
      this.buf.copyWithin(0, at - this.start, this.have);
    }
    this.start = at;
    let have = keep;
    const buf = this.buf;
    while (have < buf.length && !this.eof) {
      const r = readSync(this.fd!, buf, have, buf.length - have, at + have);
      if (r === 0) this.eof = true;
      have += r;
    }
    this.have = have;
    return n <= have;
  }

  private fail(expected: string): never {
    throw new TraceFormatError(this.path, this.blocks, this.at, expected);
  }

  /** Reads blocks up to the next record and fills the fields; false at the end. */
  private advance(): boolean {
    for (;;) {
      const offset = this.at;
      const block = this.blocks;
      if (offset - this.start + BLOCK_OVERHEAD > this.have && !this.need(BLOCK_OVERHEAD)) {
        const left = this.have - (offset - this.start);
        if (left > 0) this.onWarning({ block, offset, message: `the file ends ${left} bytes into block ${block}: read up to the last whole block` });
        if (block === 0) this.fail('a pcapng section header block (the file is empty)');
        return false;
      }
      let o = offset - this.start;
      let dv = this.dv;
      const type = dv.getUint32(o, true);
      const total = dv.getUint32(o + 4, true);
      if (block === 0 && type !== BLOCK_SHB) this.fail(`a pcapng section header block (type 0x0a0d0d0a), found type 0x${type.toString(16)}`);
      if (total < BLOCK_OVERHEAD || total % 4 !== 0) this.fail(`a block length that is a multiple of 4 and at least 12, found ${total}`);
      if (offset + total > this.fileSize || (o + total > this.have && !this.need(total))) {
        this.onWarning({ block, offset, message: `the file ends inside block ${block} (${total} bytes long): read up to the last whole block` });
        return false;
      }
      // need() may have moved the block to the front of the buffer, or into a bigger one.
      o = offset - this.start;
      dv = this.dv;
      const trailing = dv.getUint32(o + total - 4, true);
      if (trailing !== total) this.fail(`the block's trailing length to repeat ${total}, found ${trailing}`);
      if (type === BLOCK_EPB) {
        if (this.interfaces === 0) this.fail('an interface description block before the first packet');
        const iface = dv.getUint32(o + 8, true);
        if (iface >= this.interfaces) this.fail(`interface 0..${this.interfaces - 1}, found ${iface}`);
        if (total < BLOCK_OVERHEAD + EPB_FIXED + RECORD_HEADER) this.fail(`an enhanced packet block holding a ${RECORD_HEADER}-byte record header`);
        const captured = dv.getUint32(o + 20, true);
        if (8 + EPB_FIXED + captured + 4 > total) this.fail(`a captured length that fits the block, found ${captured}`);
        const p = o + 28;
        const version = dv.getUint8(p);
        if (version !== RECORD_VERSION) this.fail(`record version ${RECORD_VERSION}, found ${version}`);
        const kindCode = dv.getUint8(p + 1);
        const kind = RECORD_KINDS[kindCode - 1];
        if (kind === undefined) this.fail(`a record kind 1..${RECORD_KINDS.length}, found ${kindCode}`);
        const abiCode = dv.getUint8(p + 3);
        const abi = ABI_CODES[abiCode];
        if (abi === undefined) this.fail(`an ABI code 0..${ABI_CODES.length - 1}, found ${abiCode}`);
        const dataLength = dv.getUint32(p + 28, true);
        if (RECORD_HEADER + dataLength !== captured) this.fail(`record data of ${captured - RECORD_HEADER} bytes (the captured length), the header says ${dataLength}`);
        this.block = block;
        this.offset = offset;
        this.tsHigh = dv.getUint32(o + 12, true);
        this.tsLow = dv.getUint32(o + 16, true);
        this.kind = kind!;
        this.kindCode = kindCode;
        this.seq = dv.getUint32(p + 4, true);
        this.abi = abi!.abi;
        this.variant = abi!.variant;
        this.code = dv.getUint32(p + 8, true);
        this.requestId = dv.getUint32(p + 12, true);
        this.requestKind = NO_REQUEST_KIND[kindCode - 1] ? undefined : dv.getUint8(p + 2) & 2 ? 'set' : 'query';
        this.status = dv.getUint32(p + 16, true);
        this.bytesUsed = dv.getUint32(p + 20, true);
        this.bytesNeeded = dv.getUint32(p + 24, true);
        this.dataStart = p + RECORD_HEADER;
        this.dataLength = dataLength;
        this.at = offset + total;
        this.blocks = block + 1;
        return true;
      }
      if (type === BLOCK_SHB) this.sectionHeader(o, total);
      else if (type === BLOCK_IDB) this.interfaceDescription(o, total);
      // Blocks of other types (statistics, comments, custom) are skipped, as pcapng allows.
      this.at = offset + total;
      this.blocks = block + 1;
    }
  }

  /** The section header block at `o` in the buffer, `total` bytes long. */
  private sectionHeader(o: number, total: number): void {
    const dv = this.dv;
    if (total < BLOCK_OVERHEAD + 16) this.fail('a section header of at least 28 bytes');
    if (dv.getUint32(o + 8, true) !== BYTE_ORDER_MAGIC) this.fail('the little-endian byte-order magic 0x1a2b3c4d (wanemu writes and reads little-endian traces)');
    if (dv.getUint16(o + 12, true) !== VERSION_MAJOR) this.fail(`pcapng major version ${VERSION_MAJOR}, found ${dv.getUint16(o + 12, true)}`);
    for (let x = 24; x + 4 <= total - 4; ) {
      const code = dv.getUint16(o + x, true);
      const len = dv.getUint16(o + x + 2, true);
      if (code === OPT_END || x + 4 + len > total - 4) break;
      if (code === OPT_COMMENT) this.onComment(new TextDecoder().decode(this.buf.subarray(o + x + 4, o + x + 4 + len)));
      x += 4 + ((len + 3) & ~3);
    }
  }

  /** The interface description block at `o` in the buffer, `total` bytes long. */
  private interfaceDescription(o: number, total: number): void {
    const dv = this.dv;
    if (total < BLOCK_OVERHEAD + 8) this.fail('an interface description of at least 20 bytes');
    const link = dv.getUint16(o + 8, true);
    if (link !== LINKTYPE_WANEMU) this.fail(`wanemu's link type ${LINKTYPE_WANEMU} (LINKTYPE_USER0), found ${link}`);
    let tsresolOk = false;
    for (let x = 16; x + 4 <= total - 4; ) {
      const code = dv.getUint16(o + x, true);
      const len = dv.getUint16(o + x + 2, true);
      if (code === OPT_END) break;
      if (code === OPT_IF_TSRESOL && len === 1) tsresolOk = dv.getUint8(o + x + 4) === TSRESOL_NANOSECONDS;
      x += 4 + ((len + 3) & ~3);
    }
    if (!tsresolOk) this.fail(`if_tsresol ${TSRESOL_NANOSECONDS} (nanosecond timestamps)`);
    this.interfaces++;
  }
}
