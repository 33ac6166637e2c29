import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { TraceCursor } from '../trace/trace-cursor.js';
import { TraceRecorder } from '../trace/trace-recorder.js';
import { lifecycleLoop, stack, type Stack } from './lifecycle-bench.js';
import { compareRates, type Figure } from './measure.js';

const lifecycles = (s: Stack): ((n: number) => number) =>
  lifecycleLoop(s, () => {
    throw new Error('bench: a request failed');
  }, 1);

/**
 * Issue 4's rows. Recording overhead: incoming-call lifecycles per second through the whole
 * stack with every exchange and remote action written to a pcapng trace, against the same
 * without a trace. Replay: a trace of at least 10 million records replayed against the
 * simulated miniport at maximum speed, records per second and peak RSS, against only reading
 * the file's blocks, in the same run, the fastest way wanemu reads them (TraceCursor, which
 * replay reads with too: the ratio is what replaying adds to reading).
 */
export async function traceFigures(records = 10_000_000): Promise<Figure[]> {
  const dir = mkdtempSync(join(tmpdir(), 'wanemu-bench-'));
  try {
    const plain = await stack(1);
    let rec: TraceRecorder | undefined;
    const traced = await stack(1, (t) => {
      rec = TraceRecorder.attach(t.shim, join(dir, 'overhead.pcapng'), t.miniport.abi, t.miniport.variant, t.clock, t.miniport.remote, t.miniport.config);
    });
    const overhead = compareRates('trace.record.lifecycles', lifecycles(traced), lifecycles(plain), { n: 10_000, rounds: 7 });
    rec!.close();

    // A long trace: lifecycles recorded until it holds `records` records.
    const big = join(dir, 'replay.pcapng');
    let r2: TraceRecorder | undefined;
    const s = await stack(1, (t) => {
      r2 = TraceRecorder.attach(t.shim, big, t.miniport.abi, t.miniport.variant, t.clock, t.miniport.remote, t.miniport.config);
    });
    const run = lifecycles(s);
    while (r2!.count < records) run(10_000);
    r2!.close();
    const count = r2!.count;

    let t0 = process.hrtime.bigint();
    let read = 0;
    const cursor = new TraceCursor(big);
    try {
      while (cursor.next()) read += cursor.dataLength >= 0 ? 1 : 0;
    } finally {
      cursor.close();
    }
    const readSeconds = Number(process.hrtime.bigint() - t0) / 1e9;

    // The replay runs in a process of its own, so its peak RSS is its own (not the recording's).
    const child = spawnSync(
      process.execPath,
      ['--input-type=module', '-e', `const { replay } = await import(${JSON.stringify(new URL('../trace/replay.js', import.meta.url).href)});
const t0 = process.hrtime.bigint();
const r = await replay(${JSON.stringify(big)});
const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
console.log(JSON.stringify({ records: r.records, divergences: r.divergences.length, seconds, maxRssKb: process.resourceUsage().maxRSS }));`],
      { encoding: 'utf8', maxBuffer: 1 << 20 },
    );
    if (child.status !== 0) throw new Error(`bench: the replay process failed: ${child.stderr}`);
    const result = JSON.parse(child.stdout.trim().split('\n').pop()!) as { records: number; divergences: number; seconds: number; maxRssKb: number };
    const replaySeconds = result.seconds;
    const peak = result.maxRssKb * 1024;
    if (result.divergences > 0 || read !== count || result.records !== count) {
      throw new Error(`bench: replay of ${count} records: ${result.divergences} divergences, ${read} read, ${result.records} replayed`);
    }
    const rate = count / replaySeconds;
    const base = count / readSeconds;
    return [
      { ...overhead, unit: 'lifecycles/s' },
      { name: 'trace.replay.records', value: Math.round(rate), unit: 'records/s', baseline: Math.round(base), ratio: Math.round((rate / base) * 1000) / 1000 },
      { name: 'trace.replay.peak-rss', value: Math.round(peak / 2 ** 20), unit: 'MB', baseline: 200, ratio: Math.round((peak / 2 ** 20 / 200) * 1000) / 1000 },
    ];
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
