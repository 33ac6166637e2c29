import { ABOVE_NDISTAPI } from './trace-record.js';
import { Subject } from 'rxjs';
import { nameOf, type Abi, type LayoutVariant, type RequestKind } from '../oid/index.js';
import type { ByteCounts, Completion, Miniport, MiniportSink, StatusIndication } from '../miniport/miniport.js';
import { NdisTapi } from '../ndistapi/ndis-tapi.js';
import { Verifier } from '../ndistapi/verifier/verifier.js';
import { VirtualClock } from '../sim/virtual-clock.js';
import { readTrace, type TraceWarning } from './pcapng-reader.js';
import { TraceFormatError } from './trace-error.js';
import type { TraceRecord } from './trace-record.js';

/** A place where the layers above the seam did not do what the recording shows, or a contract breach. */
export interface UpperDivergence {
  readonly record: TraceRecord;
  readonly reason: string;
}

export interface UpperResult {
  readonly records: number;
  readonly divergences: readonly UpperDivergence[];
  /** Verifier violations found on the recording, as `RULE: detail`. */
  readonly violations: readonly string[];
}

/**
 * `wanemu replay --upper`: plays the recorded miniport side (returns, completions,
 * indications, as recorded) into a fresh NdisTapi and the verifier, issuing the recorded
 * requests through NdisTapi. Reports where NdisTapi's write-backs (the htCall it puts into
 * LINE_NEWCALL, the NdisLinkContext into a line-up) or its requests differ from the recording,
 * and every rule the recorded miniport broke: a regression check for the layers above the seam,
 * and a contract check of a trace captured from a real driver.
 */
export function replayUpper(path: string, onWarning?: (w: TraceWarning) => void): UpperResult {
  const records: TraceRecord[] = [];
  const source = readTrace(path, onWarning);
  let index = 0;
  let total = 0;
  const peek = (): TraceRecord | undefined => {
    if (index < records.length) return records[index];
    for (;;) {
      const n = source.next();
      if (n.done === true) return undefined;
      total++;
      // The TAPI and MS-TRP layers are above NdisTapi: nothing here plays or checks them.
      if (ABOVE_NDISTAPI.has(n.value.kind)) continue;
      records.length = 0;
      index = 0;
      records.push(n.value);
      return n.value;
    }
  };
  const take = (): TraceRecord | undefined => {
    const r = peek();
    if (r !== undefined) index++;
    return r;
  };
  const first = peek();
  const abi: Abi = first?.abi ?? 'x64';
  const variant: LayoutVariant = first?.variant ?? 'wdk';
  const divergences: UpperDivergence[] = [];
  const clock = new VirtualClock();
  const at = (r: TraceRecord): void => clock.advanceTo(Number(r.timeNs) / 1e6);
  const buffers = new Map<number, Uint8Array>();

  /** The recorded miniport: answers and indicates exactly as the trace says. */
  class RecordedMiniport implements Miniport {
    readonly abi = abi;
    readonly variant = variant;
    readonly indications = new Subject<StatusIndication>();
    readonly completions = new Subject<Completion>();
    readonly indications$ = this.indications.asObservable();
    readonly completions$ = this.completions.asObservable();
    sinks: MiniportSink[] = [];

    attach(sink: MiniportSink): () => void {
      this.sinks.push(sink);
      return () => undefined;
    }

    request(requestId: number, kind: RequestKind, oid: number, buffer: Uint8Array, counts: ByteCounts): number {
      const req = take();
      if (req === undefined || req.kind !== 'request') {
        throw new Error(`NdisTapi sent ${nameOf('OID', oid)} where the recording has ${req === undefined ? 'nothing' : req.kind}`);
      }
      if (req.code !== oid || req.requestKind !== kind || !same(req.data, buffer)) {
        divergences.push({ record: req, reason: `NdisTapi sent ${kind} ${nameOf('OID', oid)} #${requestId} (${buffer.length} bytes); the recording has ${req.requestKind ?? '?'} ${nameOf('OID', req.code)} #${req.requestId}` });
      }
      // What the miniport did before returning: indications (line-ups inside ANSWER, ...).
      for (;;) {
        const r = peek();
        if (r === undefined) return fail(req, 'the recording ends before the return');
        if (r.kind === 'return') break;
        play(take()!);
      }
      const ret = take()!;
      buffer.set(ret.data.subarray(0, Math.min(ret.data.length, buffer.length)));
      counts.bytesUsed = ret.bytesUsed;
      counts.bytesNeeded = ret.bytesNeeded;
      buffers.set(requestId, buffer);
      return ret.status;
    }
  }
  const miniport = new RecordedMiniport();
  const fail = (r: TraceRecord, reason: string): number => {
    divergences.push({ record: r, reason });
    return r.status;
  };

  /** Delivers a recorded indication or completion to NdisTapi. */
  const play = (r: TraceRecord): void => {
    at(r);
    if (r.kind === 'indication') {
      const buffer = r.data.slice();
      for (const s of miniport.sinks) s.indicate(r.code, buffer);
      const back = peek();
      if (back !== undefined && back.kind === 'indicationReturn') {
        take();
        if (!same(back.data, buffer)) divergences.push({ record: back, reason: `NdisTapi wrote back other bytes into ${nameOf('NDIS_STATUS', r.code)} than the recording shows` });
      }
    } else if (r.kind === 'completion') {
      const buffer = buffers.get(r.requestId);
      if (buffer !== undefined) buffer.set(r.data.subarray(0, Math.min(r.data.length, buffer.length)));
      buffers.delete(r.requestId);
      for (const s of miniport.sinks) s.complete({ requestId: r.requestId, kind: r.requestKind ?? 'query', oid: r.code, status: r.status, bytesUsed: r.bytesUsed, bytesNeeded: r.bytesNeeded });
    }
  };

  const shim = new NdisTapi(miniport, clock);
  const verifier = new Verifier(shim, abi, variant);
  try {
    for (;;) {
      const r = peek();
      if (r === undefined) break;
      at(r);
      if (r.kind === 'request') {
        // NdisTapi sends it (the recorded miniport answers as recorded); a pended request's
        // successors wait in NdisTapi's queue, as NDIS queues them.
        shim.submit(r.requestKind ?? 'query', r.code, r.data.slice());
        if (peek() === r) {
          // NdisTapi queued it behind a pending request: the recording must complete that first.
          divergences.push({ record: r, reason: `NdisTapi held ${nameOf('OID', r.code)} #${r.requestId} back while another request was pending; the recording sent it` });
          take();
        }
      } else if (r.kind === 'indication' || r.kind === 'completion') {
        play(take()!);
      } else {
        // Remote actions do not cross the seam; a stray return or indication return is out of place.
        take();
        if (r.kind !== 'remote') divergences.push({ record: r, reason: `a ${r.kind} out of place in the recording` });
      }
    }
  } catch (e) {
    // A trace the reader refuses is bad input, not a divergence of the layers above the seam.
    if (!(e instanceof Error) || e instanceof TraceFormatError) throw e;
    divergences.push({ record: records[Math.max(0, index - 1)] ?? first!, reason: e.message });
  }
  return { records: total, divergences, violations: verifier.violations.map((v) => `${v.rule}: ${v.detail}`) };
}

function same(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}
