import { LINEERR_INVALPARAM, LINEERR_INVALPOINTER, LINEERR_OPERATIONUNAVAIL } from '../../oid/index.js';
import { isDword, readDword, writeDword } from './dword.js';
import { TrpPacketError } from './packet-error.js';
import {
  requestLayout,
  type OutSlotName,
  type OutputSlotName,
  type ReplySlots,
  type RequestFuncName,
  type RequestPacket,
} from './request-layouts.js';
import { requestSlotValues, slotNamed } from './request-packet.js';
import type { SlotSpec } from './request-slots.js';
import { badValue, shortPacket } from './tapi32-msg.js';
import { TAPI32_MSG_SIZE, TAPI_SUCCESS } from './trp-constants.js';
import { blobAt, VarDataWriter } from './var-data.js';

/** Output data of a successful reply, by the slot that locates it. */
export type ReplyOutputs<F extends RequestFuncName> = { readonly [K in OutputSlotName<F>]?: Uint8Array };

/**
 * The server's reply: the request's buffer with Req_Func overwritten by Ack_ReturnValue, the
 * OUT slots filled in and output structures in VarData (MS-TRP 2.2.5.2, 3.1.4.2).
 */
export type TrpReply<F extends RequestFuncName = RequestFuncName> = F extends RequestFuncName
  ? {
      readonly func: F;
      /**
       * Ack_ReturnValue, unsigned: 0 or a LINEERR_ for a synchronous function; a request ID
       * (1 to 0x7FFFFFFF) or a LINEERR_ for an asynchronous one.
       */
      readonly returnValue: number;
      /** Every named slot as a DWORD (input slots keep the request's values: it is the same buffer). */
      readonly slots: ReplySlots<F>;
      /** Output data; read only when a synchronous function returns TAPI_SUCCESS. */
      readonly outputs: ReplyOutputs<F>;
    }
  : never;

/** What a server fills in to answer a decoded request (see `replyTo`). */
export interface ReplyResult<F extends RequestFuncName> {
  readonly returnValue: number;
  /** OUT slot values (hLineApp, dwNumDevs, hLine, dwNegotiatedVersion, ...). */
  readonly out?: { readonly [K in OutSlotName<F>]?: number };
  /** Output structures; their slots get their VarData offsets. */
  readonly outputs?: ReplyOutputs<F>;
}

type Numbers = Readonly<Record<string, unknown>>;

/**
 * Reads a reply to a request of function `func` (the reply does not name it). Never throws.
 * Fewer than 60 bytes give LINEERR_INVALPARAM; on TAPI_SUCCESS of a synchronous function,
 * output offsets or sizes outside VarData give LINEERR_INVALPOINTER.
 */
export function decodeReply<F extends RequestFuncName>(func: F, bytes: Uint8Array): TrpReply<F> | TrpPacketError;
export function decodeReply(func: string, bytes: Uint8Array): TrpReply | TrpPacketError;
export function decodeReply(func: string, bytes: Uint8Array): TrpReply | TrpPacketError {
  const layout = requestLayout(func);
  if (layout === undefined) return noLayout(func);
  if (bytes.length < TAPI32_MSG_SIZE) return shortPacket(bytes.length);
  const returnValue = readDword(bytes, 0);
  const slots: Record<string, number> = {};
  for (const slot of layout.slots) slots[slot.name] = readDword(bytes, slot.at);
  const outputs: Record<string, Uint8Array> = {};
  if (returnValue === TAPI_SUCCESS && !layout.async) {
    const varData = bytes.subarray(TAPI32_MSG_SIZE);
    for (const slot of layout.slots) {
      const data = readOutput(slot, slots, varData);
      if (data instanceof TrpPacketError) return data;
      if (data !== undefined) outputs[slot.name] = data;
    }
  }
  return { func, returnValue, slots, outputs } as unknown as TrpReply;
}

function readOutput(slot: SlotSpec, slots: Readonly<Record<string, number>>, varData: Uint8Array): Uint8Array | TrpPacketError | undefined {
  const value = slots[slot.name]!;
  switch (slot.kind) {
    case 'output': {
      const head = blobAt(varData, value, 12);
      if (!(head instanceof Uint8Array)) return outputError(slot, `a DWORD-aligned offset of a ${slot.structure} inside VarData`, `offset ${value}: ${head.fault}`);
      const used = readDword(head, 8);
      if (used < 12) return outputError(slot, `a ${slot.structure} with dwUsedSize >= 12`, `its dwUsedSize is ${used}`);
      const data = blobAt(varData, value, used);
      return data instanceof Uint8Array ? data : outputError(slot, `a ${slot.structure} whose dwUsedSize bytes lie inside VarData`, `offset ${value} + dwUsedSize ${used} runs past ${varData.length} bytes of VarData`);
    }
    case 'outputBlob': {
      const size = slots[slot.sizeSlot]!;
      const data = blobAt(varData, value, size);
      return data instanceof Uint8Array ? data : outputError(slot, `a DWORD-aligned offset of a ${slot.structure} inside VarData`, `offset ${value} with ${slot.sizeSlot} ${size}: ${data.fault}`);
    }
    case 'usedBytes': {
      const data = blobAt(varData, 0, value);
      return data instanceof Uint8Array ? data : outputError(slot, `at most ${varData.length} bytes (the VarData returned)`, `${slot.name} is ${value}`);
    }
    default:
      return undefined;
  }
}

function outputError(slot: SlotSpec, expected: string, what: string): TrpPacketError {
  return new TrpPacketError(LINEERR_INVALPOINTER, 'bad-size', slot.at, slot.name, expected, `${slot.name}: ${what}`);
}

function noLayout(func: string): TrpPacketError {
  return new TrpPacketError(LINEERR_OPERATIONUNAVAIL, 'unsupported-function', 0, 'Req_Func', 'a function wanemu has a packet layout for', `no packet layout for ${func}`);
}

/**
 * Writes a reply: Ack_ReturnValue, Reserved1 = 0, the slots, padding 0, and the outputs in
 * VarData from offset 0, each DWORD-aligned in slot order. For each output given, its slot
 * (and an output blob's size slot) is set to where the data went, whatever `slots` says.
 * Never throws.
 */
export function encodeReply(reply: TrpReply): Uint8Array | TrpPacketError {
  const layout = requestLayout(reply.func);
  if (layout === undefined) return noLayout(String(reply.func));
  if (!isDword(reply.returnValue)) return badValue(0, 'Ack_ReturnValue', reply.returnValue);
  const given = reply.slots as Numbers;
  const outputs = reply.outputs as Readonly<Record<string, Uint8Array | undefined>>;
  const values = new Map<string, number>();
  const varData = new VarDataWriter();
  for (const slot of layout.slots) {
    const data = outputs[slot.name];
    if (data === undefined) continue;
    if (!(data instanceof Uint8Array)) return new TrpPacketError(LINEERR_INVALPARAM, 'bad-value', slot.at, slot.name, 'a Uint8Array', `the output for ${slot.name} is not bytes`);
    const at = varData.append(data);
    if (slot.kind === 'usedBytes') {
      if (at !== 0) return new TrpPacketError(LINEERR_INVALPARAM, 'bad-value', slot.at, slot.name, 'output at VarData offset 0', `${slot.name} output would land at offset ${at}`);
      values.set(slot.name, data.length);
    } else values.set(slot.name, at);
    if (slot.kind === 'outputBlob') values.set(slot.sizeSlot, data.length);
  }
  const bytes = new Uint8Array(TAPI32_MSG_SIZE + varData.length);
  writeDword(bytes, 0, reply.returnValue);
  for (const slot of layout.slots) {
    const value = values.get(slot.name) ?? given[slot.name];
    if (!isDword(value)) return badValue(slot.at, slot.name, value);
    writeDword(bytes, slot.at, value);
  }
  varData.writeInto(bytes, TAPI32_MSG_SIZE);
  return bytes;
}

/**
 * The reply to a decoded request: every slot as the request held it (string and blob offsets
 * as `encodeRequest` places them), then the OUT values and outputs of `result`.
 */
export function replyTo<F extends RequestFuncName>(request: RequestPacket<F>, result: ReplyResult<F>): TrpReply<F> | TrpPacketError {
  const built = requestSlotValues(request);
  if (built instanceof TrpPacketError) return built;
  const layout = requestLayout(request.func)!;
  const slots: Record<string, number> = {};
  for (const slot of layout.slots) slots[slot.name] = built.slots.get(slot.name) ?? 0;
  const out = (result.out ?? {}) as Numbers;
  for (const [name, value] of Object.entries(out)) {
    if (value === undefined) continue;
    if (!Object.hasOwn(slots, name)) {
      return new TrpPacketError(LINEERR_INVALPARAM, 'bad-value', 0, name, `a slot of ${layout.func}`, `${layout.func} has no slot ${name}`);
    }
    if (!isDword(value)) return badValue(slotNamed(layout, name).at, name, value);
    slots[name] = value;
  }
  return { func: request.func, returnValue: result.returnValue, slots, outputs: result.outputs ?? {} } as unknown as TrpReply<F>;
}
