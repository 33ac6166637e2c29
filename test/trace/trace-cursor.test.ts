import fc from 'fast-check';
import { readdirSync, readFileSync } from 'node:fs';
import { NDIS_STATUS_TAPI_INDICATION, OID_TAPI_ANSWER } from '../../oid/index.js';
import { readTrace, type TraceWarning } from '../../trace/pcapng-reader.js';
import { PcapngWriter } from '../../trace/pcapng-writer.js';
import { EPB_FIXED } from '../../trace/pcapng.js';
import { TraceCursor } from '../../trace/trace-cursor.js';
import { TraceFormatError } from '../../trace/trace-error.js';
import { RECORD_HEADER, ReusableRecord, type TraceRecord } from '../../trace/trace-record.js';
import { TraceRecorder } from '../../trace/trace-recorder.js';
import { applyDamage, blocksOf, damage, enlarge, put, recordExample, scratch } from '../fuzz/trace-files.js';

/*
 * TraceCursor reads what readTrace reads (readTrace is built on it): the same records, field for
 * field and byte for byte, the same warnings and TraceFormatErrors, the same section comments,
 * on good, cut and damaged traces, including traces larger than its 1 MB buffer and blocks
 * larger than it. Records handed out as records of their own (readTrace's, `record()`,
 * ReusableRecord.copy) keep their bytes whatever is read afterwards.
 */

const tmp = scratch('wanemu-trace-cursor-');
afterAll(() => tmp.done());

/** Every field of a record, the bytes as hex: equal for equal records. */
function fieldsOf(r: TraceRecord): Record<string, unknown> {
  return {
    block: r.block,
    offset: r.offset,
    timeNs: String(r.timeNs),
    kind: r.kind,
    seq: r.seq,
    abi: r.abi,
    variant: r.variant,
    code: r.code,
    requestId: r.requestId,
    requestKind: r.requestKind,
    status: r.status,
    bytesUsed: r.bytesUsed,
    bytesNeeded: r.bytesNeeded,
    data: Buffer.from(r.data).toString('hex'),
  };
}

interface Outcome {
  /** Each record's fields as JSON. */
  readonly records: string[];
  readonly warnings: TraceWarning[];
  readonly comments: string[];
  readonly error: string | undefined;
}

/** The same, as JSON: one string compare per record instead of a deep one. */
const keyOf = (r: TraceRecord): string => JSON.stringify(fieldsOf(r));

/** Reads with readTrace: its records' fields, warnings, comments and the TraceFormatError's message. */
function withReadTrace(path: string): Outcome {
  const records: string[] = [];
  const warnings: TraceWarning[] = [];
  const comments: string[] = [];
  try {
    for (const r of readTrace(path, (w) => warnings.push(w), (c) => comments.push(c))) records.push(keyOf(r));
    return { records, warnings, comments, error: undefined };
  } catch (e) {
    if (e instanceof TraceFormatError) return { records, warnings, comments, error: e.message };
    throw e;
  }
}

/**
 * Reads with a cursor, three ways at once: `record()`, the cursor's own fields, and a
 * ReusableRecord refilled by `copyInto`; `disagree` counts the records where they differ.
 */
function withCursor(path: string): Outcome & { readonly closed: boolean; readonly disagree: number } {
  const records: string[] = [];
  const warnings: TraceWarning[] = [];
  const comments: string[] = [];
  const reused = new ReusableRecord();
  let disagree = 0;
  let cursor: TraceCursor | undefined;
  try {
    cursor = new TraceCursor(path, (w) => warnings.push(w), (c) => comments.push(c));
    while (cursor.next()) {
      const own = cursor.record();
      const key = keyOf(own);
      cursor.copyInto(reused);
      if (keyOf(cursor) !== key || keyOf(reused) !== key || reused.timeMs !== cursor.timeMs) disagree++;
      records.push(key);
    }
    return { records, warnings, comments, error: undefined, closed: !cursor.open, disagree };
  } catch (e) {
    if (e instanceof TraceFormatError) return { records, warnings, comments, error: e.message, closed: cursor === undefined || !cursor.open, disagree };
    throw e;
  }
}

/** A trace of varied records: data of 0 to 1500 bytes (most not a multiple of 4), every 5000th 3 MB. */
function varied(path: string, records: number): void {
  const writer = new PcapngWriter(path, 'wanemu', '{"wanemu":{"miniport":{"lines":3}}}', { writeThread: false });
  const rec = new TraceRecorder(writer, 'x64', 'wdk');
  const sizes = [0, 1, 3, 24, 48, 100, 257, 301, 1500];
  const buffers = sizes.map((s) => Uint8Array.from({ length: s }, (_, i) => (i * 7 + s) & 0xff));
  const big = Uint8Array.from({ length: 3 << 20 }, (_, i) => (i * 13) & 0xff);
  for (let i = 0; i < records; i++) {
    const data = i % 5000 === 4998 ? big : buffers[i % buffers.length]!;
    switch (i % 4) {
      case 0:
        rec.onRequest(i, i * 0.25, i, i & 1 ? 'set' : 'query', OID_TAPI_ANSWER, data);
        break;
      case 1:
        rec.onOutcome(i & 2 ? 'return' : 'completion', i, i * 0.25 + 2 ** 33, i, 'set', OID_TAPI_ANSWER, 0x103, data.length, 7, data);
        break;
      case 2:
        rec.onIndication(i & 4 ? 'indication' : 'indicationReturn', i, i * 0.25, NDIS_STATUS_TAPI_INDICATION, data);
        break;
      default:
        rec.remote(i & 8 ? { action: 'hangUp', hdCall: i } : { action: 'offer', line: 0, address: 1, mediaMode: 256, callerId: `555${i}`, calledId: 'é"' }, i * 0.25);
    }
  }
  writer.close();
}

let example: Uint8Array;
let large: string;

beforeAll(async () => {
  example = await recordExample('incoming-accept-answer.yaml', tmp.path('example.pcapng'));
  large = tmp.path('varied.pcapng');
  varied(large, 21_000);
});

describe('TraceCursor reads what readTrace reads', () => {
  test('a trace of 21,000 varied records over 13 MB, four blocks of 3 MB among them: every record, field for field', () => {
    const cursor = withCursor(large);
    const reference = withReadTrace(large);
    expect(cursor.error).toBeUndefined();
    expect(cursor.warnings).toEqual([]);
    expect(cursor.closed).toBe(true);
    expect(cursor.disagree).toBe(0);
    expect(cursor.records.length).toBe(21_000);
    expect(cursor.records.filter((r) => r.length > 6 << 20).length).toBe(4);
    expect(cursor.records).toEqual(reference.records);
    expect(cursor.comments).toEqual(['{"wanemu":{"miniport":{"lines":3}}}']);
    expect(cursor.comments).toEqual(reference.comments);
    // The records are where the file's blocks say they are.
    expect(cursor.records.map((r) => (JSON.parse(r) as { offset: number }).offset)).toEqual(blocksOf(new Uint8Array(readFileSync(large))).filter((b) => b.type === 6).map((b) => b.offset));
  });

  /** Cuts `bytes` at each offset and reads both ways; returns how many cuts warned. */
  const cutEach = (bytes: Uint8Array, cuts: Iterable<number>): number => {
    let warned = 0;
    for (const cut of cuts) {
      const path = put(tmp.path('cut.pcapng'), bytes.subarray(0, cut));
      const cursor = withCursor(path);
      const reference = withReadTrace(path);
      expect({ cut, ...cursor, closed: undefined, disagree: undefined }).toEqual({ cut, ...reference, closed: undefined, disagree: undefined });
      expect({ cut, closed: cursor.closed, disagree: cursor.disagree }).toEqual({ cut, closed: true, disagree: 0 });
      if (cursor.warnings.length > 0) warned++;
    }
    return warned;
  };

  test('a recording cut at block edges, inside headers and inside bodies: the same records and warnings', () => {
    const cuts = new Set<number>([0, example.length]);
    for (const b of blocksOf(example)) for (const d of [0, 1, 4, 7, 8, 11, 12, 13, 40, b.end - b.offset - 4, b.end - b.offset - 1]) cuts.add(Math.min(b.offset + d, example.length));
    expect(cutEach(example, cuts)).toBeGreaterThan(100);
  });

  test('a recording repeated past the 1 MB buffer, cut around the refill: the same records and warnings', () => {
    const bytes = enlarge(example, (1 << 20) + 50_000);
    const near = blocksOf(bytes).filter((b) => Math.abs(b.offset - (1 << 20)) < 300);
    expect(near.length).toBeGreaterThan(2);
    const cuts = new Set<number>([bytes.length, (1 << 20) - 1, 1 << 20, (1 << 20) + 1]);
    for (const b of near) for (const d of [0, 4, 12, b.end - b.offset - 1]) cuts.add(b.offset + d);
    expect(cutEach(bytes, cuts)).toBeGreaterThan(5);
  });

  test('damaged traces (flipped bytes, garbage, rewritten lengths, random files): the same records, warnings and TraceFormatError', () => {
    let errors = 0;
    fc.assert(
      fc.property(damage, fc.nat({ max: 19 }), (d, pick) => {
        // One run in twenty on a copy past the buffer size (a length rewritten there is read after a refill).
        const path = put(tmp.path('damaged.pcapng'), applyDamage(pick === 0 ? enlarge(example, (1 << 20) + 4096) : example, d));
        const cursor = withCursor(path);
        const reference = withReadTrace(path);
        expect({ ...cursor, closed: undefined, disagree: undefined }).toEqual({ ...reference, closed: undefined, disagree: undefined });
        expect({ closed: cursor.closed, disagree: cursor.disagree }).toEqual({ closed: true, disagree: 0 });
        if (cursor.error !== undefined) errors++;
      }),
      { seed: 0x0c0a_50a1, numRuns: 400 },
    );
    expect(errors).toBeGreaterThan(40);
  });

  test('a missing file: the same error as readTrace', () => {
    const missing = tmp.path('none.pcapng');
    expect(() => new TraceCursor(missing)).toThrow(/ENOENT/);
    expect(() => Array.from(readTrace(missing))).toThrow(/ENOENT/);
  });
});

describe('records handed out keep their bytes', () => {
  test("readTrace's records, `record()` and ReusableRecord.copy() are unchanged by later reads and by each other", () => {
    const expected = withReadTrace(large).records;
    const all = Array.from(readTrace(large));
    // Every record read to the end still holds its own bytes, though the reader's buffer was refilled many times.
    expect(all.map(keyOf)).toEqual(expected);
    const buffers = new Set(all.map((r) => r.data.buffer));
    expect(buffers.size).toBe(all.length);
    all[0]!.data.fill(0xee);
    expect(keyOf(all[9]!)).toBe(expected[9]);

    const cursor = new TraceCursor(large);
    const reused = new ReusableRecord();
    const kept: TraceRecord[] = [];
    const copies: TraceRecord[] = [];
    for (let i = 0; cursor.next(); i++) {
      if (i % 1000 === 0) kept.push(cursor.record());
      cursor.copyInto(reused);
      if (i % 1000 === 7) copies.push(reused.copy());
    }
    expect(kept.map(keyOf)).toEqual(expected.filter((_, i) => i % 1000 === 0));
    expect(copies.map(keyOf)).toEqual(expected.filter((_, i) => i % 1000 === 7));
    // The reused record holds the last one; its buffer grew to 3 MB and serves small records still.
    expect(keyOf(reused)).toBe(expected[expected.length - 1]);
  });

  test('a ReusableRecord refilled with a smaller record shows only that record`s bytes', () => {
    const cursor = new TraceCursor(large);
    const r = new ReusableRecord();
    const lengths: number[] = [];
    for (let i = 0; cursor.next() && i < 5010; i++) {
      cursor.copyInto(r);
      expect(r.data.length).toBe(cursor.dataLength);
      if (i >= 4996) lengths.push(r.data.length);
    }
    cursor.close();
    expect(lengths).toContain(3 << 20);
    expect(lengths).toContain(0);
  });
});

describe('the file is closed', () => {
  const openFiles = (): number => readdirSync('/proc/self/fd').length;
  const linux = process.platform === 'linux';

  (linux ? test : test.skip)('at the end, on an error, on close(), and when a readTrace loop stops early', () => {
    const before = openFiles();
    const ended = new TraceCursor(large);
    while (ended.next());
    expect(ended.open).toBe(false);
    expect(ended.next()).toBe(false);

    const bad = put(tmp.path('bad.pcapng'), applyDamage(example, { how: 'length', blockPick: 5, which: 'trailing', value: 'small', raw: 0 }));
    const failing = new TraceCursor(bad);
    expect(() => {
      while (failing.next());
    }).toThrow(TraceFormatError);
    expect(failing.open).toBe(false);
    expect(failing.next()).toBe(false);

    const early = new TraceCursor(large);
    expect(early.next()).toBe(true);
    early.close();
    early.close();
    expect(early.open).toBe(false);
    expect(early.next()).toBe(false);

    for (const r of readTrace(large)) if (r.block > 10) break;
    expect(openFiles()).toBe(before);
  });
});

test('the record header sits where the format says: data at 8 + EPB_FIXED + RECORD_HEADER bytes into its block', () => {
  const file = readFileSync(large);
  const cursor = new TraceCursor(large);
  while (cursor.next() && cursor.block < 50) {
    const at = cursor.offset + 8 + EPB_FIXED + RECORD_HEADER;
    expect(Buffer.from(cursor.data).equals(file.subarray(at, at + cursor.dataLength))).toBe(true);
  }
  cursor.close();
});
