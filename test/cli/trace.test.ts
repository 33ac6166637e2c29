import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { wanemu } from '../support/cli.js';
import { EXIT_BAD_INPUT, EXIT_OK } from '../../cli/exit-codes.js';

const dir = mkdtempSync(join(tmpdir(), 'wanemu-cli-trace-'));

const cli = wanemu;

describe('wanemu trace', () => {
  const trace = join(dir, 'demo.pcapng');
  beforeAll(async () => {
    expect((await cli('demo', '--trace', trace)).code).toBe(EXIT_OK);
  });

  test('show prints the demo flow as the demo printed it, remote-party actions included', async () => {
    const demo = await cli('demo');
    const shown = await cli('trace', 'show', trace);
    expect(shown.code).toBe(EXIT_OK);
    const exchangeLines = demo.out.split('\n').filter((l) => /^\s+\d+\.\d{3}s {2}/.test(l));
    const shownLines = shown.out.split('\n');
    expect(shownLines.filter((l) => !l.includes('remote party'))).toEqual(exchangeLines);
    expect(shownLines.some((l) => /remote party → miniport {2}offers a call on line 0 address 0: DIGITALDATA from 5551001/.test(l))).toBe(true);
  });

  test('show --json gives one object per record with names and decoded fields', async () => {
    const r = await cli('trace', 'show', trace, '--json');
    const records = r.out.split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(records[0]).toMatchObject({ kind: 'request', oidName: 'OID_WAN_GET_INFO', requestId: 1, structure: 'NDIS_WAN_INFO' });
    const newCall = records.find((x) => x['kind'] === 'indication' && (x['fields'] as { ulMsg?: number } | undefined)?.ulMsg === 500);
    expect(newCall).toMatchObject({ statusName: 'NDIS_STATUS_TAPI_INDICATION', fields: { ulParam2: 0 } });
  });

  test('diagram writes an SVG chart', async () => {
    const svg = join(dir, 'demo.svg');
    const r = await cli('trace', 'diagram', trace, '-o', svg, '--title', 'demo');
    expect(r.code).toBe(EXIT_OK);
    const text = readFileSync(svg, 'utf8');
    expect(text.startsWith('<svg ')).toBe(true);
    expect(text).toContain('>NDISTAPI / NDISWAN</text>');
  });

  test('bad input: a missing file, a corrupt block, a bad option, each exit 2 with the place named, no stack trace', async () => {
    const missing = await cli('trace', 'show', join(dir, 'nope.pcapng'));
    expect(missing.code).toBe(EXIT_BAD_INPUT);
    expect(missing.err).toMatch(/nope\.pcapng: no such file/);

    const bytes = Buffer.from(readFileSync(trace));
    const shb = bytes.readUInt32LE(4);
    const idb = bytes.readUInt32LE(shb + 4);
    bytes.writeUInt32LE(13, shb + idb + 4); // the first packet block's length
    const corrupt = join(dir, 'corrupt.pcapng');
    writeFileSync(corrupt, bytes);
    const bad = await cli('trace', 'show', corrupt);
    expect(bad.code).toBe(EXIT_BAD_INPUT);
    expect(bad.err).toBe(`wanemu: ${corrupt}: block 2 at byte ${shb + idb}: a block length that is a multiple of 4 and at least 12, found 13`);
    expect(bad.err).not.toMatch(/\n\s+at /);

    expect((await cli('trace', 'diagram', trace)).code).toBe(EXIT_BAD_INPUT);
    expect((await cli('trace', 'diagram', trace, '-o', join(dir, 'x.svg'), '--max-rows', '0')).code).toBe(EXIT_BAD_INPUT);
  });

  test('a trace cut off mid-block shows up to its last whole block, with a warning', async () => {
    const bytes = readFileSync(trace);
    const cut = join(dir, 'cut.pcapng');
    writeFileSync(cut, bytes.subarray(0, bytes.length - 10));
    const r = await cli('trace', 'show', cut);
    expect(r.code).toBe(EXIT_OK);
    expect(r.err).toMatch(/warning: .*cut\.pcapng: block \d+ at byte \d+: the file ends inside block \d+/);
    expect(r.out.split('\n').length).toBeGreaterThan(50);
  });
});
