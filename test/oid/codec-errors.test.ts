import fc from 'fast-check';
import {
  ABIS,
  CodecError,
  LAYOUT_VARIANTS,
  STRUCT_NAMES,
  codecFor,
  isCodecError,
  layoutOf,
  type Abi,
  type CodecErrorReason,
  type LayoutVariant,
  type StructInput,
  type StructName,
} from '../../oid/index.js';

/*
 * Every way a codec refuses: buffers too short for the structure, for a trailing array or
 * for a variable part; offsets past the buffer; values that do not fit their C type. The
 * codecs return a CodecError for all of them and never throw.
 */

function expectError(result: unknown, reason: CodecErrorReason, field: string): CodecError {
  expect(isCodecError(result)).toBe(true);
  if (!(result instanceof CodecError)) throw new Error('not a CodecError');
  expect({ reason: result.reason, field: result.field }).toEqual({ reason, field });
  return result;
}

/** The member a buffer of `available` bytes cuts first; the last member when only tail padding is cut. */
function firstCut(name: StructName, abi: Abi, variant: LayoutVariant, available: number): string {
  const fields = layoutOf(name, abi, variant).fields;
  return (fields.find((f) => f.offset + f.size > available) ?? fields[fields.length - 1]!).name;
}

function encoded(bytes: Uint8Array | CodecError): Uint8Array {
  if (isCodecError(bytes)) throw new Error(bytes.toString());
  return bytes;
}

/** Writes a little-endian ULONG into a buffer (for hand-built headers). */
function putU32(bytes: Uint8Array, at: number, value: number): Uint8Array {
  new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength).setUint32(at, value, true);
  return bytes;
}

/** Deliberately ill-typed input, as JavaScript callers or parsed JSON can produce. */
function untyped<S extends StructName>(value: Record<string, unknown>): StructInput<S> {
  return value as unknown as StructInput<S>;
}

describe('short buffers', () => {
  const cases: ReadonlyArray<readonly [StructName, Abi, LayoutVariant]> = [
    ['NDIS_TAPI_OPEN', 'x64', 'wdk'],
    ['NDIS_TAPI_OPEN', 'x86', 'wdk'],
    ['NDIS_TAPI_EVENT', 'x64', 'wdk'],
    ['NDIS_TAPI_EVENT', 'x64', 'ddk'],
    ['NDIS_TAPI_EVENT', 'x86', 'wdk'],
    ['NDIS_TAPI_ACCEPT', 'x64', 'wdk'],
    ['NDIS_TAPI_MAKE_CALL', 'x64', 'wdk'],
    ['NDIS_TAPI_SET_CALL_PARAMS', 'x86', 'wdk'],
    ['NDIS_MAC_LINE_UP', 'x64', 'wdk'],
    ['LINE_CALL_PARAMS', 'x86', 'wdk'],
    ['CO_AF_TAPI_SAP', 'x64', 'wdk'],
  ];

  test.each(cases)('%s (%s, %s): every length below sizeof is refused, naming the first member cut', (name, abi, variant) => {
    const codec = codecFor(name, abi, variant);
    for (let length = 0; length < codec.size; length++) {
      const err = codec.decode(new Uint8Array(length));
      const e = expectError(err, 'short-buffer', firstCut(name, abi, variant, length));
      expect({ structure: e.structure, needed: e.needed, available: e.available }).toEqual({
        structure: name,
        needed: codec.size,
        available: length,
      });
    }
    expect(isCodecError(codec.decode(new Uint8Array(codec.size)))).toBe(false);
  });

  test('the member named is the one the buffer cuts, by hand', () => {
    const open = codecFor('NDIS_TAPI_OPEN', 'x64');
    expect(open.decode(new Uint8Array(0))).toMatchObject({ field: 'ulRequestID', needed: 24, available: 0 });
    expect(open.decode(new Uint8Array(5))).toMatchObject({ field: 'ulDeviceID' });
    expect(open.decode(new Uint8Array(12))).toMatchObject({ field: 'htLine' });
    expect(open.decode(new Uint8Array(23))).toMatchObject({ field: 'hdLine' });
    // The padding before ulParam1 (20..23) belongs to the member after it.
    const event = codecFor('NDIS_TAPI_EVENT', 'x64');
    expect(event.decode(new Uint8Array(20))).toMatchObject({ field: 'ulParam1', needed: 48 });
    expect(event.decode(new Uint8Array(23))).toMatchObject({ field: 'ulParam1', needed: 48 });
    expect(codecFor('NDIS_TAPI_EVENT', 'x64', 'ddk').decode(new Uint8Array(30))).toMatchObject({ field: 'ulParam3', needed: 32 });
    // A nested structure is named by its member.
    expect(codecFor('NDIS_TAPI_MAKE_CALL', 'x64').decode(new Uint8Array(100))).toMatchObject({ field: 'LineCallParams', needed: 160 });
  });

  test('counted from the decode offset', () => {
    const codec = codecFor('NDIS_TAPI_OPEN', 'x86'); // sizeof 16
    const e = expectError(codec.decode(new Uint8Array(20), 10), 'short-buffer', 'htLine');
    expect({ needed: e.needed, available: e.available }).toEqual({ needed: 16, available: 10 });
    expect(isCodecError(codec.decode(new Uint8Array(20), 4))).toBe(false);
  });

  test('every truncation of a valid encoding with variable data is refused', () => {
    const structures: readonly StructName[] = [
      'NDIS_TAPI_MAKE_CALL',
      'NDIS_TAPI_GET_ID',
      'NDIS_TAPI_CONFIG_DIALOG',
      'NDIS_TAPI_ACCEPT',
      'CO_AF_TAPI_SAP',
      'LINE_DEV_CAPS',
    ];
    const data = fc.uint8Array({ minLength: 1, maxLength: 12 });
    fc.assert(
      fc.property(fc.constantFrom(...structures), fc.constantFrom(...ABIS), data, data, (name, abi, a, b) => {
        const codec = codecFor(name, abi);
        const samples: Readonly<Record<string, Record<string, unknown>>> = {
          NDIS_TAPI_MAKE_CALL: { DestAddress: a, LineCallParams: { Comment: b } },
          NDIS_TAPI_GET_ID: { DeviceClass: a, DeviceID: { String: b } },
          NDIS_TAPI_CONFIG_DIALOG: { szLibraryName: a, DeviceClass: b },
          NDIS_TAPI_ACCEPT: { UserUserInfo: a },
          CO_AF_TAPI_SAP: { NdisSapParams: Array.from(a.subarray(0, 4), (n) => ({ Length: n })) },
          LINE_DEV_CAPS: { LineName: a, DevSpecific: b },
        };
        const bytes = encoded(codec.encode(untyped(samples[name]!)));
        for (let length = 0; length < bytes.length; length++) {
          const err = codec.decode(bytes.subarray(0, length));
          expect(isCodecError(err) && err.reason === 'short-buffer' && err.needed > length && err.needed <= bytes.length).toBe(true);
        }
        expect(isCodecError(codec.decode(bytes))).toBe(false);
      }),
      { numRuns: 60 },
    );
  });
});

describe('trailing arrays and variable parts past the end', () => {
  test('a trailing UCHAR array whose size member runs past the buffer: needed = offset + size', () => {
    for (const [abi, at, sizeAt] of [['x64', 20, 16], ['x86', 12, 8]] as const) {
      const codec = codecFor('NDIS_TAPI_ACCEPT', abi);
      const bytes = putU32(new Uint8Array(codec.size), sizeAt, 100);
      const e = expectError(codec.decode(bytes), 'short-buffer', 'UserUserInfo');
      expect({ needed: e.needed, available: e.available }).toEqual({ needed: at + 100, available: codec.size });
    }
  });

  test('a trailing UCHAR array that just fits decodes', () => {
    const codec = codecFor('NDIS_TAPI_DIAL', 'x64'); // szDestAddress at 20, sizeof 24
    const bytes = putU32(new Uint8Array(24), 16, 4);
    bytes.set([0x31, 0x32, 0x33, 0], 20);
    expect(codec.decode(bytes)).toMatchObject({ ulDestAddressSize: 4, szDestAddress: new Uint8Array([0x31, 0x32, 0x33, 0]) });
    expect(codec.decode(putU32(bytes.slice(), 16, 5))).toMatchObject({ reason: 'short-buffer', field: 'szDestAddress', needed: 25 });
  });

  test('a trailing structure array whose count runs past the buffer: needed = offset + count * element size', () => {
    const codec = codecFor('CO_AF_TAPI_SAP', 'x64'); // NdisSapParams at 20, 8 bytes each, sizeof 28
    const bytes = putU32(new Uint8Array(28), 16, 3);
    const e = expectError(codec.decode(bytes), 'short-buffer', 'NdisSapParams');
    expect(e.needed).toBe(20 + 3 * 8);
  });

  test('a variable part whose size runs past the buffer: needed = offset + size', () => {
    const codec = codecFor('VAR_STRING', 'x86');
    const bytes = putU32(putU32(new Uint8Array(24), 16, 10), 20, 24); // ulStringSize 10 at ulStringOffset 24
    const e = expectError(codec.decode(bytes), 'short-buffer', 'String');
    expect({ needed: e.needed, available: e.available }).toEqual({ needed: 34, available: 24 });
  });

  test('a variable part whose offset lies past the buffer', () => {
    const codec = codecFor('VAR_STRING', 'x64');
    const bytes = putU32(putU32(new Uint8Array(24), 16, 1), 20, 0xfffffff0);
    const e = expectError(codec.decode(bytes), 'short-buffer', 'String');
    expect(e.needed).toBe(0xfffffff0 + 1);
  });

  test('an empty variable part is not located, whatever its offset says', () => {
    const codec = codecFor('VAR_STRING', 'x64');
    const bytes = putU32(new Uint8Array(24), 20, 0xfffffff0);
    expect(codec.decode(bytes)).toMatchObject({ ulStringSize: 0, String: new Uint8Array(0) });
  });

  test('a nested variable part is located from its own structure and named by its path', () => {
    const codec = codecFor('NDIS_TAPI_GET_ID', 'x64'); // DeviceID (VAR_STRING) at 44, sizeof 72
    const bytes = new Uint8Array(72);
    putU32(bytes, 44 + 16, 8); // DeviceID.ulStringSize
    putU32(bytes, 44 + 20, 28); // DeviceID.ulStringOffset: 72 from the start of the request
    const e = expectError(codec.decode(bytes), 'short-buffer', 'DeviceID.String');
    expect({ needed: e.needed, available: e.available }).toEqual({ needed: 80, available: 72 });
    // With a decode offset, needed still counts from where decoding started.
    const shifted = new Uint8Array(80);
    shifted.set(bytes, 6);
    expect(codec.decode(shifted, 6)).toMatchObject({ reason: 'short-buffer', field: 'DeviceID.String', needed: 80, available: 74 });
  });
});

describe('offsets past the buffer', () => {
  const codec = codecFor('NDIS_TAPI_OPEN', 'x64');
  const bytes = new Uint8Array(30);

  test.each([30, 31, 1000])('decode at offset %i of a 30-byte buffer', (offset) => {
    const e = expectError(codec.decode(bytes, offset), 'short-buffer', 'ulRequestID');
    expect({ needed: e.needed, available: e.available }).toEqual({ needed: 24, available: 0 });
  });

  test('decode at a negative offset is refused', () => {
    expect(codec.decode(bytes, -1)).toMatchObject({ reason: 'short-buffer', needed: 24 });
    expect(codec.decode(bytes, -30)).toMatchObject({ reason: 'short-buffer', needed: 24 });
  });

  test('encodeInto past the end, or into too small a space, is refused and writes nothing', () => {
    for (const [name, value] of [
      ['NDIS_TAPI_OPEN', { hdLine: 5 }],
      ['VAR_STRING', { String: new Uint8Array([1, 2, 3]) }],
    ] as const) {
      const c = codecFor(name, 'x64');
      const length = c.encodedLength(untyped(value));
      if (typeof length !== 'number') throw new Error('encodedLength failed');
      for (const [size, offset] of [[40, 41], [40, 40], [length + 3, 4], [length - 1, 0]] as const) {
        const target = new Uint8Array(size).fill(0xaa);
        const available = Math.max(0, size - offset);
        const e = expectError(c.encodeInto(untyped(value), target, offset), 'short-buffer', firstCut(name, 'x64', 'wdk', available));
        expect({ needed: e.needed, available: e.available }).toEqual({ needed: length, available });
        expect(target.every((b) => b === 0xaa)).toBe(true);
      }
    }
  });
});

describe('bad values on encode', () => {
  const open64 = codecFor('NDIS_TAPI_OPEN', 'x64');
  const open86 = codecFor('NDIS_TAPI_OPEN', 'x86');

  test.each([
    ['a negative ULONG', -1],
    ['2^32 for a ULONG', 2 ** 32],
    ['a non-integer', 1.5],
    ['NaN', Number.NaN],
    ['a string', '5'],
    ['a boolean', true],
    ['null', null],
  ])('%s', (_what, bad) => {
    const e = expectError(open64.encode(untyped({ ulDeviceID: bad })), 'bad-value', 'ulDeviceID');
    expect({ structure: e.structure, needed: e.needed }).toEqual({ structure: 'NDIS_TAPI_OPEN', needed: 0 });
  });

  test('the ULONG range ends are accepted', () => {
    expect(encoded(open64.encode({ ulDeviceID: 0xffffffff })).subarray(4, 8)).toEqual(new Uint8Array([0xff, 0xff, 0xff, 0xff]));
  });

  test('x64 handles: a bigint above 2^64 - 1, a negative one, a negative or fractional number, 2^64', () => {
    expectError(open64.encode({ hdLine: 2n ** 64n }), 'bad-value', 'hdLine');
    expectError(open64.encode({ hdLine: -1n }), 'bad-value', 'hdLine');
    expectError(open64.encode({ htLine: -1 }), 'bad-value', 'htLine');
    expectError(open64.encode({ htLine: 0.5 }), 'bad-value', 'htLine');
    expectError(open64.encode({ htLine: 2 ** 64 }), 'bad-value', 'htLine');
    expectError(open64.encode(untyped({ htLine: '1' })), 'bad-value', 'htLine');
    expect(isCodecError(open64.encode({ hdLine: 2n ** 64n - 1n, htLine: Number.MAX_SAFE_INTEGER }))).toBe(false);
  });

  test('x86 handles: anything above 2^32 - 1, as a number or a bigint', () => {
    expectError(open86.encode({ htLine: 2 ** 32 }), 'bad-value', 'htLine');
    expectError(open86.encode({ hdLine: 2n ** 32n }), 'bad-value', 'hdLine');
    expectError(open86.encode({ hdLine: -1 }), 'bad-value', 'hdLine');
    expect(encoded(open86.encode({ hdLine: 0xffffffffn })).subarray(12, 16)).toEqual(new Uint8Array([0xff, 0xff, 0xff, 0xff]));
  });

  test('256 for a BOOLEAN, 65536 for a USHORT, 2^31 for a LONG', () => {
    expectError(codecFor('NDIS_TAPI_MAKE_CALL').encode({ bUseDefaultLineCallParams: 256 }), 'bad-value', 'bUseDefaultLineCallParams');
    expectError(codecFor('NDIS_TAPI_SET_CALL_PARAMS', 'x86').encode({ bSetLineDialParams: -1 }), 'bad-value', 'bSetLineDialParams');
    expectError(codecFor('NDIS_MAC_LINE_UP').encode({ SendWindow: 65536 }), 'bad-value', 'SendWindow');
    expectError(codecFor('NDIS_VAR_DATA_DESC').encode({ Offset: 2 ** 31 }), 'bad-value', 'Offset');
    expect(codecFor('NDIS_VAR_DATA_DESC').decode(encoded(codecFor('NDIS_VAR_DATA_DESC').encode({ Offset: -(2 ** 31) })))).toMatchObject({
      Offset: -(2 ** 31),
    });
  });

  test('a bad value in a nested structure names the dotted path', () => {
    const makeCall = codecFor('NDIS_TAPI_MAKE_CALL', 'x86');
    const e = expectError(makeCall.encode({ LineCallParams: { ulMediaMode: -1 } }), 'bad-value', 'LineCallParams.ulMediaMode');
    expect(e.structure).toBe('NDIS_TAPI_MAKE_CALL');
    expect(e.toString()).toContain('NDIS_TAPI_MAKE_CALL.LineCallParams.ulMediaMode');
    expectError(
      makeCall.encode({ LineCallParams: { DialParams: { ulDialPause: 2 ** 32 } } }),
      'bad-value',
      'LineCallParams.DialParams.ulDialPause',
    );
    expectError(codecFor('NDIS_TAPI_GET_ID').encode({ DeviceID: { ulStringFormat: 0.5 } }), 'bad-value', 'DeviceID.ulStringFormat');
  });

  test('a bad value in a trailing structure array names the element', () => {
    const e = codecFor('CO_AF_TAPI_SAP').encode({ NdisSapParams: [{ Length: 1 }, { Length: 70000 }] });
    expectError(e, 'bad-value', 'NdisSapParams[1].Length');
  });

  test('a var part or trailing array that is not a Uint8Array', () => {
    expectError(codecFor('VAR_STRING').encode(untyped({ String: [1, 2, 3] })), 'bad-value', 'String');
    expectError(codecFor('VAR_STRING').encode(untyped({ String: 'abc' })), 'bad-value', 'String');
    expectError(codecFor('NDIS_TAPI_MAKE_CALL').encode(untyped({ LineCallParams: { OrigAddress: 'x' } })), 'bad-value', 'LineCallParams.OrigAddress');
    expectError(codecFor('NDIS_TAPI_ACCEPT').encode(untyped({ UserUserInfo: [1] })), 'bad-value', 'UserUserInfo');
    expectError(codecFor('CO_AF_TAPI_SAP').encode(untyped({ NdisSapParams: { Length: 1 } })), 'bad-value', 'NdisSapParams');
    // A Buffer is a Uint8Array.
    expect(isCodecError(codecFor('VAR_STRING').encode({ String: Buffer.from('abc') }))).toBe(false);
  });

  test('encodeInto returns the same error as encode', () => {
    const value = { LineCallParams: { ulMediaMode: -1 } };
    const target = new Uint8Array(200);
    expect(codecFor('NDIS_TAPI_MAKE_CALL').encodeInto(value, target, 0)).toEqual(codecFor('NDIS_TAPI_MAKE_CALL').encode(value));
    expectError(open64.encodeInto({ hdLine: -1 }, new Uint8Array(24)), 'bad-value', 'hdLine');
  });

  // Bugs: the codecs document that errors are returned, never thrown, and that a
  // non-number is a bad value. These inputs throw a TypeError instead.
  test('a bigint for a ULONG gives bad-value, not a thrown TypeError', () => {
    let result: unknown;
    expect(() => {
      result = open64.encode(untyped({ ulDeviceID: 5n }));
    }).not.toThrow();
    expectError(result, 'bad-value', 'ulDeviceID');
  });

  test('ddk x64 NDIS_TAPI_EVENT: a Ptr-typed bigint parameter that fits in a ULONG encodes like the number', () => {
    // ulParam1 is typed Ptr (number | bigint) in every variant; on ddk x64 it is a 4-byte ULONG.
    const c = codecFor('NDIS_TAPI_EVENT', 'x64', 'ddk');
    let result: unknown;
    expect(() => {
      result = c.encode({ ulMsg: 2, ulParam1: 7n });
    }).not.toThrow();
    expect(result).toEqual(c.encode({ ulMsg: 2, ulParam1: 7 }));
    // One that does not fit 32 bits is a bad value, as on x86.
    let tooBig: unknown;
    expect(() => {
      tooBig = c.encode({ ulParam1: 2n ** 32n });
    }).not.toThrow();
    expectError(tooBig, 'bad-value', 'ulParam1');
    expectError(codecFor('NDIS_TAPI_EVENT', 'x86').encode({ ulParam1: 2n ** 32n }), 'bad-value', 'ulParam1');
  });

  test('a null nested structure gives bad-value, not a thrown TypeError', () => {
    let result: unknown;
    expect(() => {
      result = codecFor('NDIS_TAPI_MAKE_CALL').encode(untyped({ LineCallParams: null }));
    }).not.toThrow();
    expectError(result, 'bad-value', 'LineCallParams');
  });

  // Bug: Codec.encodedLength is documented as "Bytes `encode` would produce for the value,
  // or the CodecError it would return", but it does not check scalars.
  test('encodedLength returns the CodecError encode returns for a bad scalar', () => {
    const value = { ulDeviceID: -1 };
    expect(open64.encodedLength(value)).toEqual(open64.encode(value));
  });
});

describe('fuzz: decoding arbitrary bytes never throws', () => {
  /** Buffers whose 32-bit words are often small, so sizes and offsets sometimes fit. */
  const plausible = fc
    .array(fc.oneof(fc.integer({ min: 0, max: 48 }), fc.integer({ min: 0, max: 0xffffffff })), { maxLength: 110 })
    .chain((words) =>
      fc.integer({ min: 0, max: 3 }).map((cut) => {
        const bytes = new Uint8Array(words.length * 4);
        const dv = new DataView(bytes.buffer);
        words.forEach((w, i) => dv.setUint32(i * 4, w, true));
        return bytes.subarray(0, Math.max(0, bytes.length - cut));
      }),
    );
  const buffers = fc.oneof(fc.uint8Array({ maxLength: 420 }), plausible);

  const combos = ABIS.flatMap((abi) => LAYOUT_VARIANTS.map((variant) => [abi, variant] as const));

  test.each(combos)('every structure on %s / %s: a value or a short-buffer CodecError', (abi, variant) => {
    let decoded = 0;
    let refused = 0;
    fc.assert(
      fc.property(buffers, fc.integer({ min: 0, max: 440 }), (bytes, offset) => {
        for (const name of STRUCT_NAMES) {
          const codec = codecFor(name, abi, variant);
          let result: unknown;
          expect(() => {
            result = codec.decode(bytes, offset);
          }).not.toThrow();
          if (isCodecError(result)) {
            refused++;
            expect(result.reason).toBe('short-buffer');
            expect(result.structure).toBe(name);
            expect(result.needed).toBeGreaterThan(result.available);
          } else {
            decoded++;
            expect(typeof result).toBe('object');
            // A decoded value is always encodable again.
            expect(isCodecError(codec.encode(result as StructInput<typeof name>))).toBe(false);
          }
        }
      }),
      { numRuns: 80 },
    );
    // Both outcomes were reached.
    expect(decoded).toBeGreaterThan(0);
    expect(refused).toBeGreaterThan(0);
  });
});
