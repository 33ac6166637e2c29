import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LINEMEDIAMODE_DIGITALDATA, NDIS_STATUS_SUCCESS, OID_TAPI_ACCEPT, OID_TAPI_ANSWER, OID_TAPI_CLOSE_CALL } from '../oid/index.js';
import type { RequestResult } from '../ndistapi/ndis-tapi.js';
import { readTrace } from '../trace/pcapng-reader.js';
import { replay } from '../trace/replay.js';
import { TraceRecorder } from '../trace/trace-recorder.js';
import { CallRequest, stack, type Stack } from './lifecycle-bench.js';
import { compareRates, type Figure } from './measure.js';

function lifecycles(s: Stack): (n: number) => number {
  const accept = new CallRequest(s, OID_TAPI_ACCEPT, 'NDIS_TAPI_ACCEPT');
  const answer = new CallRequest(s, OID_TAPI_ANSWER, 'NDIS_TAPI_ANSWER');
  const close = new CallRequest(s, OID_TAPI_CLOSE_CALL, 'NDIS_TAPI_CLOSE_CALL');
  const check = (r: RequestResult): void => {
    if (r.status !== NDIS_STATUS_SUCCESS) throw new Error(`bench: ${r.oid} failed`);
  };
  return (n) => {
    let sum = 0;
    for (let i = 0; i < n; i++) {
      const offer = s.miniport.remote.offer({ mediaMode: LINEMEDIAMODE_DIGITALDATA });
      if (!offer.ok) throw new Error(`bench: offer refused (${offer.reason})`);
      accept.send(offer.hdCall, check);
      answer.send(offer.hdCall, check);
      s.miniport.remote.hangUp(offer.hdCall);
      close.send(offer.hdCall, check);
      s.clock.advance(1);
      sum += offer.htCall & 0xff;
    }
    return sum;
  };
}

/**
 * Issue 4's rows. Recording overhead: incoming-call lifecycles per second through the whole
 * stack with every exchange and remote action written to a pcapng trace, against the same
 * without a trace. Replay: a trace of at least 10 million records replayed against the
 * simulated miniport at maximum speed, records per second and peak RSS, against only reading
 * the file's blocks, in the same run.
 */
export async function traceFigures(records = 10_000_000): Promise<Figure[]> {
  const dir = mkdtempSync(join(tmpdir(), 'wanemu-bench-'));
  try {
    const plain = await stack(1);
    let rec: TraceRecorder | undefined;
    const traced = await stack(1, (t) => {
      rec = TraceRecorder.attach(t.shim, join(dir, 'overhead.pcapng'), t.miniport.abi, t.miniport.variant, t.clock, t.miniport.remote.actions$, t.miniport.config);
    });
    const overhead = compareRates('trace.record.lifecycles', lifecycles(traced), lifecycles(plain), { n: 10_000, rounds: 7 });
    rec!.close();

    // A long trace: lifecycles recorded until it holds `records` records.
    const big = join(dir, 'replay.pcapng');
    let r2: TraceRecorder | undefined;
    const s = await stack(1, (t) => {
      r2 = TraceRecorder.attach(t.shim, big, t.miniport.abi, t.miniport.variant, t.clock, t.miniport.remote.actions$, t.miniport.config);
    });
    const run = lifecycles(s);
    while (r2!.count < records) run(10_000);
    r2!.close();
    const count = r2!.count;

    let t0 = process.hrtime.bigint();
    let read = 0;
    for (const r of readTrace(big)) read += r.data.length > 0 ? 1 : 1;
    const readSeconds = Number(process.hrtime.bigint() - t0) / 1e9;

    let peak = process.memoryUsage().rss;
    t0 = process.hrtime.bigint();
    const result = await replay(big, { onProgress: () => (peak = Math.max(peak, process.memoryUsage().rss)) });
    const replaySeconds = Number(process.hrtime.bigint() - t0) / 1e9;
    peak = Math.max(peak, process.memoryUsage().rss);
    if (result.divergences.length > 0 || read !== count || result.records !== count) {
      throw new Error(`bench: replay of ${count} records: ${result.divergences.length} divergences, ${read} read, ${result.records} replayed`);
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
