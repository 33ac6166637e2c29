import { layoutOf } from '../../oid/index.js';
import { StructAccess, StructAccesses } from '../../miniport/struct-access.js';

describe('StructAccesses: member access for every structure of one ABI', () => {
  test('builds each structure once, at the offsets of its own ABI', () => {
    const x64 = new StructAccesses('x64', 'wdk');
    const x86 = new StructAccesses('x86', 'wdk');
    const a = x64.of('NDIS_TAPI_MAKE_CALL');
    expect(a).toBeInstanceOf(StructAccess);
    expect(x64.of('NDIS_TAPI_MAKE_CALL')).toBe(a);
    expect(a.size).toBe(layoutOf('NDIS_TAPI_MAKE_CALL', 'x64', 'wdk').size);
    expect(a.offset('hdCall')).toBe(layoutOf('NDIS_TAPI_MAKE_CALL', 'x64', 'wdk').offsets['hdCall']);
    const b = x86.of('NDIS_TAPI_MAKE_CALL');
    expect(b).not.toBe(a);
    expect(b.size).toBe(layoutOf('NDIS_TAPI_MAKE_CALL', 'x86', 'wdk').size);
    expect(b.size).toBeLessThan(a.size);
  });
});
