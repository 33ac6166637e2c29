import {
  LINEERR_INVALCALLPARAMS,
  LINEERR_INVALPARAM,
  LINEERR_INVALPOINTER,
  LINEERR_OPERATIONUNAVAIL,
} from '../../oid/index.js';
import { isDword, readDword, writeDword } from './dword.js';
import { TrpPacketError } from './packet-error.js';
import { reqFuncName } from './req-func.js';
import { requestLayout, type RequestLayout, type RequestPacket } from './request-layouts.js';
import type { SlotSpec } from './request-slots.js';
import { badValue, shortPacket } from './tapi32-msg.js';
import { MAX_TAPI_FUNC_ARGS, TAPI32_MSG_PARAMS_OFFSET, TAPI32_MSG_SIZE, TAPI_NO_DATA } from './trp-constants.js';
import { blobAt, sizedStructAt, stringAt, VarDataWriter, type VarDataFault } from './var-data.js';

/** A field the sender MUST set to a value but did not; the receiver ignores it (MS-TRP: "ignored on receipt"). */
export interface SenderBreach {
  readonly offset: number;
  readonly field: string;
  readonly expected: number;
  readonly actual: number;
}

/** Options of `decodeRequest`. */
export interface DecodeRequestOptions {
  /**
   * ClientRequest's lNeededSize: the bytes of pBuffer the client allocated, of which `bytes`
   * (`*plUsedSize`) were sent. Output structures must fit in it. Default: `bytes.length`.
   */
  readonly neededSize?: number;
  /** Reject sender breaches (nonzero Reserved1, a code page other than TAPI_NO_DATA, ...) with LINEERR_INVALPARAM. */
  readonly strict?: boolean;
}

/** A decoded request with what the decoder noticed but, per MS-TRP, ignored. */
export interface DecodedRequest {
  readonly packet: RequestPacket;
  /** Sender MUSTs not met, in offset order (empty for a well-formed packet). */
  readonly breaches: readonly SenderBreach[];
}

/** An encoded request: the bytes to send and the buffer size to declare. */
export interface EncodedRequest {
  /** pBuffer as sent: the fixed part and the input VarData (`*plUsedSize` = its length). */
  readonly bytes: Uint8Array;
  /** lNeededSize: 60 plus the larger of the input VarData and the space the outputs need. */
  readonly neededSize: number;
}

type Fields = Readonly<Record<string, unknown>>;

/**
 * Reads a ClientRequest buffer. Never throws: a packet the server must refuse gives a
 * TrpPacketError carrying the LINEERR_ to answer with. Checks, in order: the 60-byte fixed
 * part (LINEERR_INVALPARAM), Req_Func (LINEERR_OPERATIONUNAVAIL), reserved fields, then each
 * slot in offset order: strings, blobs and LINECALLPARAMS inside VarData and aligned
 * (LINEERR_INVALPOINTER; a LINECALLPARAMS whose dwTotalSize cannot even hold itself:
 * LINEERR_INVALCALLPARAMS), output sizes within lNeededSize (LINEERR_INVALPOINTER).
 */
export function decodeRequest(bytes: Uint8Array, options: DecodeRequestOptions = {}): DecodedRequest | TrpPacketError {
  const neededSize = options.neededSize ?? bytes.length;
  if (bytes.length < TAPI32_MSG_SIZE) return shortPacket(bytes.length);
  if (!Number.isInteger(neededSize) || neededSize < bytes.length) {
    return new TrpPacketError(
      LINEERR_INVALPARAM,
      'short-packet',
      0,
      'lNeededSize',
      `at least the ${bytes.length} bytes sent`,
      `lNeededSize ${neededSize} is below the ${bytes.length} bytes sent`,
    );
  }
  const reqFunc = readDword(bytes, 0);
  const name = reqFuncName(reqFunc);
  if (name === undefined) {
    return new TrpPacketError(LINEERR_OPERATIONUNAVAIL, 'unknown-function', 0, 'Req_Func', 'a Req_Func value MS-TRP defines', `Req_Func ${reqFunc} is not a known function`);
  }
  const layout = requestLayout(name);
  if (layout === undefined) {
    return new TrpPacketError(LINEERR_OPERATIONUNAVAIL, 'unsupported-function', 0, 'Req_Func', 'a function wanemu has a packet layout for', `Req_Func ${reqFunc} (${name}) has no packet layout in wanemu`);
  }

  const breaches: SenderBreach[] = [];
  const reserved = checkReserved(bytes, layout, breaches);
  if (reserved !== undefined) return reserved;

  const varData = bytes.subarray(TAPI32_MSG_SIZE);
  const outputSpace = neededSize - TAPI32_MSG_SIZE;
  const fields: Record<string, unknown> = { func: name };
  for (const slot of layout.slots) {
    const value = readDword(bytes, slot.at);
    if (slot.sentAs !== undefined && value !== slot.sentAs) breaches.push({ offset: slot.at, field: slot.name, expected: slot.sentAs, actual: value });
    const decoded = decodeSlot(layout, slot, value, bytes, varData, outputSpace);
    if (decoded instanceof TrpPacketError) return decoded;
    if (slot.kind !== 'blobSize') fields[slot.name] = decoded;
  }
  if (options.strict === true && breaches.length > 0) {
    const b = breaches[0]!;
    return new TrpPacketError(LINEERR_INVALPARAM, 'sender-breach', b.offset, b.field, hex(b.expected), `${b.field} is ${hex(b.actual)}; the sender MUST write ${hex(b.expected)}`);
  }
  return { packet: fields as unknown as RequestPacket, breaches };
}

function checkReserved(bytes: Uint8Array, layout: RequestLayout, breaches: SenderBreach[]): TrpPacketError | undefined {
  const reserved1 = readDword(bytes, 4);
  if (layout.reserved === 'zero') {
    for (const r of reservedFields(layout)) {
      const value = readDword(bytes, r.offset);
      if (value !== 0) {
        return new TrpPacketError(LINEERR_INVALPARAM, 'reserved-nonzero', r.offset, r.field, '0', `${r.field} is ${hex(value)}; ${layout.func} requires every reserved field to be 0`);
      }
    }
  } else if (reserved1 !== 0) {
    breaches.push({ offset: 4, field: 'Reserved1', expected: 0, actual: reserved1 });
  }
  return undefined;
}

/** Reserved1 and the padding slots of a layout, with their MS-TRP names (Reserved2, Reserved3, ...). */
export function reservedFields(layout: RequestLayout): ReadonlyArray<{ readonly offset: number; readonly field: string }> {
  const named = new Set<number>(layout.slots.map((s) => s.at));
  const out = [{ offset: 4, field: 'Reserved1' }];
  for (let i = 0; i < MAX_TAPI_FUNC_ARGS; i++) {
    const offset = TAPI32_MSG_PARAMS_OFFSET + 4 * i;
    if (!named.has(offset)) out.push({ offset, field: `Reserved${out.length + 1}` });
  }
  return out;
}

function decodeSlot(layout: RequestLayout, slot: SlotSpec, value: number, bytes: Uint8Array, varData: Uint8Array, outputSpace: number): unknown {
  switch (slot.kind) {
    case 'string': {
      if (slot.optional && value === TAPI_NO_DATA) return null;
      const text = stringAt(varData, value);
      return typeof text === 'string' ? text : varDataError(slot, value, text.fault, 'a WCHAR-aligned offset of a NUL-terminated string inside VarData');
    }
    case 'blob': {
      if (value === TAPI_NO_DATA) return null;
      const size = readDword(bytes, slotNamed(layout, slot.sizeSlot).at);
      const data = blobAt(varData, value, size);
      return data instanceof Uint8Array ? data : varDataError(slot, value, data.fault, `a DWORD-aligned offset with ${size} bytes (${slot.sizeSlot}) inside VarData`);
    }
    case 'callParams': {
      if (value === TAPI_NO_DATA) return null;
      const data = sizedStructAt(varData, value);
      if (data instanceof Uint8Array) return data;
      if (data.fault === 'too-small') {
        return new TrpPacketError(LINEERR_INVALCALLPARAMS, 'bad-size', slot.at, slot.name, 'a LINECALLPARAMS with dwTotalSize >= 4', `the LINECALLPARAMS at VarData offset ${value} has a dwTotalSize below 4`);
      }
      return varDataError(slot, value, data.fault, 'a DWORD-aligned offset of a LINECALLPARAMS that lies inside VarData');
    }
    case 'output':
    case 'capacity':
      if (value > outputSpace) {
        return new TrpPacketError(LINEERR_INVALPOINTER, 'bad-size', slot.at, slot.name, `at most ${outputSpace} bytes (lNeededSize - 60)`, `${slot.name} asks for ${value} bytes of output but the buffer has ${outputSpace} bytes of VarData`);
      }
      return value;
    case 'outputBlob':
      if (slot.fixedSize > outputSpace) {
        return new TrpPacketError(LINEERR_INVALPOINTER, 'bad-size', slot.at, slot.name, `VarData of at least ${slot.fixedSize} bytes (${slot.structure})`, `the buffer has ${outputSpace} bytes of VarData, too few for a ${slot.structure}`);
      }
      return value;
    default:
      return value;
  }
}

/** The slot of a layout with a given name (the table's own cross-references, checked by a test). */
export function slotNamed(layout: RequestLayout, name: string): SlotSpec {
  return layout.slots.find((s) => s.name === name)!;
}

function varDataError(slot: SlotSpec, value: number, fault: VarDataFault, expected: string): TrpPacketError {
  const what: Record<VarDataFault, string> = {
    misaligned: `offset ${hex(value)} is not aligned`,
    outside: `offset ${hex(value)} is outside VarData`,
    overrun: `the data at offset ${hex(value)} runs past the end of VarData`,
    unterminated: `the string at offset ${hex(value)} has no NUL before the end of VarData`,
  };
  const reason = fault === 'unterminated' ? 'unterminated-string' : fault === 'overrun' ? 'bad-size' : 'bad-offset';
  return new TrpPacketError(LINEERR_INVALPOINTER, reason, slot.at, slot.name, expected, what[fault]);
}

/**
 * The DWORD of every named slot as `encodeRequest` writes it (string and blob offsets where it
 * places the data), and the VarData it builds. Values that do not fit give a TrpPacketError.
 */
export function requestSlotValues(packet: RequestPacket): { readonly slots: ReadonlyMap<string, number>; readonly varData: VarDataWriter; readonly outputSpace: number } | TrpPacketError {
  const layout = requestLayout(String((packet as Fields)['func']));
  if (layout === undefined) {
    return new TrpPacketError(LINEERR_OPERATIONUNAVAIL, 'unsupported-function', 0, 'Req_Func', 'a function wanemu has a packet layout for', `no packet layout for ${String((packet as Fields)['func'])}`);
  }
  const fields = packet as Fields;
  const slots = new Map<string, number>();
  const varData = new VarDataWriter();
  let outputSpace = 0;
  for (const slot of layout.slots) {
    const value = fields[slot.name];
    switch (slot.kind) {
      case 'blobSize':
        break;
      case 'string': {
        if (value === null && slot.optional) slots.set(slot.name, TAPI_NO_DATA);
        else if (typeof value !== 'string' || value.includes('\0')) {
          return new TrpPacketError(LINEERR_INVALPARAM, 'bad-value', slot.at, slot.name, slot.optional ? 'a string without NUL, or null' : 'a string without NUL', `${describe(value)} cannot be sent as ${slot.name}`);
        } else slots.set(slot.name, varData.appendString(value));
        break;
      }
      case 'blob': {
        if (value === null) {
          slots.set(slot.name, TAPI_NO_DATA);
          slots.set(slot.sizeSlot, 0);
        } else if (value instanceof Uint8Array) {
          slots.set(slot.name, varData.append(value));
          slots.set(slot.sizeSlot, value.length);
        } else return new TrpPacketError(LINEERR_INVALPARAM, 'bad-value', slot.at, slot.name, 'a Uint8Array or null', `${describe(value)} cannot be sent as ${slot.name}`);
        break;
      }
      case 'callParams': {
        if (value === null) slots.set(slot.name, TAPI_NO_DATA);
        else if (value instanceof Uint8Array && value.length >= 4 && readDword(value, 0) === value.length) slots.set(slot.name, varData.append(value));
        else return new TrpPacketError(LINEERR_INVALPARAM, 'bad-value', slot.at, slot.name, 'a LINECALLPARAMS whose dwTotalSize is its length, or null', `${describe(value)} cannot be sent as ${slot.name}`);
        break;
      }
      default: {
        if (!isDword(value)) return badValue(slot.at, slot.name, value);
        slots.set(slot.name, value);
        if (slot.kind === 'output' || slot.kind === 'capacity') outputSpace += value;
        if (slot.kind === 'outputBlob') outputSpace += slot.fixedSize;
      }
    }
  }
  return { slots, varData, outputSpace };
}

/**
 * Writes a request: the fixed part (Reserved1 and padding 0) and the input VarData, each item
 * DWORD-aligned in slot order. Never throws; a value that does not fit gives a TrpPacketError.
 */
export function encodeRequest(packet: RequestPacket): EncodedRequest | TrpPacketError {
  const built = requestSlotValues(packet);
  if (built instanceof TrpPacketError) return built;
  const layout = requestLayout(packet.func)!;
  const bytes = new Uint8Array(TAPI32_MSG_SIZE + built.varData.length);
  writeDword(bytes, 0, layout.reqFunc);
  for (const slot of layout.slots) writeDword(bytes, slot.at, built.slots.get(slot.name) ?? 0);
  built.varData.writeInto(bytes, TAPI32_MSG_SIZE);
  return { bytes, neededSize: TAPI32_MSG_SIZE + Math.max(built.varData.length, built.outputSpace) };
}

function hex(v: number): string {
  return `0x${v.toString(16).toUpperCase().padStart(8, '0')}`;
}

function describe(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}...` : value);
  if (value instanceof Uint8Array) return `${value.length} bytes`;
  return String(value);
}
