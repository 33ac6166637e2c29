import * as lineErrors from './line-errors.js';
import * as lineFlags from './line-flags.js';
import * as lineMessages from './line-messages.js';
import * as ndisStatusTapi from './ndis-status-tapi.js';
import * as ndisStatus from './ndis-status.js';
import * as oidCodes from './oid-codes.js';
import * as wanFraming from './wan-framing.js';

/**
 * A family of constants sharing a prefix: an enumeration (one value means one name) or a
 * bit set (a value is an OR of names, printed `OFFERING|ACCEPTED`).
 */
export interface ConstantFamily {
  readonly name: string;
  readonly prefix: string;
  readonly kind: 'enum' | 'bits';
  /** Constant name -> value, in ascending value order. */
  readonly values: ReadonlyMap<string, number>;
}

type Module = Readonly<Record<string, unknown>>;

function family(name: string, kind: ConstantFamily['kind'], prefix: string, ...modules: Module[]): ConstantFamily {
  const entries: Array<[string, number]> = [];
  for (const mod of modules) {
    for (const [k, v] of Object.entries(mod)) {
      if (k.startsWith(prefix) && typeof v === 'number') entries.push([k, v]);
    }
  }
  entries.sort((a, b) => a[1] - b[1] || a[0].localeCompare(b[0]));
  return { name, prefix, kind, values: new Map(entries) };
}

const ndis = [ndisStatus, ndisStatusTapi] as const;

/** Every family wanemu names values of, keyed by family name. */
export const FAMILIES = {
  OID_TAPI: family('OID_TAPI', 'enum', 'OID_TAPI_', oidCodes),
  OID_WAN: family('OID_WAN', 'enum', 'OID_WAN_', oidCodes),
  OID: family('OID', 'enum', 'OID_', oidCodes),
  NDIS_STATUS: family('NDIS_STATUS', 'enum', 'NDIS_STATUS_', ...ndis),
  NDIS_STATUS_TAPI: family('NDIS_STATUS_TAPI', 'enum', 'NDIS_STATUS_TAPI_', ndisStatusTapi),
  LINE_MESSAGE: family('LINE_MESSAGE', 'enum', 'LINE_', lineMessages),
  LINEERR: family('LINEERR', 'enum', 'LINEERR_', lineErrors),
  STRINGFORMAT: family('STRINGFORMAT', 'enum', 'STRINGFORMAT_', lineFlags),
  LINECALLSTATE: family('LINECALLSTATE', 'bits', 'LINECALLSTATE_', lineFlags),
  LINEMEDIAMODE: family('LINEMEDIAMODE', 'bits', 'LINEMEDIAMODE_', lineFlags),
  LINECALLINFOSTATE: family('LINECALLINFOSTATE', 'bits', 'LINECALLINFOSTATE_', lineFlags),
  LINEDISCONNECTMODE: family('LINEDISCONNECTMODE', 'bits', 'LINEDISCONNECTMODE_', lineFlags),
  LINEBEARERMODE: family('LINEBEARERMODE', 'bits', 'LINEBEARERMODE_', lineFlags),
  LINEDEVSTATE: family('LINEDEVSTATE', 'bits', 'LINEDEVSTATE_', lineFlags),
  LINEADDRESSSTATE: family('LINEADDRESSSTATE', 'bits', 'LINEADDRESSSTATE_', lineFlags),
  LINECALLPRIVILEGE: family('LINECALLPRIVILEGE', 'bits', 'LINECALLPRIVILEGE_', lineFlags),
  LINECALLSELECT: family('LINECALLSELECT', 'bits', 'LINECALLSELECT_', lineFlags),
  LINEADDRESSMODE: family('LINEADDRESSMODE', 'bits', 'LINEADDRESSMODE_', lineFlags),
  LINEDEVCAPFLAGS: family('LINEDEVCAPFLAGS', 'bits', 'LINEDEVCAPFLAGS_', lineFlags),
  LINECALLFEATURE: family('LINECALLFEATURE', 'bits', 'LINECALLFEATURE_', lineFlags),
  LINEANSWERMODE: family('LINEANSWERMODE', 'bits', 'LINEANSWERMODE_', lineFlags),
  LINECALLORIGIN: family('LINECALLORIGIN', 'bits', 'LINECALLORIGIN_', lineFlags),
  LINECALLREASON: family('LINECALLREASON', 'bits', 'LINECALLREASON_', lineFlags),
  LINECALLPARTYID: family('LINECALLPARTYID', 'bits', 'LINECALLPARTYID_', lineFlags),
  LINEBUSYMODE: family('LINEBUSYMODE', 'bits', 'LINEBUSYMODE_', lineFlags),
  LINEDIALTONEMODE: family('LINEDIALTONEMODE', 'bits', 'LINEDIALTONEMODE_', lineFlags),
  LINESPECIALINFO: family('LINESPECIALINFO', 'bits', 'LINESPECIALINFO_', lineFlags),
  LINEFEATURE: family('LINEFEATURE', 'bits', 'LINEFEATURE_', lineFlags),
  LINEADDRFEATURE: family('LINEADDRFEATURE', 'bits', 'LINEADDRFEATURE_', lineFlags),
  LINEADDRCAPFLAGS: family('LINEADDRCAPFLAGS', 'bits', 'LINEADDRCAPFLAGS_', lineFlags),
  LINEADDRESSSHARING: family('LINEADDRESSSHARING', 'bits', 'LINEADDRESSSHARING_', lineFlags),
  LINEDEVSTATUSFLAGS: family('LINEDEVSTATUSFLAGS', 'bits', 'LINEDEVSTATUSFLAGS_', lineFlags),
  LINECALLPARAMFLAGS: family('LINECALLPARAMFLAGS', 'bits', 'LINECALLPARAMFLAGS_', lineFlags),
  LINEDIGITMODE: family('LINEDIGITMODE', 'bits', 'LINEDIGITMODE_', lineFlags),
  LINEROAMMODE: family('LINEROAMMODE', 'bits', 'LINEROAMMODE_', lineFlags),
  LINECONNECTEDMODE: family('LINECONNECTEDMODE', 'bits', 'LINECONNECTEDMODE_', lineFlags),
  LINEOFFERINGMODE: family('LINEOFFERINGMODE', 'bits', 'LINEOFFERINGMODE_', lineFlags),
  WAN_FRAMING: family('WAN_FRAMING', 'bits', '', wanFraming),
} as const satisfies Record<string, ConstantFamily>;

export type FamilyName = keyof typeof FAMILIES;

function collect(...modules: Module[]): Readonly<Record<string, number>> {
  const out: Record<string, number> = {};
  for (const mod of modules) {
    for (const [k, v] of Object.entries(mod)) if (typeof v === 'number') out[k] = v;
  }
  return Object.freeze(out);
}

/** Every constant wanemu exports, by its header name. */
export const constants: Readonly<Record<string, number>> = collect(
  oidCodes,
  ndisStatus,
  ndisStatusTapi,
  lineMessages,
  lineFlags,
  lineErrors,
  wanFraming,
);
