import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, statSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { NDIS_STATUS_TAPI_INDICATION, OID_TAPI_ANSWER } from '../../oid/index.js';
import { readTrace, type TraceWarning } from '../../trace/pcapng-reader.js';
import { PcapngWriter } from '../../trace/pcapng-writer.js';
import { TraceRecorder } from '../../trace/trace-recorder.js';

const dir = mkdtempSync(join(tmpdir(), 'wanemu-write-worker-'));
let n = 0;
const file = (): string => join(dir, `w${n++}.pcapng`);
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/**
 * Records `records` records of varied kinds and sizes (every 5000th a block bigger than the
 * writer's 2 MB segments when `huge`), pausing once after the first 1.5 MB so a worker, when
 * allowed, is up for the rest.
 */
async function record(path: string, writeThread: boolean, records: number, huge = false): Promise<PcapngWriter> {
  const writer = new PcapngWriter(path, 'wanemu', '{"wanemu":{}}', { writeThread });
  const rec = new TraceRecorder(writer, 'x64', 'wdk');
  const sizes = [0, 1, 3, 24, 48, 100, 301, 1500];
  const buffers = sizes.map((s) => Uint8Array.from({ length: s }, (_, i) => (i * 7 + s) & 0xff));
  const big = Uint8Array.from({ length: 3 << 20 }, (_, i) => i & 0xff);
  let paused = false;
  for (let i = 0; i < records; i++) {
    const data = huge && i % 5000 === 4998 ? big : buffers[i % buffers.length]!;
    switch (i % 4) {
      case 0:
        rec.onRequest(i, i * 0.25, i, i & 1 ? 'set' : 'query', OID_TAPI_ANSWER, data);
        break;
      case 1:
        rec.onOutcome(i & 2 ? 'return' : 'completion', i, i * 0.25, i, 'set', OID_TAPI_ANSWER, 0x103, data.length, 7, data);
        break;
      case 2:
        rec.onIndication(i & 4 ? 'indication' : 'indicationReturn', i, i * 0.25, NDIS_STATUS_TAPI_INDICATION, data);
        break;
      default:
        rec.remote(i & 8 ? { action: 'hangUp', hdCall: i } : { action: 'offer', line: 0, address: 1, mediaMode: 256, callerId: `555${i}`, calledId: 'é"' }, i * 0.25);
    }
    if (!paused && statSync(path).size > 0 && i > 0 && i % 1000 === 0 && writer.workerStarted) {
      paused = true;
      await sleep(300);
    }
  }
  writer.close();
  return writer;
}

describe('the trace write worker', () => {
  test('a trace written through the worker is byte for byte the trace written from the recording thread', async () => {
    const threaded = file();
    const plain = file();
    const w = await record(threaded, true, 120_000);
    expect(w.workerStarted).toBe(true);
    expect(w.threaded).toBe(true);
    const p = await record(plain, false, 120_000);
    expect(p.workerStarted).toBe(false);
    expect(statSync(threaded).size).toBeGreaterThan(8 << 20);
    expect(readFileSync(threaded).equals(readFileSync(plain))).toBe(true);
    const warnings: TraceWarning[] = [];
    const back = Array.from(readTrace(threaded, (x) => warnings.push(x)));
    expect(warnings).toEqual([]);
    expect(back.map((r) => r.seq).filter((s) => s !== 0xffffffff).length).toBe(90_000);
  });

  test('blocks bigger than a segment, among the others, go to the file in order', async () => {
    const threaded = file();
    const plain = file();
    await record(threaded, true, 20_000, true);
    await record(plain, false, 20_000, true);
    expect(readFileSync(threaded).equals(readFileSync(plain))).toBe(true);
    expect(Array.from(readTrace(threaded)).filter((r) => r.data.length === 3 << 20).length).toBe(4);
  });

  test('a short trace never starts a worker', () => {
    const path = file();
    const writer = new PcapngWriter(path);
    const rec = new TraceRecorder(writer, 'x64', 'wdk');
    for (let i = 0; i < 1000; i++) rec.onIndication('indication', i, i, NDIS_STATUS_TAPI_INDICATION, new Uint8Array(48));
    writer.flush();
    expect(Array.from(readTrace(path)).length).toBe(1000);
    writer.close();
    expect(writer.workerStarted).toBe(false);
  });

  test('flush() leaves everything recorded so far in the file, worker or not', async () => {
    const path = file();
    const writer = new PcapngWriter(path);
    const rec = new TraceRecorder(writer, 'x64', 'wdk');
    const data = new Uint8Array(200);
    for (let i = 0; i < 8000; i++) rec.onIndication('indication', i, i, NDIS_STATUS_TAPI_INDICATION, data);
    await sleep(300);
    for (let i = 8000; i < 40_000; i++) rec.onIndication('indication', i, i, NDIS_STATUS_TAPI_INDICATION, data);
    writer.flush();
    expect(writer.threaded).toBe(true);
    const warnings: TraceWarning[] = [];
    expect(Array.from(readTrace(path, (w) => warnings.push(w))).length).toBe(40_000);
    expect(warnings).toEqual([]);
    writer.close();
  });

  test('a worker-written trace cut anywhere reads up to its last whole block, with a warning', async () => {
    const path = file();
    await record(path, true, 60_000);
    const whole = readFileSync(path);
    const offsets = Array.from(readTrace(path)).map((r) => r.offset);
    const cut = file();
    for (const at of [whole.length - 1, whole.length - 37, 5_000_011, 3_145_728, 1_048_577, 100]) {
      writeFileSync(cut, whole);
      truncateSync(cut, at);
      const warnings: TraceWarning[] = [];
      const back = Array.from(readTrace(cut, (w) => warnings.push(w)));
      // Every block that ends by the cut, and no other.
      const whole_ = offsets.filter((o, i) => (offsets[i + 1] ?? whole.length) <= at).length;
      expect(back.length).toBe(whole_);
      expect(warnings).toHaveLength(1);
    }
  });
});

// The child processes run the built library (dist/, which `npm test` builds first).
const dist = resolve(__dirname, '../../dist/trace');

/** A child node process that records `records` records (pausing so the worker starts) and then ends as `end` says. */
function crashAfter(path: string, records: number, end: 'throw' | 'exit' | 'return'): { status: number | null; stdout: string; stderr: string } {
  const url = (f: string): string => JSON.stringify(pathToFileURL(join(dist, f)).href);
  const script = `
const { PcapngWriter } = await import(${url('pcapng-writer.js')});
const { TraceRecorder } = await import(${url('trace-recorder.js')});
const writer = new PcapngWriter(${JSON.stringify(path)});
const rec = new TraceRecorder(writer, 'x64', 'wdk');
const data = new Uint8Array(150);
for (let i = 0; i < ${records}; i++) {
  rec.onIndication('indication', i, i, 0x40010017, data);
  if (i === 10000) await new Promise((r) => setTimeout(r, 300));
}
console.log(JSON.stringify({ threaded: writer.threaded, count: rec.count }));
${end === 'throw' ? "throw new Error('the test throws');" : end === 'exit' ? 'process.exit(3);' : ''}
`;
  const r = spawnSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8' });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe('a process that ends without closing its trace', () => {
  beforeAll(() => {
    if (!existsSync(join(dist, 'trace-recorder.js'))) throw new Error(`${dist} is not built: npm test builds it before jest`);
  });
  test.each([
    ['throws an uncaught exception', 'throw', 1],
    ['calls process.exit', 'exit', 3],
    ['just returns', 'return', 0],
  ] as const)('%s: the file holds every record made, whole', (_, end, status) => {
    const path = file();
    const records = 90_001;
    const r = crashAfter(path, records, end);
    expect(r.status).toBe(status);
    if (end === 'throw') expect(r.stderr).toMatch(/the test throws/);
    expect(JSON.parse(r.stdout.trim())).toEqual({ threaded: true, count: records });
    const warnings: TraceWarning[] = [];
    const back = Array.from(readTrace(path, (w) => warnings.push(w)));
    expect(warnings).toEqual([]);
    expect(back.length).toBe(records);
    expect(back[records - 1]!.seq).toBe(records - 1);
  });
});
