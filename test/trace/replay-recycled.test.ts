import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { LINE_CALLSTATE, NDIS_STATUS_TAPI_INDICATION, NDIS_STATUS_WAN_LINE_UP, layoutOf, type StructName } from '../../oid/index.js';
import { ExchangeFormatter } from '../../ndistapi/exchange-text.js';
import { loadScenario } from '../../sim/scenario/scenario-loader.js';
import { runScenario } from '../../sim/scenario/scenario-runner.js';
import { readTrace } from '../../trace/pcapng-reader.js';
import { EPB_FIXED } from '../../trace/pcapng.js';
import { replay, type Divergence } from '../../trace/replay.js';
import { exchangeOf } from '../../trace/trace-exchange.js';
import { ABOVE_NDISTAPI, RECORD_HEADER, type TraceRecord } from '../../trace/trace-record.js';
import { remoteActionOf } from '../../trace/trace-show.js';
import { put, scratch } from '../fuzz/trace-files.js';
import { faultyMiniport } from '../../miniport/faulty/index.js';
import { SimulatedMiniport } from '../../miniport/simulated-miniport.js';

/*
 * Replay recycles its records (a record no longer in its lookahead queue or its ring of the last
 * three is refilled with a later one). What it reports must not show it: a divergence found
 * deep into a long trace, after hundreds of thousands of recycled records, names and shows the
 * records readTrace reads there, and keeps its own copy of the expected record; `all` counts
 * every divergence of a trace that diverges at every call.
 */

const root = join(__dirname, '..', '..');
const tmp = scratch('wanemu-replay-recycled-');
afterAll(() => tmp.done());

/** Offset of a structure's member in the x64 WDK layout (the traces here are recorded with it). */
const offsetOf = (s: StructName, member: string): number => layoutOf(s, 'x64', 'wdk').fields.find((f) => f.name === member)!.offset;

/** Where a record's data starts in its file: after the block's type and length, the EPB's fixed part and the record header. */
const dataAt = (r: TraceRecord): number => r.offset + 8 + EPB_FIXED + RECORD_HEADER;

/** Every field of a record, the bytes as hex. */
const fieldsOf = (r: TraceRecord): Record<string, unknown> => ({
  block: r.block, offset: r.offset, timeNs: String(r.timeNs), kind: r.kind, seq: r.seq, abi: r.abi, variant: r.variant, code: r.code,
  requestId: r.requestId, requestKind: r.requestKind, status: r.status, bytesUsed: r.bytesUsed, bytesNeeded: r.bytesNeeded, data: Buffer.from(r.data).toString('hex'),
});

/** A record as a divergence report shows it, formatted as `wanemu trace show` formats exchanges. */
function describer(): (r: TraceRecord) => string {
  const formatter = new ExchangeFormatter('x64', 'wdk');
  return (r) => {
    const x = exchangeOf(r);
    if (x === undefined) return `remote party: ${JSON.stringify(remoteActionOf(r))}`;
    return (formatter.format(x) ?? `${(Number(r.timeNs) / 1e9).toFixed(3)}s  (the indication returns; nothing written back)`).trim();
  };
}

let path: string;
/** The recording's records that replay compares or re-issues (all of them here: no TAPI layer above). */
let records: TraceRecord[];
let clean: { records: number; compared: number };

beforeAll(async () => {
  // 4,000 overlapping calls, up to 900 at once: 96,000 records.
  path = tmp.path('load-sub-flow.pcapng');
  const run = await runScenario(loadScenario(join(root, 'examples', 'load-sub-flow.yaml')), { tracePath: path });
  expect(run.passed).toBe(true);
  records = Array.from(readTrace(path)).filter((r) => !ABOVE_NDISTAPI.has(r.kind));
  const r = await replay(path);
  expect(r.divergences).toEqual([]);
  clean = { records: r.records, compared: r.compared };
  expect(clean.records).toBeGreaterThan(90_000);
});

describe('a replay that recycles its records reports what the recording holds', () => {
  test('a recorded LINE_CALLSTATE changed 95% into the trace: the divergence names that record, its bytes, and the three records either side', async () => {
    const param3 = offsetOf('NDIS_TAPI_EVENT', 'ulParam3');
    const msg = offsetOf('NDIS_TAPI_EVENT', 'ulMsg');
    const at = records.findIndex(
      (r, i) => i > records.length * 0.95 && r.kind === 'indication' && r.code === NDIS_STATUS_TAPI_INDICATION && Buffer.from(r.data).readUInt32LE(msg) === LINE_CALLSTATE,
    );
    expect(at).toBeGreaterThan(0);
    const original = records[at]!;
    const bytes = new Uint8Array(readFileSync(path));
    const was = bytes[dataAt(original) + param3]!;
    bytes[dataAt(original) + param3] = was ^ 0x40;
    const damaged = put(tmp.path('late.pcapng'), bytes);
    const recorded = Array.from(readTrace(damaged)).filter((r) => !ABOVE_NDISTAPI.has(r.kind));

    const r = await replay(damaged);
    expect(r.divergences).toHaveLength(1);
    const d: Divergence = r.divergences[0]!;
    expect(d.reason).toBe(`byte ${param3} is 0x${was.toString(16)}, recorded 0x${(was ^ 0x40).toString(16)}`);
    expect(fieldsOf(d.expected!)).toEqual(fieldsOf(recorded[at]!));
    // What the target produced is the recording's own indication, unchanged.
    expect(d.actualText).toBe(describer()(original));
    // In the order replay formats them (a return's line depends on its request's being formatted first).
    const describe = describer();
    const after = recorded.slice(at + 1, at + 4).map(describe);
    const expectedText = describe(recorded[at]!);
    const before = recorded.slice(at - 3, at).map(describe);
    expect(d.expectedText).toBe(expectedText);
    expect(d.around).toEqual([...before.map((l) => `  ${l}`), `> ${describe(recorded[at]!)}`, ...after.map((l) => `  ${l}`)]);
    // Stopped at the divergence: the records up to it and the three after were read.
    expect(r.records).toBeLessThan(clean.records);
    expect(r.records).toBeGreaterThan(at);

    // Going on to the end, with the verifier: the same one divergence, every output compared, no violation.
    const all = await replay(damaged, { all: true, verify: true });
    expect(all.records).toBe(clean.records);
    expect(all.compared).toBe(clean.compared);
    expect(all.divergences).toEqual(r.divergences);
    expect(all.violations).toEqual([]);
  });

  test('all: a target with another link speed diverges at every line-up, each counted, each report keeping its own record', async () => {
    const speed = offsetOf('NDIS_MAC_LINE_UP', 'LinkSpeed');
    const r = await replay(path, { all: true, override: { linkSpeed: 641 } });
    // The indication and its return (the same buffer handed back) of every call's line-up.
    const lineUps = records.filter((x) => (x.kind === 'indication' || x.kind === 'indicationReturn') && x.code === NDIS_STATUS_WAN_LINE_UP);
    expect(lineUps.length).toBe(2 * 4000);
    expect(r.records).toBe(clean.records);
    expect(r.compared).toBe(clean.compared);
    expect(r.divergences.length).toBe(lineUps.length);
    // 641 is 0x281; the recording's 640, 0x280.
    expect(new Set(r.divergences.map((d) => d.reason))).toEqual(new Set([`byte ${speed} is 0x81, recorded 0x80`]));
    // Read after the replay recycled every record it read: each still the record at its block.
    expect(r.divergences.map((d) => fieldsOf(d.expected!))).toEqual(lineUps.map(fieldsOf));
    const describe = describer();
    expect(r.divergences.map((d) => d.expectedText)).toEqual(lineUps.map(describe));
  });

  test('all: out of step with the recording, inputs wait for the level they were recorded at (no nesting deeper with every indication)', async () => {
    // The faulty target indicates a LINE_CALLSTATE after IDLE on every call: from there on the
    // replay is out of step. Before, the next call's recorded inputs were applied inside that
    // extra indication, their indications nested inside them, and so on: 4,000 calls overflowed
    // the stack. Now each call diverges the same way, the verifier flags each extra indication.
    const r = await replay(path, {
      all: true,
      verify: true,
      target: async (c, clock) => faultyMiniport('indicates-after-idle', new SimulatedMiniport({ ...c, clock })),
    });
    expect(r.records).toBe(clean.records);
    expect(r.divergences.length).toBe(3 * 4000);
    expect(r.violations.map((v) => v.rule)).toEqual(new Array(4000).fill('EVENT_AFTER_IDLE'));
    expect(r.divergences[0]!.reason).toBe('the recording has a return of OID_TAPI_CLOSE_CALL here; the target produced a indication of NDIS_STATUS_TAPI_INDICATION');
  });
});
