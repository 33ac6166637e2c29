import { REQUEST_LAYOUTS, reservedFields, type RequestLayout, type SlotSpec } from '../../../tapi/trp/index.js';

/*
 * The layout table is consistent with itself: slots in offset order inside the 13 parameter
 * slots, no offset twice, cross-references resolve, and the reserved fields are numbered as
 * MS-TRP numbers them (Reserved1 at 4, then the padding slots from Reserved2 on).
 */

const layouts = Object.entries(REQUEST_LAYOUTS) as Array<[string, RequestLayout]>;

describe.each(layouts)('%s', (key, layout) => {
  test('is filed under its own name', () => {
    expect(layout.func).toBe(key);
  });

  test('slots are in increasing offset order, on DWORD boundaries from 8 to 56', () => {
    const offsets = layout.slots.map((s) => s.at);
    expect(offsets).toEqual([...offsets].sort((a, b) => a - b));
    expect(new Set(offsets).size).toBe(offsets.length);
    for (const at of offsets) expect(at >= 8 && at <= 56 && at % 4 === 0).toBe(true);
  });

  test('blobs and their sizes name each other', () => {
    const byName = new Map<string, SlotSpec>(layout.slots.map((s) => [s.name, s]));
    for (const slot of layout.slots) {
      if (slot.kind === 'blob') expect(byName.get(slot.sizeSlot)).toMatchObject({ kind: 'blobSize', blobSlot: slot.name });
      if (slot.kind === 'blobSize') expect(byName.get(slot.blobSlot)).toMatchObject({ kind: 'blob', sizeSlot: slot.name });
      if (slot.kind === 'outputBlob') expect(byName.get(slot.sizeSlot)?.kind).toBe('dword');
    }
  });

  test('async exactly when there is a dwRequestID', () => {
    expect(layout.async).toBe(layout.slots.some((s) => s.name === 'dwRequestID'));
  });

  test('reserved fields fill the rest of the 60 bytes', () => {
    const reserved = reservedFields(layout);
    expect(reserved[0]).toEqual({ offset: 4, field: 'Reserved1' });
    expect(reserved.length + layout.slots.length).toBe(14);
    reserved.forEach((r, i) => expect(r.field).toBe(`Reserved${i + 1}`));
  });
});

test('MS-TRP names the padding as the reference does: Shutdown Reserved2..Reserved13 at 12..56, Open Reserved2 at 56', () => {
  const shutdown = reservedFields(REQUEST_LAYOUTS.lShutdown);
  expect([shutdown[1], shutdown[12]]).toEqual([{ offset: 12, field: 'Reserved2' }, { offset: 56, field: 'Reserved13' }]);
  expect(reservedFields(REQUEST_LAYOUTS.lOpen)).toEqual([{ offset: 4, field: 'Reserved1' }, { offset: 56, field: 'Reserved2' }]);
  expect(reservedFields(REQUEST_LAYOUTS.lMakeCall).map((r) => r.offset)).toEqual([4, 40, 44, 48, 52, 56]);
});
