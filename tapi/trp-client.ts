import type { TrpServer } from './trp-server.js';
import {
  decodeAsyncEvents,
  decodeReply,
  encodeRequest,
  isTrpPacketError,
  type AsyncEvent,
  type AsyncEventError,
  type DecodeAsyncEventOptions,
  type RequestFuncName,
  type RequestPacket,
  type TrpPacketError,
  type TrpReply,
} from './trp/index.js';

/**
 * A remote MS-TRP client of a TrpServer, in process: requests encoded as packets, replies decoded,
 * events fetched with GetAsyncEvents and decoded. For tests, benches and tools that speak MS-TRP.
 */
export class TrpClient {
  constructor(readonly server: TrpServer) {}

  /** Sends one request; its decoded reply, or the packet error (from encoding or decoding). */
  async call<F extends RequestFuncName>(packet: RequestPacket<F>): Promise<TrpReply<F> | TrpPacketError> {
    const sent = encodeRequest(packet);
    if (isTrpPacketError(sent)) return sent;
    return decodeReply(packet.func, await this.server.handle(sent.bytes, sent.neededSize)) as TrpReply<F> | TrpPacketError;
  }

  /** GetAsyncEvents with a buffer of `space` bytes, decoded. */
  async events(options: DecodeAsyncEventOptions = {}, space = 4096): Promise<AsyncEvent[] | AsyncEventError | TrpPacketError> {
    const r = await this.call({ func: 'GetAsyncEvents', dwTotalBufferSize: space, dwNeededBufferSize: 0, dwUsedBufferSize: 0 });
    if (isTrpPacketError(r)) return r;
    return decodeAsyncEvents(r.outputs.dwUsedBufferSize ?? new Uint8Array(0), options);
  }
}
