import { wanemu } from '../support/cli.js';
import { EXIT_BAD_INPUT, EXIT_OK } from '../../cli/exit-codes.js';
import { codecFor, isCodecError } from '../../oid/index.js';

const run = wanemu;

describe('wanemu', () => {
  test('with no command runs the main job: the demo flows, one named line per exchange, no violations', async () => {
    const r = await run();
    expect(r.code).toBe(EXIT_OK);
    const lines = r.out.split('\n');
    const at = (re: RegExp): number => lines.findIndex((l) => re.test(l));
    // Flow 1: the handle exchange, then the line-up before CONNECTED, then GET_ID "ndis" gives the link context.
    const newCall = at(/LINE_NEWCALL hdCall=0x[0-9a-f]+/);
    const written = at(/NDISTAPI writes htCall=0x[0-9a-f]+ into ulParam2/);
    const lineUp = at(/NDIS_STATUS_WAN_LINE_UP .*ConnectionWrapperID=0x/);
    const connected = at(/LINE_CALLSTATE CONNECTED/);
    expect(newCall).toBeGreaterThan(0);
    expect(written).toBe(newCall + 1);
    expect(lineUp).toBeGreaterThan(written);
    expect(connected).toBeGreaterThan(lineUp);
    const context = /NdisLinkContext=(0x[0-9a-f]+)/.exec(lines[lineUp + 1]!)?.[1];
    expect(lines.some((l) => l.includes(`DeviceID=${context}`))).toBe(true);
    // Flow 3 times out to IDLE; flow 4 walks the outgoing progress states.
    expect(at(/-- 3\./)).toBeLessThan(at(/-- 4\./));
    for (const s of ['DIALING', 'PROCEEDING', 'RINGBACK']) expect(at(new RegExp(`LINE_CALLSTATE ${s}`))).toBeGreaterThan(at(/-- 4\./));
    expect(r.out).toMatch(/\n\d+ exchanges, 0 verifier violations/);
  });

  test('oids prints the OID table with both ABIs\' sizes', async () => {
    const r = await run('oids');
    expect(r.code).toBe(EXIT_OK);
    const rows = r.out.split('\n').filter((l) => l.startsWith('OID_TAPI_'));
    expect(rows).toHaveLength(36);
    expect(rows.find((l) => l.startsWith('OID_TAPI_MAKE_CALL '))).toMatch(/0x07030115\s+query\s+mandatory\s+NDIS_TAPI_MAKE_CALL\s+160\s+140$/);
    expect(rows.find((l) => l.startsWith('OID_TAPI_GATHER_DIGITS '))).toMatch(/undocumented/);
  });

  test('oids --json lists every request with its sizes', async () => {
    const r = await run('oids', '--json');
    const rows = JSON.parse(r.out) as Array<{ name: string; x64: number | null; x86: number | null; kind: string }>;
    expect(rows).toHaveLength(36);
    expect(rows.find((x) => x.name === 'OID_TAPI_ACCEPT')).toMatchObject({ kind: 'set', x64: 24, x86: 16 });
  });

  test('layout prints members with offsets for the chosen ABI and variant', async () => {
    const x64 = await run('layout', 'NDIS_TAPI_EVENT');
    expect(x64.out).toMatch(/sizeof 48/);
    expect(x64.out).toMatch(/^32\s+8\s+ULONG_PTR\s+ulParam2$/m);
    const ddk = await run('layout', 'NDIS_TAPI_EVENT', '--variant', 'ddk');
    expect(ddk.out).toMatch(/sizeof 32/);
    expect(ddk.out).toMatch(/^24\s+4\s+ULONG\s+ulParam2$/m);
    const all = await run('layout');
    expect(all.out).toMatch(/^NDIS_TAPI_MAKE_CALL\s+ddk\/ndistapi\.h\s+160\s+140$/m);
  });

  test('name prints header names, bit sets joined with |', async () => {
    const r = await run('name', 'LINECALLSTATE', '6', '0x100');
    expect(r.out).toBe('OFFERING|ACCEPTED\nCONNECTED');
    expect((await run('name', 'OID_TAPI', '0x07030118')).out).toBe('OID_TAPI_PROVIDER_INITIALIZE');
  });

  test('decode reads a hex dump as a debugger prints it', async () => {
    const bytes = codecFor('NDIS_TAPI_EVENT').encode({ htLine: 0x10, ulMsg: 500, ulParam1: 0x2000 });
    if (isCodecError(bytes)) throw new Error(bytes.message);
    const hex = Array.from(bytes, (b) => `0x${b.toString(16).padStart(2, '0')}`).join(', ');
    const r = await run('decode', 'NDIS_TAPI_EVENT', hex);
    expect(r.code).toBe(EXIT_OK);
    expect(JSON.parse(r.out)).toEqual({ htLine: 16, htCall: 0, ulMsg: 500, ulParam1: 8192, ulParam2: 0, ulParam3: 0 });
  });

  test.each([
    [['decode', 'NDIS_TAPI_EVENT', '01 02'], /NDIS_TAPI_EVENT\.htLine: .*needs 48 bytes.*2 available/],
    [['decode', 'NDIS_TAPI_EVENT', '01 0g'], /character 4: expected two hex digits, found "0g"/],
    [['decode', 'NO_SUCH_STRUCT', '00'], /unknown structure "NO_SUCH_STRUCT"/],
    [['name', 'NOPE', '1'], /unknown family "NOPE"/],
    [['name', 'LINECALLSTATE', 'x12'], /"x12" is not a 32-bit number/],
    [['layout', 'NDIS_TAPI_EVENT', '--abi', 'arm64'], /arm64/],
    [['no-such-command'], /unknown command/],
  ])('bad input %j exits 2 with a message saying what was expected', async (argv, message) => {
    const r = await run(...argv);
    expect(r.code).toBe(EXIT_BAD_INPUT);
    expect(r.err).toMatch(message);
  });
});
