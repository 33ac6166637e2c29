import { mkdtempSync, readFileSync, truncateSync, writeFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  LINEMEDIAMODE_DIGITALDATA,
  NDIS_STATUS_SUCCESS,
  NDIS_STATUS_TAPI_INDICATION,
  OID_TAPI_ANSWER,
  OID_TAPI_PROVIDER_INITIALIZE,
} from '../../oid/index.js';
import { readTrace, type TraceWarning } from '../../trace/pcapng-reader.js';
import { TraceFormatError } from '../../trace/trace-error.js';
import { exchangeOf } from '../../trace/trace-exchange.js';
import { remoteActionOf } from '../../trace/trace-show.js';
import type { TraceRecord } from '../../trace/trace-record.js';
import { TraceRecorder } from '../../trace/trace-recorder.js';
import { PcapngWriter } from '../../trace/pcapng-writer.js';
import type { Exchange } from '../../ndistapi/exchange.js';
import { Verifier } from '../../ndistapi/verifier/verifier.js';
import { Rig } from '../support/rig.js';
import { Subject } from 'rxjs';

const dir = mkdtempSync(join(tmpdir(), 'wanemu-trace-'));
let n = 0;
const file = (): string => join(dir, `t${n++}.pcapng`);

/** Records a short flow (bring-up, an incoming call answered with a pended ANSWER, an outgoing call); returns what the shim emitted. */
async function record(path: string, abi: 'x64' | 'x86' = 'x64'): Promise<Exchange[]> {
  const rig = new Rig({ abi, callsPerAddress: 2 });
  const seen: Exchange[] = [];
  rig.shim.exchanges$.subscribe((x) => seen.push({ ...x, buffer: x.buffer.slice() }));
  const recorder = TraceRecorder.attach(rig.shim, path, rig.miniport.abi, rig.miniport.variant, rig.clock);
  const htLine = await rig.bringUp();
  rig.clock.advance(1_500);
  rig.miniport.policies.setForOid(OID_TAPI_ANSWER, { mode: 'pend', delayMs: 250 });
  const offer = rig.miniport.remote.offer({ mediaMode: LINEMEDIAMODE_DIGITALDATA });
  if (!offer.ok) throw new Error(offer.reason);
  const answered = rig.client.answer(offer.htCall);
  rig.clock.advance(250);
  expect((await answered).status).toBe(NDIS_STATUS_SUCCESS);
  expect((await rig.client.makeCall(htLine, '5550100')).status).toBe(NDIS_STATUS_SUCCESS);
  rig.clock.advance(1_000);
  recorder.close();
  expect(recorder.count).toBe(seen.length);
  return seen;
}

function readAll(path: string): { records: Exchange[]; warnings: TraceWarning[]; raw: TraceRecord[] } {
  const warnings: TraceWarning[] = [];
  const raw = Array.from(readTrace(path, (w) => warnings.push(w)));
  return { records: raw.map(exchangeOf).filter((x): x is Exchange => x !== undefined), warnings, raw };
}

describe('pcapng traces', () => {
  test('every exchange is recorded and reads back identical: kind, sequence, clock time, codes, counts and bytes', async () => {
    const path = file();
    const seen = await record(path);
    const { records, warnings, raw } = readAll(path);
    expect(warnings).toEqual([]);
    expect(records).toEqual(seen);
    // Clock time survives in nanoseconds: the pended ANSWER completes 250 ms after its request.
    const answer = raw.find((r) => r.kind === 'request' && r.code === OID_TAPI_ANSWER)!;
    const done = raw.find((r) => r.kind === 'completion' && r.code === OID_TAPI_ANSWER)!;
    expect(done.timeNs - answer.timeNs).toBe(250_000_000n);
    expect(raw[0]).toMatchObject({ kind: 'request', code: OID_TAPI_PROVIDER_INITIALIZE, requestKind: 'query', abi: 'x64', variant: 'wdk', block: 2 });
  });

  test('x86 traces carry their ABI and read back as recorded', async () => {
    const path = file();
    const seen = await record(path, 'x86');
    const { records, raw } = readAll(path);
    expect(records).toEqual(seen);
    expect(new Set(raw.map((r) => r.abi))).toEqual(new Set(['x86']));
  });

  test('the file is pcapng: section header, one interface with LINKTYPE_USER0 and nanosecond timestamps', async () => {
    const path = file();
    await record(path);
    const bytes = readFileSync(path);
    const dv = new DataView(bytes.buffer, bytes.byteOffset);
    expect(dv.getUint32(0, true)).toBe(0x0a0d0d0a);
    expect(dv.getUint32(8, true)).toBe(0x1a2b3c4d);
    const shbLength = dv.getUint32(4, true);
    expect(dv.getUint32(shbLength, true)).toBe(1); // IDB
    expect(dv.getUint16(shbLength + 8, true)).toBe(147);
    expect(bytes.length % 4).toBe(0);
  });

  test('a file cut inside a block reads up to the last whole block, with a warning naming the block', async () => {
    const path = file();
    const seen = await record(path);
    const size = statSync(path).size;
    truncateSync(path, size - 7);
    const { records, warnings } = readAll(path);
    expect(records).toEqual(seen.slice(0, -1));
    expect(warnings).toHaveLength(1);
    expect(warnings[0]!.message).toMatch(/ends inside block \d+/);
  });

  test('a file cut inside a block header too', async () => {
    const path = file();
    const seen = await record(path);
    const bytes = readFileSync(path);
    const { raw } = readAll(path);
    const last = raw[raw.length - 1]!;
    writeFileSync(path, bytes.subarray(0, last.offset + 5));
    const again = readAll(path);
    expect(again.records).toEqual(seen.slice(0, -1));
    expect(again.warnings[0]!.message).toMatch(/ends 5 bytes into block/);
  });

  test('a corrupted block length, an unknown record version, a foreign file: a TraceFormatError naming file, block and offset', async () => {
    const path = file();
    await record(path);
    const { raw } = readAll(path);
    const third = raw[3]!;
    const bytes = readFileSync(path);

    const badLength = Buffer.from(bytes);
    badLength.writeUInt32LE(13, third.offset + 4);
    writeFileSync(path, badLength);
    expect(() => readAll(path)).toThrow(new TraceFormatError(path, third.block, third.offset, 'a block length that is a multiple of 4 and at least 12, found 13'));

    const badVersion = Buffer.from(bytes);
    badVersion.writeUInt8(9, third.offset + 28);
    writeFileSync(path, badVersion);
    expect(() => readAll(path)).toThrow(new TraceFormatError(path, third.block, third.offset, 'record version 1, found 9'));

    const badTrailer = Buffer.from(bytes);
    const total = badTrailer.readUInt32LE(third.offset + 4);
    badTrailer.writeUInt32LE(total + 4, third.offset + total - 4);
    writeFileSync(path, badTrailer);
    expect(() => readAll(path)).toThrow(/block \d+ at byte \d+: the block's trailing length to repeat/);

    writeFileSync(path, Buffer.from('not a trace at all, just text\n'));
    expect(() => readAll(path)).toThrow(new TraceFormatError(path, 0, 0, 'a pcapng section header block (type 0x0a0d0d0a), found type 0x20746f6e'));

    writeFileSync(path, Buffer.alloc(0));
    expect(() => readAll(path)).toThrow(/block 0 at byte 0: a pcapng section header block \(the file is empty\)/);
  });

  test.each(['the remote party, heard directly', 'its actions$', 'remote controls with actions$ only'] as const)('remote-party actions are recorded in order, before the indications they cause, as JSON (given %s)', async (given) => {
    const path = file();
    const rig = new Rig();
    const remote = rig.miniport.remote;
    const source = given === 'its actions$' ? remote.actions$ : given === 'remote controls with actions$ only' ? { actions$: remote.actions$ } : remote;
    const recorder = TraceRecorder.attach(rig.shim, path, rig.miniport.abi, rig.miniport.variant, rig.clock, source);
    await rig.bringUp();
    rig.clock.advance(500);
    const offer = rig.miniport.remote.offer({ mediaMode: LINEMEDIAMODE_DIGITALDATA, callerId: '5550123' });
    if (!offer.ok) throw new Error(offer.reason);
    rig.miniport.remote.hangUp(offer.hdCall);
    recorder.close();
    const raw = Array.from(readTrace(path));
    const remotes = raw.map((r, i) => [r, i] as const).filter(([r]) => r.kind === 'remote');
    expect(remotes.map(([r]) => remoteActionOf(r))).toEqual([
      { action: 'offer', line: 0, address: 0, mediaMode: LINEMEDIAMODE_DIGITALDATA, callerId: '5550123', calledId: '' },
      { action: 'hangUp', hdCall: offer.hdCall },
    ]);
    const [first, at] = remotes[0]!;
    expect(first.timeNs).toBe(500_000_000n);
    expect(first.seq).toBe(0xffffffff);
    // The offer comes right before the LINE_NEWCALL it causes.
    expect(raw[at + 1]).toMatchObject({ kind: 'indication', code: NDIS_STATUS_TAPI_INDICATION });
    expect(exchangeOf(first)).toBeUndefined();
  });

  test('a trace read back drives the verifier exactly as the live exchanges did', async () => {
    const path = file();
    await record(path);
    const stream = new Subject<Exchange>();
    const v = new Verifier(stream, 'x64', 'wdk');
    for (const x of readAll(path).records) stream.next(x);
    expect(v.violations).toEqual([]);
    expect(v.liveCalls).toBe(2);
    // The indications are there, as NDIS_STATUS_TAPI_INDICATION records.
    expect(readAll(path).records.filter((x) => x.type === 'indication' && x.status === NDIS_STATUS_TAPI_INDICATION).length).toBeGreaterThan(4);
  });
});

describe('remote-party records', () => {
  test('each action is recorded as exactly the JSON of the action', () => {
    const actions = [
      { action: 'offer', line: 1, address: 2, mediaMode: 256, callerId: 'a"b\\c', calledId: '' },
      { action: 'hangUp', hdCall: 131072 },
      { action: 'answer', hdCall: 7 },
      { action: 'busy', hdCall: 8 },
      { action: 'fail', hdCall: 9, why: 'reject' },
    ] as const;
    const path = file();
    const rec = new TraceRecorder(new PcapngWriter(path), 'x64', 'wdk');
    actions.forEach((a, i) => rec.remote(a, i));
    rec.writer.close();
    const back = Array.from(readTrace(path));
    expect(back.map((r) => new TextDecoder().decode(r.data))).toEqual(actions.map((a) => JSON.stringify(a)));
    expect(back.map((r) => r.timeNs)).toEqual([0n, 1_000_000n, 2_000_000n, 3_000_000n, 4_000_000n]);
  });
});
