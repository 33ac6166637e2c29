import type { Abi, LayoutVariant, RequestKind } from '../oid/index.js';
import type { Clock } from '../sim/clock.js';
import type { ExchangeSink, ExchangeSource } from '../ndistapi/exchange-sink.js';
import { PcapngWriter } from './pcapng-writer.js';
import { remoteActionBytes } from './remote-action-bytes.js';
import { NOT_AN_EXCHANGE, RECORD_HEADER, RECORD_VERSION, abiCode, kindCode } from './trace-record.js';
import type { Observable } from 'rxjs';
import type { RemoteAction, RemoteActionSource } from '../miniport/remote-party.js';
import type { SimulatedMiniportConfig } from '../miniport/sim-config.js';
import type { LineMessage } from '../tapi/line-message.js';

const ENCODER = new TextEncoder();

/*
 * The first word of each record header (version, kind, flags, ABI, little-endian) less its ABI
 * byte, by kind and direction, resolved once here rather than per record.
 */
const UP = 1;
const SET = 2;
const word0 = (kind: Parameters<typeof kindCode>[0], flags: number): number => RECORD_VERSION | (kindCode(kind) << 8) | (flags << 16);
const REQUEST = [word0('request', 0), word0('request', SET)] as const;
const RETURN = [word0('return', UP), word0('return', UP | SET)] as const;
const COMPLETION = [word0('completion', UP), word0('completion', UP | SET)] as const;
const INDICATION = word0('indication', UP);
const INDICATION_RETURN = word0('indicationReturn', UP);
const REMOTE = word0('remote', 0);
const TAPI = word0('tapi', UP);
const TRP_REQUEST = word0('trpRequest', 0);
const TRP_REPLY = word0('trpReply', UP);
const TRP_EVENT = word0('trpEvent', UP);

/**
 * Records every exchange NdisTapi sees into a pcapng trace, one enhanced packet block each,
 * stamped with the clock in use (virtual or real) in nanoseconds. Attach it to an NdisTapi;
 * `close()` when done (the writer also flushes when the process exits).
 */
export class TraceRecorder implements ExchangeSink {
  /** The ABI byte of every record header, in place in its first word. */
  private readonly abiWord: number;
  private detach: (() => void) | undefined;
  private scratch = new Uint8Array(512);
  /** Records written so far. */
  count = 0;

  constructor(
    readonly writer: PcapngWriter,
    abi: Abi,
    variant: LayoutVariant,
    private readonly clock?: Clock,
  ) {
    this.abiWord = abiCode(abi, variant) << 24;
  }

  /**
   * Opens `path` and records the source's exchanges into it from now on, and the remote
   * party's actions when given (a SimulatedMiniport's `remote.actions$`).
   */
  static attach(
    source: ExchangeSource,
    path: string,
    abi: Abi,
    variant: LayoutVariant,
    clock?: Clock,
    /**
     * The remote party's actions: a RemoteParty (a SimulatedMiniport's `remote`), heard directly;
     * other remote controls (a native target's), through their `actions$`; or a stream of actions.
     */
    remote?: RemoteActionSource | Observable<RemoteAction> | { readonly actions$: Observable<RemoteAction> },
    /** The simulated miniport's configuration, kept in the section header for replay. */
    miniport?: SimulatedMiniportConfig,
  ): TraceRecorder {
    const comment = miniport === undefined ? undefined : JSON.stringify({ wanemu: { miniport } });
    const r = new TraceRecorder(new PcapngWriter(path, 'wanemu', comment), abi, variant, clock);
    const detach = source.attach(r);
    const hear = (a: RemoteAction): void => r.remote(a, clock?.now() ?? 0);
    let stop: (() => void) | undefined;
    if (remote !== undefined && 'listen' in remote) {
      stop = remote.listen(hear);
    } else if (remote !== undefined) {
      const sub = ('actions$' in remote ? remote.actions$ : remote).subscribe(hear);
      stop = () => sub.unsubscribe();
    }
    r.detach = () => {
      detach();
      stop?.();
    };
    return r;
  }

  /** Records a remote-party action (kind `remote`, data UTF-8 JSON, sequence NOT_AN_EXCHANGE). */
  remote(action: RemoteAction, time: number): void {
    const n = remoteActionBytes(action, this.scratch);
    if (n < 0) this.writeText(REMOTE, time, 0, JSON.stringify(action));
    else this.write(REMOTE, NOT_AN_EXCHANGE, time, 0, 0, 0, 0, 0, this.scratch.subarray(0, n));
  }

  /**
   * Records a message the TAPI server sent an application (kind `tapi`, data UTF-8 JSON of the
   * application's name and the LINEMESSAGE, sequence NOT_AN_EXCHANGE, code the LINE_ message).
   */
  tapi(app: string, m: LineMessage, time: number): void {
    this.writeText(TAPI, time, m.msg, JSON.stringify({ app, msg: m.msg, hDevice: m.hDevice, callbackInstance: m.callbackInstance, param1: m.param1, param2: m.param2, param3: m.param3 }));
  }

  /**
   * Records an MS-TRP exchange of a TrpServer: a request packet (kind `trpRequest`), its reply
   * (`trpReply`) or an event record (`trpEvent`), the packet's bytes as they are; the code field
   * holds Req_Func (request), Ack_ReturnValue (reply) or the LINE_ message (event).
   */
  trp(type: 'request' | 'reply' | 'event', bytes: Uint8Array, time: number): void {
    const code = bytes.length >= 4 ? new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength).getUint32(type === 'event' ? Math.min(16, bytes.length - 4) : 0, true) : 0;
    this.write(type === 'request' ? TRP_REQUEST : type === 'reply' ? TRP_REPLY : TRP_EVENT, NOT_AN_EXCHANGE, time, code, 0, 0, 0, 0, bytes);
  }

  onRequest(seq: number, time: number, requestId: number, kind: RequestKind, oid: number, buffer: Uint8Array): void {
    this.write(REQUEST[kind === 'set' ? 1 : 0], seq, time, oid, requestId, 0, 0, 0, buffer);
  }

  onOutcome(type: 'return' | 'completion', seq: number, time: number, requestId: number, kind: RequestKind, oid: number, status: number, used: number, needed: number, buffer: Uint8Array): void {
    this.write((type === 'return' ? RETURN : COMPLETION)[kind === 'set' ? 1 : 0], seq, time, oid, requestId, status, used, needed, buffer);
  }

  onIndication(type: 'indication' | 'indicationReturn', seq: number, time: number, status: number, buffer: Uint8Array): void {
    this.write(type === 'indication' ? INDICATION : INDICATION_RETURN, seq, time, status, 0, 0, 0, 0, buffer);
  }

  close(): void {
    this.detach?.();
    this.detach = undefined;
    this.writer.close();
  }

  /** One record: `head` is its header's first word less the ABI byte (one of the constants above). */
  private write(head: number, seq: number, timeMs: number, code: number, requestId: number, status: number, used: number, needed: number, data: Uint8Array): void {
    const at = this.writer.beginPacket(this.ns(timeMs), RECORD_HEADER, data);
    this.header(at, head, seq, code, requestId, status, used, needed, data.length);
  }

  /** A record whose data is `text` as UTF-8 (a remote action, a TAPI message: JSON). */
  private writeText(head: number, timeMs: number, code: number, text: string): void {
    if (text.length * 3 > this.scratch.length) this.scratch = new Uint8Array(text.length * 3);
    const { written } = ENCODER.encodeInto(text, this.scratch);
    this.write(head, NOT_AN_EXCHANGE, timeMs, code, 0, 0, 0, 0, this.scratch.subarray(0, written));
  }

  private ns(timeMs: number): number {
    return Math.round((this.clock?.now() ?? timeMs) * 1e6);
  }

  /** Writes the record header at byte `at` of the writer's buffer and ends the block. */
  private header(at: number, head: number, seq: number, code: number, requestId: number, status: number, used: number, needed: number, length: number): void {
    const w = this.writer;
    const u = w.words;
    const i = at >> 2;
    u[i] = head | this.abiWord;
    u[i + 1] = seq;
    u[i + 2] = code;
    u[i + 3] = requestId;
    u[i + 4] = status;
    u[i + 5] = used;
    u[i + 6] = needed;
    u[i + 7] = length;
    w.endPacket();
    this.count++;
  }
}
