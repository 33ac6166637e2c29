import {
  LINECALLSTATE_BUSY,
  LINECALLSTATE_DIALTONE,
  LINECALLSTATE_DISCONNECTED,
  LINE_CALLINFO,
  LINE_CALLSTATE,
  LINE_LINEDEVSTATE,
  LINE_NEWCALL,
  NDIS_STATUS_TAPI_INDICATION,
  NDIS_STATUS_PENDING,
  NDIS_STATUS_WAN_LINE_DOWN,
  NDIS_STATUS_WAN_LINE_UP,
  codecFor,
  isCodecError,
  nameOf,
  structureOfOid,
  type Abi,
  type FamilyName,
  type LayoutVariant,
  type StructName,
} from '../oid/index.js';
import type { Exchange } from './exchange.js';

/** Members printed with the names of a constant family rather than as numbers. */
const MEMBER_FAMILIES: Readonly<Record<string, FamilyName>> = {
  FramingBits: 'WAN_FRAMING',
  ulMediaModes: 'LINEMEDIAMODE',
  ulMediaMode: 'LINEMEDIAMODE',
  ulSelect: 'LINECALLSELECT',
  ulLineStates: 'LINEDEVSTATE',
  ulAddressStates: 'LINEADDRESSSTATE',
  ulCallState: 'LINECALLSTATE',
};

/** Members that are handles, printed in hex. */
const HANDLE = /^(h[td](Line|Call)|ConnectionWrapperID|NdisLink(Handle|Context))$/;

const hex = (v: number | bigint): string => `0x${v.toString(16)}`;

/** The nonzero scalar members of a structure, named; a DeviceID VAR_STRING as its binary id. */
function memberMap(structure: StructName, bytes: Uint8Array, abi: Abi, variant: LayoutVariant): Map<string, string> | string {
  const v = codecFor(structure, abi, variant).decode(bytes);
  if (isCodecError(v)) return `(${v.message})`;
  const out = new Map<string, string>();
  for (const [k, x] of Object.entries(v as Record<string, unknown>)) {
    if (SKIP.has(k)) continue;
    if (k === 'DeviceID' && typeof x === 'object' && x !== null && 'String' in x && x.String instanceof Uint8Array && x.String.length > 0) {
      let id = 0n;
      x.String.forEach((b, i) => (id |= BigInt(b) << BigInt(8 * i)));
      out.set(k, hex(id));
      continue;
    }
    if ((typeof x !== 'number' && typeof x !== 'bigint') || x === 0 || x === 0n) continue;
    const family = MEMBER_FAMILIES[k];
    out.set(k, family !== undefined && typeof x === 'number' ? nameOf(family, x) : HANDLE.test(k) ? hex(x) : String(x));
  }
  return out;
}

function joined(m: Map<string, string> | string, except?: Map<string, string>): string {
  if (typeof m === 'string') return m;
  const parts: string[] = [];
  for (const [k, v] of m) if (except?.get(k) !== v) parts.push(`${k}=${v}`);
  return parts.join(' ');
}

/** The detail of LINE_CALLSTATE's ulParam2, by state (ndis-tapi.md §5). */
function stateMode(state: number, mode: number): string {
  if (mode === 0) return '';
  switch (state) {
    case LINECALLSTATE_BUSY:
      return ` ${nameOf('LINEBUSYMODE', mode)}`;
    case LINECALLSTATE_DISCONNECTED:
      return ` ${nameOf('LINEDISCONNECTMODE', mode)}`;
    case LINECALLSTATE_DIALTONE:
      return ` ${nameOf('LINEDIALTONEMODE', mode)}`;
    default:
      return ` mode=${hex(mode)}`;
  }
}

function eventText(bytes: Uint8Array, abi: Abi, variant: LayoutVariant): string {
  const e = codecFor('NDIS_TAPI_EVENT', abi, variant).decode(bytes);
  if (isCodecError(e)) return `NDIS_TAPI_EVENT (${e.message})`;
  const [p1, p2, p3] = [Number(e.ulParam1), Number(e.ulParam2), Number(e.ulParam3)];
  const who = `htLine=${hex(e.htLine)}${Number(e.htCall) === 0 ? '' : ` htCall=${hex(e.htCall)}`}`;
  const msg = nameOf('LINE_MESSAGE', e.ulMsg);
  switch (e.ulMsg) {
    case LINE_CALLSTATE:
      return `${msg} ${nameOf('LINECALLSTATE', p1)}${stateMode(p1, p2)}${p3 === 0 ? '' : ` media=${nameOf('LINEMEDIAMODE', p3)}`}  ${who}`;
    case LINE_CALLINFO:
      return `${msg} ${nameOf('LINECALLINFOSTATE', p1)}  ${who}`;
    case LINE_LINEDEVSTATE:
      return `${msg} ${nameOf('LINEDEVSTATE', p1)}  ${who}`;
    case LINE_NEWCALL:
      return `${msg} hdCall=${hex(p1)}${p2 === 0 && p3 === 0 ? '' : ` ulParam2=${hex(p2)} ulParam3=${hex(p3)}`}  ${who}`;
    default:
      return `${msg} ulParam1=${hex(p1)} ulParam2=${hex(p2)} ulParam3=${hex(p3)}  ${who}`;
  }
}

/** What NDISTAPI or NDISWAN wrote back into an indication's buffer, if anything. */
const SKIP = new Set(['ulRequestID']);


function writeBackText(status: number, bytes: Uint8Array, abi: Abi, variant: LayoutVariant, t: string): string | undefined {
  if (status === NDIS_STATUS_TAPI_INDICATION) {
    const e = codecFor('NDIS_TAPI_EVENT', abi, variant).decode(bytes);
    if (isCodecError(e) || e.ulMsg !== LINE_NEWCALL) return undefined;
    return `${t}  NDISTAPI writes htCall=${hex(e.ulParam2)} into ulParam2`;
  }
  if (status === NDIS_STATUS_WAN_LINE_UP) {
    const u = codecFor('NDIS_MAC_LINE_UP', abi, variant).decode(bytes);
    if (isCodecError(u)) return undefined;
    return `${t}  NDISWAN writes NdisLinkContext=${hex(u.NdisLinkContext)}`;
  }
  return undefined;
}

/**
 * Turns exchanges into readable lines, one each: names, not numbers. Requests show their IN
 * members; returns and completions the status and, on success, the members the miniport wrote
 * (those that differ from the request as sent); indications the message with its parameters
 * named; an indication's return only what NDISTAPI or NDISWAN wrote back.
 */
export class ExchangeFormatter {
  private readonly sent = new Map<number, Map<string, string> | string>();

  constructor(
    private readonly abi: Abi,
    private readonly variant: LayoutVariant,
  ) {}

  /** The line for an exchange, or undefined when it shows nothing new. */
  format(x: Exchange): string | undefined {
    const { abi, variant } = this;
    const t = clockText(x.time);
    switch (x.type) {
      case 'request': {
        const s = structureOfOid(x.oid);
        const m = s === undefined ? '' : memberMap(s, x.buffer, abi, variant);
        this.sent.set(x.requestId, m);
        return `${t}  NDISTAPI → miniport  ${nameOf('OID', x.oid)} #${x.requestId}  ${joined(m)}`.trimEnd();
      }
      case 'return':
      case 'completion': {
        if (x.status === NDIS_STATUS_PENDING) return `${t}  miniport returns #${x.requestId} NDIS_STATUS_PENDING`;
        const s = structureOfOid(x.oid);
        const before = this.sent.get(x.requestId);
        this.sent.delete(x.requestId);
        const what = x.type === 'return' ? 'returns' : 'completes';
        const outs =
          x.status === 0 && x.kind === 'query' && s !== undefined ? `  ${joined(memberMap(s, x.buffer, abi, variant), typeof before === 'string' ? undefined : before)}` : '';
        return `${t}  miniport ${what} #${x.requestId} ${nameOf('NDIS_STATUS', x.status)}${outs}`.trimEnd();
      }
      case 'indication':
        if (x.status === NDIS_STATUS_TAPI_INDICATION) return `${t}  miniport ⇒ NDISTAPI  ${eventText(x.buffer, abi, variant)}`;
        if (x.status === NDIS_STATUS_WAN_LINE_UP || x.status === NDIS_STATUS_WAN_LINE_DOWN) {
          const s = x.status === NDIS_STATUS_WAN_LINE_UP ? 'NDIS_MAC_LINE_UP' : 'NDIS_MAC_LINE_DOWN';
          return `${t}  miniport ⇒ NDISWAN  ${nameOf('NDIS_STATUS', x.status)}  ${joined(memberMap(s, x.buffer, abi, variant))}`;
        }
        return `${t}  miniport ⇒ NDIS  ${nameOf('NDIS_STATUS', x.status)} (${x.buffer.length} bytes)`;
      case 'indicationReturn':
        return writeBackText(x.status, x.buffer, abi, variant, t);
    }
  }
}

/** A clock time in milliseconds as the flow prints it: seconds, three decimals, right-aligned. */
export function clockText(timeMs: number): string {
  return `${(timeMs / 1000).toFixed(3).padStart(9)}s`;
}
