import {
  LINECALLSELECT_CALL,
  LINECALLSELECT_LINE,
  OID_TAPI_ACCEPT,
  OID_TAPI_ANSWER,
  OID_TAPI_CLOSE,
  OID_TAPI_CLOSE_CALL,
  OID_TAPI_DIAL,
  OID_TAPI_DROP,
  OID_TAPI_GET_ADDRESS_CAPS,
  OID_TAPI_GET_CALL_INFO,
  OID_TAPI_GET_CALL_STATUS,
  OID_TAPI_GET_DEV_CAPS,
  OID_TAPI_GET_ID,
  OID_TAPI_MAKE_CALL,
  OID_TAPI_OPEN,
  OID_TAPI_PROVIDER_INITIALIZE,
  OID_TAPI_PROVIDER_SHUTDOWN,
  OID_TAPI_SECURE_CALL,
  OID_TAPI_SET_APP_SPECIFIC,
  OID_TAPI_SET_DEFAULT_MEDIA_DETECTION,
  OID_TAPI_SET_MEDIA_MODE,
  OID_TAPI_SET_STATUS_MESSAGES,
  OID_WAN_GET_INFO,
  asciiz,
  codecFor,
  isCodecError,
  kindOfOid,
  type CodecError,
  type StructInput,
  type StructName,
  type StructValue,
  OID_TAPI_DEV_SPECIFIC,
  WANEMU_BLIND_TRANSFER,
  WANEMU_REDIRECT,
  WANEMU_TRANSFER_TAG,
} from '../oid/index.js';
import { getIdBuffer } from './get-id-buffer.js';
import type { NdisTapi, RequestResult } from './ndis-tapi.js';

/** A request's result with the structure decoded from the buffer after it (the OUT members). */
export interface TypedResult<S extends StructName> extends RequestResult {
  readonly value: StructValue<S> | CodecError;
}

/** Bytes reserved for a variable-size OUT structure when the caller does not say (TAPI apps often use 1 KB). */
export const DEFAULT_RESERVE = 1024;

/**
 * The typed layer over NdisTapi: requests built from `oid/` codecs, named by NDISTAPI's own
 * handles (htLine, htCall) and mapped to the miniport's, answered as promises. What KMDDSP does
 * for TAPISRV, minus the TSPI plumbing.
 */
export class NdisTapiClient {
  constructor(readonly shim: NdisTapi) {}

  /** Sends any TAPI OID with a typed structure; `total` bytes are reserved for the buffer at least. */
  send<S extends StructName>(oid: number, structure: S, value: StructInput<S>, total = 0): Promise<TypedResult<S>> {
    const encoded = this.codec(structure).encode(value);
    if (isCodecError(encoded)) return Promise.reject(encoded);
    const buffer = new Uint8Array(Math.max(encoded.length, total));
    buffer.set(encoded);
    return this.sendBytes(oid, structure, buffer);
  }

  /** Sends a buffer built by the caller; the result's value is decoded as `structure`. */
  sendBytes<S extends StructName>(oid: number, structure: S, buffer: Uint8Array): Promise<TypedResult<S>> {
    const kind = kindOfOid(oid) ?? 'set';
    const codec = this.codec(structure);
    return new Promise((resolve) => {
      this.shim.submit(kind, oid, buffer, (r) => resolve({ ...r, value: codec.decode(r.buffer) }));
    });
  }

  private codec<S extends StructName>(structure: S) {
    return codecFor(structure, this.shim.miniport.abi, this.shim.miniport.variant);
  }

  /** OID_WAN_GET_INFO, as NDISWAN asks it before registering the adapter with NDISTAPI. */
  async wanGetInfo(): Promise<TypedResult<'NDIS_WAN_INFO'>> {
    const buffer = new Uint8Array(this.codec('NDIS_WAN_INFO').size);
    return new Promise((resolve) => {
      this.shim.submit('query', OID_WAN_GET_INFO, buffer, (r) => resolve({ ...r, value: this.codec('NDIS_WAN_INFO').decode(r.buffer) }));
    });
  }

  async initialize(deviceIdBase = 0): Promise<TypedResult<'NDIS_TAPI_PROVIDER_INITIALIZE'>> {
    return this.send(OID_TAPI_PROVIDER_INITIALIZE, 'NDIS_TAPI_PROVIDER_INITIALIZE', { ulDeviceIDBase: deviceIdBase });
  }

  async shutdown(): Promise<TypedResult<'NDIS_TAPI_PROVIDER_SHUTDOWN'>> {
    return this.send(OID_TAPI_PROVIDER_SHUTDOWN, 'NDIS_TAPI_PROVIDER_SHUTDOWN', {});
  }

  /** OID_TAPI_OPEN with the htLine NdisTapi uses for the device. */
  async open(deviceId: number): Promise<TypedResult<'NDIS_TAPI_OPEN'>> {
    return this.send(OID_TAPI_OPEN, 'NDIS_TAPI_OPEN', { ulDeviceID: deviceId, htLine: this.shim.htLineFor(deviceId) });
  }

  async close(htLine: number): Promise<TypedResult<'NDIS_TAPI_CLOSE'>> {
    return this.send(OID_TAPI_CLOSE, 'NDIS_TAPI_CLOSE', { hdLine: this.hdLine(htLine) });
  }

  async setDefaultMediaDetection(htLine: number, mediaModes: number): Promise<TypedResult<'NDIS_TAPI_SET_DEFAULT_MEDIA_DETECTION'>> {
    return this.send(OID_TAPI_SET_DEFAULT_MEDIA_DETECTION, 'NDIS_TAPI_SET_DEFAULT_MEDIA_DETECTION', { hdLine: this.hdLine(htLine), ulMediaModes: mediaModes });
  }

  async setStatusMessages(htLine: number, lineStates: number, addressStates: number): Promise<TypedResult<'NDIS_TAPI_SET_STATUS_MESSAGES'>> {
    return this.send(OID_TAPI_SET_STATUS_MESSAGES, 'NDIS_TAPI_SET_STATUS_MESSAGES', {
      hdLine: this.hdLine(htLine),
      ulLineStates: lineStates,
      ulAddressStates: addressStates,
    });
  }

  async accept(htCall: number): Promise<TypedResult<'NDIS_TAPI_ACCEPT'>> {
    return this.send(OID_TAPI_ACCEPT, 'NDIS_TAPI_ACCEPT', { hdCall: this.hdCall(htCall) });
  }

  async answer(htCall: number): Promise<TypedResult<'NDIS_TAPI_ANSWER'>> {
    return this.send(OID_TAPI_ANSWER, 'NDIS_TAPI_ANSWER', { hdCall: this.hdCall(htCall) });
  }

  async drop(htCall: number): Promise<TypedResult<'NDIS_TAPI_DROP'>> {
    return this.send(OID_TAPI_DROP, 'NDIS_TAPI_DROP', { hdCall: this.hdCall(htCall) });
  }

  async closeCall(htCall: number): Promise<TypedResult<'NDIS_TAPI_CLOSE_CALL'>> {
    return this.send(OID_TAPI_CLOSE_CALL, 'NDIS_TAPI_CLOSE_CALL', { hdCall: this.hdCall(htCall) });
  }

  async secureCall(htCall: number): Promise<TypedResult<'NDIS_TAPI_SECURE_CALL'>> {
    return this.send(OID_TAPI_SECURE_CALL, 'NDIS_TAPI_SECURE_CALL', { hdCall: this.hdCall(htCall) });
  }

  async setAppSpecific(htCall: number, appSpecific: number): Promise<TypedResult<'NDIS_TAPI_SET_APP_SPECIFIC'>> {
    return this.send(OID_TAPI_SET_APP_SPECIFIC, 'NDIS_TAPI_SET_APP_SPECIFIC', { hdCall: this.hdCall(htCall), ulAppSpecific: appSpecific });
  }

  /** OID_TAPI_SET_MEDIA_MODE: the media mode the miniport now reports the call as (it answers LINE_CALLINFO MEDIAMODE). */
  async setMediaMode(htCall: number, mediaMode: number): Promise<TypedResult<'NDIS_TAPI_SET_MEDIA_MODE'>> {
    return this.send(OID_TAPI_SET_MEDIA_MODE, 'NDIS_TAPI_SET_MEDIA_MODE', { hdCall: this.hdCall(htCall), ulMediaMode: mediaMode });
  }

  /**
   * OID_TAPI_MAKE_CALL with a fresh htCall: `destination` as ASCII with its NUL (empty: dial
   * later with `dial`); the line's default call parameters unless `params` are given.
   */
  async makeCall(htLine: number, destination: string, params?: StructInput<'LINE_CALL_PARAMS'>): Promise<TypedResult<'NDIS_TAPI_MAKE_CALL'> & { readonly htCall: number }> {
    const htCall = this.shim.allocateHtCall();
    const r = await this.send(OID_TAPI_MAKE_CALL, 'NDIS_TAPI_MAKE_CALL', {
      hdLine: this.hdLine(htLine),
      htCall,
      bUseDefaultLineCallParams: params === undefined ? 1 : 0,
      ...(params === undefined ? {} : { LineCallParams: params }),
      ...(destination === '' ? {} : { DestAddress: asciiz(destination) }),
    });
    return { ...r, htCall };
  }

  async dial(htCall: number, digits: string): Promise<TypedResult<'NDIS_TAPI_DIAL'>> {
    return this.send(OID_TAPI_DIAL, 'NDIS_TAPI_DIAL', { hdCall: this.hdCall(htCall), szDestAddress: asciiz(digits) });
  }

  async getDevCaps(deviceId: number, reserve = DEFAULT_RESERVE): Promise<TypedResult<'NDIS_TAPI_GET_DEV_CAPS'>> {
    return this.send(OID_TAPI_GET_DEV_CAPS, 'NDIS_TAPI_GET_DEV_CAPS', { ulDeviceID: deviceId, LineDevCaps: { ulTotalSize: reserve } }, this.reserveAt('NDIS_TAPI_GET_DEV_CAPS', 'LineDevCaps', reserve));
  }

  /** OID_TAPI_GET_ADDRESS_CAPS for an address of a line device (the line need not be open); `extVersion` 0 asks for none. */
  async getAddressCaps(deviceId: number, addressId: number, reserve = DEFAULT_RESERVE, extVersion = 0): Promise<TypedResult<'NDIS_TAPI_GET_ADDRESS_CAPS'>> {
    return this.send(
      OID_TAPI_GET_ADDRESS_CAPS,
      'NDIS_TAPI_GET_ADDRESS_CAPS',
      { ulDeviceID: deviceId, ulAddressID: addressId, ulExtVersion: extVersion, LineAddressCaps: { ulTotalSize: reserve } },
      this.reserveAt('NDIS_TAPI_GET_ADDRESS_CAPS', 'LineAddressCaps', reserve),
    );
  }

  async getCallInfo(htCall: number, reserve = DEFAULT_RESERVE): Promise<TypedResult<'NDIS_TAPI_GET_CALL_INFO'>> {
    return this.send(OID_TAPI_GET_CALL_INFO, 'NDIS_TAPI_GET_CALL_INFO', { hdCall: this.hdCall(htCall), LineCallInfo: { ulTotalSize: reserve } }, this.reserveAt('NDIS_TAPI_GET_CALL_INFO', 'LineCallInfo', reserve));
  }

  async getCallStatus(htCall: number, reserve = DEFAULT_RESERVE): Promise<TypedResult<'NDIS_TAPI_GET_CALL_STATUS'>> {
    return this.send(OID_TAPI_GET_CALL_STATUS, 'NDIS_TAPI_GET_CALL_STATUS', { hdCall: this.hdCall(htCall), LineCallStatus: { ulTotalSize: reserve } }, this.reserveAt('NDIS_TAPI_GET_CALL_STATUS', 'LineCallStatus', reserve));
  }

  /** OID_TAPI_GET_ID for a call ("ndis" gives the NdisLinkContext) or, with `line`, for a line. */
  async getId(target: { readonly htCall: number } | { readonly htLine: number }, deviceClass: string, reserve = 64): Promise<TypedResult<'NDIS_TAPI_GET_ID'>> {
    const select = 'htCall' in target ? { ulSelect: LINECALLSELECT_CALL, hdCall: this.hdCall(target.htCall) } : { ulSelect: LINECALLSELECT_LINE, hdLine: this.hdLine(target.htLine) };
    const buffer = getIdBuffer(this.shim.miniport.abi, this.shim.miniport.variant, select, deviceClass, reserve);
    if (isCodecError(buffer)) return Promise.reject(buffer);
    return this.sendBytes(OID_TAPI_GET_ID, 'NDIS_TAPI_GET_ID', buffer);
  }

  /**
   * wanemu's call transfer over OID_TAPI_DEV_SPECIFIC (docs/dev-specific.md): a blind transfer of
   * a connected call, or a redirect of an offered one, to `destination`.
   */
  async transferCall(htCall: number, operation: 'blind' | 'redirect', destination: string): Promise<TypedResult<'NDIS_TAPI_DEV_SPECIFIC'>> {
    const codec = this.codec('NDIS_TAPI_DEV_SPECIFIC');
    const at = codec.layout.offsets['Params'] ?? 0;
    const name = new TextEncoder().encode(destination);
    const size = 8 + name.length + 1;
    const head = codec.encode({ hdLine: this.hdLine(this.shim.calls.get(htCall)?.htLine ?? 0), ulAddressID: 0, hdCall: this.hdCall(htCall), ulParamsSize: size });
    if (isCodecError(head)) return Promise.reject(head);
    const buffer = new Uint8Array(Math.max(head.length, at + size));
    buffer.set(head);
    const dv = new DataView(buffer.buffer);
    dv.setUint32(at, WANEMU_TRANSFER_TAG, true);
    dv.setUint32(at + 4, operation === 'blind' ? WANEMU_BLIND_TRANSFER : WANEMU_REDIRECT, true);
    buffer.set(name, at + 8);
    return this.sendBytes(OID_TAPI_DEV_SPECIFIC, 'NDIS_TAPI_DEV_SPECIFIC', buffer);
  }

  /** The miniport's hdLine for an open line (0 when NDISTAPI has not opened it). */
  hdLine(htLine: number): number {
    return this.shim.lines.get(htLine)?.hdLine ?? 0;
  }

  /** The miniport's hdCall for a known call (0 when NDISTAPI does not know it). */
  hdCall(htCall: number): number {
    return this.shim.calls.get(htCall)?.hdCall ?? 0;
  }

  private reserveAt(structure: StructName, member: string, reserve: number): number {
    const codec = codecFor(structure, this.shim.miniport.abi, this.shim.miniport.variant);
    return (codec.layout.offsets[member] ?? 0) + reserve;
  }

}
