import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import {
  NDIS_STATUS_FAILURE,
  NDIS_STATUS_INVALID_LENGTH,
  NDIS_STATUS_PENDING,
  NDIS_STATUS_REQUEST_ABORTED,
  NDIS_STATUS_SUCCESS,
  NDIS_STATUS_TAPI_INDICATION,
  codecFor,
  isCodecError,
} from '../../oid/index.js';
import { NativeMiniport } from '../../bridge/native-miniport.js';
import { NativeBridgeError } from '../../bridge/koffi-loader.js';
import type { Completion } from '../../miniport/miniport.js';

const root = join(__dirname, '..', '..');
const build = join(root, 'bridge', 'build');
const TESTHW = join(build, 'libwanemu_testhw.so');
const WRONG_ABI = join(build, 'libwanemu_testhw_wrongabi.so');

const OID_NOOP = 0xff00_0001;
const OID_LAYOUT = 0xff00_0002;
const OID_INVERT = 0xff00_0003;
const OID_PEND_THREAD = 0xff00_0004;

beforeAll(() => {
  // The libraries are built at install time; build them here too in case the sources changed.
  const r = spawnSync(process.execPath, [join(root, 'bridge', 'build.mjs'), '--strict', 'native', 'test-lib'], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`bridge build failed: ${r.stderr}`);
});

const counts = () => ({ bytesUsed: 0, bytesNeeded: 0 });
const until = async (done: () => boolean, m: NativeMiniport, ms = 5000): Promise<void> => {
  const end = Date.now() + ms;
  while (!done()) {
    if (Date.now() > end) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 1));
    m.poll();
  }
};

describe('NativeMiniport over the test library', () => {
  let m: NativeMiniport;
  beforeEach(async () => {
    m = await NativeMiniport.open(TESTHW);
  });
  afterEach(() => m.close());

  it('agrees with the C side on the x64 NDIS_TAPI_EVENT layout (the library checks what it receives)', () => {
    const codec = codecFor('NDIS_TAPI_EVENT', 'x64', 'wdk');
    const bytes = codec.encode({
      htLine: 0x0102030405060708n,
      htCall: 0x1112131415161718n,
      ulMsg: 0x21222324,
      ulParam1: 0x3132333435363738n,
      ulParam2: 0x3132333435363739n,
      ulParam3: 0x313233343536373an,
    });
    if (isCodecError(bytes)) throw new Error(bytes.toString());
    const c = counts();
    expect(m.request(1, 'set', OID_LAYOUT, bytes, c)).toBe(NDIS_STATUS_SUCCESS);
    // A member moved by one byte is caught, and named by its offset.
    const shifted = new Uint8Array(48);
    shifted.set(bytes.subarray(0, 24));
    shifted.set(bytes.subarray(24, 47), 25);
    expect(m.request(2, 'set', OID_LAYOUT, shifted, c)).toBe(NDIS_STATUS_FAILURE);
    expect(c.bytesNeeded).toBe(24 + 1);
    expect(m.request(3, 'set', OID_LAYOUT, new Uint8Array(40), c)).toBe(NDIS_STATUS_INVALID_LENGTH);
    expect(c.bytesNeeded).toBe(48);
  });

  it('passes buffers as bytes both ways', () => {
    const buf = Uint8Array.from([0, 1, 2, 0xfe]);
    const c = counts();
    expect(m.request(1, 'query', OID_INVERT, buf, c)).toBe(NDIS_STATUS_SUCCESS);
    expect([...buf]).toEqual([0xff, 0xfe, 0xfd, 0x01]);
    expect(c.bytesUsed).toBe(4);
    expect(m.request(2, 'query', OID_NOOP, buf, c)).toBe(NDIS_STATUS_SUCCESS);
    expect(c).toEqual({ bytesUsed: 0, bytesNeeded: 0 });
  });

  it('completes a pended request from another thread, with the bytes the library wrote', async () => {
    const got: Completion[] = [];
    m.completions$.subscribe((c) => got.push(c));
    const buf = Uint8Array.from([1, 2, 3]);
    expect(m.request(7, 'query', OID_PEND_THREAD, buf, counts())).toBe(NDIS_STATUS_PENDING);
    expect(m.outstanding).toEqual([7]);
    await until(() => got.length > 0, m);
    expect(got).toEqual([{ requestId: 7, kind: 'query', oid: OID_PEND_THREAD, status: NDIS_STATUS_SUCCESS, bytesUsed: 3, bytesNeeded: 0 }]);
    expect([...buf]).toEqual([2, 3, 4]);
    expect(m.outstanding).toEqual([]);
  });

  it('delivers indications from several native threads, each thread in order, none lost, through the ring', async () => {
    const seen = new Map<number, number[]>();
    let wrongStatus = 0;
    m.attach({
      indicate: (status, b) => {
        if (status !== NDIS_STATUS_TAPI_INDICATION) wrongStatus++;
        const line = b[0]! | (b[1]! << 8);
        let list = seen.get(line);
        if (list === undefined) seen.set(line, (list = []));
        list.push(b[24]! | (b[25]! << 8) | (b[26]! << 16));
      },
      complete: () => undefined,
    });
    const threads = 4;
    const each = 50_000;
    m.control(`threads n=${threads} each=${each} mode=post`);
    await until(() => [...seen.values()].reduce((a, l) => a + l.length, 0) >= threads * each, m, 30_000);
    expect(m.control('join')).toBe('sum=0');
    m.poll();
    expect(wrongStatus).toBe(0);
    expect([...seen.keys()].sort()).toEqual([1, 2, 3, 4]);
    for (const list of seen.values()) {
      expect(list.length).toBe(each);
      expect(list.every((v, i) => v === i + 1)).toBe(true);
    }
    const s = m.stats;
    expect(s.records).toBe(threads * each);
    // Batches: far fewer wake-ups than records.
    expect(s.wakeups).toBeLessThan(s.records / 10);
  });

  it('answers a synchronous indication from another thread with the write-back', async () => {
    let n = 0;
    m.attach({
      indicate: (_s, b) => {
        new DataView(b.buffer, b.byteOffset, b.byteLength).setUint32(32, 0x7f00_0010 + n++, true);
      },
      complete: () => undefined,
    });
    m.control('threads n=2 each=100 mode=indicate');
    await until(() => n >= 200, m);
    // Each thread summed ulParam2 as written back: 0x7f000010 + k for k = 0..199.
    const expected = 200 * 0x7f00_0010 + (199 * 200) / 2;
    expect(m.control('join')).toBe(`sum=${expected}`);
  });

  it('hands an indication made on the calling thread straight up, and the write-back lands in the library', () => {
    m.attach({
      indicate: (_s, b) => new DataView(b.buffer, b.byteOffset, b.byteLength).setUint32(32, 0x7f00_0abc, true),
      complete: () => undefined,
    });
    expect(m.control('indicate')).toBe(`writeback=${0x7f00_0abc}`);
  });

  it('fails a request still pended at close with NDIS_STATUS_REQUEST_ABORTED, once', async () => {
    const got: Completion[] = [];
    m.completions$.subscribe((c) => got.push(c));
    // Threads still posting at close: the library joins them; the bridge drops what they make after.
    m.control('threads n=2 each=200000 mode=post');
    expect(m.request(9, 'query', OID_PEND_THREAD, new Uint8Array(4), counts())).toBe(NDIS_STATUS_PENDING);
    m.close();
    expect(got.filter((c) => c.requestId === 9)).toHaveLength(1);
    expect([NDIS_STATUS_SUCCESS, NDIS_STATUS_REQUEST_ABORTED]).toContain(got[0]!.status);
    expect(m.request(10, 'query', OID_NOOP, new Uint8Array(4), counts())).toBe(NDIS_STATUS_REQUEST_ABORTED);
  });
});

describe('NativeMiniport with threaded calls', () => {
  it('answers an indication from a thread the request waits for, instead of deadlocking', async () => {
    const m = await NativeMiniport.open(TESTHW, { threadedCalls: true });
    try {
      let seen = 0;
      m.attach({
        indicate: (_s, b) => {
          seen++;
          new DataView(b.buffer, b.byteOffset, b.byteLength).setUint32(32, 0x7f00_0230, true);
        },
        complete: () => undefined,
      });
      const buf = new Uint8Array(8);
      const c = counts();
      expect(m.request(1, 'query', 0xff00_0005, buf, c)).toBe(NDIS_STATUS_SUCCESS);
      expect(seen).toBe(1);
      expect(new DataView(buf.buffer).getUint32(0, true)).toBe(0x7f00_0230);
      expect(c.bytesUsed).toBe(4);
      // Ordinary requests still work the same way.
      const inv = Uint8Array.from([1]);
      expect(m.request(2, 'query', OID_INVERT, inv, c)).toBe(NDIS_STATUS_SUCCESS);
      expect([...inv]).toEqual([0xfe]);
    } finally {
      m.close();
    }
  });
});

describe('NativeMiniport refusing a library', () => {
  it('names the ABI versions when the library implements another', async () => {
    expect(existsSync(WRONG_ABI)).toBe(true);
    await expect(NativeMiniport.open(WRONG_ABI)).rejects.toThrow(NativeBridgeError);
    await expect(NativeMiniport.open(WRONG_ABI)).rejects.toThrow(/ABI version 99; this wanemu needs version 1/);
  });

  it('says when the library cannot be loaded', async () => {
    await expect(NativeMiniport.open(join(build, 'no-such-library.so'))).rejects.toThrow(/cannot load .*no-such-library\.so/);
  });
});
