import { closeSync, fstatSync, openSync, readSync } from 'node:fs';
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
import { ABI_CODES, RECORD_HEADER, RECORD_KINDS, RECORD_VERSION, ReadRecord, type TraceRecord } from './trace-record.js';

const CHUNK = 1 << 20;

/** What reading a trace found besides its records. */
export interface TraceWarning {
  readonly block: number;
  readonly offset: number;
  readonly message: string;
}

/**
 * Reads a wanemu pcapng trace as a stream, in chunks, with flat memory: yields each record of
 * the enhanced packet blocks in order. A file cut off inside a block (a crash while recording)
 * ends the stream at the last whole block and reports a warning through `onWarning`. A file
 * that is not a wanemu trace, a block whose lengths are wrong, or a record of an unknown
 * version throws TraceFormatError naming the file, the block number and its byte offset.
 */
export function* readTrace(
  path: string,
  onWarning: (w: TraceWarning) => void = () => undefined,
  /** The section header's comments (opt_comment): wanemu's run configuration, as JSON. */
  onComment: (text: string) => void = () => undefined,
): Generator<TraceRecord> {
  const fd = openSync(path, 'r');
  try {
    // A block length is only believed as far as the file goes: a corrupt one (up to 4 GB) must
    // not make the reader grow its buffer to it.
    const fileSize = fstatSync(fd).size;
    let buf = new Uint8Array(CHUNK);
    let start = 0; // file offset of buf[0]
    let have = 0; // bytes valid in buf
    let eof = false;
    let offset = 0; // file offset of the next block
    let block = 0;
    let tsresolOk = false;
    let interfaces = 0;

    /** Makes `n` bytes from `offset` available; false at end of file. */
    const need = (n: number): boolean => {
      if (offset - start + n <= have) return true;
      if (eof) return false;
      const keep = have - (offset - start);
      if (n > buf.length) {
        const bigger = new Uint8Array(Math.max(n, buf.length * 2));
        bigger.set(buf.subarray(offset - start, have));
        buf = bigger;
      } else {
        buf.copyWithin(0, offset - start, have);
      }
      start = offset;
      have = keep;
      while (have < buf.length && !eof) {
        const r = readSync(fd, buf, have, buf.length - have, start + have);
        if (r === 0) eof = true;
        have += r;
      }
      return offset - start + n <= have;
    };
    const fail = (expected: string): never => {
      throw new TraceFormatError(path, block, offset, expected);
    };

    for (;;) {
      if (!need(BLOCK_OVERHEAD)) {
        const left = have - (offset - start);
        if (left > 0) onWarning({ block, offset, message: `the file ends ${left} bytes into block ${block}: read up to the last whole block` });
        if (block === 0) fail('a pcapng section header block (the file is empty)');
        return;
      }
      const dv = new DataView(buf.buffer, buf.byteOffset + (offset - start));
      const type = dv.getUint32(0, true);
      const total = dv.getUint32(4, true);
      if (block === 0 && type !== BLOCK_SHB) fail(`a pcapng section header block (type 0x0a0d0d0a), found type 0x${type.toString(16)}`);
      if (total < BLOCK_OVERHEAD || total % 4 !== 0) fail(`a block length that is a multiple of 4 and at least 12, found ${total}`);
      if (offset + total > fileSize || !need(total)) {
        onWarning({ block, offset, message: `the file ends inside block ${block} (${total} bytes long): read up to the last whole block` });
        return;
      }
      const b = new DataView(buf.buffer, buf.byteOffset + (offset - start), total);
      if (b.getUint32(total - 4, true) !== total) fail(`the block's trailing length to repeat ${total}, found ${b.getUint32(total - 4, true)}`);
      switch (type) {
        case BLOCK_SHB:
          if (total < BLOCK_OVERHEAD + 16) fail('a section header of at least 28 bytes');
          if (b.getUint32(8, true) !== BYTE_ORDER_MAGIC) fail('the little-endian byte-order magic 0x1a2b3c4d (wanemu writes and reads little-endian traces)');
          if (b.getUint16(12, true) !== VERSION_MAJOR) fail(`pcapng major version ${VERSION_MAJOR}, found ${b.getUint16(12, true)}`);
          for (let o = 24; o + 4 <= total - 4; ) {
            const code = b.getUint16(o, true);
            const len = b.getUint16(o + 2, true);
            if (code === OPT_END || o + 4 + len > total - 4) break;
            if (code === OPT_COMMENT) onComment(new TextDecoder().decode(new Uint8Array(b.buffer, b.byteOffset + o + 4, len)));
            o += 4 + ((len + 3) & ~3);
          }
          break;
        case BLOCK_IDB: {
          if (total < BLOCK_OVERHEAD + 8) fail('an interface description of at least 20 bytes');
          const link = b.getUint16(8, true);
          if (link !== LINKTYPE_WANEMU) fail(`wanemu's link type ${LINKTYPE_WANEMU} (LINKTYPE_USER0), found ${link}`);
          tsresolOk = false;
          for (let o = 16; o + 4 <= total - 4; ) {
            const code = b.getUint16(o, true);
            const len = b.getUint16(o + 2, true);
            if (code === OPT_END) break;
            if (code === OPT_IF_TSRESOL && len === 1) tsresolOk = b.getUint8(o + 4) === TSRESOL_NANOSECONDS;
            o += 4 + ((len + 3) & ~3);
          }
          if (!tsresolOk) fail(`if_tsresol ${TSRESOL_NANOSECONDS} (nanosecond timestamps)`);
          interfaces++;
          break;
        }
        case BLOCK_EPB: {
          if (interfaces === 0) fail('an interface description block before the first packet');
          if (b.getUint32(8, true) >= interfaces) fail(`interface 0..${interfaces - 1}, found ${b.getUint32(8, true)}`);
          if (total < BLOCK_OVERHEAD + EPB_FIXED + RECORD_HEADER) fail(`an enhanced packet block holding a ${RECORD_HEADER}-byte record header`);
          const captured = b.getUint32(20, true);
          if (8 + EPB_FIXED + captured + 4 > total) fail(`a captured length that fits the block, found ${captured}`);
          const p = 28;
          const version = b.getUint8(p);
          if (version !== RECORD_VERSION) fail(`record version ${RECORD_VERSION}, found ${version}`);
          const kind = RECORD_KINDS[b.getUint8(p + 1) - 1];
          if (kind === undefined) fail(`a record kind 1..${RECORD_KINDS.length}, found ${b.getUint8(p + 1)}`);
          const abi = ABI_CODES[b.getUint8(p + 3)];
          if (abi === undefined) fail(`an ABI code 0..${ABI_CODES.length - 1}, found ${b.getUint8(p + 3)}`);
          const dataLength = b.getUint32(p + 28, true);
          if (RECORD_HEADER + dataLength !== captured) fail(`record data of ${captured - RECORD_HEADER} bytes (the captured length), the header says ${dataLength}`);
          const flags = b.getUint8(p + 2);
          const data = buf.slice(offset - start + p + RECORD_HEADER, offset - start + p + RECORD_HEADER + dataLength);
          yield new ReadRecord(
            block,
            offset,
            b.getUint32(12, true),
            b.getUint32(16, true),
            kind!,
            b.getUint32(p + 4, true),
            abi!.abi,
            abi!.variant,
            b.getUint32(p + 8, true),
            b.getUint32(p + 12, true),
            kind === 'indication' || kind === 'indicationReturn' || kind === 'remote' || kind === 'tapi' || kind === 'trpRequest' || kind === 'trpReply' || kind === 'trpEvent' ? undefined : flags & 2 ? 'set' : 'query',
            b.getUint32(p + 16, true),
            b.getUint32(p + 20, true),
            b.getUint32(p + 24, true),
            data,
          );
          break;
        }
        default:
          // Blocks of other types (statistics, comments, custom) are skipped, as pcapng allows.
          break;
      }
      offset += total;
      block++;
    }
  } finally {
    closeSync(fd);
  }
}
