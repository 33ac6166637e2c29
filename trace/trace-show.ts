import { reqFuncName } from '../tapi/trp/req-func.js';
import { tapiMessageOf, tapiMessageText } from './tapi-record.js';
import { nameOf, structureOfOid, codecFor, isCodecError, NDIS_STATUS_TAPI_INDICATION, NDIS_STATUS_WAN_LINE_DOWN, NDIS_STATUS_WAN_LINE_UP, type StructName } from '../oid/index.js';
import { ExchangeFormatter, clockText } from '../ndistapi/exchange-text.js';
import { readTrace, type TraceWarning } from './pcapng-reader.js';
import { exchangeOf } from './trace-exchange.js';
import { timeMsOf, type TraceRecord } from './trace-record.js';
import type { RemoteAction } from '../miniport/remote-party.js';

function structureOf(r: TraceRecord): StructName | undefined {
  if (r.kind === 'indication' || r.kind === 'indicationReturn') {
    if (r.code === NDIS_STATUS_TAPI_INDICATION) return 'NDIS_TAPI_EVENT';
    if (r.code === NDIS_STATUS_WAN_LINE_UP) return 'NDIS_MAC_LINE_UP';
    if (r.code === NDIS_STATUS_WAN_LINE_DOWN) return 'NDIS_MAC_LINE_DOWN';
    return undefined;
  }
  return structureOfOid(r.code);
}

/** A remote-party action, parsed from its record; undefined when the record does not hold one. */
export function remoteActionOf(r: TraceRecord): RemoteAction | undefined {
  if (r.kind !== 'remote') return undefined;
  let a: unknown;
  try {
    a = JSON.parse(new TextDecoder().decode(r.data));
  } catch {
    return undefined;
  }
  // A damaged record can hold any JSON: only the shapes the recorder writes are actions.
  return isRemoteAction(a) ? a : undefined;
}

const isCount = (v: unknown): v is number => typeof v === 'number' && Number.isInteger(v) && v >= 0;

function isRemoteAction(a: unknown): a is RemoteAction {
  if (typeof a !== 'object' || a === null) return false;
  const o = a as Readonly<Record<string, unknown>>;
  switch (o['action']) {
    case 'offer':
      return isCount(o['line']) && isCount(o['address']) && isCount(o['mediaMode']) && typeof o['callerId'] === 'string' && typeof o['calledId'] === 'string';
    case 'fail':
      return isCount(o['hdCall']) && (o['why'] === 'noanswer' || o['why'] === 'reject' || o['why'] === 'unreachable');
    case 'answer':
    case 'busy':
    case 'hangUp':
      return isCount(o['hdCall']);
    default:
      return false;
  }
}

function remoteText(r: TraceRecord): string {
  const t = clockText(timeMsOf(r));
  const a = remoteActionOf(r);
  if (a === undefined) return `${t}  remote party: (unreadable action)`;
  if (a.action === 'offer') {
    return `${t}  remote party → miniport  offers a call on line ${a.line} address ${a.address}: ${nameOf('LINEMEDIAMODE', a.mediaMode)}${a.callerId === '' ? '' : ` from ${a.callerId}`}`;
  }
  return `${t}  remote party → miniport  ${a.action === 'fail' ? `fails (${a.why})` : a.action} hdCall=0x${a.hdCall.toString(16)}`;
}

function trpText(r: TraceRecord): string {
  const t = clockText(timeMsOf(r));
  const code = r.code >>> 0;
  switch (r.kind) {
    case 'trpRequest':
      return `${t}  MS-TRP client → TAPI  ${reqFuncName(code) ?? `Req_Func ${code}`} (${r.data.length} bytes)`;
    case 'trpReply':
      return `${t}  TAPI → MS-TRP client  reply ${code === 0 ? '0' : code >= 0x8000_0000 ? nameOf('LINEERR', code) : `request id ${code}`}`;
    default:
      return `${t}  TAPI → MS-TRP client  event ${nameOf('LINE_MESSAGE', code)}`;
  }
}

function tapiText(r: TraceRecord): string {
  const t = clockText(timeMsOf(r));
  const m = tapiMessageOf(r);
  return m === undefined ? `${t}  TAPI: (unreadable message)` : `${t}  TAPI → ${m.app}  ${tapiMessageText(m)}`;
}

/** A record as plain JSON: names beside numbers, the buffer decoded where its structure is known. */
export function recordJson(r: TraceRecord): Record<string, unknown> {
  if (r.kind === 'remote') return { seq: null, timeNs: r.timeNs.toString(), kind: r.kind, action: remoteActionOf(r) ?? null };
  if (r.kind === 'trpRequest' || r.kind === 'trpReply' || r.kind === 'trpEvent') {
    return { seq: null, timeNs: r.timeNs.toString(), kind: r.kind, code: r.code >>> 0, bytes: Array.from(r.data, (b) => b.toString(16).padStart(2, '0')).join('') };
  }
  if (r.kind === 'tapi') {
    const m = tapiMessageOf(r);
    return { seq: null, timeNs: r.timeNs.toString(), kind: r.kind, message: m === undefined ? null : { ...m, msgName: nameOf('LINE_MESSAGE', m.msg) } };
  }
  const isIndication = r.kind === 'indication' || r.kind === 'indicationReturn';
  const s = structureOf(r);
  let fields: unknown;
  if (s !== undefined) {
    const v = codecFor(s, r.abi, r.variant).decode(r.data);
    fields = isCodecError(v) ? { error: v.message } : JSON.parse(JSON.stringify(v, (_k, x: unknown) => (typeof x === 'bigint' ? x.toString() : x instanceof Uint8Array ? Array.from(x) : x)));
  }
  return {
    seq: r.seq,
    timeNs: r.timeNs.toString(),
    kind: r.kind,
    abi: r.abi,
    variant: r.variant,
    ...(isIndication ? { status: r.code, statusName: nameOf('NDIS_STATUS', r.code) } : { oid: r.code, oidName: nameOf('OID', r.code), requestId: r.requestId, requestKind: r.requestKind }),
    ...(r.kind === 'return' || r.kind === 'completion' ? { status: r.status, statusName: nameOf('NDIS_STATUS', r.status), bytesUsed: r.bytesUsed, bytesNeeded: r.bytesNeeded } : {}),
    ...(s === undefined ? {} : { structure: s, fields }),
    bytes: Array.from(r.data, (b) => b.toString(16).padStart(2, '0')).join(''),
  };
}

/**
 * `wanemu trace show`: the flow of a trace, one readable line per exchange (as the demo prints
 * it), or one JSON object per line with `json`. Streams: memory stays flat however long the trace.
 */
export function showTrace(path: string, json: boolean, out: (line: string) => void, warn: (w: TraceWarning) => void): number {
  const formatters = new Map<string, ExchangeFormatter>();
  let n = 0;
  for (const r of readTrace(path, warn)) {
    n++;
    if (json) {
      out(JSON.stringify(recordJson(r)));
      continue;
    }
    const key = `${r.abi}/${r.variant}`;
    let f = formatters.get(key);
    if (f === undefined) {
      f = new ExchangeFormatter(r.abi, r.variant);
      formatters.set(key, f);
    }
    const x = exchangeOf(r);
    const line = x !== undefined ? f.format(x) : r.kind === 'tapi' ? tapiText(r) : r.kind === 'remote' ? remoteText(r) : trpText(r);
    if (line !== undefined) out(line);
  }
  return n;
}
