import fc from 'fast-check';
import { ABIS, LAYOUT_VARIANTS, STRUCT_NAMES, codecFor, isCodecError, layoutOf } from '../../oid/index.js';

/*
 * Extends test/oid/codec-errors.test.ts (random bytes from offset 0 of their own buffer): every
 * structure's encoding with its size, offset and count members rewritten to boundary values,
 * decoded from a view at an odd place inside a larger buffer (as a driver's buffer inside an
 * IRP, or a record inside a trace chunk). Never a throw; a value or a short-buffer CodecError;
 * and the same answer as for a copy of the same bytes in a buffer of their own.
 */

const combos = ABIS.flatMap((abi) => LAYOUT_VARIANTS.map((variant) => [abi, variant] as const));

const BOUNDARIES = [0, 1, 3, 4, 0x7fffffff, 0x80000000, 0xfffffff0, 0xfffffffc, 0xffffffff];

test.each(combos)('every structure on %s / %s: rewritten lengths, decoded from a view inside a larger buffer', (abi, variant) => {
  let refused = 0;
  let decoded = 0;
  fc.assert(
    fc.property(
      fc.constantFrom(...STRUCT_NAMES),
      fc.array(fc.tuple(fc.nat(), fc.oneof(fc.constantFrom(...BOUNDARIES), fc.nat({ max: 0xffffffff }), fc.nat({ max: 512 }))), { minLength: 1, maxLength: 6 }),
      fc.nat({ max: 7 }),
      fc.integer({ min: -8, max: 300 }),
      (name, rewrites, lead, slack) => {
        const codec = codecFor(name, abi, variant);
        const zero = codec.encode({});
        if (isCodecError(zero)) throw new Error(zero.toString());
        const body = new Uint8Array(Math.max(0, zero.length + slack));
        body.set(zero.subarray(0, body.length));
        const dv = new DataView(body.buffer);
        // Rewrite the members that locate or size something (and a few others), at their own offsets.
        const members = layoutOf(name, abi, variant).fields.filter((f) => f.kind === 'scalar' && f.size === 4);
        for (const [pick, value] of rewrites) {
          const f = members.length === 0 ? undefined : members[pick % members.length]!;
          if (f !== undefined && f.offset + 4 <= body.length) dv.setUint32(f.offset, value >>> 0, true);
        }
        // The same bytes at byteOffset `lead` of a larger buffer, with foreign bytes on both sides.
        const host = new Uint8Array(lead + body.length + 16).fill(0xa5);
        host.set(body, lead);
        const view = host.subarray(lead, lead + body.length);
        let inView: unknown;
        expect(() => {
          inView = codec.decode(view);
        }).not.toThrow();
        const alone = codec.decode(body.slice());
        expect(inView).toEqual(alone);
        if (isCodecError(inView)) {
          refused++;
          expect(inView.reason).toBe('short-buffer');
          expect(inView.needed).toBeGreaterThan(inView.available);
          expect(inView.available).toBe(view.length);
        } else {
          decoded++;
        }
      },
    ),
    { seed: 0x5eed_0501 + combos.findIndex(([a, v]) => a === abi && v === variant), numRuns: 4000 },
  );
  expect(refused).toBeGreaterThan(100);
  expect(decoded).toBeGreaterThan(100);
});
