import { execFileSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LINEMEDIAMODE_DIGITALDATA, codecFor, isCodecError, type Abi } from '../../oid/index.js';
import { readTrace } from '../../trace/pcapng-reader.js';
import { recordJson } from '../../trace/trace-show.js';
import { TraceRecorder } from '../../trace/trace-recorder.js';
import { Rig } from '../support/rig.js';

/*
 * tshark with wireshark/wanemu.lua decodes a recorded trace to the same values wanemu's own
 * codecs read from it. Needs tshark (Debian's package; .ci/run installs it): without it this
 * suite fails, it is never skipped.
 */

const LUA = join(__dirname, '..', '..', 'wireshark', 'wanemu.lua');

function tshark(trace: string, fields: readonly string[]): string[][] {
  const out = execFileSync('tshark', ['-X', `lua_script:${LUA}`, '-r', trace, '-T', 'fields', ...fields.flatMap((f) => ['-e', f])], {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  return out.replace(/\n$/, '').split('\n').map((l) => l.split('\t'));
}

async function recordFlow(abi: Abi): Promise<string> {
  const path = join(mkdtempSync(join(tmpdir(), 'wanemu-ws-')), `${abi}.pcapng`);
  const rig = new Rig({ abi });
  const rec = TraceRecorder.attach(rig.shim, path, rig.miniport.abi, rig.miniport.variant, rig.clock);
  await rig.client.wanGetInfo();
  const htLine = await rig.bringUp();
  const offer = rig.miniport.remote.offer({ mediaMode: LINEMEDIAMODE_DIGITALDATA });
  if (!offer.ok) throw new Error(offer.reason);
  rig.clock.advance(120);
  await rig.client.answer(offer.htCall);
  await rig.client.getId({ htCall: offer.htCall }, 'ndis');
  rig.miniport.remote.hangUp(offer.hdCall);
  await rig.client.closeCall(offer.htCall);
  await rig.client.close(htLine);
  rec.close();
  return path;
}

const hex64 = (v: number | bigint): string => `0x${BigInt(v).toString(16).padStart(16, '0')}`;

describe.each(['x64', 'x86'] as const)('the dissector on an %s trace', (abi) => {
  let path = '';
  beforeAll(async () => {
    path = await recordFlow(abi);
  });

  test('every record: kind, sequence, OID or indication status, request id and return status as wanemu reads them', () => {
    const records = [...readTrace(path)];
    const rows = tshark(path, ['wanemu.kind', 'wanemu.seq', 'wanemu.oid', 'wanemu.indication', 'wanemu.request_id', 'wanemu.status', 'wanemu.bytes_used']);
    expect(rows).toHaveLength(records.length);
    rows.forEach((row, i) => {
      const r = records[i]!;
      const j = recordJson(r);
      const isIndication = r.kind === 'indication' || r.kind === 'indicationReturn';
      const hex32 = (v: number): string => `0x${v.toString(16).padStart(8, '0')}`;
      expect(row).toEqual([
        String(['request', 'return', 'completion', 'indication', 'indicationReturn'].indexOf(r.kind) + 1),
        String(r.seq),
        isIndication ? '' : hex32(r.code),
        isIndication ? hex32(r.code) : '',
        isIndication ? '' : String(r.requestId),
        j['status'] === undefined || isIndication ? '' : hex32(r.status),
        r.kind === 'return' || r.kind === 'completion' ? String(r.bytesUsed) : '',
      ]);
    });
  });

  test('NDIS_TAPI_EVENT members decode as the codec decodes them, the LINE_NEWCALL write-back included', () => {
    const records = [...readTrace(path)];
    const rows = tshark(path, ['wanemu.NDIS_TAPI_EVENT.htLine', 'wanemu.NDIS_TAPI_EVENT.htCall', 'wanemu.NDIS_TAPI_EVENT.ulMsg', 'wanemu.NDIS_TAPI_EVENT.ulParam1', 'wanemu.NDIS_TAPI_EVENT.ulParam2', 'wanemu.NDIS_TAPI_EVENT.ulParam3']);
    let events = 0;
    let writeBacks = 0;
    records.forEach((r, i) => {
      if (!((r.kind === 'indication' || r.kind === 'indicationReturn') && r.code === 0x40010080)) {
        expect(rows[i]).toEqual(['', '', '', '', '', '']);
        return;
      }
      const e = codecFor('NDIS_TAPI_EVENT', r.abi, r.variant).decode(r.data);
      if (isCodecError(e)) throw e;
      expect(rows[i]).toEqual([hex64(e.htLine), hex64(e.htCall), String(e.ulMsg), hex64(e.ulParam1), hex64(e.ulParam2), hex64(e.ulParam3)]);
      events++;
      if (r.kind === 'indicationReturn' && e.ulMsg === 500 && Number(e.ulParam2) !== 0) writeBacks++;
    });
    expect(events).toBeGreaterThan(8);
    expect(writeBacks).toBe(1);
  });

  test('request structures: OPEN returns hdLine, the line-up carries htCall and the written-back NdisLinkContext', () => {
    const records = [...readTrace(path)];
    const rows = tshark(path, ['wanemu.NDIS_TAPI_OPEN.hdLine', 'wanemu.NDIS_MAC_LINE_UP.ConnectionWrapperID', 'wanemu.NDIS_MAC_LINE_UP.NdisLinkContext', 'wanemu.NDIS_WAN_INFO.FramingBits']);
    const open = records.findIndex((r) => r.kind === 'return' && r.code === 0x07030117);
    const openValue = codecFor('NDIS_TAPI_OPEN', abi).decode(records[open]!.data);
    if (isCodecError(openValue)) throw openValue;
    expect(rows[open]![0]).toBe(hex64(openValue.hdLine));
    const upBack = records.findIndex((r) => r.kind === 'indicationReturn' && r.code === 0x40010008);
    const up = codecFor('NDIS_MAC_LINE_UP', abi).decode(records[upBack]!.data);
    if (isCodecError(up)) throw up;
    expect(rows[upBack]!.slice(1, 3)).toEqual([hex64(up.ConnectionWrapperID), hex64(up.NdisLinkContext)]);
    expect(Number(up.NdisLinkContext)).not.toBe(0);
    const info = records.findIndex((r) => r.kind === 'return' && r.code === 0x04010107);
    expect(rows[info]![3]).toBe(String(0x80000100));
  });
});
