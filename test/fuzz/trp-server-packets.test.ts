import fc from 'fast-check';
import { FAMILIES, LINEMEDIAMODE_DIGITALDATA, LINECALLPRIVILEGE_OWNER } from '../../oid/index.js';
import { TapiServer } from '../../tapi/tapi-server.js';
import { TrpServer, type TrpExchange } from '../../tapi/trp-server.js';
import { TrpClient } from '../../tapi/trp-client.js';
import {
  AsyncEventError,
  REQUEST_LAYOUTS,
  decodeAsyncEvent,
  decodeAsyncEvents,
  decodeReply,
  decodeRequest,
  isAsyncEventError,
  isTrpPacketError,
  reqFuncName,
  type AsyncEvent,
} from '../../tapi/trp/index.js';
import { Rig } from '../support/rig.js';
import { buildPacket, fuzzPacket, type ServerHandles } from './trp-packets.js';

/*
 * Fuzzed MS-TRP request packets into TrpServer.handle, for every Req_Func wanemu has a layout
 * for, with a bare server, one with an application and an open line, and one with a call
 * offered. No exception escapes; every reply is a TAPI32_MSG of at least 60 bytes carrying 0, a
 * LINEERR_ (ms-trp.md §5.2) or, for an asynchronous function, a request ID; a packet the decoder
 * refuses is answered with the decoder's LINEERR_ in the request's own buffer and leaves no trace
 * (no OID sent to NDISTAPI, no event queued, no application created); and afterwards the server
 * still serves a normal session.
 */

const LINEERRS = new Set(FAMILIES.LINEERR.values.values());
const FIRST_APP = 0x0001_0000;
const settle = (): Promise<void> => new Promise((r) => setImmediate(r));

type ServerState = 'bare' | 'open' | 'call';

async function serverIn(state: ServerState) {
  const rig = new Rig();
  const server = new TapiServer(rig.shim, rig.client);
  if ((await server.start()) !== 0) throw new Error('the TAPI server did not start');
  const exchanges: TrpExchange[] = [];
  const trp = new TrpServer(server, (x) => exchanges.push(x));
  const client = new TrpClient(trp);
  const handles = { hLineApp: 0, hLine: 0, hCall: 0 };
  let apps = 0;
  if (state !== 'bare') {
    const init = await client.call({ func: 'lInitialize', hLineApp: 0, hInstance: 0, InitContext: 1, dwFriendlyNameOffset: 'fuzz', dwNumDevs: 0, dwModuleNameOffset: 'fuzz', dwAPIVersion: 0x0002_0002 });
    if (isTrpPacketError(init) || init.returnValue !== 0) throw new Error('lInitialize failed');
    apps++;
    handles.hLineApp = init.slots.hLineApp;
    const open = await client.call({
      func: 'lOpen', hLineApp: handles.hLineApp, dwDeviceID: 0, hLine: 0, dwNegotiatedVersion: 0x0002_0002, dwExtVersion: 0, OpenContext: 2,
      dwPrivileges: LINECALLPRIVILEGE_OWNER, dwMediaModes: LINEMEDIAMODE_DIGITALDATA, pCallParams: null, dwAsciiCallParamsCodePage: 0xffffffff, pGetCallParams: 0, hRemoteLine: 3,
    });
    if (isTrpPacketError(open) || open.returnValue !== 0) throw new Error('lOpen failed');
    handles.hLine = open.slots.hLine;
  }
  if (state === 'call') {
    if (!rig.miniport.remote.offer({ mediaMode: LINEMEDIAMODE_DIGITALDATA }).ok) throw new Error('offer refused');
    await settle();
    const events = await client.events();
    if (!Array.isArray(events)) throw new Error('no events');
    const appNewCall = events.find((e): e is Extract<AsyncEvent, { type: 'LINE_APPNEWCALL' }> => e.type === 'LINE_APPNEWCALL');
    if (appNewCall === undefined) throw new Error('no LINE_APPNEWCALL');
    handles.hCall = appNewCall.hCall;
  }
  exchanges.length = 0;
  return { rig, server, trp, client, exchanges, handles: handles as ServerHandles, apps };
}

const u32 = (bytes: Uint8Array, at: number): number => new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength).getUint32(at, true);

describe.each<ServerState>(['bare', 'open', 'call'])('TrpServer.handle with fuzzed packets, server state %s', (state) => {
  test('no exception escapes; well-formed replies; rejected packets leave nothing behind; the server still serves', async () => {
    const seen = { rejected: 0, served: 0, funcs: new Set<string>() };
    await fc.assert(
      fc.asyncProperty(fc.array(fuzzPacket, { minLength: 1, maxLength: 20, size: 'max' }), async (fuzzed) => {
        const s = await serverIn(state);
        let apps = s.apps;
        for (const f of fuzzed) {
          const { func, bytes, neededSize } = buildPacket(f, s.handles);
          const expected = decodeRequest(bytes, { neededSize });
          s.trp.takeEvents();
          const oidsBefore = s.rig.exchanges.length;
          s.exchanges.length = 0;
          let reply: Uint8Array;
          try {
            reply = await s.trp.handle(bytes, neededSize);
          } catch (e) {
            throw new Error(`TrpServer.handle threw ${String(e)} for ${func} ${JSON.stringify(f.mutation)} lNeededSize ${neededSize}: ${Buffer.from(bytes).toString('hex')}`);
          }
          await settle();
          expect(reply).toBeInstanceOf(Uint8Array);
          expect(reply.length).toBeGreaterThanOrEqual(60);
          const rv = u32(reply, 0);
          // One request, one reply; events the request caused may come between them (a LINE_REPLY, a LINE_CALLSTATE).
          expect(s.exchanges[0]?.type).toBe('request');
          expect(s.exchanges.filter((x) => x.type !== 'event').map((x) => x.type)).toEqual(['request', 'reply']);
          if (isTrpPacketError(expected)) {
            seen.rejected++;
            // The decoder's LINEERR_, in the request's own buffer.
            expect(rv).toBe(expected.lineErr);
            expect(LINEERRS.has(rv)).toBe(true);
            expect(reply.length).toBe(Math.max(60, bytes.length));
            if (bytes.length > 4) expect(reply.subarray(4, bytes.length)).toEqual(bytes.subarray(4));
            // Nothing happened below or in the server.
            expect(s.rig.exchanges.length - oidsBefore).toBe(0);
            expect(s.trp.takeEvents()).toEqual([]);
            expect(s.exchanges.length).toBe(2);
            continue;
          }
          seen.served++;
          const name = reqFuncName(u32(bytes, 0))!;
          seen.funcs.add(name);
          const layout = REQUEST_LAYOUTS[name as keyof typeof REQUEST_LAYOUTS];
          const asyncId = layout.async && rv >= 1 && rv <= 0x7fffffff;
          if (!(rv === 0 || LINEERRS.has(rv) || asyncId)) throw new Error(`${name} answered 0x${rv.toString(16)}: neither 0, a LINEERR_ nor a request ID`);
          const decoded = decodeReply(layout.func, reply);
          if (isTrpPacketError(decoded)) throw new Error(`the reply to ${name} does not decode: ${decoded.toString()}`);
          if (name === 'lInitialize' && rv === 0) apps++;
        }
        // No application was made but by the lInitialize packets that succeeded.
        const next = await s.client.call({ func: 'lInitialize', hLineApp: 0, hInstance: 0, InitContext: 9, dwFriendlyNameOffset: 'after', dwNumDevs: 0, dwModuleNameOffset: 'after', dwAPIVersion: 0x0002_0002 });
        if (isTrpPacketError(next)) throw new Error(next.toString());
        expect({ returnValue: next.returnValue, hLineApp: next.slots.hLineApp }).toEqual({ returnValue: 0, hLineApp: FIRST_APP + apps });
        // Whatever the server queued for its clients decodes.
        const events = await s.client.events({}, 1 << 16);
        if (!Array.isArray(events)) throw new Error(`the server's events do not decode: ${String(events)}`);
      }),
      { seed: 0x5eed_0201 + ['bare', 'open', 'call'].indexOf(state), numRuns: 200 },
    );
    expect(seen.rejected).toBeGreaterThan(100);
    expect(seen.served).toBeGreaterThan(100);
    expect(seen.funcs.size).toBeGreaterThanOrEqual(20);
  });
});

test('the server still runs a normal session after a fuzzed one', async () => {
  await fc.assert(
    fc.asyncProperty(fc.array(fuzzPacket, { minLength: 5, maxLength: 25, size: 'max' }), async (fuzzed) => {
      const s = await serverIn('call');
      for (const f of fuzzed) {
        const { bytes, neededSize } = buildPacket(f, s.handles);
        await s.trp.handle(bytes, neededSize);
      }
      await settle();
      s.trp.takeEvents();
      const init = await s.client.call({ func: 'lInitialize', hLineApp: 0, hInstance: 0, InitContext: 7, dwFriendlyNameOffset: 'n', dwNumDevs: 0, dwModuleNameOffset: 'n', dwAPIVersion: 0x0002_0002 });
      if (isTrpPacketError(init)) throw new Error(init.toString());
      expect(init.returnValue).toBe(0);
      // The fuzzed session's applications (and the lines and calls they hold) go first.
      for (let h = FIRST_APP; h < init.slots.hLineApp; h++) await s.client.call({ func: 'lShutdown', hLineApp: h });
      // Then a line the session may never have opened: open it as owner and take a call on it.
      const open = await s.client.call({
        func: 'lOpen', hLineApp: init.slots.hLineApp, dwDeviceID: 1, hLine: 0, dwNegotiatedVersion: 0x0002_0002, dwExtVersion: 0, OpenContext: 8,
        dwPrivileges: LINECALLPRIVILEGE_OWNER, dwMediaModes: LINEMEDIAMODE_DIGITALDATA, pCallParams: null, dwAsciiCallParamsCodePage: 0xffffffff, pGetCallParams: 0, hRemoteLine: 9,
      });
      if (isTrpPacketError(open)) throw new Error(open.toString());
      expect(open.returnValue).toBe(0);
      expect(s.rig.miniport.remote.offer({ line: 1, mediaMode: LINEMEDIAMODE_DIGITALDATA }).ok).toBe(true);
      await settle();
      const events = await s.client.events();
      if (!Array.isArray(events)) throw new Error(String(events));
      const appNewCall = events.find((e) => e.type === 'LINE_APPNEWCALL' && e.hRemoteLine === 9);
      expect(appNewCall).toBeDefined();
      const hCall = (appNewCall as { hCall: number }).hCall;
      const answered = await s.client.call({ func: 'lAnswer', dwRequestID: 0, hCall, lpsUserUserInfo: null });
      if (isTrpPacketError(answered)) throw new Error(answered.toString());
      expect(answered.returnValue).toBeGreaterThan(0);
      expect(answered.returnValue).toBeLessThanOrEqual(0x7fffffff);
    }),
    { seed: 0x5eed_0210, numRuns: 40 },
  );
});

/** The server's own event records, then cut, flipped, resized or glued to garbage. */
test('event decoders on mutated real event records: a value or an AsyncEventError, never a throw', async () => {
  const s = await serverIn('call');
  await s.client.call({ func: 'lAnswer', dwRequestID: 0, hCall: s.handles.hCall, lpsUserUserInfo: null });
  await settle();
  s.rig.miniport.remote.hangUp(s.rig.miniport.calls[0]!.hdCall);
  await settle();
  const records = s.trp.takeEvents();
  expect(records.length).toBeGreaterThanOrEqual(3);
  const joined = new Uint8Array(records.reduce((n, r) => n + r.length, 0));
  records.reduce((at, r) => (joined.set(r, at), at + r.length), 0);
  expect(Array.isArray(decodeAsyncEvents(joined))).toBe(true);
  const mutations = fc.oneof(
    fc.nat().map((cut) => (b: Uint8Array) => b.slice(0, cut % (b.length + 1))),
    fc.tuple(fc.nat(), fc.nat({ max: 0xffffffff })).map(([which, size]) => (b: Uint8Array) => {
      // A TotalSize rewritten: 0, tiny, odd, past the end, huge.
      const out = b.slice();
      const at = 4 * ((which % Math.max(1, b.length >> 2)) & ~0);
      const v = [0, 4, 35, 37, b.length + 4, 0xfffffffc, size][which % 7]!;
      if (at + 4 <= out.length) new DataView(out.buffer).setUint32(at, v >>> 0, true);
      return out;
    }),
    fc.array(fc.tuple(fc.nat(), fc.integer({ min: 1, max: 255 })), { minLength: 1, maxLength: 8 }).map((flips) => (b: Uint8Array) => {
      const out = b.slice();
      for (const [at, x] of flips) out[at % out.length]! ^= x;
      return out;
    }),
    fc.uint8Array({ minLength: 1, maxLength: 64 }).map((g) => (b: Uint8Array) => {
      const out = new Uint8Array(b.length + g.length);
      out.set(b);
      out.set(g, b.length);
      return out;
    }),
  );
  fc.assert(
    fc.property(fc.constantFrom(joined, ...records), mutations, fc.boolean(), (base, mutate, makeCall) => {
      const bytes = mutate(base);
      const options = { replyForm: () => (makeCall ? ('MakeCall' as const) : ('plain' as const)) };
      const one = decodeAsyncEvent(bytes, options);
      expect(one instanceof AsyncEventError || (typeof one === 'object' && typeof one.type === 'string')).toBe(true);
      const all = decodeAsyncEvents(bytes, options);
      if (isAsyncEventError(all)) {
        expect(Number.isInteger(all.offset) && all.offset >= 0 && all.offset <= bytes.length).toBe(true);
      } else {
        expect(all.every((e) => typeof e.type === 'string')).toBe(true);
      }
    }),
    { seed: 0x5eed_0220, numRuns: 3000 },
  );
});
