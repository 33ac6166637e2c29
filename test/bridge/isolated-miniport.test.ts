import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import { NDIS_STATUS_PENDING, NDIS_STATUS_REQUEST_ABORTED, NDIS_STATUS_SUCCESS } from '../../oid/index.js';
import { IsolatedMiniport, type HostCrash } from '../../bridge/isolated-miniport.js';
import { NativeBridgeError } from '../../bridge/koffi-loader.js';
import { NdisTapi } from '../../ndistapi/ndis-tapi.js';
import { TraceRecorder } from '../../trace/trace-recorder.js';
import { readTrace } from '../../trace/pcapng-reader.js';
import type { Completion } from '../../miniport/miniport.js';

const root = join(__dirname, '..', '..');
const build = join(root, 'bridge', 'build');
const TESTHW = join(build, 'libwanemu_testhw.so');
const OID_NOOP = 0xff00_0001;
const OID_INVERT = 0xff00_0003;
const OID_PEND_THREAD = 0xff00_0004;
const counts = () => ({ bytesUsed: 0, bytesNeeded: 0 });

beforeAll(() => {
  for (const args of [[join(root, 'bridge', 'build.mjs'), '--strict', 'native', 'test-lib']]) {
    const r = spawnSync(process.execPath, args, { encoding: 'utf8' });
    if (r.status !== 0) throw new Error(`bridge build failed: ${r.stderr}`);
  }
});

describe('IsolatedMiniport: the library in a child process', () => {
  it('serves requests, indications with their write-back, and completions from the library\'s threads', async () => {
    const m = await IsolatedMiniport.open(TESTHW);
    try {
      const buf = Uint8Array.from([1, 2, 3]);
      const c = counts();
      expect(m.request(1, 'query', OID_INVERT, buf, c)).toBe(NDIS_STATUS_SUCCESS);
      expect([...buf]).toEqual([0xfe, 0xfd, 0xfc]);
      expect(c.bytesUsed).toBe(3);
      m.attach({ indicate: (_s, b) => new DataView(b.buffer, b.byteOffset, b.byteLength).setUint32(32, 0x7f00_0120, true), complete: () => undefined });
      expect(m.control('indicate')).toBe(`writeback=${0x7f00_0120}`);
      const got: Completion[] = [];
      m.completions$.subscribe((x) => got.push(x));
      const pended = Uint8Array.from([9]);
      expect(m.request(2, 'query', OID_PEND_THREAD, pended, counts())).toBe(NDIS_STATUS_PENDING);
      const end = Date.now() + 5000;
      while (got.length === 0 && Date.now() < end) await new Promise((r) => setTimeout(r, 2));
      expect(got).toEqual([{ requestId: 2, kind: 'query', oid: OID_PEND_THREAD, status: NDIS_STATUS_SUCCESS, bytesUsed: 1, bytesNeeded: 0 }]);
      expect([...pended]).toEqual([10]);
      expect(() => m.control('no such command')).toThrow(/unknown command/);
    } finally {
      m.close();
    }
  });

  it('survives a library that segfaults on a chosen OID: the request and the pended ones fail, the signal and the last exchanges are reported', async () => {
    const m = await IsolatedMiniport.open(TESTHW, { config: `crash_oid=${OID_INVERT}` });
    const crashes: HostCrash[] = [];
    m.crash$.subscribe((x) => crashes.push(x));
    const got: Completion[] = [];
    m.completions$.subscribe((x) => got.push(x));
    try {
      expect(m.request(1, 'query', OID_NOOP, new Uint8Array(4), counts())).toBe(NDIS_STATUS_SUCCESS);
      // Pended with a completion still to come when the library dies: failed, once.
      m.request(2, 'query', OID_PEND_THREAD, new Uint8Array(4), counts());
      expect(m.request(3, 'set', OID_INVERT, new Uint8Array(4), counts())).toBe(NDIS_STATUS_REQUEST_ABORTED);
      expect(crashes).toHaveLength(1);
      expect(crashes[0]!.signal).toBe('SIGSEGV');
      expect(crashes[0]!.reason).toBe('crashed');
      expect(crashes[0]!.lastExchanges.at(-1)).toBe('request 3 set 0xFF000003 (4 bytes)');
      expect(crashes[0]!.lastExchanges).toContain('request 1 query 0xFF000001 (4 bytes)');
      expect(crashes[0]!.message).toMatch(/died of SIGSEGV; last exchanges:/);
      const second = got.filter((x) => x.requestId === 2);
      expect(second).toHaveLength(1);
      expect([NDIS_STATUS_SUCCESS, NDIS_STATUS_REQUEST_ABORTED]).toContain(second[0]!.status);
      // Afterwards every request is refused, the same way, and nothing throws.
      expect(m.request(4, 'query', OID_NOOP, new Uint8Array(4), counts())).toBe(NDIS_STATUS_REQUEST_ABORTED);
      expect(() => m.control('join')).toThrow(NativeBridgeError);
    } finally {
      m.close();
    }
  });

  it('reports an abort on a control', async () => {
    const m = await IsolatedMiniport.open(TESTHW);
    try {
      expect(() => m.control('abort')).toThrow(/died of SIGABRT/);
      expect(m.crashed?.signal).toBe('SIGABRT');
    } finally {
      m.close();
    }
  });

  it('kills a host whose call hangs past the watchdog, and says so', async () => {
    const m = await IsolatedMiniport.open(TESTHW, { config: `hang_oid=${OID_NOOP}`, watchdogMs: 300 });
    try {
      const t0 = Date.now();
      expect(m.request(1, 'query', OID_NOOP, new Uint8Array(4), counts())).toBe(NDIS_STATUS_REQUEST_ABORTED);
      expect(Date.now() - t0).toBeGreaterThanOrEqual(300);
      expect(m.crashed?.reason).toBe('hung');
      expect(m.crashed?.signal).toBe('SIGKILL');
      expect(m.crashed?.message).toMatch(/hung past the 300 ms watchdog/);
    } finally {
      m.close();
    }
  });

  it('keeps the trace up to the crash, closed properly, with the failed request in it', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'wanemu-isolated-'));
    try {
      const m = await IsolatedMiniport.open(TESTHW, { config: `crash_oid=${OID_INVERT}` });
      const shim = new NdisTapi(m);
      const path = join(dir, 'crash.pcapng');
      const rec = TraceRecorder.attach(shim, path, 'x64', 'wdk');
      const results: number[] = [];
      shim.submit('query', OID_NOOP, new Uint8Array(8), (r) => results.push(r.status));
      shim.submit('set', OID_INVERT, new Uint8Array(8), (r) => results.push(r.status));
      expect(results).toEqual([NDIS_STATUS_SUCCESS, NDIS_STATUS_REQUEST_ABORTED]);
      rec.close();
      m.close();
      const records = Array.from(readTrace(path));
      expect(records.map((r) => [r.kind, r.code >>> 0, r.status >>> 0])).toEqual([
        ['request', OID_NOOP, 0],
        ['return', OID_NOOP, NDIS_STATUS_SUCCESS],
        ['request', OID_INVERT, 0],
        ['return', OID_INVERT, NDIS_STATUS_REQUEST_ABORTED],
      ]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('refuses a library of another ABI version with the loader\'s explanation', async () => {
    await expect(IsolatedMiniport.open(join(build, 'libwanemu_testhw_wrongabi.so'))).rejects.toThrow(/ABI version 99; this wanemu needs version 1/);
  });
});
