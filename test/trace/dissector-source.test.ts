import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { layoutOf } from '../../oid/index.js';
import { dissectorSource } from '../../trace/dissector-source.js';

describe('wireshark/wanemu.lua', () => {
  const committed = readFileSync(join(__dirname, '..', '..', 'wireshark', 'wanemu.lua'), 'utf8');

  test('is what the schema generates (run `npm run gen:dissector` after a schema change)', () => {
    expect(committed).toBe(dissectorSource());
  });

  test('declares a field for every member of the event and the line-up, at the schema\'s offsets for each ABI', () => {
    for (const s of ['NDIS_TAPI_EVENT', 'NDIS_MAC_LINE_UP'] as const) {
      for (const [abi, variant] of [['x64', 'wdk'], ['x64', 'ddk'], ['x86', 'wdk']] as const) {
        for (const f of layoutOf(s, abi, variant).fields) {
          expect(committed).toContain(`ProtoField.`);
          expect(committed).toContain(`"wanemu.${s}.${f.name}"`);
          expect(committed).toContain(`{ "${s}.${f.name}", ${f.offset}, ${f.size} }`);
        }
      }
    }
  });
});
