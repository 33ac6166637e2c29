import { ABOVE_NDISTAPI } from './trace-record.js';
import {
  LINE_NEWCALL,
  NDIS_STATUS_PENDING,
  NDIS_STATUS_TAPI_INDICATION,
  NDIS_STATUS_WAN_LINE_DOWN,
  NDIS_STATUS_WAN_LINE_UP,
  OID_TAPI_CLOSE_CALL,
  OID_TAPI_MAKE_CALL,
  NDIS_STATUS_SUCCESS,
  OID_TAPI_OPEN,
  nameOf,
  structureOfOid,
  type StructName,
} from '../oid/index.js';
import type { Completion, MiniportSink } from '../miniport/miniport.js';
import type { RemoteAction } from '../miniport/remote-party.js';
import type { SimulatedMiniportOptions } from '../miniport/sim-config.js';
import { SimulatedMiniport } from '../miniport/simulated-miniport.js';
import type { ScriptableMiniport } from '../miniport/scriptable-miniport.js';
import { StructAccesses, ViewCache, type StructAccess, writeScalar } from '../miniport/struct-access.js';
import { TapiEventFields } from '../miniport/tapi-event-fields.js';
import { ExchangeFormatter } from '../ndistapi/exchange-text.js';
import type { ExchangeSink } from '../ndistapi/exchange-sink.js';
import { Verifier } from '../ndistapi/verifier/verifier.js';
import type { Violation } from '../ndistapi/verifier/violation.js';
import { VirtualClock } from '../sim/virtual-clock.js';
import { readTrace, type TraceWarning } from './pcapng-reader.js';
import { exchangeOf } from './trace-exchange.js';
import { timeMsOf, type TraceRecord } from './trace-record.js';
import { remoteActionOf } from './trace-show.js';
import { remoteActionFromBytes } from './remote-action-bytes.js';

/** Where the target's behaviour left the recording. */
export interface Divergence {
  /** The recorded record the target should have matched (undefined: the target did something the recording has not). */
  readonly expected: TraceRecord | undefined;
  /** What was expected and what the target did, as readable text. */
  readonly expectedText: string;
  readonly actualText: string;
  readonly reason: string;
  /** Readable lines of the recording around the divergence. */
  readonly around: readonly string[];
}

export interface ReplayResult {
  readonly records: number;
  /** Recorded outputs (returns, completions, indications) compared with the target's. */
  readonly compared: number;
  readonly divergences: readonly Divergence[];
  /** With `verify`: the contract breaches of what the target did during the replay (the verifier's, every rule). */
  readonly violations: readonly Violation[];
}

export interface ReplayOptions {
  /** Keep going after the first divergence, to count them all. */
  readonly all?: boolean;
  /**
   * Also check what the target does against the contract, as NDISTAPI sees it: the verifier
   * over the re-issued requests, the target's returns, completions and indications, and the
   * recorded write-backs. Off by default: a replay compares with the recording.
   */
  readonly verify?: boolean;
  /** Changes to the recorded miniport configuration (to provoke divergences on purpose). */
  readonly override?: SimulatedMiniportOptions;
  /** `max` (default), `realtime`, or a factor of real time (2 = twice as fast). */
  readonly speed?: 'max' | 'realtime' | number;
  readonly onWarning?: (w: TraceWarning) => void;
  /** Called every 65,536 records with the count so far and the bytes of the file read (for a progress bar). */
  readonly onProgress?: (records: number, bytes: number) => void;
  /**
   * The target, made for the recorded configuration (the section header's, with `override`) and
   * the replay's virtual clock: the simulated miniport when not given. Disposed of at the end.
   */
  readonly target?: (config: SimulatedMiniportOptions, clock: VirtualClock) => Promise<ScriptableMiniport>;
}

/** What the target produced, ready to compare with a recorded output. */
interface Actual {
  readonly kind: 'return' | 'completion' | 'indication' | 'indicationReturn';
  readonly code: number;
  readonly status: number;
  readonly bytesUsed: number;
  readonly bytesNeeded: number;
  readonly data: Uint8Array;
}

class Stop extends Error {}

/** Members of request structures that hold the miniport's handles, and the kind of handle. */
const HANDLE_MEMBERS = [
  ['hdLine', 'line'],
  ['hdCall', 'call'],
] as const;

type HandleKind = 'line' | 'call' | 'link';

/** A little-endian whole number of 1, 2, 4 or 8 bytes at `o` (as readScalar, without a DataView). */
function scalarAt(b: Uint8Array, o: number, n: number): number {
  switch (n) {
    case 1:
      return b[o]!;
    case 2:
      return b[o]! | (b[o + 1]! << 8);
    case 4:
      return (b[o]! | (b[o + 1]! << 8) | (b[o + 2]! << 16) | (b[o + 3]! << 24)) >>> 0;
    default:
      return scalarAt(b, o + 4, 4) * 4294967296 + scalarAt(b, o, 4);
  }
}

const isInput = (r: TraceRecord): boolean => r.kind === 'request' || r.kind === 'remote';

/**
 * Replays a recorded trace against a fresh simulated miniport configured as the recording was
 * (the configuration the trace keeps in its section header), acting as the recorded NDISTAPI:
 * it re-issues each recorded request and remote-party action at its recorded clock time,
 * writes back the recorded htCall and NdisLinkContext, and compares every return, completion
 * and indication the target produces with the recording, in order. Handles the target assigns
 * (hdLine, hdCall, NdisLinkHandle) are mapped to the recorded ones by first appearance.
 */
export async function replay(path: string, options: ReplayOptions = {}): Promise<ReplayResult> {
  let config: SimulatedMiniportOptions = {};
  const source = readTrace(path, options.onWarning, (comment) => {
    try {
      const c = JSON.parse(comment) as { wanemu?: { miniport?: SimulatedMiniportOptions } };
      if (c.wanemu?.miniport !== undefined) config = c.wanemu.miniport;
    } catch {
      // Not wanemu's comment: the defaults serve.
    }
  });
  const queue: TraceRecord[] = [];
  let exhausted = false;
  let records = 0;
  /** Reads the next record the target is concerned with into the queue; false at the end. */
  const pull = (): boolean => {
    for (;;) {
      if (exhausted) return false;
      const n = source.next();
      if (n.done === true) {
        exhausted = true;
        return false;
      }
      records++;
      if ((records & 0xffff) === 0) options.onProgress?.(records, n.value.offset);
      // The TAPI and MS-TRP layers are above NDISTAPI: not the target's to reproduce.
      if (ABOVE_NDISTAPI.has(n.value.kind)) continue;
      queue.push(n.value);
      return true;
    }
  };
  // The first record gives the ABI; reading it also reads the section header's configuration.
  pull();
  const first = queue[0];
  const clock = new VirtualClock();
  const targetConfig: SimulatedMiniportOptions = { ...config, ...(first === undefined ? {} : { abi: first.abi, variant: first.variant }), ...options.override };
  const target: ScriptableMiniport = options.target === undefined ? new SimulatedMiniport({ ...targetConfig, clock }) : await options.target(targetConfig, clock);
  try {
    return await replayInto(target, clock, queue, pull, () => records, options);
  } finally {
    target.dispose();
  }
}

async function replayInto(target: ScriptableMiniport, clock: VirtualClock, queue: TraceRecord[], pull: () => boolean, recordCount: () => number, options: ReplayOptions): Promise<ReplayResult> {
  const abi = target.abi;
  const variant = target.variant;
  const event = new TapiEventFields(abi, variant);
  const accesses = new StructAccesses(abi, variant);
  const acc = (s: StructName): StructAccess => accesses.of(s);
  const formatter = new ExchangeFormatter(abi, variant);
  /** The last records passed, formatted only when a divergence is reported. */
  const recent: TraceRecord[] = [];
  const describe = (r: TraceRecord): string => {
    const x = exchangeOf(r);
    if (x === undefined) {
      const a = remoteActionOf(r);
      return `remote party: ${a === undefined ? '?' : JSON.stringify(a)}`;
    }
    return (formatter.format(x) ?? `${(Number(r.timeNs) / 1e9).toFixed(3)}s  (the indication returns; nothing written back)`).trim();
  };
  const remember = (r: TraceRecord): void => {
    recent.push(r);
    if (recent.length > 3) recent.shift();
  };

  // Handles the target assigned, by the recorded value.
  const mapped: Record<HandleKind, Map<number, number>> = { line: new Map(), call: new Map(), link: new Map() };
  /** Recorded NdisLinkHandle by the NdisLinkContext written back for it, while the link is up. */
  const linkOf = new Map<number, number>();
  const divergences: Divergence[] = [];
  let compared = 0;
  // The verifier sees the exchanges as NDISTAPI would: fed here, in order, as they happen.
  let checker: ExchangeSink | undefined;
  const verifier = options.verify === true
    ? new Verifier({ attach: (sink) => ((checker = sink), () => (checker = undefined)) }, abi, variant)
    : undefined;
  let seq = 0;

  const diverge = (expected: TraceRecord | undefined, actualText: string, reason: string): void => {
    const after: string[] = [];
    for (let i = 0; i < 3 && (queue.length > i || pull()); i++) after.push(describe(queue[i]!));
    divergences.push({
      expected,
      expectedText: expected === undefined ? '(nothing)' : describe(expected),
      actualText,
      reason,
      around: [...recent.map((r) => `  ${describe(r)}`), `> ${expected === undefined ? '(the target produced more)' : describe(expected)}`, ...after.map((l) => `  ${l}`)],
    });
    if (options.all !== true) throw new Stop();
  };

  /** Maps a handle the target produced to the recorded one at its first appearance; false on a mismatch. */
  const same = (kind: HandleKind, recorded: number, actual: number): boolean => {
    const map = mapped[kind];
    const m = map.get(recorded);
    if (m === undefined) {
      map.set(recorded, actual);
      return true;
    }
    return m === actual;
  };
  const toTarget = (kind: HandleKind, recorded: number): number => mapped[kind].get(recorded) ?? recorded;


  /** Recorded bytes with the target's handles put in (hdLine, hdCall members of request structures). */
  const retarget = (oid: number, bytes: Uint8Array): Uint8Array => {
    const out = bytes.slice();
    for (const f of requestFields(oid)) {
      if (out.length < f.o + f.n) continue;
      const recorded = scalarAt(out, f.o, f.n);
      const v = toTarget(f.kind, recorded);
      if (v !== recorded) writeScalar(new DataView(out.buffer), f.o, f.n, v);
    }
    return out;
  };

  /** The next recorded output, if it comes before the next input; reads ahead as needed. */
  const nextOutput = (): TraceRecord | undefined => {
    for (;;) {
      const head = queue[0];
      if (head === undefined) {
        if (!pull()) return undefined;
        continue;
      }
      if (isInput(head)) return undefined;
      queue.shift();
      return head;
    }
  };

  /** The id of a request the target holds whose recorded completion comes before the next input. */
  const heldCompletion = (): number | undefined => {
    const held = target.outstanding;
    if (held.length === 0) return undefined;
    for (let i = 0; ; i++) {
      if (i >= queue.length && !pull()) return undefined;
      const r = queue[i]!;
      if (isInput(r)) return undefined;
      if (r.kind === 'completion' && held.includes(r.requestId)) return r.requestId;
    }
  };

  /** The next recorded output without taking it, if it comes before the next input. */
  const peekOutput = (): TraceRecord | undefined => {
    for (let i = 0; ; i++) {
      if (i >= queue.length && !pull()) return undefined;
      const r = queue[i]!;
      if (isInput(r)) return undefined;
      return r;
    }
  };

  const actualFormatter = new ExchangeFormatter(abi, variant);
  const describeActual = (a: Actual): string => {
    const time = clock.now();
    const line =
      a.kind === 'indication'
        ? actualFormatter.format({ type: 'indication', seq: 0, time, status: a.code, buffer: a.data })
        : a.kind === 'return' || a.kind === 'completion'
          ? `${(time / 1000).toFixed(3)}s  miniport ${a.kind === 'return' ? 'returns' : 'completes'} ${nameOf('OID', a.code)} ${nameOf('NDIS_STATUS', a.status)}`
          : undefined;
    return (line ?? `${a.kind} ${nameOf('NDIS_STATUS', a.code)} (${a.data.length} bytes)`).trim();
  };

  /** Where handles sit in an output, sorted by offset; `assign`: the target assigns it (mapped at first sight). */
  interface HandleField {
    readonly name: string;
    readonly o: number;
    readonly n: number;
    readonly kind: HandleKind;
    readonly assign: boolean;
  }
  const NONE: HandleField[] = [];
  /** By OID: the handles of its structure, sorted by offset. */
  const oidFields = new Map<number, HandleField[]>();
  const requestFields = (oid: number): HandleField[] => {
    let fields = oidFields.get(oid);
    if (fields === undefined) {
      const s = structureOfOid(oid);
      fields = [];
      if (s !== undefined) {
        for (const [member, kind] of HANDLE_MEMBERS) {
          if (!acc(s).has(member)) continue;
          const assign = (oid === OID_TAPI_OPEN && member === 'hdLine') || (oid === OID_TAPI_MAKE_CALL && member === 'hdCall');
          fields.push(field(s, member, kind, assign));
        }
        fields.sort((x, y) => x.o - y.o);
      }
      oidFields.set(oid, fields);
    }
    return fields;
  };
  let lineUpFields: HandleField[] | undefined;
  let newCallFields: HandleField[] | undefined;
  const handleFields = (a: Actual, oid: number, got: Uint8Array): HandleField[] => {
    if (a.kind === 'indication' || a.kind === 'indicationReturn') {
      if (a.code === NDIS_STATUS_WAN_LINE_UP) return (lineUpFields ??= [field('NDIS_MAC_LINE_UP', 'NdisLinkHandle', 'link', true)]);
      if (a.code !== NDIS_STATUS_TAPI_INDICATION || !event.read(viewOfGot(got)) || event.msg !== LINE_NEWCALL) return NONE;
      return (newCallFields ??= [field('NDIS_TAPI_EVENT', 'ulParam1', 'call', true)]);
    }
    return requestFields(oid);
  };
  const field = (s: StructName, member: string, kind: HandleKind, assign: boolean): HandleField => {
    const f = acc(s).field(member);
    return { name: `${s}.${member}`, o: f.offset, n: f.size, kind, assign };
  };
  // Recorded data is a new array every record (no cache would hit); the target's come from a few scratch buffers.
  const gotViews = new ViewCache();
  const viewOfGot = (b: Uint8Array): DataView => gotViews.of(b);

  /** Compares one output of the target with the next recorded one. */
  const compare = (a: Actual, oid: number): TraceRecord | undefined => {
    const r = nextOutput();
    if (r === undefined) {
      diverge(undefined, describeActual(a), 'the target produced an output the recording does not have here');
      return undefined;
    }
    compared++;
    if (r.kind !== a.kind || r.code !== a.code) return (diverge(r, describeActual(a), `the recording has a ${r.kind} of ${r.kind === 'indication' || r.kind === 'indicationReturn' ? nameOf('NDIS_STATUS', r.code) : nameOf('OID', r.code)} here; the target produced a ${a.kind} of ${a.kind === 'indication' || a.kind === 'indicationReturn' ? nameOf('NDIS_STATUS', a.code) : nameOf('OID', a.code)}`), r);
    if (r.status !== a.status) return (diverge(r, describeActual(a), `status ${nameOf('NDIS_STATUS', a.status)}, recorded ${nameOf('NDIS_STATUS', r.status)}`), r);
    if (r.bytesUsed !== a.bytesUsed || r.bytesNeeded !== a.bytesNeeded) {
      return (diverge(r, describeActual(a), `bytes used/needed ${a.bytesUsed}/${a.bytesNeeded}, recorded ${r.bytesUsed}/${r.bytesNeeded}`), r);
    }
    // Handles are compared through the mapping (the target's values differ from the recording's),
    // every other byte as it is.
    const exp = r.data;
    const got = a.data;
    if (exp.length !== got.length) return (diverge(r, describeActual(a), `${got.length} bytes, recorded ${exp.length}`), r);
    const fields = handleFields(a, oid, got);
    for (const f of fields) {
      if (got.length < f.o + f.n) continue;
      const rv = scalarAt(exp, f.o, f.n);
      const av = scalarAt(got, f.o, f.n);
      const ok = f.assign ? same(f.kind, rv, av) : toTarget(f.kind, rv) === av;
      if (!ok) return (diverge(r, describeActual(a), `${f.name} is 0x${av.toString(16)}; the recording's 0x${rv.toString(16)} maps to 0x${toTarget(f.kind, rv).toString(16)}`), r);
    }
    let i = 0;
    for (const f of fields) {
      for (; i < f.o; i++) if (got[i] !== exp[i]) return (diverge(r, describeActual(a), `byte ${i} is 0x${got[i]!.toString(16)}, recorded 0x${exp[i]!.toString(16)}`), r);
      i = Math.max(i, f.o + f.n);
    }
    for (; i < got.length; i++) if (got[i] !== exp[i]) return (diverge(r, describeActual(a), `byte ${i} is 0x${got[i]!.toString(16)}, recorded 0x${exp[i]!.toString(16)}`), r);
    remember(r);
    return r;
  };

  let pending: { requestId: number; oid: number } | undefined;

  /** Re-issues a recorded request or remote-party action to the target, and compares the return. */
  const applyInput = (head: TraceRecord): void => {
    if (head.kind === 'request') {
      // The recording says whether the request pended; the simulated target holds it, then
      // completes it when the recorded completion's time comes.
      const ret = peekOutput();
      if (ret !== undefined && ret.kind === 'return' && ret.status === NDIS_STATUS_PENDING) target.policies.setForNext({ mode: 'hold' }, head.code);
      const buffer = retarget(head.code, head.data);
      const counts = { bytesUsed: 0, bytesNeeded: 0 };
      const kind = head.requestKind ?? 'query';
      checker?.onRequest(seq++, clock.now(), head.requestId, kind, head.code, buffer);
      const status = target.request(head.requestId, kind, head.code, buffer, counts);
      checker?.onOutcome('return', seq++, clock.now(), head.requestId, kind, head.code, status, counts.bytesUsed, counts.bytesNeeded, buffer);
      buffers.set(head.requestId, buffer);
      if (status === NDIS_STATUS_PENDING) pending = { requestId: head.requestId, oid: head.code };
      compare({ kind: 'return', code: head.code, status, bytesUsed: counts.bytesUsed, bytesNeeded: counts.bytesNeeded, data: buffer }, head.code);
      if (status !== NDIS_STATUS_PENDING) buffers.delete(head.requestId);
      // A closed call's handle is dead: forget its mapping, so memory stays flat over long traces.
      if (head.code === OID_TAPI_CLOSE_CALL && status === NDIS_STATUS_SUCCESS) {
        const a = acc('NDIS_TAPI_CLOSE_CALL');
        const f = a.field('hdCall');
        if (head.data.length >= a.size) mapped.call.delete(scalarAt(head.data, f.offset, f.size));
      }
    } else {
      const a = remoteActionFromBytes(head.data) ?? remoteActionOf(head);
      if (a !== undefined) act(target, a, toTarget);
    }
  };

  // Where the indications' members sit, for the write-back without DataViews.
  const eventSize = acc('NDIS_TAPI_EVENT').size;
  const ulMsg = acc('NDIS_TAPI_EVENT').field('ulMsg');
  const ulParam2 = acc('NDIS_TAPI_EVENT').field('ulParam2');
  const lineUpSize = acc('NDIS_MAC_LINE_UP').size;
  const upContext = acc('NDIS_MAC_LINE_UP').field('NdisLinkContext');
  const upHandle = acc('NDIS_MAC_LINE_UP').field('NdisLinkHandle');
  const lineDownSize = acc('NDIS_MAC_LINE_DOWN').size;
  const downContext = acc('NDIS_MAC_LINE_DOWN').field('NdisLinkContext');

  const sink: MiniportSink = {
    indicate(status: number, buffer: Uint8Array): void {
      checker?.onIndication('indication', seq++, clock.now(), status, buffer);
      const r = compare({ kind: 'indication', code: status, status: 0, bytesUsed: 0, bytesNeeded: 0, data: buffer }, 0);
      // What the recorded NDISTAPI did while the indication was being delivered (a request it
      // sent from its handler) happens now too, before the indication returns.
      for (;;) {
        const h = queue[0] ?? (pull() ? queue[0] : undefined);
        if (h === undefined || !isInput(h)) break;
        queue.shift();
        remember(h);
        applyInput(h);
      }
      // Write back what the recorded NDISTAPI/NDISWAN wrote: the recorded indication's return.
      const back = queue[0] ?? (pull() ? queue[0] : undefined);
      if (r !== undefined && back !== undefined && back.kind === 'indicationReturn' && back.code === status && back.data.length === buffer.length) {
        const bd = back.data;
        if (status === NDIS_STATUS_TAPI_INDICATION && bd.length >= eventSize && scalarAt(bd, ulMsg.offset, ulMsg.size) === LINE_NEWCALL) copyMember(bd, buffer, ulParam2);
        if (status === NDIS_STATUS_WAN_LINE_UP && bd.length >= lineUpSize) {
          copyMember(bd, buffer, upContext);
          linkOf.set(scalarAt(bd, upContext.offset, upContext.size), scalarAt(bd, upHandle.offset, upHandle.size));
        }
      }
      if (r !== undefined && status === NDIS_STATUS_WAN_LINE_DOWN && buffer.length >= lineDownSize) {
        // The link is gone: forget its handle's mapping, so memory stays flat over long traces.
        const context = scalarAt(buffer, downContext.offset, downContext.size);
        const handle = linkOf.get(context);
        if (handle !== undefined) mapped.link.delete(handle);
        linkOf.delete(context);
      }
      checker?.onIndication('indicationReturn', seq++, clock.now(), status, buffer);
      compare({ kind: 'indicationReturn', code: status, status: 0, bytesUsed: 0, bytesNeeded: 0, data: buffer }, 0);
    },
    complete(c: Completion): void {
      const oid = pending?.oid ?? c.oid;
      pending = undefined;
      const buffer = buffers.get(c.requestId) ?? new Uint8Array(0);
      checker?.onOutcome('completion', seq++, clock.now(), c.requestId, c.kind, c.oid, c.status, c.bytesUsed, c.bytesNeeded, buffer);
      compare({ kind: 'completion', code: c.oid, status: c.status, bytesUsed: c.bytesUsed, bytesNeeded: c.bytesNeeded, data: buffer }, oid);
      buffers.delete(c.requestId);
    },
  };
  const buffers = new Map<number, Uint8Array>();
  target.attach(sink);

  const wallStart = performance.now();
  const pace = async (timeMs: number): Promise<void> => {
    const speed = options.speed ?? 'max';
    if (speed === 'max') return;
    const factor = speed === 'realtime' ? 1 : speed;
    const due = wallStart + timeMs / factor;
    const wait = due - performance.now();
    if (wait > 1) await new Promise((res) => setTimeout(res, wait));
  };

  try {
    for (;;) {
      const head = queue[0] ?? (pull() ? queue[0] : undefined);
      if (head === undefined) break;
      const ms = timeMsOf(head);
      await pace(ms);
      // Timers due by then fire first (their outputs are compared as they come).
      clock.advanceTo(ms);
      if (queue[0] !== head) continue;
      queue.shift();
      remember(head);
      if (isInput(head)) {
        applyInput(head);
      } else if (heldCompletion() !== undefined) {
        // An output the target has not produced yet, recorded while a held request completed.
        queue.unshift(head);
        target.complete(heldCompletion());
      } else {
        diverge(head, '(nothing)', `the target did not produce this ${head.kind} by ${(Number(head.timeNs) / 1e9).toFixed(3)} s`);
      }
    }
  } catch (e) {
    if (!(e instanceof Stop)) throw e;
  }
  verifier?.dispose();
  return { records: recordCount(), compared, divergences, violations: verifier?.violations ?? [] };
}

/** Copies one member's bytes from `from` to `to` (same layout). */
function copyMember(from: Uint8Array, to: Uint8Array, f: { readonly offset: number; readonly size: number }): void {
  for (let i = f.offset; i < f.offset + f.size; i++) to[i] = from[i]!;
}

function act(target: ScriptableMiniport, a: RemoteAction, map: (kind: HandleKind, v: number) => number): void {
  switch (a.action) {
    case 'offer':
      target.remote.offer(a);
      return;
    case 'fail':
      target.remote.fail(map('call', a.hdCall), a.why);
      return;
    default:
      target.remote[a.action](map('call', a.hdCall));
  }
}
