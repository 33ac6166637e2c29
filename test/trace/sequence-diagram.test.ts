import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { LINEMEDIAMODE_DIGITALDATA, OID_TAPI_ANSWER } from '../../oid/index.js';
import { exampleDiagrams } from '../../trace/flow-diagrams.js';
import { sequenceDiagram } from '../../trace/sequence-diagram.js';
import type { TraceRecord } from '../../trace/trace-record.js';

const base = { block: 0, offset: 0, abi: 'x64', variant: 'wdk', requestId: 0, requestKind: undefined, status: 0, bytesUsed: 0, bytesNeeded: 0, seq: 0 } as const;

function texts(svg: string): string[] {
  return [...svg.matchAll(/<text[^>]*>([^<]*)<\/text>/g)].map((m) => m[1]!);
}

describe('sequence diagrams', () => {
  test('lanes, an arrow per exchange in the right direction, labels escaped, rows capped with a note', () => {
    const records: TraceRecord[] = [
      { ...base, kind: 'remote', timeNs: 0n, code: 0, seq: 0xffffffff, data: new TextEncoder().encode(JSON.stringify({ action: 'offer', line: 0, address: 0, mediaMode: LINEMEDIAMODE_DIGITALDATA, callerId: '<5551>', calledId: '' })) },
      { ...base, kind: 'request', timeNs: 1_500_000_000n, code: OID_TAPI_ANSWER, requestId: 7, requestKind: 'set', data: new Uint8Array(24) },
      { ...base, kind: 'return', timeNs: 1_500_000_000n, code: OID_TAPI_ANSWER, requestId: 7, requestKind: 'set', status: 0x103, data: new Uint8Array(24) },
    ];
    const svg = sequenceDiagram(records, { title: 'A & B' });
    const t = texts(svg);
    expect(t).toEqual(expect.arrayContaining(['A &amp; B', 'remote party', 'miniport', 'NDISTAPI / NDISWAN', 'TAPI', 'offer DIGITALDATA from &lt;5551&gt;', 'ANSWER #7', '#7 PENDING', '1.500s']));
    // remote party (x 170) to miniport (430); the request from NDISTAPI (690) to the miniport; the return dashed back.
    expect(svg).toMatch(/<line x1="170" y1="\d+" x2="430" [^>]*marker-end/);
    expect(svg).toMatch(/<line x1="690" y1="\d+" x2="430" [^>]*marker-end/);
    expect(svg).toMatch(/<line x1="430" y1="\d+" x2="690" [^>]*stroke-dasharray="5,3"/);
    const capped = sequenceDiagram(records, { maxRows: 1 });
    expect(texts(capped)).toContain('2 more rows left out (--max-rows)');
  });

  test('docs/flows/*.svg are the charts of the example scenarios as they run now (npm run gen:flows redraws them)', async () => {
    const root = join(__dirname, '..', '..');
    const drawn = await exampleDiagrams(join(root, 'examples'));
    expect(drawn.size).toBeGreaterThanOrEqual(8);
    for (const [name, svg] of drawn) expect(readFileSync(join(root, 'docs', 'flows', name), 'utf8')).toBe(svg);
    // The accepted-then-answered flow shows the handle exchange and the line-up write-back.
    const accept = texts(drawn.get('incoming-accept-answer.svg')!);
    expect(accept.some((x) => /^writes htCall=0x[0-9a-f]+ into ulParam2$/.test(x))).toBe(true);
    expect(accept.some((x) => /^writes NdisLinkContext=0x[0-9a-f]+$/.test(x))).toBe(true);
  });
});
