import type { Abi, LayoutVariant, RequestKind } from '../oid/index.js';
import type { Clock } from '../sim/clock.js';
import type { ExchangeSink, ExchangeSource } from '../ndistapi/exchange-sink.js';
import { PcapngWriter } from './pcapng-writer.js';
import { NOT_AN_EXCHANGE, RECORD_HEADER, RECORD_VERSION, abiCode, kindCode, type RecordKind } from './trace-record.js';
import type { Observable } from 'rxjs';
import type { RemoteAction } from '../miniport/remote-party.js';
import type { SimulatedMiniportConfig } from '../miniport/sim-config.js';
import type { LineMessage } from '../tapi/line-message.js';

const ENCODER = new TextEncoder();

/** JSON.stringify(action), written out for the hot path (the same text, member for member). */
function actionJson(a: RemoteAction): string {
  switch (a.action) {
    case 'offer':
      return `{"action":"offer","line":${a.line},"address":${a.address},"mediaMode":${a.mediaMode},"callerId":${JSON.stringify(a.callerId)},"calledId":${JSON.stringify(a.calledId)}}`;
    case 'fail':
      return `{"action":"fail","hdCall":${a.hdCall},"why":${JSON.stringify(a.why)}}`;
    default:
      return `{"action":"${a.action}","hdCall":${a.hdCall}}`;
  }
}

/**
 * Records every exchange NdisTapi sees into a pcapng trace, one enhanced packet block each,
 * stamped with the clock in use (virtual or real) in nanoseconds. Attach it to an NdisTapi;
 * `close()` when done (the writer also flushes when the process exits).
 */
export class TraceRecorder implements ExchangeSink {
  private readonly abi: number;
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
    this.abi = abiCode(abi, variant);
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
    remote?: Observable<RemoteAction>,
    /** The simulated miniport's configuration, kept in the section header for replay. */
    miniport?: SimulatedMiniportConfig,
  ): TraceRecorder {
    const comment = miniport === undefined ? undefined : JSON.stringify({ wanemu: { miniport } });
    const r = new TraceRecorder(new PcapngWriter(path, 'wanemu', comment), abi, variant, clock);
    const detach = source.attach(r);
    const sub = remote?.subscribe((a) => r.remote(a, clock?.now() ?? 0));
    r.detach = () => {
      detach();
      sub?.unsubscribe();
    };
    return r;
  }

  /** Records a remote-party action (kind `remote`, data UTF-8 JSON, sequence NOT_AN_EXCHANGE). */
  remote(action: RemoteAction, time: number): void {
    const text = actionJson(action);
    if (text.length * 3 > this.scratch.length) this.scratch = new Uint8Array(text.length * 3);
    const { written } = ENCODER.encodeInto(text, this.scratch);
    this.write('remote', undefined, NOT_AN_EXCHANGE, time, 0, 0, 0, 0, 0, this.scratch.subarray(0, written));
  }

  /**
   * Records a message the TAPI server sent an application (kind `tapi`, data UTF-8 JSON of the
   * application's name and the LINEMESSAGE, sequence NOT_AN_EXCHANGE, code the LINE_ message).
   */
  tapi(app: string, m: LineMessage, time: number): void {
    const text = JSON.stringify({ app, msg: m.msg, hDevice: m.hDevice, callbackInstance: m.callbackInstance, param1: m.param1, param2: m.param2, param3: m.param3 });
    if (text.length * 3 > this.scratch.length) this.scratch = new Uint8Array(text.length * 3);
    const { written } = ENCODER.encodeInto(text, this.scratch);
    this.write('tapi', undefined, NOT_AN_EXCHANGE, time, m.msg, 0, 0, 0, 0, this.scratch.subarray(0, written));
  }

  /**
   * Records an MS-TRP exchange of a TrpServer: a request packet (kind `trpRequest`), its reply
   * (`trpReply`) or an event record (`trpEvent`), the packet's bytes as they are; the code field
   * holds Req_Func (request), Ack_ReturnValue (reply) or the LINE_ message (event).
   */
  trp(type: 'request' | 'reply' | 'event', bytes: Uint8Array, time: number): void {
    const code = bytes.length >= 4 ? new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength).getUint32(type === 'event' ? Math.min(16, bytes.length - 4) : 0, true) : 0;
    const kind = type === 'request' ? 'trpRequest' : type === 'reply' ? 'trpReply' : 'trpEvent';
    this.write(kind, undefined, NOT_AN_EXCHANGE, time, code, 0, 0, 0, 0, bytes);
  }

  onRequest(seq: number, time: number, requestId: number, kind: RequestKind, oid: number, buffer: Uint8Array): void {
    this.write('request', kind, seq, time, oid, requestId, 0, 0, 0, buffer);
  }

  onOutcome(type: 'return' | 'completion', seq: number, time: number, requestId: number, kind: RequestKind, oid: number, status: number, used: number, needed: number, buffer: Uint8Array): void {
    this.write(type, kind, seq, time, oid, requestId, status, used, needed, buffer);
  }

  onIndication(type: 'indication' | 'indicationReturn', seq: number, time: number, status: number, buffer: Uint8Array): void {
    this.write(type, undefined, seq, time, status, 0, 0, 0, 0, buffer);
  }

  close(): void {
    this.detach?.();
    this.detach = undefined;
    this.writer.close();
  }

  private write(kind: RecordKind, requestKind: RequestKind | undefined, seq: number, timeMs: number, code: number, requestId: number, status: number, used: number, needed: number, data: Uint8Array): void {
    const ns = Math.round((this.clock?.now() ?? timeMs) * 1e6);
    const w = this.writer;
    const at = w.beginPacket(ns, RECORD_HEADER, data);
    const h = w.view;
    const b = w.bytes;
    b[at] = RECORD_VERSION;
    b[at + 1] = kindCode(kind);
    b[at + 2] = (kind === 'request' || kind === 'remote' || kind === 'trpRequest' ? 0 : 1) | (requestKind === 'set' ? 2 : 0);
    b[at + 3] = this.abi;
    h.setUint32(at + 4, seq >>> 0, true);
    h.setUint32(at + 8, code >>> 0, true);
    h.setUint32(at + 12, requestId >>> 0, true);
    h.setUint32(at + 16, status >>> 0, true);
    h.setUint32(at + 20, used >>> 0, true);
    h.setUint32(at + 24, needed >>> 0, true);
    h.setUint32(at + 28, data.length, true);
    w.endPacket();
    this.count++;
  }
}
