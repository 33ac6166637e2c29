import { ABIS, LAYOUT_VARIANTS, NDIS_STATUS_WAN_LINE_DOWN, NDIS_STATUS_WAN_LINE_UP, codecFor, isCodecError, type StructName } from '../../oid/index.js';
import { IndicationWriter, wordsOutside } from '../../miniport/indication-writer.js';
import { Member } from '../../miniport/struct-access.js';

const encoded = (s: StructName, abi: (typeof ABIS)[number], variant: (typeof LAYOUT_VARIANTS)[number], fields: Record<string, number>): Uint8Array => {
  const bytes = codecFor(s, abi, variant).encode(fields);
  if (isCodecError(bytes)) throw new Error(bytes.toString());
  return bytes;
};

describe('wordsOutside', () => {
  it('lists the 4-byte words no written member covers', () => {
    // A 24-byte structure with an 8-byte member at 8 and a 4-byte one at 20.
    expect(wordsOutside(24, [new Member(8, 8, 24), new Member(20, 4, 24)])).toEqual([0, 4, 16]);
  });

  it('keeps the word of a member narrower than a word, so it is zeroed before being written', () => {
    expect(wordsOutside(8, [new Member(0, 2, 8), new Member(4, 4, 8)])).toEqual([0]);
  });
});

describe.each(ABIS.flatMap((abi) => LAYOUT_VARIANTS.map((variant) => [abi, variant] as const)))('IndicationWriter (%s, %s)', (abi, variant) => {
  /** A writer whose receiver records each buffer, then scribbles over it as a careless layer above might. */
  const rig = (): { w: IndicationWriter; seen: Array<{ status: number; bytes: Uint8Array }> } => {
    const w = new IndicationWriter(abi, variant);
    const seen: Array<{ status: number; bytes: Uint8Array }> = [];
    w.sinks = [
      {
        indicate: (status, buffer) => {
          seen.push({ status, bytes: buffer.slice() });
          buffer.fill(0xa5);
        },
        complete: () => undefined,
      },
    ];
    return { w, seen };
  };

  it('indicates a line-up with every member it does not set zero, whatever the buffer held before', () => {
    const { w, seen } = rig();
    w.lineUp(64000, 0x7f000010, 0x20001, 0);
    w.lineUp(128000, 0x7f000020, 0x20002, 0x6e000010);
    expect(seen.map((s) => s.status)).toEqual([NDIS_STATUS_WAN_LINE_UP, NDIS_STATUS_WAN_LINE_UP]);
    expect(seen[1]!.bytes).toEqual(encoded('NDIS_MAC_LINE_UP', abi, variant, { LinkSpeed: 128000, ConnectionWrapperID: 0x7f000020, NdisLinkHandle: 0x20002, NdisLinkContext: 0x6e000010 }));
  });

  it('indicates a line-down holding only the link context', () => {
    const { w, seen } = rig();
    w.lineUp(64000, 0x7f000010, 0x20001, 0);
    w.lineDown(0x6e000010);
    expect(seen[1]!.status).toBe(NDIS_STATUS_WAN_LINE_DOWN);
    expect(seen[1]!.bytes).toEqual(encoded('NDIS_MAC_LINE_DOWN', abi, variant, { NdisLinkContext: 0x6e000010 }));
  });

  it('returns the link context the layer above wrote back into the line-up', () => {
    const w = new IndicationWriter(abi, variant);
    w.sinks = [
      {
        indicate: (_status, buffer) => {
          // ConnectionWrapperID is the 4th member; NdisLinkContext the last (its width by ABI).
          const ctx = encoded('NDIS_MAC_LINE_UP', abi, variant, { NdisLinkContext: 0x6e000040 });
          buffer.set(ctx.subarray(buffer.length - (abi === 'x86' ? 4 : 8)), buffer.length - (abi === 'x86' ? 4 : 8));
        },
        complete: () => undefined,
      },
    ];
    expect(w.lineUp(64000, 0x7f000010, 0x20001, 0)).toBe(0x6e000040);
  });
});
