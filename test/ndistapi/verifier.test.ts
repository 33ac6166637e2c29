import { Subject } from 'rxjs';
import {
  LINECALLSTATE_ACCEPTED,
  LINECALLSTATE_CONNECTED,
  LINECALLSTATE_IDLE,
  LINECALLSTATE_OFFERING,
  LINEMEDIAMODE_DIGITALDATA,
  LINEMEDIAMODE_INTERACTIVEVOICE,
  LINE_CALLINFO,
  LINE_CALLSTATE,
  LINE_NEWCALL,
  NDIS_STATUS_FAILURE,
  NDIS_STATUS_PENDING,
  NDIS_STATUS_SUCCESS,
  OID_TAPI_ANSWER,
  OID_TAPI_CLOSE_CALL,
  OID_TAPI_DROP,
  OID_TAPI_GET_ID,
  OID_TAPI_PROVIDER_INITIALIZE,
  STRINGFORMAT_BINARY,
  codecFor,
  isCodecError,
  layoutOf,
} from '../../oid/index.js';
import type { Exchange } from '../../ndistapi/exchange.js';
import { NdisTapi } from '../../ndistapi/ndis-tapi.js';
import { NdisTapiClient } from '../../ndistapi/ndis-tapi-client.js';
import { RULES, type RuleId } from '../../ndistapi/verifier/rules.js';
import { Verifier } from '../../ndistapi/verifier/verifier.js';
import { ScriptedMiniport } from '../support/scripted-miniport.js';

/*
 * Each rule is tripped by a hand-built misbehaving miniport (or NDISTAPI side), and a flow
 * that follows the contract trips none.
 */

class Harness {
  readonly miniport = new ScriptedMiniport();
  readonly shim = new NdisTapi(this.miniport);
  readonly client = new NdisTapiClient(this.shim);
  readonly verifier = new Verifier(this.shim, 'x64', 'wdk');
  htLine = 0;

  get rules(): RuleId[] {
    return this.verifier.violations.map((v) => v.rule);
  }

  async up(detect = LINEMEDIAMODE_DIGITALDATA): Promise<number> {
    await this.client.initialize(0);
    await this.client.open(0);
    this.htLine = this.shim.htLineFor(0);
    if (detect !== 0) await this.client.setDefaultMediaDetection(this.htLine, detect);
    return this.htLine;
  }

  /** A correct incoming call up to OFFERING; returns its handles. */
  incoming(hdCall = 0x9100): { htCall: number; hdCall: number } {
    const back = this.miniport.event(this.htLine, 0, LINE_NEWCALL, hdCall);
    const htCall = Number(decodeEvent(back).ulParam2);
    this.miniport.event(this.htLine, htCall, LINE_CALLSTATE, LINECALLSTATE_OFFERING, 0, LINEMEDIAMODE_DIGITALDATA);
    return { htCall, hdCall };
  }

  /** A correct answer: line-up then CONNECTED; returns the link context. */
  connect(htCall: number): number {
    const context = this.miniport.lineUp(htCall);
    this.miniport.event(this.htLine, htCall, LINE_CALLSTATE, LINECALLSTATE_CONNECTED, 0, LINEMEDIAMODE_DIGITALDATA);
    return context;
  }
}

function decodeEvent(bytes: Uint8Array) {
  const v = codecFor('NDIS_TAPI_EVENT', 'x64').decode(bytes);
  if (isCodecError(v)) throw new Error(v.toString());
  return v;
}

const CASES: ReadonlyArray<readonly [RuleId, (h: Harness) => Promise<void>]> = [
  ['NEWCALL_FIELDS', async (h) => {
    await h.up();
    h.miniport.event(h.htLine, 0, LINE_NEWCALL, 0x9100, 0x55, 0);
  }],
  ['NEWCALL_ON_DETECTING_LINE', async (h) => {
    await h.up(0);
    h.miniport.event(h.htLine, 0, LINE_NEWCALL, 0x9100);
  }],
  ['NEWCALL_HDCALL_UNIQUE', async (h) => {
    await h.up();
    h.incoming(0x9100);
    h.miniport.event(h.htLine, 0, LINE_NEWCALL, 0x9100);
  }],
  ['EVENT_UNKNOWN_LINE', async (h) => {
    await h.up();
    h.miniport.event(0x1234, 0, LINE_CALLINFO, 1);
  }],
  ['EVENT_UNKNOWN_CALL', async (h) => {
    await h.up();
    h.miniport.event(h.htLine, 0x4242, LINE_CALLSTATE, LINECALLSTATE_IDLE);
  }],
  ['EVENT_AFTER_IDLE', async (h) => {
    await h.up();
    const { htCall } = h.incoming();
    h.miniport.event(h.htLine, htCall, LINE_CALLSTATE, LINECALLSTATE_IDLE);
    h.miniport.event(h.htLine, htCall, LINE_CALLINFO, 1);
  }],
  ['CALLSTATE_ONE_STATE', async (h) => {
    await h.up();
    const { htCall } = h.incoming();
    h.miniport.event(h.htLine, htCall, LINE_CALLSTATE, LINECALLSTATE_OFFERING | LINECALLSTATE_ACCEPTED);
  }],
  ['OFFERING_MEDIA_MODE', async (h) => {
    await h.up(LINEMEDIAMODE_DIGITALDATA);
    const back = h.miniport.event(h.htLine, 0, LINE_NEWCALL, 0x9100);
    h.miniport.event(h.htLine, Number(decodeEvent(back).ulParam2), LINE_CALLSTATE, LINECALLSTATE_OFFERING, 0, LINEMEDIAMODE_INTERACTIVEVOICE);
  }],
  ['CONNECTED_AFTER_LINE_UP', async (h) => {
    await h.up();
    const { htCall } = h.incoming();
    h.miniport.event(h.htLine, htCall, LINE_CALLSTATE, LINECALLSTATE_CONNECTED, 0, LINEMEDIAMODE_DIGITALDATA);
  }],
  ['LINE_UP_FOR_LIVE_CALL', async (h) => {
    await h.up();
    h.miniport.lineUp(0x5555);
  }],
  ['LINE_DOWN_KNOWN_LINK', async (h) => {
    await h.up();
    h.miniport.lineDown(0x7777);
  }],
  ['COMPLETION_ONCE', async (h) => {
    await h.up();
    // INITIALIZE returned a final status: a completion for it is one too many.
    h.miniport.complete(1, 'query', OID_TAPI_PROVIDER_INITIALIZE);
  }],
  ['COMPLETION_NOT_PENDING', async (h) => {
    await h.up();
    const { htCall } = h.incoming();
    h.miniport.handler = () => NDIS_STATUS_PENDING;
    void h.client.answer(htCall);
    // Request ids: INITIALIZE 1, OPEN 2, SET_DEFAULT_MEDIA_DETECTION 3, ANSWER 4.
    h.miniport.complete(4, 'set', OID_TAPI_ANSWER, NDIS_STATUS_PENDING);
  }],
  ['COMPLETION_MATCHES_REQUEST', async (h) => {
    await h.up();
    const { htCall } = h.incoming();
    h.miniport.handler = () => NDIS_STATUS_PENDING;
    void h.client.answer(htCall);
    h.miniport.complete(4, 'set', OID_TAPI_DROP);
  }],
  ['REQUEST_BEFORE_INITIALIZE', async (h) => {
    await h.client.open(0);
  }],
  ['ONE_REQUEST_AT_A_TIME', async () => {
    // The shim serializes, so this rule is fed a raw exchange stream as a broken NDIS would make it.
    const x = new Subject<Exchange>();
    const v = new Verifier(x, 'x64', 'wdk');
    const buffer = new Uint8Array(64);
    x.next({ type: 'request', seq: 0, time: 0, requestId: 1, kind: 'query', oid: OID_TAPI_PROVIDER_INITIALIZE, buffer });
    x.next({ type: 'return', seq: 1, time: 0, requestId: 1, kind: 'query', oid: OID_TAPI_PROVIDER_INITIALIZE, status: NDIS_STATUS_PENDING, bytesUsed: 0, bytesNeeded: 0, buffer });
    x.next({ type: 'request', seq: 2, time: 0, requestId: 2, kind: 'set', oid: OID_TAPI_DROP, buffer });
    expect(v.violations.map((r) => r.rule)).toContain('ONE_REQUEST_AT_A_TIME');
    throw new Handled(v);
  }],
  ['CLOSE_CANNOT_FAIL', async (h) => {
    await h.up();
    const { htCall } = h.incoming();
    h.miniport.handler = (_id, _k, oid) => (oid === OID_TAPI_CLOSE_CALL ? NDIS_STATUS_FAILURE : NDIS_STATUS_SUCCESS);
    await h.client.closeCall(htCall);
  }],
  ['DROP_LEAVES_IDLE', async (h) => {
    await h.up();
    const { htCall } = h.incoming();
    h.connect(htCall);
    await h.client.drop(htCall);
  }],
  ['MAKE_CALL_HDCALL', async (h) => {
    await h.up();
    h.miniport.handler = () => NDIS_STATUS_SUCCESS; // leaves hdCall 0
    await h.client.makeCall(h.htLine, '555');
  }],
  ['GET_ID_NDIS_LINK_CONTEXT', async (h) => {
    await h.up();
    const { htCall } = h.incoming();
    const context = h.connect(htCall);
    h.miniport.handler = (_id, _k, oid, buffer) => {
      if (oid === OID_TAPI_GET_ID) {
        const at = layoutOf('NDIS_TAPI_GET_ID', 'x64', 'wdk').offsets['DeviceID']!;
        const total = new DataView(buffer.buffer, buffer.byteOffset).getUint32(at, true);
        const wrong = new Uint8Array(8);
        new DataView(wrong.buffer).setUint32(0, context + 1, true);
        codecFor('VAR_STRING', 'x64').encodeInto({ ulTotalSize: total, ulStringFormat: STRINGFORMAT_BINARY, String: wrong }, buffer, at);
      }
      return NDIS_STATUS_SUCCESS;
    };
    const r = await h.client.getId({ htCall }, 'ndis');
    expect(r.status).toBe(NDIS_STATUS_SUCCESS);
  }],
];

class Handled {
  constructor(readonly verifier: Verifier) {}
}

describe('each verifier rule is tripped by the breach it describes', () => {
  test('every rule has a case here', () => {
    expect(CASES.map(([id]) => id).sort()).toEqual(RULES.map((r) => r.id).sort());
  });

  test.each(CASES)('%s', async (id, run) => {
    const h = new Harness();
    let verifier = h.verifier;
    try {
      await run(h);
    } catch (e) {
      if (!(e instanceof Handled)) throw e;
      verifier = e.verifier;
    }
    const hits = verifier.violations.filter((v) => v.rule === id);
    expect(hits.length).toBeGreaterThanOrEqual(1);
    const v = hits[0]!;
    const rule = RULES.find((r) => r.id === id)!;
    expect(v).toMatchObject({ rule: id, statement: rule.statement, source: rule.source });
    expect(v.seq).toBe(v.exchange.seq);
    expect(v.detail.length).toBeGreaterThan(10);
  });

  // Attached, the verifier checks each NDIS_TAPI_EVENT as NdisTapi already read it; fed a
  // stream (a trace), it reads the event from the bytes itself. Both must see the same breaches.
  test.each(CASES.filter(([id]) => id !== 'ONE_REQUEST_AT_A_TIME'))('%s: a verifier fed the exchange stream reports what the attached one does', async (_id, run) => {
    const h = new Harness();
    const fromStream = new Verifier(h.shim.exchanges$, 'x64', 'wdk');
    await run(h);
    expect(h.verifier.violations.length).toBeGreaterThanOrEqual(1);
    expect(fromStream.violations).toEqual(h.verifier.violations);
  });

  test.each(CASES.filter(([id]) => id !== 'ONE_REQUEST_AT_A_TIME'))('%s can be relaxed', async (id, run) => {
    const h = new Harness();
    h.verifier.relax(id);
    await run(h);
    expect(h.rules).not.toContain(id);
  });
});

describe('the verifier on a correct flow', () => {
  test('an incoming call answered, dropped and closed, and an outgoing call, give no violations', async () => {
    const h = new Harness();
    await h.up();
    const { htCall } = h.incoming();
    h.connect(htCall);
    h.miniport.handler = (_id, _k, oid) => {
      if (oid === OID_TAPI_DROP) {
        h.miniport.lineDown(h.shim.calls.get(htCall)!.linkContext);
        h.miniport.event(h.htLine, htCall, LINE_CALLSTATE, LINECALLSTATE_IDLE);
      }
      return NDIS_STATUS_SUCCESS;
    };
    expect((await h.client.drop(htCall)).status).toBe(NDIS_STATUS_SUCCESS);
    expect((await h.client.closeCall(htCall)).status).toBe(NDIS_STATUS_SUCCESS);
    expect(h.verifier.violations).toEqual([]);
    expect(h.verifier.liveCalls).toBe(0);
  });

  test('a violation names the rule, the exchange and its position', async () => {
    const h = new Harness();
    await h.up();
    const seen: string[] = [];
    h.verifier.violations$.subscribe((v) => seen.push(`${v.rule}@${v.seq}`));
    h.miniport.event(h.htLine, 0x4242, LINE_CALLSTATE, LINECALLSTATE_IDLE);
    const v = h.verifier.violations[0]!;
    expect(seen).toEqual([`EVENT_UNKNOWN_CALL@${v.seq}`]);
    expect(v.exchange.type).toBe('indication');
    expect(v.detail).toContain('LINE_CALLSTATE');
    expect(v.detail).toContain('0x4242');
    expect(decodeEvent(v.exchange.bytes)).toMatchObject({ htCall: 0x4242, ulMsg: LINE_CALLSTATE });
  });

  test('fed a stream of Exchange objects (a trace read back), it reports what it reports attached', async () => {
    const h = new Harness();
    const fromStream = new Verifier(h.shim.exchanges$, 'x64', 'wdk');
    await h.up();
    const { htCall } = h.incoming();
    h.miniport.event(h.htLine, htCall, LINE_CALLSTATE, LINECALLSTATE_CONNECTED, 0, LINEMEDIAMODE_DIGITALDATA);
    h.miniport.lineDown(0x7777);
    expect(h.rules).toEqual(['CONNECTED_AFTER_LINE_UP', 'LINE_DOWN_KNOWN_LINK']);
    expect(fromStream.violations).toEqual(h.verifier.violations);
    fromStream.dispose();
    h.miniport.lineDown(0x7778);
    expect(fromStream.violations).toHaveLength(2);
    expect(h.verifier.violations).toHaveLength(3);
  });

  test('relaxing an unknown rule is refused', () => {
    expect(() => new Harness().verifier.relax('NO_SUCH_RULE' as RuleId)).toThrow(RangeError);
  });
});


describe('the verifier on answers no well-behaved miniport gives', () => {
  test('a GET_ID "ndis" id of 3 bytes at the very end of the buffer is reported as no id, and nothing throws', async () => {
    const h = new Harness();
    await h.up();
    const { htCall } = h.incoming();
    h.connect(htCall);
    h.miniport.handler = (_id, _k, oid, buffer) => {
      if (oid === OID_TAPI_GET_ID) {
        const at = layoutOf('NDIS_TAPI_GET_ID', 'x64', 'wdk').offsets['DeviceID']!;
        const dv = new DataView(buffer.buffer, buffer.byteOffset, buffer.byteLength);
        const fixed = layoutOf('VAR_STRING', 'x64', 'wdk');
        // ulStringSize 3, the string's last byte the buffer's last byte.
        dv.setUint32(at + fixed.offsets['ulStringFormat']!, STRINGFORMAT_BINARY, true);
        dv.setUint32(at + fixed.offsets['ulStringSize']!, 3, true);
        dv.setUint32(at + fixed.offsets['ulStringOffset']!, buffer.length - at - 3, true);
      }
      return NDIS_STATUS_SUCCESS;
    };
    const r = await h.client.getId({ htCall }, 'ndis');
    expect(r.status).toBe(NDIS_STATUS_SUCCESS);
    expect(h.rules).toEqual(['GET_ID_NDIS_LINK_CONTEXT']);
    expect(h.verifier.violations[0]!.detail).toContain('returned no id');
  });
});
