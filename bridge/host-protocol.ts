import { readSync, writeSync } from 'node:fs';

/**
 * The frames between IsolatedMiniport (wanemu) and native-host (the child process that loads
 * the library), over two FIFOs read and written synchronously. A frame is a 24-byte header
 * (u32 total length, type, a, b, c, d; little-endian) and a payload.
 */
export const FRAME = {
  /** wanemu → host: a request (a id, b kind 0 query / 1 set, c OID; payload the buffer). */
  request: 1,
  /** wanemu → host: a control command (payload UTF-8). */
  control: 2,
  /** wanemu → host: the answer to an indication (payload the buffer as NDISTAPI left it). */
  ack: 3,
  /** wanemu → host: deliver whatever the library's threads queued, then `done`. */
  pull: 4,
  /** wanemu → host: close the library and exit. */
  close: 5,
  /** host → wanemu: an indication (a status; payload the buffer); wanemu answers `ack`. */
  indication: 11,
  /** host → wanemu: a request's answer (a status, b bytes used, c bytes needed; payload the buffer after). */
  result: 12,
  /** host → wanemu: a control's answer (a 0 understood, else the library's status; payload the reply). */
  controlResult: 13,
  /** host → wanemu: a completion (a request id, b status, c used, d needed; payload the buffer). */
  completion: 14,
  /** host → wanemu: the end of a pull. */
  done: 15,
  /** host → wanemu: the library is open (a 0), or could not be (a 1, payload why). */
  opened: 16,
  /** watchdog → wanemu: the host died (a signal number or 0, b exit code, c 1 crashed / 2 hung and killed). */
  died: 17,
} as const;

export interface Frame {
  readonly type: number;
  readonly a: number;
  readonly b: number;
  readonly c: number;
  readonly d: number;
  readonly payload: Uint8Array;
}

const HEADER = 24;

function readExactly(fd: number, into: Uint8Array, length: number): boolean {
  let got = 0;
  while (got < length) {
    let n: number;
    try {
      n = readSync(fd, into, got, length - got, null);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'EAGAIN' || (e as NodeJS.ErrnoException).code === 'EINTR') continue;
      throw e;
    }
    if (n === 0) return false;
    got += n;
  }
  return true;
}

/** Reads one frame, blocking; undefined at end of file. */
export function readFrame(fd: number): Frame | undefined {
  const h = new Uint8Array(HEADER);
  if (!readExactly(fd, h, HEADER)) return undefined;
  const v = new DataView(h.buffer);
  const total = v.getUint32(0, true);
  const payload = new Uint8Array(Math.max(0, total - HEADER));
  if (payload.length > 0 && !readExactly(fd, payload, payload.length)) return undefined;
  return { type: v.getUint32(4, true), a: v.getUint32(8, true), b: v.getUint32(12, true), c: v.getUint32(16, true), d: v.getUint32(20, true), payload };
}

/** Writes one frame, whole (a FIFO write of at most PIPE_BUF bytes is atomic; longer ones come from one writer at a time). */
export function writeFrame(fd: number, type: number, a = 0, b = 0, c = 0, d = 0, payload: Uint8Array = new Uint8Array(0)): void {
  const bytes = new Uint8Array(HEADER + payload.length);
  const v = new DataView(bytes.buffer);
  v.setUint32(0, bytes.length, true);
  v.setUint32(4, type, true);
  v.setUint32(8, a >>> 0, true);
  v.setUint32(12, b >>> 0, true);
  v.setUint32(16, c >>> 0, true);
  v.setUint32(20, d >>> 0, true);
  bytes.set(payload, HEADER);
  let done = 0;
  while (done < bytes.length) done += writeSync(fd, bytes, done, bytes.length - done);
}

export const utf8 = new TextEncoder();
export const fromUtf8 = new TextDecoder();
