import { join } from 'node:path';
import { NativeMiniport } from '../bridge/native-miniport.js';
import { loadKoffi } from '../bridge/koffi-loader.js';
import { compareRates, type Figure } from './measure.js';

const OID_NOOP = 0xff00_0001;

/** The test library, next to the bridge runtime (both built by `npm run build:native`). */
function testLibrary(): string {
  return join(process.cwd(), 'bridge', 'build', 'libwanemu_testhw.so');
}

/** Resolves once `done()` holds, checking on every turn of the event loop (no busy wait). */
function whenDone(done: () => boolean): Promise<void> {
  return new Promise((resolve) => {
    const check = (): void => {
      if (done()) resolve();
      else setImmediate(check);
    };
    check();
  });
}

/**
 * Issue 5's rows. Round trip: a no-op request through NativeMiniport (bridge runtime, ring
 * drained after the call, counts copied back) against a raw koffi call of a no-op C function.
 * Indications: NDIS_TAPI_EVENTs posted by one native thread and delivered to JavaScript through
 * the ring, against koffi's plain thread-safe callback from a native thread, each an indication.
 */
export async function bridgeFigures(): Promise<Figure[]> {
  const k = await loadKoffi();
  const path = testLibrary();
  const lib = k.load(path);
  const noop = lib.func('uint32_t testhw_noop(uint32_t x)') as (x: number) => number;
  const m = await NativeMiniport.open(path);
  try {
    const buffer = new Uint8Array(16);
    const counts = { bytesUsed: 0, bytesNeeded: 0 };
    let id = 1;
    const viaBridge = (n: number): number => {
      let sum = 0;
      for (let i = 0; i < n; i++) sum += m.request(id++, 'query', OID_NOOP, buffer, counts);
      return sum + n;
    };
    const raw = (n: number): number => {
      let sum = 0;
      for (let i = 0; i < n; i++) sum += noop(i);
      return sum;
    };
    const roundTrip = compareRates('bridge.request.roundtrip', viaBridge, raw, { n: 200_000, rounds: 9 });

    // The same no-op request, called on the library straight through koffi, as one would without
    // the bridge: a device opened directly, the buffer and the counts passed as arrays.
    const callbacks = k.alloc('uint8_t', 40);
    const cbView = new DataView(k.view(callbacks, 40));
    cbView.setUint32(0, 40, true);
    cbView.setUint32(4, 1, true);
    const openRaw = lib.func('uint32_t wanemu_hw_open(const char *config, void *callbacks, _Out_ void **device)') as (config: string, cb: unknown, out: unknown[]) => number;
    const requestRaw = lib.func('uint32_t wanemu_hw_request(void *device, uint32_t id, uint32_t kind, uint32_t oid, _Inout_ uint8_t *buffer, uint32_t length, _Out_ uint32_t *used, _Out_ uint32_t *needed)') as (
      device: unknown,
      id: number,
      kind: number,
      oid: number,
      buffer: Uint8Array,
      length: number,
      used: Uint32Array,
      needed: Uint32Array,
    ) => number;
    const closeRaw = lib.func('void wanemu_hw_close(void *device)') as (device: unknown) => void;
    const device: unknown[] = [null];
    if (openRaw('', callbacks, device) !== 0) throw new Error('bench: the test library did not open');
    const used = new Uint32Array(1);
    const needed = new Uint32Array(1);
    const rawRequest = (n: number): number => {
      let sum = 0;
      for (let i = 0; i < n; i++) sum += requestRaw(device[0], i, 0, OID_NOOP, buffer, buffer.length, used, needed);
      return sum + n;
    };
    const againstRaw = compareRates('bridge.request.vs-raw-request', viaBridge, rawRequest, { n: 200_000, rounds: 9 });
    closeRaw(device[0]);
    k.free(callbacks);

    // Through the ring: one native thread posts, the event loop drains in batches.
    let got = 0;
    const detach = m.attach({ indicate: () => void got++, complete: () => undefined });
    const ringCount = 2_000_000;
    let t0 = process.hrtime.bigint();
    m.control(`threads n=1 each=${ringCount} mode=post`);
    await whenDone(() => got >= ringCount);
    const ringSeconds = Number(process.hrtime.bigint() - t0) / 1e9;
    m.control('join');
    detach();

    // Plain: koffi's thread-safe callback, one blocking round trip to the main thread each.
    const plainCount = 20_000;
    let plain = 0;
    const cbType = k.pointer(k.proto('void (uint32_t value)'));
    const cb = k.register(((_v: number) => void plain++) as (...args: never[]) => unknown, cbType);
    const fire = lib.func('int32_t testhw_fire_thread(void *cb, uint32_t count)') as (cb: unknown, n: number) => number;
    const join = lib.func('void testhw_fire_join(void)') as () => void;
    t0 = process.hrtime.bigint();
    if (fire(cb, plainCount) !== 1) throw new Error('bench: could not start the native thread');
    await whenDone(() => plain >= plainCount);
    const plainSeconds = Number(process.hrtime.bigint() - t0) / 1e9;
    join();
    k.unregister(cb);

    const ringRate = ringCount / ringSeconds;
    const plainRate = plainCount / plainSeconds;
    return [
      { ...roundTrip, unit: 'requests/s' },
      { ...againstRaw, unit: 'requests/s' },
      { name: 'bridge.ring.indications', value: Math.round(ringRate), unit: 'indications/s', baseline: Math.round(plainRate), ratio: Math.round((ringRate / plainRate) * 1000) / 1000 },
    ];
  } finally {
    m.close();
  }
}
