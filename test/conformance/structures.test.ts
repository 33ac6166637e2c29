import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { STRUCTURES, type StructName } from '../../oid/index.js';
import {
  ABIS,
  PRELUDE,
  STRUCT_NAMES,
  declaredStructures,
  headerLayoutSource,
  headerMembers,
  schemaLayoutSource,
  schemaMembers,
} from './structures-source.js';
import { compile, preprocess, toolchain } from './toolchain.js';

describe.each(ABIS)('structures against the mingw-w64 headers (%s)', (abi) => {
  const t = toolchain(abi);

  test('sizeof and offsetof of every header typedef equal wanemu\'s layout', () => {
    const r = compile(t, 'layouts-header', headerLayoutSource(abi));
    expect(r.errors).toEqual([]);
    expect(r.failedAssertions).toEqual([]);
    expect(r.ok).toBe(true);
  });

  test('the schema compiled as C lays out as wanemu computes, for both variants', () => {
    const r = compile(t, 'layouts-schema', schemaLayoutSource(abi));
    expect(r.errors).toEqual([]);
    expect(r.failedAssertions).toEqual([]);
    expect(r.ok).toBe(true);
  });
});

describe('structure declarations', () => {
  const t = toolchain('x64');
  const preprocessed = preprocess(t, 'members', PRELUDE);

  test.each([['ddk/ndistapi.h'], ['ddk/ndiswan.h']] as const)('wanemu has every structure %s declares that it lays out', (header) => {
    const text = readFileSync(join(t.include, header), 'utf8');
    const declared = declaredStructures(text);
    const ours = STRUCT_NAMES.filter((n) => STRUCTURES[n].header === header);
    if (header === 'ddk/ndistapi.h') {
      // Every structure of ndistapi.h is in the schema.
      expect(declared.filter((n) => !(n in STRUCTURES))).toEqual([]);
      expect(declared.length).toBeGreaterThanOrEqual(50);
    }
    // Every structure the schema attributes to this header is declared there.
    expect(ours.filter((n) => !declared.includes(n))).toEqual([]);
  });

  test.each(STRUCT_NAMES.map((n) => [n]))('%s has the header\'s members, in order, with its C types', (name: StructName) => {
    const members = headerMembers(preprocessed, [name]).get(name);
    expect(members).toBeDefined();
    expect(schemaMembers(name)).toEqual(members);
  });
});
