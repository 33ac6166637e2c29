import fc from 'fast-check';
import {
  ABIS,
  LAYOUT_VARIANTS,
  STRUCT_NAMES,
  codecFor,
  isCodecError,
  layoutOf,
  type Abi,
  type Codec,
  type FieldLayout,
  type LayoutVariant,
  type StructInput,
  type StructLayout,
  type StructName,
} from '../../oid/index.js';

/*
 * Property tests of every codec, driven by the layouts alone: the generator walks
 * `layoutOf(name, abi, variant)` and builds arbitrary valid inputs (every scalar within
 * its C type, nested structures recursively, trailing arrays and variable parts as
 * random bytes), leaving out the members the encoder derives.
 */

type Obj = { readonly [member: string]: unknown };

const NUM_RUNS = 30;
const TWO_53 = 2n ** 53n;

/** Members an encoder fills from the data when left out (see StructInput). */
function derivedMembers(l: StructLayout): Set<string> {
  const out = new Set<string>();
  for (const p of l.varParts) {
    out.add(p.sizeField);
    out.add(p.offsetField);
  }
  if (l.trailing?.lengthField !== undefined) out.add(l.trailing.lengthField);
  if (l.varParts.length > 0) {
    for (const f of l.fields) if (['ulTotalSize', 'ulNeededSize', 'ulUsedSize'].includes(f.name)) out.add(f.name);
  }
  return out;
}

const bytesArb = fc.uint8Array({ maxLength: 24 });

function scalarArb(f: FieldLayout, abi: Abi): fc.Arbitrary<number | bigint> {
  switch (f.primitive) {
    case 'u8':
      return fc.integer({ min: 0, max: 0xff });
    case 'u16':
      return fc.integer({ min: 0, max: 0xffff });
    case 'u32':
      return fc.integer({ min: 0, max: 0xffffffff });
    case 'i32':
      return fc.integer({ min: -0x80000000, max: 0x7fffffff });
    case 'u64':
      return fc.oneof(fc.maxSafeNat(), fc.bigInt({ min: 0n, max: 2n ** 64n - 1n }));
    case 'ptr':
      return abi === 'x64'
        ? fc.oneof(fc.maxSafeNat(), fc.bigInt({ min: 0n, max: 2n ** 64n - 1n }))
        : fc.oneof(fc.integer({ min: 0, max: 0xffffffff }), fc.bigInt({ min: 0n, max: 0xffffffffn }));
    default:
      throw new Error(`${f.name}: no primitive`);
  }
}

/** Arbitrary inputs for a structure: every member optional, derived ones never given. */
function structArb(l: StructLayout): fc.Arbitrary<Obj> {
  const derived = derivedMembers(l);
  const model: Record<string, fc.Arbitrary<unknown>> = {};
  for (const f of l.fields) {
    if (derived.has(f.name)) continue;
    switch (f.kind) {
      case 'scalar':
        model[f.name] = scalarArb(f, l.abi);
        break;
      case 'struct':
        model[f.name] = structArb(layoutOf(f.struct!, l.abi, l.variant));
        break;
      case 'bytes':
        model[f.name] = bytesArb;
        break;
      case 'structs':
        model[f.name] = fc.array(structArb(layoutOf(f.struct!, l.abi, l.variant)), { maxLength: 3 });
        break;
    }
  }
  for (const p of l.varParts) model[p.name] = bytesArb;
  return fc.record(model, { requiredKeys: [] });
}

function bytesEqual(a: unknown, b: Uint8Array): boolean {
  return a instanceof Uint8Array && a.length === b.length && a.every((x, i) => x === b[i]);
}

function obj(x: unknown): Obj {
  return typeof x === 'object' && x !== null ? (x as Obj) : {};
}

/**
 * What differs between an input and its decoding: every member given comes back equal
 * (pointer-sized ones as the same integer), every member left out comes back 0 or empty.
 */
function differences(l: StructLayout, input: Obj, out: Obj, path: string, problems: string[]): void {
  const derived = derivedMembers(l);
  for (const f of l.fields) {
    const at = path + f.name;
    const given = input[f.name];
    const got = out[f.name];
    if (derived.has(f.name)) continue;
    switch (f.kind) {
      case 'scalar': {
        if (f.primitive === 'ptr' || f.primitive === 'u64') {
          const want = given === undefined ? 0n : BigInt(given as number | bigint);
          if (typeof got !== 'number' && typeof got !== 'bigint') {
            problems.push(`${at}: decoded ${String(got)} is not a Ptr`);
          } else if (BigInt(got) !== want) {
            problems.push(`${at}: gave ${String(given)}, got ${String(got)}`);
          } else if ((typeof got === 'bigint') !== (want >= TWO_53)) {
            // A pointer-sized value decodes as a number below 2^53 and a bigint above.
            problems.push(`${at}: ${String(got)} decoded as ${typeof got}`);
          }
        } else if (got !== (given ?? 0)) {
          problems.push(`${at}: gave ${String(given)}, got ${String(got)}`);
        }
        break;
      }
      case 'struct':
        differences(layoutOf(f.struct!, l.abi, l.variant), obj(given), obj(got), `${at}.`, problems);
        break;
      case 'bytes':
        if (!bytesEqual(got, (given as Uint8Array | undefined) ?? new Uint8Array(0))) {
          problems.push(`${at}: bytes differ`);
        }
        break;
      case 'structs': {
        const gave = (given as readonly unknown[] | undefined) ?? [];
        const back = Array.isArray(got) ? (got as readonly unknown[]) : [];
        if (back.length !== gave.length) problems.push(`${at}: ${gave.length} elements given, ${back.length} decoded`);
        const inner = layoutOf(f.struct!, l.abi, l.variant);
        gave.forEach((e, k) => differences(inner, obj(e), obj(back[k]), `${at}[${k}].`, problems));
        break;
      }
    }
  }
  for (const p of l.varParts) {
    if (!bytesEqual(out[p.name], (input[p.name] as Uint8Array | undefined) ?? new Uint8Array(0))) {
      problems.push(`${path}${p.name}: bytes differ`);
    }
  }
}

/**
 * Checks the derived members of a decoded structure: each size member is its data's length,
 * an empty part has offset 0, every piece of data lies in the encoded bytes, outside the
 * root's fixed part (trailing arrays aside) and outside every other piece.
 */
function derivedProblems(l: StructLayout, out: Obj, base: number, total: number, rootSize: number, path: string, problems: string[], ranges: Array<[number, number, string]>): void {
  for (const f of l.fields) {
    if (f.kind === 'struct') {
      derivedProblems(layoutOf(f.struct!, l.abi, l.variant), obj(out[f.name]), base + f.offset, total, rootSize, `${path}${f.name}.`, problems, ranges);
    }
  }
  const t = l.trailing;
  if (t !== undefined) {
    const data = out[t.name];
    const count = Array.isArray(data) ? data.length : data instanceof Uint8Array ? data.length : -1;
    if (out[t.lengthField!] !== count) problems.push(`${path}${t.lengthField}: ${String(out[t.lengthField!])}, data has ${count}`);
    const start = base + t.offset;
    const end = start + count * (t.kind === 'structs' ? t.size : 1);
    if (count > 0) ranges.push([start, end, `${path}${t.name}`]);
  }
  for (const p of l.varParts) {
    const data = out[p.name];
    const size = out[p.sizeField];
    const offset = out[p.offsetField];
    const length = data instanceof Uint8Array ? data.length : -1;
    if (size !== length) problems.push(`${path}${p.sizeField}: ${String(size)}, data has ${length}`);
    if (typeof offset !== 'number') continue;
    if (length === 0) {
      if (offset !== 0) problems.push(`${path}${p.offsetField}: ${offset} for empty data`);
      continue;
    }
    const start = base + offset;
    if (start < rootSize) problems.push(`${path}${p.name}: data at ${start}, inside the fixed part (${rootSize})`);
    ranges.push([start, start + length, `${path}${p.name}`]);
  }
  if (base === 0 && l.varParts.length > 0) {
    // The root's totals cover everything the encoder wrote.
    for (const name of ['ulTotalSize', 'ulNeededSize', 'ulUsedSize']) {
      if (name in out && out[name] !== total) problems.push(`${name}: ${String(out[name])}, encoded ${total} bytes`);
    }
  }
}

function placementProblems(l: StructLayout, out: Obj, total: number): string[] {
  const problems: string[] = [];
  const ranges: Array<[number, number, string]> = [];
  derivedProblems(l, out, 0, total, l.size, '', problems, ranges);
  ranges.sort((a, b) => a[0] - b[0]);
  ranges.forEach(([start, end, name], i) => {
    if (end > total) problems.push(`${name}: ends at ${end}, past the ${total} bytes encoded`);
    const next = ranges[i + 1];
    if (next !== undefined && next[0] < end) problems.push(`${name} [${start}, ${end}) overlaps ${next[2]} at ${next[0]}`);
  });
  return problems;
}

function asInput(x: Obj): StructInput<StructName> {
  return x as unknown as StructInput<StructName>;
}

function mustEncode(codec: Codec<StructName>, x: Obj): Uint8Array {
  const bytes = codec.encode(asInput(x));
  if (isCodecError(bytes)) throw new Error(`encode failed: ${bytes.toString()}`);
  return bytes;
}

function mustDecode(codec: Codec<StructName>, bytes: Uint8Array, offset?: number): Obj {
  const value = codec.decode(bytes, offset);
  if (isCodecError(value)) throw new Error(`decode failed: ${value.toString()}`);
  return value as unknown as Obj;
}

const COMBOS: ReadonlyArray<readonly [Abi, LayoutVariant]> = ABIS.flatMap((abi) => LAYOUT_VARIANTS.map((v) => [abi, v] as const));

describe.each(COMBOS)('%s / %s', (abi, variant) => {
  describe.each(STRUCT_NAMES)('%s', (name) => {
    const layout = layoutOf(name, abi, variant);
    const codec = codecFor(name, abi, variant);
    const inputs = structArb(layout);

    test('decode(encode(x)) gives back every member given, and fills the derived ones', () => {
      fc.assert(
        fc.property(inputs, (x) => {
          const bytes = mustEncode(codec, x);
          const back = mustDecode(codec, bytes);
          const problems: string[] = [];
          differences(layout, x, back, '', problems);
          problems.push(...placementProblems(layout, back, bytes.length));
          expect(problems).toEqual([]);
        }),
        { numRuns: NUM_RUNS },
      );
    });

    test('encode(decode(bytes)) reproduces the bytes exactly', () => {
      fc.assert(
        fc.property(inputs, (x) => {
          const bytes = mustEncode(codec, x);
          const again = mustEncode(codec, mustDecode(codec, bytes));
          expect(again).toEqual(bytes);
        }),
        { numRuns: NUM_RUNS },
      );
    });

    test('encodedLength is the length encode produces, at least sizeof', () => {
      fc.assert(
        fc.property(inputs, (x) => {
          const length = codec.encodedLength(asInput(x));
          expect(length).toBe(mustEncode(codec, x).length);
          expect(length).toBeGreaterThanOrEqual(layout.size);
        }),
        { numRuns: NUM_RUNS },
      );
    });

    test('encodeInto at an offset writes the same bytes, leaves the rest untouched, and decodes there', () => {
      fc.assert(
        fc.property(
          inputs,
          fc.uint8Array({ minLength: 0, maxLength: 12 }),
          fc.uint8Array({ minLength: 0, maxLength: 12 }),
          fc.integer({ min: 1, max: 255 }),
          (x, before, after, fill) => {
            const bytes = mustEncode(codec, x);
            // Garbage everywhere, never zero, so zeroed padding shows.
            const buffer = new Uint8Array(before.length + bytes.length + after.length).fill(fill);
            buffer.set(before.map((b) => b | 1), 0);
            buffer.set(after.map((b) => b | 1), before.length + bytes.length);
            const snapshot = buffer.slice();
            const written = codec.encodeInto(asInput(x), buffer, before.length);
            expect(written).toBe(bytes.length);
            expect(buffer.subarray(before.length, before.length + bytes.length)).toEqual(bytes);
            expect(buffer.subarray(0, before.length)).toEqual(snapshot.subarray(0, before.length));
            expect(buffer.subarray(before.length + bytes.length)).toEqual(snapshot.subarray(before.length + bytes.length));
            expect(mustDecode(codec, buffer, before.length)).toEqual(mustDecode(codec, bytes));
          },
        ),
        { numRuns: NUM_RUNS },
      );
    });

    test('the DataView entry points read and write the same bytes as the Uint8Array ones', () => {
      fc.assert(
        fc.property(inputs, fc.integer({ min: 0, max: 9 }), fc.integer({ min: 1, max: 255 }), (x, at, fill) => {
          const bytes = mustEncode(codec, x);
          const backing = new ArrayBuffer(at + bytes.length + 3);
          // A view that starts inside its buffer, to catch byteOffset mistakes.
          const view = new DataView(backing, 1, at + bytes.length + 1);
          const window = new Uint8Array(backing, 1 + at, bytes.length);
          new Uint8Array(backing).fill(fill);
          expect(codec.encodeIntoView(asInput(x), view, at)).toBe(bytes.length);
          expect(window).toEqual(bytes);
          new Uint8Array(backing).fill(fill);
          expect(codec.encodeTrustedView(asInput(x), view, at)).toBe(bytes.length);
          expect(window).toEqual(bytes);
          expect(codec.decodeView(view, at)).toEqual(mustDecode(codec, bytes));
        }),
        { numRuns: NUM_RUNS },
      );
    });

    test('decodeView of a cut view gives the same error value as decode of the cut bytes', () => {
      fc.assert(
        fc.property(inputs, fc.nat(), (x, cutAt) => {
          const bytes = mustEncode(codec, x);
          const cut = bytes.slice(0, cutAt % bytes.length);
          const fromView = codec.decodeView(new DataView(cut.buffer));
          const fromBytes = codec.decode(cut);
          expect(isCodecError(fromView)).toBe(true);
          expect(fromView).toEqual(fromBytes);
        }),
        { numRuns: NUM_RUNS },
      );
    });
  });
});

describe('round trips pinned by hand', () => {
  test('an empty input encodes to sizeof zero bytes, apart from derived totals', () => {
    const event = codecFor('NDIS_TAPI_EVENT', 'x64');
    expect(event.encode({})).toEqual(new Uint8Array(48));
    const params = codecFor('LINE_CALL_PARAMS', 'x86');
    const bytes = params.encode({});
    const expected = new Uint8Array(112);
    expected[0] = 112; // ulTotalSize: the structure alone
    expect(bytes).toEqual(expected);
  });

  test('NDIS_TAPI_EVENT on x64 puts a bigint parameter little-endian at 24', () => {
    const bytes = codecFor('NDIS_TAPI_EVENT', 'x64').encode({ htLine: 1, ulMsg: 2, ulParam1: 0x1122334455667788n });
    if (isCodecError(bytes)) throw new Error(bytes.toString());
    expect(Array.from(bytes.subarray(0, 32))).toEqual([
      1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 2, 0, 0, 0, 0, 0, 0, 0, 0x88, 0x77, 0x66, 0x55, 0x44, 0x33, 0x22, 0x11,
    ]);
    expect(codecFor('NDIS_TAPI_EVENT', 'x64').decode(bytes)).toMatchObject({ ulParam1: 0x1122334455667788n });
  });

  test('NDIS_TAPI_EVENT on x64 / ddk packs ULONG parameters at 20, 24, 28', () => {
    const c = codecFor('NDIS_TAPI_EVENT', 'x64', 'ddk');
    const bytes = c.encode({ ulMsg: 1, ulParam1: 0xa, ulParam2: 0xb, ulParam3: 0xc });
    if (isCodecError(bytes)) throw new Error(bytes.toString());
    expect(bytes.length).toBe(32);
    expect([bytes[16], bytes[20], bytes[24], bytes[28]]).toEqual([1, 0xa, 0xb, 0xc]);
  });

  test('MAKE_CALL: the destination address follows the nested LINE_CALL_PARAMS data, offsets from each structure', () => {
    const c = codecFor('NDIS_TAPI_MAKE_CALL', 'x64');
    const value = { DestAddress: new Uint8Array([0x35, 0x35, 0x35, 0]), LineCallParams: { OrigAddress: new Uint8Array([7, 8]) } };
    const bytes = c.encode(value);
    if (isCodecError(bytes)) throw new Error(bytes.toString());
    expect(bytes.length).toBe(160 + 2 + 4);
    const back = c.decode(bytes);
    if (isCodecError(back)) throw new Error(back.toString());
    // LineCallParams sits at 44; its data at 160 is 116 from its start.
    expect(back.LineCallParams.ulOrigAddressOffset).toBe(116);
    expect(back.LineCallParams.ulOrigAddressSize).toBe(2);
    expect(back.LineCallParams.ulTotalSize).toBe(118);
    expect(back.ulDestAddressOffset).toBe(162);
    expect(back.ulDestAddressSize).toBe(4);
    expect(Array.from(bytes.subarray(160))).toEqual([7, 8, 0x35, 0x35, 0x35, 0]);
  });
});
