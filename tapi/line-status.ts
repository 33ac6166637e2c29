import {
  LINEDEVSTATE_CLOSE,
  LINEDEVSTATE_OPEN,
  LINEDEVSTATE_REINIT,
  LINEERR_INVALADDRESSSTATE,
  LINEERR_INVALLINEHANDLE,
  LINEERR_INVALLINESTATE,
  LINE_ADDRESSSTATE,
  LINE_LINEDEVSTATE,
  NDIS_STATUS_SUCCESS,
} from '../oid/index.js';
import type { OpenLine } from './line-app.js';
import { lineErr, lineErrOfStatus } from './line-errors.js';
import type { ServerRegistry } from './server-registry.js';

/** Every LINEDEVSTATE_ bit tapi.h defines: OTHER (0x1) to REMOVED (0x1000000). */
const LINE_STATES = 0x01ff_ffff;
/** Every LINEADDRESSSTATE_ bit tapi.h defines: OTHER (0x1) to CAPSCHANGE (0x100). */
const ADDRESS_STATES = 0x0000_01ff;
/**
 * The LINEDEVSTATE_ changes the server reports itself (docs/tapi.md, decisions 14, 18): an
 * application opening or closing the line. They never go down to the miniport: TSPI does not
 * report them ("only one outstanding Open at a time" at the TSPI level).
 */
const SERVER_LINE_STATES = (LINEDEVSTATE_OPEN | LINEDEVSTATE_CLOSE) >>> 0;

/**
 * The status messages of lines (lineSetStatusMessages): each open's masks, their union at the
 * miniport, and LINE_LINEDEVSTATE / LINE_ADDRESSSTATE to the opens that asked for a state, the
 * miniport's and the server's own (LINEDEVSTATE_OPEN and CLOSE).
 */
export class LineStatus {
  /** Lines open at the miniport, by device id: the status messages last set (line, address states). */
  private readonly deviceStates = new Map<number, { readonly line: number; readonly address: number }>();

  constructor(private readonly reg: ServerRegistry) {}

  /**
   * lineSetStatusMessages: the line and address state changes the application hears of. Bits
   * tapi.h does not define are LINEERR_INVALLINESTATE / LINEERR_INVALADDRESSSTATE. The union over
   * the device's opens, less OPEN and CLOSE, which the server reports itself, goes to the miniport
   * (OID_TAPI_SET_STATUS_MESSAGES); a miniport that refuses a state fails the request with its
   * status (NDIS_STATUS_TAPI_INVALLINESTATE / INVALADDRESSSTATE are LINEERR_INVALLINESTATE /
   * INVALADDRESSSTATE), and nothing changes (docs/tapi.md, decision 18).
   */
  async setStatusMessages(hLine: number, lineStates: number, addressStates: number): Promise<number> {
    const open = this.reg.opens.get(hLine);
    if (open === undefined) return lineErr(LINEERR_INVALLINEHANDLE);
    if (((lineStates >>> 0) & ~LINE_STATES) !== 0) return lineErr(LINEERR_INVALLINESTATE);
    if (((addressStates >>> 0) & ~ADDRESS_STATES) !== 0) return lineErr(LINEERR_INVALADDRESSSTATE);
    const before = { line: open.lineStates, address: open.addressStates };
    open.lineStates = lineStates >>> 0;
    open.addressStates = addressStates >>> 0;
    const r = await this.update(open.deviceId);
    if (r !== 0) {
      open.lineStates = before.line;
      open.addressStates = before.address;
    }
    return r;
  }

  /**
   * The opens' status messages on a device, together, pushed to the miniport when they changed;
   * the states the server reports itself (OPEN, CLOSE) are not asked of the miniport.
   */
  async update(deviceId: number): Promise<number> {
    let line = 0;
    let address = 0;
    for (const o of this.reg.opens.values()) {
      if (o.deviceId !== deviceId) continue;
      line |= o.lineStates;
      address |= o.addressStates;
    }
    line = (line & ~SERVER_LINE_STATES) >>> 0;
    const was = this.deviceStates.get(deviceId) ?? { line: 0, address: 0 };
    if (was.line === line && was.address === address) return 0;
    const r = await this.reg.client.setStatusMessages(this.reg.shim.htLineFor(deviceId), line >>> 0, address >>> 0);
    if (r.status !== NDIS_STATUS_SUCCESS) return lineErrOfStatus(r.status);
    this.deviceStates.set(deviceId, { line, address });
    return 0;
  }

  /** The device is closed at the miniport: it reports nothing any more. */
  forget(deviceId: number): void {
    this.deviceStates.delete(deviceId);
  }

  /**
   * LINE_LINEDEVSTATE to every open of a device that asked for one of `states` with
   * lineSetStatusMessages (REINIT always goes: it cannot be disabled), carrying only the states
   * it asked for; `cause`, an open that made the change itself, is not told.
   */
  lineDevState(deviceId: number, states: number, p2: number, p3: number, cause: OpenLine | undefined): void {
    for (const o of this.reg.opensOf(deviceId)) {
      if (o === cause) continue;
      const mine = (states & (o.lineStates | LINEDEVSTATE_REINIT)) >>> 0;
      if (mine !== 0) this.reg.toOpen(o, LINE_LINEDEVSTATE, o.hLine, mine, p2, p3);
    }
  }

  /** LINE_ADDRESSSTATE to every open of a device that asked for one of `states`, with only those. */
  addressState(deviceId: number, addressId: number, states: number): void {
    for (const o of this.reg.opensOf(deviceId)) {
      const mine = states & o.addressStates;
      if (mine !== 0) this.reg.toOpen(o, LINE_ADDRESSSTATE, o.hLine, addressId, mine >>> 0, 0);
    }
  }
}
