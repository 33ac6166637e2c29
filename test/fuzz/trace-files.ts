import fc from 'fast-check';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readTrace, type TraceWarning } from '../../trace/pcapng-reader.js';
import { TraceFormatError } from '../../trace/trace-error.js';
import type { TraceRecord } from '../../trace/trace-record.js';
import { wanemu } from '../support/cli.js';

/*
 * Real traces recorded by `wanemu run --trace`, their block layout, and ways to damage them:
 * cut at any offset, bytes flipped, garbage appended, a block length rewritten, or random bytes.
 */

/** A scratch directory for one test file, removed with `done`. */
export function scratch(prefix: string): { readonly dir: string; readonly path: (name: string) => string; readonly done: () => void } {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  return { dir, path: (name) => join(dir, name), done: () => rmSync(dir, { recursive: true, force: true }) };
}

/** Records `example` (a file under examples/) with the CLI in process; returns the trace's bytes. */
export async function recordExample(example: string, path: string): Promise<Uint8Array> {
  const r = await wanemu('run', join('examples', example), '--trace', path);
  if (r.code !== 0) throw new Error(`wanemu run ${example} exited ${r.code}: ${r.err}`);
  return new Uint8Array(readFileSync(path));
}

/** Where each block starts and ends (its offset and total length), walked from the lengths. */
export function blocksOf(bytes: Uint8Array): Array<{ readonly offset: number; readonly end: number; readonly type: number }> {
  const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const out: Array<{ offset: number; end: number; type: number }> = [];
  for (let at = 0; at + 8 <= bytes.length; ) {
    const total = dv.getUint32(at + 4, true);
    if (total < 12 || at + total > bytes.length) throw new Error(`not a well-formed recording at ${at}`);
    out.push({ offset: at, end: at + total, type: dv.getUint32(at, true) });
    at += total;
  }
  return out;
}

/**
 * A trace longer than `minBytes` made of a recording: its section header and interface
 * description, then its other blocks repeated. Large enough that the reader must refill and
 * grow its buffer (it reads 1 MB at a time).
 */
export function enlarge(bytes: Uint8Array, minBytes: number): Uint8Array {
  const blocks = blocksOf(bytes);
  const bodyAt = blocks.find((b) => b.type === 6)!.offset;
  const head = bytes.subarray(0, bodyAt);
  const body = bytes.subarray(bodyAt);
  const copies = Math.ceil(minBytes / body.length);
  const out = new Uint8Array(head.length + copies * body.length);
  out.set(head);
  for (let i = 0; i < copies; i++) out.set(body, head.length + i * body.length);
  return out;
}

/** What reading a trace to the end gave: its records, warnings, and the error that stopped it, if any. */
export interface ReadOutcome {
  readonly records: TraceRecord[];
  readonly warnings: TraceWarning[];
  readonly error: TraceFormatError | undefined;
}

/**
 * Reads a trace through the reader's API. A TraceFormatError ends the read and is returned;
 * any other exception escapes, which is what the fuzz tests look for.
 */
export function readAll(path: string): ReadOutcome {
  const records: TraceRecord[] = [];
  const warnings: TraceWarning[] = [];
  try {
    for (const r of readTrace(path, (w) => warnings.push(w))) records.push(r);
    return { records, warnings, error: undefined };
  } catch (e) {
    if (e instanceof TraceFormatError) return { records, warnings, error: e };
    throw e;
  }
}

/** The fields of a record a reader must reproduce, for comparing reads. */
export function recordKey(r: TraceRecord): string {
  return JSON.stringify({ block: r.block, offset: r.offset, kind: r.kind, seq: r.seq, code: r.code, requestId: r.requestId, status: r.status, data: Buffer.from(r.data).toString('hex') });
}

export type Damage =
  | { readonly how: 'flip'; readonly flips: ReadonlyArray<readonly [number, number]> }
  | { readonly how: 'append'; readonly garbage: Uint8Array }
  | { readonly how: 'length'; readonly blockPick: number; readonly which: 'leading' | 'trailing' | 'both'; readonly value: 'zero' | 'small' | 'odd' | 'fileSize' | 'huge' | 'max' | 'random'; readonly raw: number }
  | { readonly how: 'random'; readonly bytes: Uint8Array; readonly shbHead: boolean };

export const damage: fc.Arbitrary<Damage> = fc.oneof(
  { weight: 3, arbitrary: fc.array(fc.tuple(fc.nat(), fc.integer({ min: 1, max: 255 })), { minLength: 1, maxLength: 8 }).map((flips) => ({ how: 'flip' as const, flips })) },
  { weight: 2, arbitrary: fc.uint8Array({ minLength: 1, maxLength: 200 }).map((garbage) => ({ how: 'append' as const, garbage })) },
  {
    weight: 3,
    arbitrary: fc.record({
      how: fc.constant('length' as const),
      blockPick: fc.nat(),
      which: fc.constantFrom('leading', 'trailing', 'both'),
      value: fc.constantFrom('zero', 'small', 'odd', 'fileSize', 'huge', 'max', 'random'),
      raw: fc.nat({ max: 0xffffffff }),
    }),
  },
  { weight: 1, arbitrary: fc.record({ how: fc.constant('random' as const), bytes: fc.uint8Array({ maxLength: 400 }), shbHead: fc.boolean() }) },
);

/** The damaged bytes. */
export function applyDamage(original: Uint8Array, d: Damage): Uint8Array {
  switch (d.how) {
    case 'flip': {
      const out = original.slice();
      for (const [at, x] of d.flips) out[at % out.length]! ^= x;
      return out;
    }
    case 'append': {
      const out = new Uint8Array(original.length + d.garbage.length);
      out.set(original);
      out.set(d.garbage, original.length);
      return out;
    }
    case 'length': {
      const out = original.slice();
      const blocks = blocksOf(original);
      const b = blocks[d.blockPick % blocks.length]!;
      const value = { zero: 0, small: 8, odd: (b.end - b.offset) + 2, fileSize: original.length - b.offset + 4, huge: 0xfffffff0, max: 0xffffffff, random: d.raw }[d.value];
      const dv = new DataView(out.buffer);
      if (d.which !== 'trailing') dv.setUint32(b.offset + 4, value >>> 0, true);
      if (d.which !== 'leading') dv.setUint32(b.end - 4, value >>> 0, true);
      return out;
    }
    case 'random': {
      const out = d.bytes.slice();
      if (d.shbHead && out.length >= 12) {
        const dv = new DataView(out.buffer);
        dv.setUint32(0, 0x0a0d0d0a, true);
        dv.setUint32(8, 0x1a2b3c4d, true);
      }
      return out;
    }
  }
}

/** Writes bytes to a path and returns it. */
export function put(path: string, bytes: Uint8Array): string {
  writeFileSync(path, bytes);
  return path;
}
