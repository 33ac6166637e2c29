import fc from 'fast-check';
import { TraceFormatError } from '../../trace/trace-error.js';
import { applyDamage, blocksOf, damage, enlarge, put, readAll, recordExample, recordKey, scratch, type ReadOutcome } from './trace-files.js';

/*
 * readTrace on real traces damaged every way: cut at every offset class, bytes flipped, garbage
 * appended, block lengths rewritten (zero, odd, past the end, 4 GB), random files. The only
 * exception that may leave the reader is TraceFormatError, naming the file, the block, its
 * byte offset and what was expected; a cut-off file reads up to its last whole block.
 */

const tmp = scratch('wanemu-fuzz-trace-');
afterAll(() => tmp.done());

const EXAMPLES = ['incoming-accept-answer.yaml', 'tapi-blind-transfer.yaml'] as const;
const originals = new Map<string, { readonly bytes: Uint8Array; readonly keys: string[] }>();

beforeAll(async () => {
  for (const e of EXAMPLES) {
    const path = tmp.path(`${e}.pcapng`);
    const bytes = await recordExample(e, path);
    const read = readAll(path);
    if (read.error !== undefined || read.warnings.length > 0) throw new Error(`the recording of ${e} does not read cleanly`);
    originals.set(e, { bytes, keys: read.records.map(recordKey) });
  }
});

/** The error's fields are those of a TraceFormatError about this file, at a place inside it. */
function expectWellFormedError(e: TraceFormatError, path: string, size: number): void {
  expect(e).toBeInstanceOf(TraceFormatError);
  expect(e.file).toBe(path);
  expect(Number.isInteger(e.block) && e.block >= 0).toBe(true);
  expect(Number.isInteger(e.offset) && e.offset >= 0 && e.offset <= size).toBe(true);
  expect(e.expected.length).toBeGreaterThan(0);
  expect(e.message).toContain(path);
  expect(e.message).toContain(`block ${e.block}`);
  expect(e.message).toContain(`byte ${e.offset}`);
}

function readDamaged(name: string, bytes: Uint8Array): { readonly path: string; readonly outcome: ReadOutcome } {
  const path = put(tmp.path(name), bytes);
  let outcome: ReadOutcome;
  try {
    outcome = readAll(path);
  } catch (e) {
    throw new Error(`the reader let ${String(e)} escape on ${bytes.length} bytes`);
  }
  if (outcome.error !== undefined) expectWellFormedError(outcome.error, path, bytes.length);
  return { path, outcome };
}

describe.each(EXAMPLES)('readTrace on a damaged recording of %s', (example) => {
  test('cut at every offset class: reads exactly the whole blocks before the cut, warns when a block was cut', () => {
    const { bytes, keys } = originals.get(example)!;
    const blocks = blocksOf(bytes);
    // Every block boundary, every offset inside the first blocks' headers, just inside each
    // header, the middle of each body, just before each trailing length, and every 13th byte.
    const cuts = new Set<number>([0, bytes.length]);
    for (const b of blocks) {
      for (const d of [0, 1, 4, 7, 8, 11, 12, 13, b.end - b.offset - 4, b.end - b.offset - 1]) cuts.add(b.offset + d);
      cuts.add((b.offset + b.end) >> 1);
    }
    for (let at = 0; at < Math.min(bytes.length, 200); at++) cuts.add(at);
    for (let at = 0; at < bytes.length; at += 13) cuts.add(at);
    for (const cut of [...cuts].filter((c) => c >= 0 && c <= bytes.length)) {
      const { path, outcome } = readDamaged(`cut-${cut}.pcapng`, bytes.subarray(0, cut));
      const whole = blocks.filter((b) => b.end <= cut);
      const atBoundary = cut === 0 || blocks.some((b) => b.end === cut);
      if (cut === 0) {
        // An empty file is not a trace.
        expect(outcome.error?.file).toBe(path);
        continue;
      }
      if (cut < 12) {
        // Not even a block header: the file ends in block 0, which is an error about the file.
        expect({ cut, error: outcome.error?.block }).toEqual({ cut, error: 0 });
        continue;
      }
      expect({ cut, error: outcome.error?.message }).toEqual({ cut, error: undefined });
      const expectedRecords = keys.slice(0, whole.filter((b) => b.type === 6).length);
      expect(outcome.records.map(recordKey)).toEqual(expectedRecords);
      expect({ cut, warned: outcome.warnings.length > 0 }).toEqual({ cut, warned: !atBoundary });
      for (const w of outcome.warnings) {
        expect(w.block).toBe(whole.length);
        expect(w.offset).toBe(whole.length === 0 ? 0 : whole[whole.length - 1]!.end);
      }
    }
  });

  test('flipped bytes, appended garbage, rewritten block lengths, random files: TraceFormatError or records, nothing else', () => {
    const { bytes, keys } = originals.get(example)!;
    let errors = 0;
    let clean = 0;
    fc.assert(
      fc.property(damage, (d) => {
        const damaged = applyDamage(bytes, d);
        const { outcome } = readDamaged('damaged.pcapng', damaged);
        if (outcome.error !== undefined) errors++;
        else clean++;
        // Records come in file order, each at a block of its own, inside the file.
        const offsets = outcome.records.map((r) => r.offset);
        expect(offsets).toEqual([...offsets].sort((a, b) => a - b));
        expect(new Set(offsets).size).toBe(offsets.length);
        for (const r of outcome.records) expect(r.offset + 12 + r.data.length).toBeLessThanOrEqual(damaged.length);
        if (d.how === 'append') {
          // The original is read in full; anything wrong lies in the garbage.
          expect(outcome.records.slice(0, keys.length).map(recordKey)).toEqual(keys);
          if (outcome.error !== undefined) expect(outcome.error.offset).toBeGreaterThanOrEqual(bytes.length);
        }
      }),
      { seed: 0x5eed_0301 + EXAMPLES.indexOf(example), numRuns: 600 },
    );
    expect(errors).toBeGreaterThan(50);
    expect(clean).toBeGreaterThan(10);
  });
});

describe('readTrace on a trace larger than its read buffer', () => {
  // Found by this campaign: a block length rewritten to 4 GB in a file over 1 MB made the reader
  // allocate a 4 GB buffer and let node's RangeError (readSync's length) escape.
  test('a block length rewritten anywhere, up to 4 GB: the blocks before it, a warning or a TraceFormatError', () => {
    const big = enlarge(originals.get(EXAMPLES[0])!.bytes, 3 << 20);
    const blocks = blocksOf(big);
    const full = readAll(put(tmp.path('big.pcapng'), big));
    expect(full.error).toBeUndefined();
    fc.assert(
      fc.property(fc.nat({ max: blocks.length - 1 }), fc.constantFrom(0xfffffff0, 0xfffffffc, 0x7ffffff0, 0x80000000, 0x00200000), (pick, length) => {
        const b = blocks[pick]!;
        const damaged = big.slice();
        new DataView(damaged.buffer).setUint32(b.offset + 4, length, true);
        const { outcome } = readDamaged('big-damaged.pcapng', damaged);
        // Every block before the damaged one is read as before.
        const before = full.records.filter((r) => r.offset < b.offset).map(recordKey);
        expect(outcome.records.slice(0, before.length).map(recordKey)).toEqual(before);
        if (b.offset + length > damaged.length) {
          // Longer than the file: read as a file cut off inside that block.
          expect(outcome.error).toBeUndefined();
          expect(outcome.records.length).toBe(before.length);
          expect(outcome.warnings.map((w) => w.offset)).toEqual([b.offset]);
        }
      }),
      { seed: 0x5eed_0310, numRuns: 40 },
    );
  });
});
