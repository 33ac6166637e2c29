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
import type { ByteCounts, Completion, MiniportSink } from '../miniport/miniport.js';
import type { RemoteAction } from '../miniport/remote-party.js';
import type { SimulatedMiniportOptions } from '../miniport/sim-config.js';
import { SimulatedMiniport } from '../miniport/simulated-miniport.js';
import type { ScriptableMiniport } from '../miniport/scriptable-miniport.js';
import { StructAccesses, ViewCache, type StructAccess, writeScalar } from '../miniport/struct-access.js';
import { ExchangeFormatter } from '../ndistapi/exchange-text.js';
import type { ExchangeSink } from '../ndistapi/exchange-sink.js';
import { Verifier } from '../ndistapi/verifier/verifier.js';
import type { Violation } from '../ndistapi/verifier/violation.js';
import { VirtualClock } from '../sim/virtual-clock.js';
import type { TraceWarning } from './pcapng-reader.js';
import { TraceCursor } from './trace-cursor.js';
import { exchangeOf } from './trace-exchange.js';
import { ABOVE_NDISTAPI, RECORD_KINDS, ReusableRecord, type TraceRecord } from './trace-record.js';
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

/** The kinds of output the target produces, compared with recorded outputs. */
type OutputKind = 'return' | 'completion' | 'indication' | 'indicationReturn';

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
      return ((b[o + 4]! | (b[o + 5]! << 8) | (b[o + 6]! << 16) | (b[o + 7]! << 24)) >>> 0) * 4294967296 + ((b[o]! | (b[o + 1]! << 8) | (b[o + 2]! << 16) | (b[o + 3]! << 24)) >>> 0);
  }
}

const isInput = (r: TraceRecord): boolean => r.kind === 'request' || r.kind === 'remote';

/** A request buffer replay made, with its DataView. */
class RequestBuffer {
  readonly view: DataView;
  constructor(readonly bytes: Uint8Array) {
    this.view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  }
}

/** Whether records of a kind (by its 1-based code) are above NDISTAPI. */
const ABOVE_BY_CODE: readonly boolean[] = [false, ...RECORD_KINDS.map((k) => ABOVE_NDISTAPI.has(k))];

/** A recycled record, with how many of the lookahead queue and the recent ring hold it. */
class HeldRecord extends ReusableRecord {
  holds = 0;
  /** Whether it waits in the retired list. */
  retired = false;
}

/** Free records kept for reuse at most: a burst of more is left to the collector. */
const FREE_MAX = 4096;

/**
 * The records the replay is concerned with, read ahead from the trace into a queue (the TAPI
 * and MS-TRP records, above NDISTAPI, are read and skipped), and the last three passed (for
 * divergence reports). Records are recycled: one that neither the queue nor the recent ring
 * holds any longer is retired, and reused after the next `release()`, which the replay calls
 * where it holds no record of its own; so a long replay makes no record per block.
 */
class Lookahead {
  /** Records read, including skipped ones. */
  records = 0;
  /**
   * How deep in indications the recording is at the queue's front: the indications taken from
   * the queue whose returns have not been taken yet. An input recorded at depth d was sent by
   * the recorded NDISTAPI from inside d nested indications.
   */
  depth = 0;
  /** The queue: a ring of `size` records from `first`, its length a power of 2. */
  private ring: Array<HeldRecord | undefined> = new Array<HeldRecord | undefined>(16).fill(undefined);
  private first = 0;
  size = 0;
  /** The recent ring, oldest first. */
  private r0: HeldRecord | undefined;
  private r1: HeldRecord | undefined;
  private r2: HeldRecord | undefined;
  private readonly free: HeldRecord[] = [];
  private freeCount = 0;
  private readonly retired: Array<HeldRecord | undefined> = [];
  private retiredCount = 0;

  constructor(
    private readonly cursor: TraceCursor,
    private readonly onProgress: ((records: number, bytes: number) => void) | undefined,
  ) {}

  /** Reads the next record the target is concerned with into the queue; false at the end. */
  pull(): boolean {
    const c = this.cursor;
    for (;;) {
      if (!c.next()) return false;
      const n = ++this.records;
      if ((n & 0xffff) === 0) this.onProgress?.(n, c.offset);
      // The TAPI and MS-TRP layers are above NDISTAPI: not the target's to reproduce.
      if (ABOVE_BY_CODE[c.kindCode] === true) continue;
      const r = this.freeCount > 0 ? this.free[--this.freeCount]! : new HeldRecord();
      c.copyInto(r);
      r.holds = 1;
      if (this.size === this.ring.length) this.grow();
      this.ring[(this.first + this.size) & (this.ring.length - 1)] = r;
      this.size++;
      return true;
    }
  }

  /** The queue's i-th record (undefined past its end), without reading. */
  at(i: number): HeldRecord | undefined {
    return i < this.size ? this.ring[(this.first + i) & (this.ring.length - 1)] : undefined;
  }

  /** The queue's first record, read if need be; undefined at the end. */
  head(): HeldRecord | undefined {
    return this.size > 0 || this.pull() ? this.ring[this.first] : undefined;
  }

  /** Takes the queue's first record out of the queue (there is one). */
  shift(): HeldRecord {
    const r = this.ring[this.first]!;
    this.ring[this.first] = undefined;
    this.first = (this.first + 1) & (this.ring.length - 1);
    this.size--;
    if (r.kind === 'indication') this.depth++;
    else if (r.kind === 'indicationReturn' && this.depth > 0) this.depth--;
    this.drop(r);
    return r;
  }

  /** Puts a record back at the front of the queue. */
  unshift(r: HeldRecord): void {
    r.holds++;
    if (r.kind === 'indication') this.depth--;
    else if (r.kind === 'indicationReturn') this.depth++;
    if (this.size === this.ring.length) this.grow();
    this.first = (this.first - 1) & (this.ring.length - 1);
    this.ring[this.first] = r;
    this.size++;
  }

  /** Keeps a record in the recent ring, the oldest leaving it. */
  remember(r: HeldRecord): void {
    r.holds++;
    const old = this.r0;
    this.r0 = this.r1;
    this.r1 = this.r2;
    this.r2 = r;
    if (old !== undefined) this.drop(old);
  }

  /** The recent ring, oldest first. */
  recent(): HeldRecord[] {
    const out: HeldRecord[] = [];
    if (this.r0 !== undefined) out.push(this.r0);
    if (this.r1 !== undefined) out.push(this.r1);
    if (this.r2 !== undefined) out.push(this.r2);
    return out;
  }

  /** Makes the records retired since the last call reusable, unless held again meanwhile. */
  release(): void {
    const list = this.retired;
    const free = this.free;
    for (let i = 0; i < this.retiredCount; i++) {
      const r = list[i]!;
      list[i] = undefined;
      r.retired = false;
      if (r.holds === 0 && this.freeCount < FREE_MAX) free[this.freeCount++] = r;
    }
    this.retiredCount = 0;
  }

  private drop(r: HeldRecord): void {
    if (--r.holds === 0 && !r.retired) {
      r.retired = true;
      this.retired[this.retiredCount++] = r;
    }
  }

  /** Doubles the queue's ring, keeping its order. */
  private grow(): void {
    const old = this.ring;
    const ring = new Array<HeldRecord | undefined>(old.length * 2).fill(undefined);
    for (let i = 0; i < this.size; i++) ring[i] = old[(this.first + i) & (old.length - 1)];
    this.ring = ring;
    this.first = 0;
  }
}

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
  const cursor = new TraceCursor(path, options.onWarning, (comment) => {
    try {
      const c = JSON.parse(comment) as { wanemu?: { miniport?: SimulatedMiniportOptions } };
      if (c.wanemu?.miniport !== undefined) config = c.wanemu.miniport;
    } catch {
      // Not wanemu's comment: the defaults serve.
    }
  });
  try {
    const source = new Lookahead(cursor, options.onProgress);
    // The first record gives the ABI; reading it also reads the section header's configuration.
    source.pull();
    const first = source.at(0);
    const clock = new VirtualClock();
    const targetConfig: SimulatedMiniportOptions = { ...config, ...(first === undefined ? {} : { abi: first.abi, variant: first.variant }), ...options.override };
    const target: ScriptableMiniport = options.target === undefined ? new SimulatedMiniport({ ...targetConfig, clock }) : await options.target(targetConfig, clock);
    try {
      return await replayInto(target, clock, source, options);
    } finally {
      target.dispose();
    }
  } finally {
    cursor.close();
  }
}

async function replayInto(target: ScriptableMiniport, clock: VirtualClock, source: Lookahead, options: ReplayOptions): Promise<ReplayResult> {
  const pull = (): boolean => source.pull();
  const abi = target.abi;
  const variant = target.variant;
  const accesses = new StructAccesses(abi, variant);
  const acc = (s: StructName): StructAccess => accesses.of(s);
  const formatter = new ExchangeFormatter(abi, variant);
  const describe = (r: TraceRecord): string => {
    const x = exchangeOf(r);
    if (x === undefined) {
      const a = remoteActionOf(r);
      return `remote party: ${a === undefined ? '?' : JSON.stringify(a)}`;
    }
    return (formatter.format(x) ?? `${(Number(r.timeNs) / 1e9).toFixed(3)}s  (the indication returns; nothing written back)`).trim();
  };
  /** Keeps the record among the last three passed, formatted only when a divergence is reported. */
  const remember = (r: HeldRecord): void => source.remember(r);

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

  const diverge = (expected: HeldRecord | undefined, actualText: string, reason: string): void => {
    const after: string[] = [];
    for (let i = 0; i < 3 && (source.size > i || pull()); i++) after.push(describe(source.at(i)!));
    divergences.push({
      // The record is recycled once passed: the report keeps a copy of its own.
      expected: expected?.copy(),
      expectedText: expected === undefined ? '(nothing)' : describe(expected),
      actualText,
      reason,
      around: [...source.recent().map((r) => `  ${describe(r)}`), `> ${expected === undefined ? '(the target produced more)' : describe(expected)}`, ...after.map((l) => `  ${l}`)],
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


  /**
   * Recorded bytes with the target's handles put in (hdLine, hdCall members of request
   * structures), in a buffer of the caller's: the OID's spare one when it is free and the right
   * size (taken until the caller gives it back), else a new one.
   */
  const retarget = (info: OidInfo, bytes: Uint8Array): RequestBuffer => {
    let rb = info.spare;
    if (rb !== undefined && rb.bytes.length === bytes.length) {
      info.spare = undefined;
      rb.bytes.set(bytes);
    } else {
      rb = new RequestBuffer(bytes.slice());
    }
    const out = rb.bytes;
    const fields = info.fields;
    for (let k = 0; k < fields.length; k++) {
      const f = fields[k]!;
      if (out.length < f.o + f.n) continue;
      const recorded = scalarAt(out, f.o, f.n);
      const v = toTarget(f.kind, recorded);
      if (v !== recorded) writeScalar(rb.view, f.o, f.n, v);
    }
    return rb;
  };

  /** The next recorded output, if it comes before the next input; reads ahead as needed. */
  const nextOutput = (): HeldRecord | undefined => {
    for (;;) {
      const head = source.at(0);
      if (head === undefined) {
        if (!pull()) return undefined;
        continue;
      }
      if (isInput(head)) return undefined;
      return source.shift();
    }
  };

  /** The id of a request the target holds whose recorded completion comes before the next input. */
  const heldCompletion = (): number | undefined => {
    const held = target.outstanding;
    if (held.length === 0) return undefined;
    for (let i = 0; ; i++) {
      if (i >= source.size && !pull()) return undefined;
      const r = source.at(i)!;
      if (isInput(r)) return undefined;
      if (r.kind === 'completion' && held.includes(r.requestId)) return r.requestId;
    }
  };

  /** The next recorded output without taking it, if it comes before the next input. */
  const peekOutput = (): HeldRecord | undefined => {
    for (let i = 0; ; i++) {
      if (i >= source.size && !pull()) return undefined;
      const r = source.at(i)!;
      if (isInput(r)) return undefined;
      return r;
    }
  };

  const actualFormatter = new ExchangeFormatter(abi, variant);
  /** What the target produced (an output of `kind`), as readable text. */
  const describeActual = (kind: OutputKind, code: number, status: number, data: Uint8Array): string => {
    const time = clock.now();
    const line =
      kind === 'indication'
        ? actualFormatter.format({ type: 'indication', seq: 0, time, status: code, buffer: data })
        : kind === 'return' || kind === 'completion'
          ? `${(time / 1000).toFixed(3)}s  miniport ${kind === 'return' ? 'returns' : 'completes'} ${nameOf('OID', code)} ${nameOf('NDIS_STATUS', status)}`
          : undefined;
    return (line ?? `${kind} ${nameOf('NDIS_STATUS', code)} (${data.length} bytes)`).trim();
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
  /** What replay keeps per OID: the handles of its structure, and a spare request buffer. */
  interface OidInfo {
    /** The handles of the OID's structure, sorted by offset. */
    readonly fields: HandleField[];
    /**
     * A request buffer of the last size used, free for the next request: a buffer is the
     * caller's again once the request returns without pending.
     */
    spare: RequestBuffer | undefined;
  }
  const oidInfos = new Map<number, OidInfo>();
  const oidInfo = (oid: number): OidInfo => {
    let info = oidInfos.get(oid);
    if (info === undefined) {
      const s = structureOfOid(oid);
      const fields: HandleField[] = [];
      if (s !== undefined) {
        for (const [member, kind] of HANDLE_MEMBERS) {
          if (!acc(s).has(member)) continue;
          const assign = (oid === OID_TAPI_OPEN && member === 'hdLine') || (oid === OID_TAPI_MAKE_CALL && member === 'hdCall');
          fields.push(field(s, member, kind, assign));
        }
        fields.sort((x, y) => x.o - y.o);
      }
      info = { fields, spare: undefined };
      oidInfos.set(oid, info);
    }
    return info;
  };
  let lineUpFields: HandleField[] | undefined;
  let newCallFields: HandleField[] | undefined;
  const handleFields = (kind: OutputKind, code: number, oid: number, got: Uint8Array): HandleField[] => {
    if (kind === 'indication' || kind === 'indicationReturn') {
      if (code === NDIS_STATUS_WAN_LINE_UP) return (lineUpFields ??= [field('NDIS_MAC_LINE_UP', 'NdisLinkHandle', 'link', true)]);
      if (code !== NDIS_STATUS_TAPI_INDICATION || got.length < eventSize || scalarAt(got, ulMsg.offset, 4) !== LINE_NEWCALL) return NONE;
      return (newCallFields ??= [field('NDIS_TAPI_EVENT', 'ulParam1', 'call', true)]);
    }
    return oidInfo(oid).fields;
  };
  const field = (s: StructName, member: string, kind: HandleKind, assign: boolean): HandleField => {
    const f = acc(s).field(member);
    return { name: `${s}.${member}`, o: f.offset, n: f.size, kind, assign };
  };
  // The target's indications come from a few scratch buffers.
  const gotViews = new ViewCache();

  /**
   * Compares one output of the target (a `kind` of `code` with its status, byte counts and
   * buffer, and a DataView of the buffer) with the next recorded one; `oid` names the request's
   * structure for a return or completion. Returns the recorded output (undefined: the
   * recording has none here).
   */
  const compare = (kind: OutputKind, code: number, status: number, bytesUsed: number, bytesNeeded: number, got: Uint8Array, gv: DataView, oid: number): HeldRecord | undefined => {
    const r = nextOutput();
    if (r === undefined) {
      diverge(undefined, describeActual(kind, code, status, got), 'the target produced an output the recording does not have here');
      return undefined;
    }
    compared++;
    if (r.kind !== kind || r.code !== code) return (diverge(r, describeActual(kind, code, status, got), `the recording has a ${r.kind} of ${r.kind === 'indication' || r.kind === 'indicationReturn' ? nameOf('NDIS_STATUS', r.code) : nameOf('OID', r.code)} here; the target produced a ${kind} of ${kind === 'indication' || kind === 'indicationReturn' ? nameOf('NDIS_STATUS', code) : nameOf('OID', code)}`), r);
    if (r.status !== status) return (diverge(r, describeActual(kind, code, status, got), `status ${nameOf('NDIS_STATUS', status)}, recorded ${nameOf('NDIS_STATUS', r.status)}`), r);
    if (r.bytesUsed !== bytesUsed || r.bytesNeeded !== bytesNeeded) {
      return (diverge(r, describeActual(kind, code, status, got), `bytes used/needed ${bytesUsed}/${bytesNeeded}, recorded ${r.bytesUsed}/${r.bytesNeeded}`), r);
    }
    // Handles are compared through the mapping (the target's values differ from the recording's),
    // every other byte as it is.
    const exp = r.data;
    if (exp.length !== got.length) return (diverge(r, describeActual(kind, code, status, got), `${got.length} bytes, recorded ${exp.length}`), r);
    const fields = handleFields(kind, code, oid, got);
    for (let k = 0; k < fields.length; k++) {
      const f = fields[k]!;
      if (got.length < f.o + f.n) continue;
      const rv = scalarAt(exp, f.o, f.n);
      const av = scalarAt(got, f.o, f.n);
      const ok = f.assign ? same(f.kind, rv, av) : toTarget(f.kind, rv) === av;
      if (!ok) return (diverge(r, describeActual(kind, code, status, got), `${f.name} is 0x${av.toString(16)}; the recording's 0x${rv.toString(16)} maps to 0x${toTarget(f.kind, rv).toString(16)}`), r);
    }
    // Four bytes at a time up to a difference, then byte by byte to find the first.
    const ev = r.dataView;
    let i = 0;
    for (let k = 0; k <= fields.length; k++) {
      const end = k < fields.length ? Math.min(fields[k]!.o, got.length) : got.length;
      while (i + 4 <= end && gv.getInt32(i, true) === ev.getInt32(i, true)) i += 4;
      for (; i < end; i++) if (got[i] !== exp[i]) return (diverge(r, describeActual(kind, code, status, got), `byte ${i} is 0x${got[i]!.toString(16)}, recorded 0x${exp[i]!.toString(16)}`), r);
      if (k < fields.length) i = Math.max(i, fields[k]!.o + fields[k]!.n);
    }
    remember(r);
    return r;
  };

  let pending: { requestId: number; oid: number } | undefined;
  /** Byte counts for the requests in progress, by depth (a request the target's indication leads to is one deeper). */
  const countsAt: ByteCounts[] = [];
  let depth = 0;

  /** Re-issues a recorded request or remote-party action to the target, and compares the return. */
  const applyInput = (head: HeldRecord): void => {
    if (head.kind === 'request') {
      // The recording says whether the request pended; the simulated target holds it, then
      // completes it when the recorded completion's time comes.
      const ret = peekOutput();
      if (ret !== undefined && ret.kind === 'return' && ret.status === NDIS_STATUS_PENDING) target.policies.setForNext({ mode: 'hold' }, head.code);
      const info = oidInfo(head.code);
      const rb = retarget(info, head.data);
      const buffer = rb.bytes;
      const counts = (countsAt[depth] ??= { bytesUsed: 0, bytesNeeded: 0 });
      counts.bytesUsed = 0;
      counts.bytesNeeded = 0;
      const kind = head.requestKind ?? 'query';
      checker?.onRequest(seq++, clock.now(), head.requestId, kind, head.code, buffer);
      let status: number;
      depth++;
      try {
        status = target.request(head.requestId, kind, head.code, buffer, counts);
      } finally {
        depth--;
      }
      checker?.onOutcome('return', seq++, clock.now(), head.requestId, kind, head.code, status, counts.bytesUsed, counts.bytesNeeded, buffer);
      // The buffer is kept for the completion of a pended request (nothing completes while the
      // return is compared, so a request that did not pend need not be put in and taken out).
      if (status === NDIS_STATUS_PENDING) {
        buffers.set(head.requestId, buffer);
        pending = { requestId: head.requestId, oid: head.code };
      } else if (buffers.size > 0) {
        buffers.delete(head.requestId);
      }
      compare('return', head.code, status, counts.bytesUsed, counts.bytesNeeded, buffer, rb.view, head.code);
      if (status !== NDIS_STATUS_PENDING) {
        // Returned without pending: the buffer is ours again, for the next request of the OID.
        info.spare = rb;
      }
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

  /** How deep in the target's indications the replay is now. */
  let liveDepth = 0;
  const sink: MiniportSink = {
    indicate(status: number, buffer: Uint8Array): void {
      checker?.onIndication('indication', seq++, clock.now(), status, buffer);
      const view = gotViews.of(buffer);
      const r = compare('indication', status, 0, 0, 0, buffer, view, 0);
      liveDepth++;
      try {
        // What the recorded NDISTAPI did while the indication was being delivered (a request it
        // sent from its handler) happens now too, before the indication returns: the inputs the
        // recording has this deep in indications. Out of step (after a divergence, with `all`),
        // an input recorded at an outer level waits for it, rather than nesting deeper with
        // every indication it causes.
        for (;;) {
          const h = source.head();
          if (h === undefined || !isInput(h) || source.depth < liveDepth) break;
          source.shift();
          remember(h);
          applyInput(h);
        }
      } finally {
        liveDepth--;
      }
      // Write back what the recorded NDISTAPI/NDISWAN wrote: the recorded indication's return.
      const back = source.head();
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
      compare('indicationReturn', status, 0, 0, 0, buffer, view, 0);
    },
    complete(c: Completion): void {
      const oid = pending?.oid ?? c.oid;
      pending = undefined;
      const buffer = buffers.get(c.requestId) ?? new Uint8Array(0);
      checker?.onOutcome('completion', seq++, clock.now(), c.requestId, c.kind, c.oid, c.status, c.bytesUsed, c.bytesNeeded, buffer);
      compare('completion', c.oid, c.status, c.bytesUsed, c.bytesNeeded, buffer, new DataView(buffer.buffer, buffer.byteOffset, buffer.byteLength), oid);
      buffers.delete(c.requestId);
    },
  };
  const buffers = new Map<number, Uint8Array>();
  target.attach(sink);

  const wallStart = performance.now();
  const speed = options.speed ?? 'max';
  const pace = async (timeMs: number): Promise<void> => {
    const factor = typeof speed === 'number' ? speed : 1;
    const due = wallStart + timeMs / factor;
    const wait = due - performance.now();
    if (wait > 1) await new Promise((res) => setTimeout(res, wait));
  };

  try {
    for (;;) {
      // No record is held here but by the queue and the recent ring: the retired ones can be reused.
      source.release();
      const head = source.head();
      if (head === undefined) break;
      const ms = head.timeMs;
      // At max speed nothing waits: a replay of millions of records makes no promise per record.
      if (speed !== 'max') await pace(ms);
      // Timers due by then fire first (their outputs are compared as they come).
      clock.advanceTo(ms);
      if (source.at(0) !== head) continue;
      source.shift();
      remember(head);
      if (isInput(head)) {
        applyInput(head);
      } else if (heldCompletion() !== undefined) {
        // An output the target has not produced yet, recorded while a held request completed.
        source.unshift(head);
        target.complete(heldCompletion());
      } else {
        diverge(head, '(nothing)', `the target did not produce this ${head.kind} by ${(Number(head.timeNs) / 1e9).toFixed(3)} s`);
      }
    }
  } catch (e) {
    if (!(e instanceof Stop)) throw e;
  }
  verifier?.dispose();
  return { records: source.records, compared, divergences, violations: verifier?.violations ?? [] };
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
