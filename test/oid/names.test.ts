import fc from 'fast-check';
import {
  FAMILIES,
  LINECALLSTATE_ACCEPTED,
  LINECALLSTATE_OFFERING,
  LINE_NEWCALL,
  NDIS_STATUS_TAPI_OPERATIONUNAVAIL,
  OID_TAPI_ACCEPT,
  OID_TAPI_MONITOR_DIGITS,
  OID_TAPI_PROVIDER_INITIALIZE,
  constants,
  nameOf,
  valueOf,
  type FamilyName,
} from '../../oid/index.js';
import * as oid from '../../oid/index.js';

/* Value-to-name lookup for logs and traces, and its inverse. */

const FAMILY_NAMES = Object.keys(FAMILIES) as FamilyName[];
const BIT_FAMILIES = FAMILY_NAMES.filter((f) => FAMILIES[f].kind === 'bits');
const ENUM_FAMILIES = FAMILY_NAMES.filter((f) => FAMILIES[f].kind === 'enum');

describe('nameOf, enumerations', () => {
  test('known values print their header name', () => {
    expect(nameOf('OID_TAPI', 0x07030118)).toBe('OID_TAPI_PROVIDER_INITIALIZE');
    expect(nameOf('OID_TAPI', OID_TAPI_PROVIDER_INITIALIZE)).toBe('OID_TAPI_PROVIDER_INITIALIZE');
    expect(nameOf('OID', 0x07030101)).toBe('OID_TAPI_ACCEPT');
    expect(nameOf('OID_WAN', 0x04010107)).toBe('OID_WAN_GET_INFO');
    expect(nameOf('LINE_MESSAGE', 500)).toBe('LINE_NEWCALL');
    expect(nameOf('LINE_MESSAGE', 2)).toBe('LINE_CALLSTATE');
    expect(nameOf('NDIS_STATUS', 0xc0012016)).toBe('NDIS_STATUS_TAPI_OPERATIONUNAVAIL');
    expect(nameOf('NDIS_STATUS_TAPI', 0xc0012016)).toBe('NDIS_STATUS_TAPI_OPERATIONUNAVAIL');
    expect(nameOf('NDIS_STATUS', 0)).toBe('NDIS_STATUS_SUCCESS');
    expect(nameOf('NDIS_STATUS', 0x40010080)).toBe('NDIS_STATUS_TAPI_INDICATION');
    expect(nameOf('LINEERR', 0x80000018)).toBe('LINEERR_INVALCALLHANDLE');
    expect(nameOf('STRINGFORMAT', 4)).toBe('STRINGFORMAT_BINARY');
  });

  test('a family object is accepted as well as its name', () => {
    expect(nameOf(FAMILIES.LINE_MESSAGE, 500)).toBe('LINE_NEWCALL');
    expect(valueOf(FAMILIES.LINE_MESSAGE, 'LINE_NEWCALL')).toBe(500);
  });

  test('unknown values print as 8-digit upper-case hex', () => {
    expect(nameOf('OID_TAPI', 0x12345678)).toBe('0x12345678');
    expect(nameOf('OID_TAPI', 0x07030125)).toBe('0x07030125');
    expect(nameOf('LINE_MESSAGE', 0x1ab)).toBe('0x000001AB');
    expect(nameOf('NDIS_STATUS_TAPI', 0)).toBe('0x00000000');
  });

  test('negative inputs are read as their unsigned 32-bit value', () => {
    expect(0xc0012016 | 0).toBeLessThan(0);
    expect(nameOf('NDIS_STATUS', 0xc0012016 | 0)).toBe('NDIS_STATUS_TAPI_OPERATIONUNAVAIL');
    expect(nameOf('LINEERR', 0x80000001 | 0)).toBe('LINEERR_ALLOCATED');
    expect(nameOf('OID_TAPI', -1)).toBe('0xFFFFFFFF');
  });

  test.each(ENUM_FAMILIES)('%s: every value prints a name of the family holding that value', (family) => {
    const f = FAMILIES[family];
    for (const [name, value] of f.values) {
      const printed = nameOf(family, value);
      expect(printed.startsWith(f.prefix)).toBe(true);
      expect(f.values.get(printed)).toBe(value);
      expect(valueOf(family, name)).toBe(value);
    }
  });
});

describe('nameOf, bit sets', () => {
  test('names of the bits, without the prefix, joined with |', () => {
    expect(nameOf('LINECALLSTATE', 6)).toBe('OFFERING|ACCEPTED');
    expect(nameOf('LINECALLSTATE', LINECALLSTATE_OFFERING | LINECALLSTATE_ACCEPTED)).toBe('OFFERING|ACCEPTED');
    expect(nameOf('LINECALLSTATE', 0x4000)).toBe('DISCONNECTED');
    expect(nameOf('LINEMEDIAMODE', 0x10 | 0x100)).toBe('DATAMODEM|DIGITALDATA');
    expect(nameOf('LINEBEARERMODE', 0x8 | 0x1)).toBe('VOICE|DATA');
  });

  test('the top bit', () => {
    expect(nameOf('LINECALLFEATURE', 0x80000000)).toBe('SETCALLDATA');
    expect(nameOf('LINECALLFEATURE', 0x80000001 | 0)).toBe('ACCEPT|SETCALLDATA');
  });

  test('unknown bits follow the names, together, in hex', () => {
    expect(nameOf('LINECALLSTATE', 6 | 0x10000)).toBe('OFFERING|ACCEPTED|0x00010000');
    expect(nameOf('LINECALLSTATE', 2 | 0x30000)).toBe('OFFERING|0x00030000');
    expect(nameOf('LINEMEDIAMODE', 1)).toBe('0x00000001');
    expect(nameOf('LINECALLSTATE', 0xffff0000 | 0)).toBe('0xFFFF0000');
  });

  test('0 prints as 0', () => {
    expect(nameOf('LINECALLSTATE', 0)).toBe('0');
    expect(nameOf('LINEDEVSTATE', 0)).toBe('0');
  });
});

describe('valueOf', () => {
  test('full names, short names, and bit sets joined with |', () => {
    expect(valueOf('OID_TAPI', 'OID_TAPI_PROVIDER_INITIALIZE')).toBe(0x07030118);
    expect(valueOf('OID_TAPI', 'PROVIDER_INITIALIZE')).toBe(0x07030118);
    expect(valueOf('LINE_MESSAGE', 'NEWCALL')).toBe(LINE_NEWCALL);
    expect(valueOf('NDIS_STATUS', 'NDIS_STATUS_TAPI_OPERATIONUNAVAIL')).toBe(NDIS_STATUS_TAPI_OPERATIONUNAVAIL);
    expect(valueOf('LINECALLSTATE', 'LINECALLSTATE_OFFERING')).toBe(2);
    expect(valueOf('LINECALLSTATE', 'OFFERING')).toBe(2);
    expect(valueOf('LINECALLSTATE', 'OFFERING|ACCEPTED')).toBe(6);
    expect(valueOf('LINECALLSTATE', 'LINECALLSTATE_OFFERING|ACCEPTED')).toBe(6);
    expect(valueOf('LINECALLSTATE', ' OFFERING | ACCEPTED ')).toBe(6);
    expect(valueOf('LINECALLFEATURE', 'ACCEPT|SETCALLDATA')).toBe(0x80000001);
  });

  test('unknown names give undefined', () => {
    expect(valueOf('OID_TAPI', 'OID_TAPI_NOPE')).toBeUndefined();
    expect(valueOf('LINECALLSTATE', 'OFFERING|NOPE')).toBeUndefined();
    expect(valueOf('LINECALLSTATE', 'LINEMEDIAMODE_G3FAX')).toBeUndefined();
    expect(valueOf('LINE_MESSAGE', 'LINE_NEWCALL|LINE_CLOSE')).toBeUndefined();
    expect(valueOf('OID_TAPI', '')).toBeUndefined();
  });

  test.each(BIT_FAMILIES)('%s: valueOf(nameOf(v)) === v for any OR of its named values', (family) => {
    const values = [...FAMILIES[family].values.values()];
    fc.assert(
      fc.property(fc.subarray(values, { minLength: 1 }), (picked) => {
        const v = picked.reduce((a, b) => (a | b) >>> 0, 0);
        expect(valueOf(family, nameOf(family, v))).toBe(v);
      }),
      { numRuns: 50 },
    );
  });

  test('every bit-set family names single bits only, so every OR prints as names', () => {
    for (const family of BIT_FAMILIES) {
      for (const value of FAMILIES[family].values.values()) {
        expect(value !== 0 && (value & (value - 1)) === 0).toBe(true);
      }
    }
  });
});

describe('constants', () => {
  test('holds the exported constants by name', () => {
    expect(constants.OID_TAPI_ACCEPT).toBe(0x07030101);
    expect(constants.OID_TAPI_ACCEPT).toBe(OID_TAPI_ACCEPT);
    expect(constants.OID_TAPI_MONITOR_DIGITS).toBe(OID_TAPI_MONITOR_DIGITS);
    expect(constants.LINE_NEWCALL).toBe(500);
    expect(constants.TSPI_MESSAGE_BASE).toBe(500);
    expect(constants.NDIS_STATUS_TAPI_INDICATION).toBe(0x40010080);
    expect(constants.LINECALLSTATE_DISCONNECTED).toBe(0x4000);
    expect(constants.LINEERR_ALLOCATED).toBe(0x80000001);
  });

  test('holds every numeric constant the module exports from the Windows headers, and nothing else', () => {
    // WANEMU_* are wanemu's own (its DEV_SPECIFIC transfer, docs/dev-specific.md): no header has them.
    const exported = Object.entries(oid as Readonly<Record<string, unknown>>).filter(
      (e): e is [string, number] => typeof e[1] === 'number' && /^[A-Z][A-Z0-9_]*$/.test(e[0]) && !e[0].startsWith('WANEMU_'),
    );
    expect(exported.length).toBeGreaterThan(300);
    expect(Object.fromEntries(exported)).toEqual({ ...constants });
  });

  test('every value is an unsigned 32-bit number', () => {
    for (const value of Object.values(constants)) {
      expect(value >>> 0).toBe(value);
    }
  });

  test('there are exactly 36 OID_TAPI_* names, 0x07030101 to 0x07030124', () => {
    const names = Object.keys(constants).filter((n) => n.startsWith('OID_TAPI_'));
    expect(names).toHaveLength(36);
    expect(FAMILIES.OID_TAPI.values.size).toBe(36);
    expect(names.map((n) => constants[n]).sort((a, b) => a! - b!)).toEqual(Array.from({ length: 36 }, (_, i) => 0x07030101 + i));
  });

  test('each family holds the constants with its prefix', () => {
    for (const family of FAMILY_NAMES) {
      const f = FAMILIES[family];
      if (family === 'WAN_FRAMING') {
        // ndiswan.h's FramingBits share no prefix: the family is exactly those constants.
        expect(Object.fromEntries(f.values)).toEqual({ RAS_FRAMING: 0x1, PPP_FRAMING: 0x100, TAPI_PROVIDER: 0x80000000 });
        continue;
      }
      const withPrefix = Object.fromEntries(Object.entries(constants).filter(([n]) => n.startsWith(f.prefix)));
      if (family === 'NDIS_STATUS_TAPI') {
        // The TAPI error codes of ndistapi.h; NDIS_STATUS_TAPI_INDICATION is a general
        // status indication (ndis.h) and is named by the NDIS_STATUS family.
        delete withPrefix.NDIS_STATUS_TAPI_INDICATION;
        expect(nameOf('NDIS_STATUS', 0x40010080)).toBe('NDIS_STATUS_TAPI_INDICATION');
      }
      expect(Object.fromEntries(f.values)).toEqual(withPrefix);
      // Ascending value order.
      const vs = [...f.values.values()];
      expect(vs).toEqual([...vs].sort((a, b) => a - b));
    }
  });
});
