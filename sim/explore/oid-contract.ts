import {
  LINECALLINFOSTATE_APPSPECIFIC,
  LINECALLSTATE_ACCEPTED,
  LINECALLSTATE_DIALTONE,
  LINECALLSTATE_IDLE,
  LINECALLSTATE_OFFERING,
  NDIS_STATUS_FAILURE,
  NDIS_STATUS_INVALID_LENGTH,
  NDIS_STATUS_SUCCESS,
  NDIS_STATUS_TAPI_ALLOCATED,
  NDIS_STATUS_TAPI_CALLUNAVAIL,
  NDIS_STATUS_TAPI_INVALCALLHANDLE,
  NDIS_STATUS_TAPI_INVALCALLSTATE,
  NDIS_STATUS_TAPI_INVALLINEHANDLE,
  NDIS_STATUS_TAPI_INVALMEDIAMODE,
  OID_TAPI_ACCEPT,
  OID_TAPI_ANSWER,
  OID_TAPI_CLOSE,
  OID_TAPI_CLOSE_CALL,
  OID_TAPI_DIAL,
  OID_TAPI_DROP,
  OID_TAPI_GET_CALL_STATUS,
  OID_TAPI_MAKE_CALL,
  OID_TAPI_OPEN,
  OID_TAPI_PROVIDER_INITIALIZE,
  OID_TAPI_PROVIDER_SHUTDOWN,
  OID_TAPI_SET_APP_SPECIFIC,
  OID_TAPI_SET_DEFAULT_MEDIA_DETECTION,
  OID_WAN_GET_INFO,
  LINECALLSTATE_CONNECTED,
  nameOf,
} from '../../oid/index.js';
import type { StructAccess } from '../../miniport/struct-access.js';
import type { SimulatedMiniportConfig } from '../../miniport/sim-config.js';
import type { Expected } from './effect-script.js';
import { callInfoOf, callStateOf, dropScript, lineUpOf } from './expected-indications.js';
import type { Fault } from './mismatch.js';
import type { ModelCall, ModelState } from './model-state.js';
import type { SentRequest } from './sent-request.js';

/** What the reference model needs to judge a request: its state, the contract's configuration, the clock. */
export interface ContractContext {
  readonly state: ModelState;
  readonly config: SimulatedMiniportConfig;
  readonly epoch: number;
  now(): number;
  access(structure: 'NDIS_TAPI_MAKE_CALL' | 'NDIS_TAPI_OPEN' | 'NDIS_TAPI_GET_CALL_STATUS' | 'NDIS_TAPI_PROVIDER_INITIALIZE' | 'LINE_CALL_STATUS'): StructAccess;
}

/**
 * What the contract says a request must get in the model's state (ndis-tapi.md §6): its final
 * status, why, the indications that must come with it (before it completes), and the checks of
 * its OUT members with the model's bookkeeping once it succeeded.
 */
export interface Verdict {
  readonly status: number;
  readonly why: string;
  readonly scripts: readonly (readonly Expected[])[];
  readonly after?: (out: Uint8Array) => Fault | undefined;
}

const hex = (v: number): string => `0x${v.toString(16)}`;
const NONE: readonly (readonly Expected[])[] = [];

const OFFERED = LINECALLSTATE_OFFERING | LINECALLSTATE_ACCEPTED;

function verdict(status: number, why: string, scripts: readonly (readonly Expected[])[] = NONE, after?: (out: Uint8Array) => Fault | undefined): Verdict {
  return after === undefined ? { status, why, scripts } : { status, why, scripts, after };
}

function dv(b: Uint8Array): DataView {
  return new DataView(b.buffer, b.byteOffset, b.byteLength);
}

/** The live call a request names by hdCall, or the verdict for a handle no live call holds. */
function callOr(c: ContractContext, r: SentRequest): ModelCall | Verdict {
  const hd = r.fields['hdCall'] ?? 0;
  const call = c.state.byHd.get(hd);
  return call ?? verdict(NDIS_STATUS_TAPI_INVALCALLHANDLE, `no call the miniport holds has hdCall ${hex(hd)}`);
}

const isVerdict = (x: ModelCall | Verdict): x is Verdict => 'why' in x;

/** The contract's verdict on a request, in the model's state as the miniport does the work. */
export function verdictOn(c: ContractContext, r: SentRequest): Verdict | undefined {
  const s = c.state;
  if (!r.whole) return verdict(NDIS_STATUS_INVALID_LENGTH, `the buffer holds ${r.length} of the structure's ${r.size} bytes`);
  switch (r.oid) {
    case OID_WAN_GET_INFO:
      return verdict(NDIS_STATUS_SUCCESS, 'NDISWAN asks every WAN miniport');
    case OID_TAPI_PROVIDER_INITIALIZE:
      if (s.initialized) return verdict(NDIS_STATUS_FAILURE, 'the provider is initialized already');
      return verdict(NDIS_STATUS_SUCCESS, 'the first initialization', NONE, (out) => {
        s.initialized = true;
        const lines = c.access('NDIS_TAPI_PROVIDER_INITIALIZE').get(dv(out), 0, 'ulNumLineDevs');
        return lines === c.config.lines ? undefined : { message: `OID_TAPI_PROVIDER_INITIALIZE reported ${lines} line devices; the miniport has ${c.config.lines}`, witness: undefined };
      });
    case OID_TAPI_PROVIDER_SHUTDOWN: {
      const downs = [...s.calls.values()].filter((call) => call.linkContext !== 0).map((call) => dropScript(s, call, LINECALLSTATE_IDLE).slice(0, 1));
      return verdict(NDIS_STATUS_SUCCESS, 'shutdown cannot fail', downs, () => {
        s.clear();
        return undefined;
      });
    }
    case OID_TAPI_OPEN: {
      const device = r.fields['ulDeviceID'] ?? 0;
      const line = s.lines[device];
      if (line === undefined) return verdict(NDIS_STATUS_FAILURE, `the adapter has no line device ${device}`);
      if (line.open) return verdict(NDIS_STATUS_TAPI_ALLOCATED, `line ${device} is open already`);
      return verdict(NDIS_STATUS_SUCCESS, `line ${device} is closed`, NONE, (out) => {
        const hdLine = c.access('NDIS_TAPI_OPEN').get(dv(out), 0, 'hdLine');
        if (hdLine === 0 || s.lineByHd(hdLine) !== undefined) return { message: `OID_TAPI_OPEN returned hdLine ${hex(hdLine)}, ${hdLine === 0 ? 'zero' : 'which an open line holds'}`, witness: undefined };
        Object.assign(line, { open: true, hdLine, htLine: r.fields['htLine'] ?? 0, detecting: 0 });
        return undefined;
      });
    }
    case OID_TAPI_CLOSE: {
      const line = s.lineByHd(r.fields['hdLine'] ?? 0);
      if (line === undefined) return verdict(NDIS_STATUS_TAPI_INVALLINEHANDLE, `no open line has hdLine ${hex(r.fields['hdLine'] ?? 0)}`);
      const calls = [...s.calls.values()].filter((call) => call.line === line.index);
      return verdict(NDIS_STATUS_SUCCESS, 'CLOSE of an open line cannot fail; its calls are dropped and freed', calls.map((call) => dropScript(s, call, LINECALLSTATE_IDLE)), () => {
        for (const call of calls) s.remove(call);
        Object.assign(line, { open: false, hdLine: 0, htLine: 0, detecting: 0 });
        return undefined;
      });
    }
    case OID_TAPI_SET_DEFAULT_MEDIA_DETECTION: {
      const line = s.lineByHd(r.fields['hdLine'] ?? 0);
      if (line === undefined) return verdict(NDIS_STATUS_TAPI_INVALLINEHANDLE, `no open line has hdLine ${hex(r.fields['hdLine'] ?? 0)}`);
      const modes = r.fields['ulMediaModes'] ?? 0;
      if (((modes >>> 0) & ~c.config.mediaModes) !== 0) return verdict(NDIS_STATUS_TAPI_INVALMEDIAMODE, `${nameOf('LINEMEDIAMODE', modes)} is not among the line's media modes`);
      return verdict(NDIS_STATUS_SUCCESS, 'media modes the line has', NONE, () => {
        line.detecting = modes;
        return undefined;
      });
    }
    case OID_TAPI_MAKE_CALL: {
      const line = s.lineByHd(r.fields['hdLine'] ?? 0);
      if (line === undefined) return verdict(NDIS_STATUS_TAPI_INVALLINEHANDLE, `no open line has hdLine ${hex(r.fields['hdLine'] ?? 0)}`);
      const htCall = r.fields['htCall'] ?? 0;
      if (htCall === 0) return verdict(NDIS_STATUS_FAILURE, 'htCall is 0');
      if (s.busy(line.index, 0) >= c.config.callsPerAddress) return verdict(NDIS_STATUS_TAPI_CALLUNAVAIL, `address 0 of line ${line.index} holds ${c.config.callsPerAddress} calls already`);
      const dialNow = (r.fields['ulDestAddressSize'] ?? 0) !== 0;
      return verdict(NDIS_STATUS_SUCCESS, 'a free call appearance', NONE, (out) => {
        const hdCall = c.access('NDIS_TAPI_MAKE_CALL').get(dv(out), 0, 'hdCall');
        if (hdCall === 0 || s.byHd.has(hdCall)) return { message: `OID_TAPI_MAKE_CALL returned hdCall ${hex(hdCall)}, ${hdCall === 0 ? 'zero' : 'which a live call holds'}`, witness: undefined };
        const first = dialNow ? c.config.outgoing.progress[0]! : LINECALLSTATE_DIALTONE;
        s.add({ htCall, hdCall, line: line.index, address: 0, inbound: false, mediaMode: 0, state: first, deferred: true, deferredEpoch: c.epoch, timeoutAt: undefined, offerEpoch: 0, linkContext: 0 });
        return undefined;
      });
    }
  }
  const call = callOr(c, r);
  switch (r.oid) {
    case OID_TAPI_ACCEPT:
      if (isVerdict(call)) return call;
      if (call.state !== LINECALLSTATE_OFFERING) return verdict(NDIS_STATUS_TAPI_INVALCALLSTATE, `the call is ${nameOf('LINECALLSTATE', call.state)}, not OFFERING`);
      return verdict(NDIS_STATUS_SUCCESS, 'the call is OFFERING', [[callStateOf(s, call, LINECALLSTATE_ACCEPTED, { media: call.mediaMode })]]);
    case OID_TAPI_ANSWER:
      if (isVerdict(call)) return call;
      if ((call.state & OFFERED) === 0) return verdict(NDIS_STATUS_TAPI_INVALCALLSTATE, `the call is ${nameOf('LINECALLSTATE', call.state)}, not OFFERING or ACCEPTED`);
      return verdict(NDIS_STATUS_SUCCESS, `the call is ${nameOf('LINECALLSTATE', call.state)}`, [[lineUpOf(s, call), callStateOf(s, call, LINECALLSTATE_CONNECTED)]]);
    case OID_TAPI_DROP:
      if (isVerdict(call)) return call;
      if (call.state === LINECALLSTATE_IDLE) return verdict(NDIS_STATUS_TAPI_INVALCALLSTATE, 'the call is IDLE already');
      return verdict(NDIS_STATUS_SUCCESS, `the call is ${nameOf('LINECALLSTATE', call.state)}`, [dropScript(s, call, LINECALLSTATE_IDLE)]);
    case OID_TAPI_CLOSE_CALL:
      if (isVerdict(call)) return call;
      return verdict(NDIS_STATUS_SUCCESS, 'CLOSE_CALL of a live handle cannot fail; a live call is dropped first', [dropScript(s, call, LINECALLSTATE_IDLE)], () => {
        s.remove(call);
        return undefined;
      });
    case OID_TAPI_DIAL:
      if (isVerdict(call)) return call;
      if (call.state !== LINECALLSTATE_DIALTONE) return verdict(NDIS_STATUS_TAPI_INVALCALLSTATE, `the call is ${nameOf('LINECALLSTATE', call.state)}, not DIALTONE`);
      return verdict(NDIS_STATUS_SUCCESS, 'the call waits in DIALTONE', [[callStateOf(s, call, c.config.outgoing.progress[0]!)]]);
    case OID_TAPI_GET_CALL_STATUS:
      if (isVerdict(call)) return call;
      return verdict(NDIS_STATUS_SUCCESS, 'a live call', NONE, (out) => {
        const at = c.access('NDIS_TAPI_GET_CALL_STATUS').offset('LineCallStatus');
        const got = c.access('LINE_CALL_STATUS').get(dv(out), at, 'ulCallState');
        if (got === call.state) return undefined;
        return { message: `OID_TAPI_GET_CALL_STATUS says htCall ${hex(call.htCall)} is ${nameOf('LINECALLSTATE', got)}; it is ${nameOf('LINECALLSTATE', call.state)}`, witness: undefined };
      });
    case OID_TAPI_SET_APP_SPECIFIC:
      if (isVerdict(call)) return call;
      return verdict(NDIS_STATUS_SUCCESS, 'a live call', call.state === LINECALLSTATE_IDLE ? NONE : [[callInfoOf(call, LINECALLINFOSTATE_APPSPECIFIC)]]);
  }
  // An OID the model does not cover: any status, and nothing indicated with it.
  return undefined;
}
