import {
  LINECALLSTATE_OFFERING,
  LINEMEDIAMODE_DIGITALDATA,
  LINE_CALLSTATE,
  LINE_NEWCALL,
  NDIS_STATUS_TAPI_INDICATION,
  codecFor,
  isCodecError,
} from '../../oid/index.js';
import type { TapiEventRead } from '../../ndistapi/exchange-sink.js';
import { NdisTapi } from '../../ndistapi/ndis-tapi.js';
import { NdisTapiClient } from '../../ndistapi/ndis-tapi-client.js';
import { ScriptedMiniport } from '../support/scripted-miniport.js';

/** What a sink was handed with one indication or indication return. */
interface Seen {
  readonly type: 'indication' | 'indicationReturn';
  readonly status: number;
  /** A copy of the event argument, taken during the call (it is valid only then). */
  readonly event: TapiEventRead | undefined;
  /** The buffer's bytes during the call. */
  readonly bytes: Uint8Array;
}

function watch(shim: NdisTapi): Seen[] {
  const seen: Seen[] = [];
  shim.attach({
    onRequest: () => undefined,
    onOutcome: () => undefined,
    onIndication: (type, _seq, _time, status, buffer, event) => {
      seen.push({ type, status, event: event === undefined ? undefined : { ...pick(event) }, bytes: buffer.slice() });
    },
  });
  return seen;
}

function pick(e: TapiEventRead): TapiEventRead {
  return { htLine: e.htLine, htCall: e.htCall, msg: e.msg, p1: e.p1, p2: e.p2, p3: e.p3 };
}

function decoded(bytes: Uint8Array): TapiEventRead {
  const v = codecFor('NDIS_TAPI_EVENT', 'x64').decode(bytes);
  if (isCodecError(v)) throw new Error(v.toString());
  return { htLine: Number(v.htLine), htCall: Number(v.htCall), msg: v.ulMsg, p1: Number(v.ulParam1), p2: Number(v.ulParam2), p3: Number(v.ulParam3) };
}

describe('NdisTapi hands its sinks the NDIS_TAPI_EVENT it read', () => {
  test('each TAPI indication comes with its event as the bytes held it before NDISTAPI wrote to them; nothing else comes with one', async () => {
    const miniport = new ScriptedMiniport();
    const shim = new NdisTapi(miniport);
    const client = new NdisTapiClient(shim);
    await client.initialize(0);
    await client.open(0);
    const htLine = shim.htLineFor(0);
    await client.setDefaultMediaDetection(htLine, LINEMEDIAMODE_DIGITALDATA);
    const seen = watch(shim);

    const back = miniport.event(htLine, 0, LINE_NEWCALL, 0x9100);
    const htCall = decoded(back).p2;
    expect(htCall).not.toBe(0);
    miniport.event(htLine, htCall, LINE_CALLSTATE, LINECALLSTATE_OFFERING, 0, LINEMEDIAMODE_DIGITALDATA);
    const context = miniport.lineUp(htCall);
    miniport.lineDown(context);

    const indications = seen.filter((s) => s.type === 'indication');
    expect(indications.map((s) => s.status)).toEqual([NDIS_STATUS_TAPI_INDICATION, NDIS_STATUS_TAPI_INDICATION, expect.any(Number), expect.any(Number)]);
    for (const s of indications.slice(0, 2)) expect(s.event).toEqual(decoded(s.bytes));
    // LINE_NEWCALL: the event as the miniport wrote it, ulParam2 still 0 (htCall is written after).
    expect(indications[0]!.event).toEqual({ htLine, htCall: 0, msg: LINE_NEWCALL, p1: 0x9100, p2: 0, p3: 0 });
    expect(indications[1]!.event).toEqual({ htLine, htCall, msg: LINE_CALLSTATE, p1: LINECALLSTATE_OFFERING, p2: 0, p3: LINEMEDIAMODE_DIGITALDATA });
    // Line-up and line-down carry no event; no return does.
    expect(indications.slice(2).map((s) => s.event)).toEqual([undefined, undefined]);
    expect(seen.filter((s) => s.type === 'indicationReturn').map((s) => s.event)).toEqual([undefined, undefined, undefined, undefined]);
  });

  test('a TAPI indication too short to hold an event comes with none, and the shim takes nothing from it', async () => {
    const miniport = new ScriptedMiniport();
    const shim = new NdisTapi(miniport);
    const client = new NdisTapiClient(shim);
    await client.initialize(0);
    await client.open(0);
    const seen = watch(shim);
    const whole = codecFor('NDIS_TAPI_EVENT', 'x64').encode({ htLine: shim.htLineFor(0), htCall: 0, ulMsg: LINE_NEWCALL, ulParam1: 0x9100, ulParam2: 0, ulParam3: 0 });
    if (isCodecError(whole)) throw new Error(whole.toString());
    const short = whole.slice(0, 40);
    miniport.indications.next({ status: NDIS_STATUS_TAPI_INDICATION, buffer: short });
    const last = seen.filter((s) => s.type === 'indication').at(-1)!;
    expect(last.bytes.length).toBe(40);
    expect(last.event).toBeUndefined();
    expect(shim.calls.size).toBe(0);
  });
});
