import { ABIS } from '../../oid/index.js';
import { CONSTANT_HEADERS, constants, constantsSource, expansions } from './constants-source.js';
import { compile, toolchain } from './toolchain.js';

const names = Object.keys(constants);

describe.each(ABIS)('constants against the mingw-w64 headers (%s)', (abi) => {
  const t = toolchain(abi);
  const definedIn = new Map<string, string[]>();

  test.each(CONSTANT_HEADERS)('every constant %s defines has wanemu\'s value', (header) => {
    const found = expansions(t, header, names);
    for (const name of found.keys()) definedIn.set(name, [...(definedIn.get(name) ?? []), header]);
    const r = compile(t, `constants-${header.replace(/\W/g, '_')}`, constantsSource(header, found));
    expect(r.errors).toEqual([]);
    expect(r.failedAssertions).toEqual([]);
    expect(r.ok).toBe(true);
  });

  test('every exported constant is defined by some header', () => {
    const orphans = names.filter((n) => !definedIn.has(n));
    expect(orphans).toEqual([]);
    expect(definedIn.size).toBe(names.length);
  });
});
