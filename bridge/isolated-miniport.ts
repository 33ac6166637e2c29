import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { closeSync, mkdtempSync, openSync, rmSync } from 'node:fs';
import { constants as os } from 'node:os';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { Subject, type Observable } from 'rxjs';
import { NDIS_STATUS_PENDING, NDIS_STATUS_REQUEST_ABORTED, nameOf, type RequestKind } from '../oid/index.js';
import type { ByteCounts, Completion, Miniport, MiniportSink, StatusIndication } from '../miniport/miniport.js';
import { wanemuFile } from './bridge-files.js';
import { FRAME, fromUtf8, readFrame, utf8, writeFrame, type Frame } from './host-protocol.js';
import { NativeBridgeError } from './koffi-loader.js';

export interface IsolatedMiniportOptions {
  /** The library's configuration string. */
  readonly config?: string;
  /** How long one call into the library may take before the host is killed (ms; default 10 s). */
  readonly watchdogMs?: number;
  /** How often the host is asked for what the library's threads queued (ms; default 1). */
  readonly pollMs?: number;
  /** Exchanges kept for the crash report (default 20). */
  readonly history?: number;
  /** NativeMiniportOptions.threadedCalls, in the host. */
  readonly threadedCalls?: boolean;
}

/** What wanemu reports when the library takes its host process down. */
export interface HostCrash {
  /** The signal that ended the host (SIGSEGV, SIGABRT, SIGKILL for a hang), if one did. */
  readonly signal: string | undefined;
  readonly exitCode: number | undefined;
  /** `crashed`: the host died; `hung`: a call took longer than the watchdog allows, the host was killed. */
  readonly reason: 'crashed' | 'hung';
  /** The last exchanges with the library, oldest first, as text. */
  readonly lastExchanges: readonly string[];
  readonly message: string;
}

/*
 * The watchdog, a worker thread of wanemu's process: it runs while the main thread is blocked
 * reading the host's frames. It watches the host in /proc; when the host dies, or a call lasts
 * past the limit (then it kills the host), it writes a `died` frame into the FIFO the main
 * thread is reading, which wakes it.
 */
const WATCHDOG = `
const { workerData, parentPort } = require('node:worker_threads');
const fs = require('node:fs');
const { pid, path, shared, watchdogMs } = workerData;
const flags = new Int32Array(shared, 0, 2);
const since = new Float64Array(shared, 8, 1);
const fd = fs.openSync(path, 'r+');
let killed = false;
function stat() {
  try {
    const s = fs.readFileSync('/proc/' + pid + '/stat', 'utf8');
    const rest = s.slice(s.lastIndexOf(')') + 2).split(' ');
    return { state: rest[0], exit: Number(rest[49]) };
  } catch { return undefined; }
}
function died(code) {
  const b = Buffer.alloc(24);
  b.writeUInt32LE(24, 0); b.writeUInt32LE(${FRAME.died}, 4);
  b.writeUInt32LE(code & 0x7f, 8); b.writeUInt32LE((code >> 8) & 0xff, 12); b.writeUInt32LE(killed ? 2 : 1, 16);
  fs.writeSync(fd, b);
}
const timer = setInterval(() => {
  const s = stat();
  if (s === undefined || s.state === 'Z' || s.state === 'X') {
    clearInterval(timer);
    died(s === undefined ? 0 : s.exit);
    return;
  }
  if (!killed && Atomics.load(flags, 0) === 1 && Date.now() - since[0] > watchdogMs) {
    killed = true;
    try { process.kill(pid, 'SIGKILL'); } catch {}
  }
}, 2);
parentPort.on('message', () => { clearInterval(timer); fs.closeSync(fd); parentPort.close(); });
`;

function signalName(n: number): string | undefined {
  if (n === 0) return undefined;
  for (const [name, v] of Object.entries(os.signals)) if (v === n) return name;
  return `signal ${n}`;
}

/**
 * A Miniport whose native library runs in a child process (bridge/native-host.ts), so a library
 * that segfaults, aborts or hangs takes down its host, not wanemu: requests in flight and pended
 * fail with NDIS_STATUS_REQUEST_ABORTED, `crash$` reports the signal and the last exchanges, and
 * everything above (the shim, the verifier, the trace) carries on and closes normally. Calls are
 * synchronous, as in-process: frames over two FIFOs, read blocking; a watchdog thread kills a
 * host whose call outlasts `watchdogMs`.
 */
export class IsolatedMiniport implements Miniport {
  readonly abi = 'x64' as const;
  readonly variant = 'wdk' as const;
  readonly indications$: Observable<StatusIndication>;
  readonly completions$: Observable<Completion>;
  readonly crash$: Observable<HostCrash>;
  /** The crash, once the host died. */
  crashed: HostCrash | undefined;
  private readonly indications = new Subject<StatusIndication>();
  private readonly completions = new Subject<Completion>();
  private readonly crashes = new Subject<HostCrash>();
  private sinks: MiniportSink[] = [];
  private readonly pending = new Map<number, { readonly kind: RequestKind; readonly oid: number; readonly buffer: Uint8Array }>();
  private readonly history: string[] = [];
  private readonly flags: Int32Array;
  private readonly since: Float64Array;
  private readonly poller: NodeJS.Timeout;
  private depth = 0;
  private closed = false;

  private constructor(
    readonly path: string,
    private readonly dir: string,
    private readonly child: ChildProcess,
    private readonly watchdog: Worker,
    shared: SharedArrayBuffer,
    private readonly outFd: number,
    private readonly inFd: number,
    private readonly options: IsolatedMiniportOptions,
  ) {
    this.indications$ = this.indications.asObservable();
    this.completions$ = this.completions.asObservable();
    this.crash$ = this.crashes.asObservable();
    this.flags = new Int32Array(shared, 0, 2);
    this.since = new Float64Array(shared, 8, 1);
    this.poller = setInterval(() => this.pull(), options.pollMs ?? 1);
    this.poller.unref();
    child.on('exit', (code, signal) => {
      if (!this.closed && this.crashed === undefined) this.died(signal === null ? 0 : (os.signals[signal] ?? 0), code ?? 0, 1);
    });
  }

  /**
   * Starts a host process for `path` and opens the library in it. Throws NativeBridgeError when
   * the host cannot start, or the library cannot be opened there (the same reasons as
   * NativeMiniport.open), or it dies opening.
   */
  static async open(path: string, options: IsolatedMiniportOptions = {}): Promise<IsolatedMiniport> {
    const host = wanemuFile(join('dist', 'bridge', 'native-host.js'));
    if (host === undefined) throw new NativeBridgeError('the isolated host dist/bridge/native-host.js is not built: run `npm run build` in the wanemu package');
    const dir = mkdtempSync(join(tmpdir(), 'wanemu-host-'));
    const toHost = join(dir, 'to-host');
    const fromHost = join(dir, 'from-host');
    const made = spawnSync('mkfifo', [toHost, fromHost], { encoding: 'utf8' });
    if (made.status !== 0) {
      rmSync(dir, { recursive: true, force: true });
      throw new NativeBridgeError(`cannot make the host's FIFOs: ${made.error?.message ?? made.stderr}`);
    }
    // Opened read-write, so neither open waits for the host, and a host that dies never leaves
    // wanemu blocked on an open.
    const outFd = openSync(toHost, 'r+');
    const inFd = openSync(fromHost, 'r+');
    const child = spawn(process.execPath, [host, path, toHost, fromHost, options.config ?? '', options.threadedCalls === true ? 'threaded' : 'direct'], { stdio: ['ignore', 'inherit', 'inherit'] });
    const shared = new SharedArrayBuffer(16);
    const watchdog = new Worker(WATCHDOG, { eval: true, workerData: { pid: child.pid, path: fromHost, shared, watchdogMs: options.watchdogMs ?? 10_000 } });
    watchdog.unref();
    const m = new IsolatedMiniport(path, dir, child, watchdog, shared, outFd, inFd, options);
    const opened = m.call(() => undefined, FRAME.opened, 'open');
    if (opened === undefined || opened.a !== 0) {
      const why = opened === undefined ? (m.crashed?.message ?? 'the host ended') : fromUtf8.decode(opened.payload);
      m.close();
      throw new NativeBridgeError(why);
    }
    return m;
  }

  request(requestId: number, kind: RequestKind, oid: number, buffer: Uint8Array, counts: ByteCounts): number {
    counts.bytesUsed = 0;
    counts.bytesNeeded = 0;
    if (this.closed || this.crashed !== undefined) return NDIS_STATUS_REQUEST_ABORTED;
    const r = this.call(() => writeFrame(this.outFd, FRAME.request, requestId, kind === 'set' ? 1 : 0, oid, 0, buffer), FRAME.result, `request ${requestId} ${kind} ${nameOf('OID', oid)} (${buffer.length} bytes)`);
    if (r === undefined) return NDIS_STATUS_REQUEST_ABORTED;
    buffer.set(r.payload.subarray(0, Math.min(r.payload.length, buffer.length)));
    counts.bytesUsed = r.b;
    counts.bytesNeeded = r.c;
    if (r.a === NDIS_STATUS_PENDING) this.pending.set(requestId, { kind, oid, buffer });
    this.note(`  returned ${nameOf('NDIS_STATUS', r.a)}`);
    return r.a;
  }

  /** A test control, as NativeMiniport.control. */
  control(command: string): string {
    if (this.closed || this.crashed !== undefined) throw new NativeBridgeError(`${this.path}: the host is ${this.closed ? 'closed' : 'dead'}`);
    const r = this.call(() => writeFrame(this.outFd, FRAME.control, 0, 0, 0, 0, utf8.encode(command)), FRAME.controlResult, `control "${command}"`);
    if (r === undefined) throw new NativeBridgeError(`${this.path} died on "${command}": ${(this.crashed as HostCrash | undefined)?.message ?? 'the host ended'}`);
    const reply = fromUtf8.decode(r.payload);
    if (r.a !== 0) throw new NativeBridgeError(reply);
    return reply;
  }

  attach(sink: MiniportSink): () => void {
    this.sinks = [...this.sinks, sink];
    return () => {
      this.sinks = this.sinks.filter((s) => s !== sink);
    };
  }

  /** Request ids pended and not yet completed. */
  get outstanding(): readonly number[] {
    return [...this.pending.keys()];
  }

  /** Takes what the library's threads queued now (the poll timer does it every `pollMs`). */
  poll(): void {
    this.pull();
  }

  /** Closes the library, ends the host, stops the watchdog. */
  close(): void {
    if (this.closed) return;
    if (this.crashed === undefined) this.call(() => writeFrame(this.outFd, FRAME.close), FRAME.done, 'close');
    this.closed = true;
    clearInterval(this.poller);
    this.watchdog.postMessage('stop');
    if (this.child.exitCode === null && this.child.signalCode === null) this.child.kill('SIGKILL');
    closeSync(this.outFd);
    closeSync(this.inFd);
    rmSync(this.dir, { recursive: true, force: true });
    this.failPending();
  }

  private pull(): void {
    if (this.closed || this.crashed !== undefined || this.depth > 0) return;
    this.call(() => writeFrame(this.outFd, FRAME.pull), FRAME.done);
  }

  private note(line: string): void {
    this.history.push(line);
    const keep = this.options.history ?? 20;
    if (this.history.length > keep) this.history.splice(0, this.history.length - keep);
  }

  /** The watchdog runs while the host works, not while wanemu handles what it sent. */
  private arm(on: boolean): void {
    if (on) this.since[0] = Date.now();
    Atomics.store(this.flags, 0, on ? 1 : 0);
  }

  /**
   * Sends a frame and handles what comes back until the frame of type `until`: indications
   * (answered with the buffer as wanemu left it) and completions on the way. Undefined when the
   * host died.
   */
  private call(send: () => void, until: number, what?: string): Frame | undefined {
    if (what !== undefined) this.note(what);
    this.depth++;
    this.arm(true);
    try {
      send();
      for (;;) {
        const f = readFrame(this.inFd);
        if (f === undefined || f.type === FRAME.died) {
          this.died(f?.a ?? 0, f?.b ?? 0, f?.c ?? 1);
          return undefined;
        }
        if (f.type === until) return f;
        this.arm(false);
        if (f.type === FRAME.indication) {
          this.note(`indication ${nameOf('NDIS_STATUS', f.a)} (${f.payload.length} bytes)`);
          this.deliver(f.a, f.payload);
          if (this.crashed !== undefined) return undefined;
          writeFrame(this.outFd, FRAME.ack, 0, 0, 0, 0, f.payload);
        } else if (f.type === FRAME.completion) {
          this.note(`completion of request ${f.a}: ${nameOf('NDIS_STATUS', f.b)}`);
          this.complete(f);
        }
        this.arm(true);
      }
    } finally {
      this.depth--;
      this.arm(this.depth > 0);
    }
  }

  private deliver(status: number, buffer: Uint8Array): void {
    for (const sink of this.sinks) sink.indicate(status, buffer);
    if (this.indications.observed) this.indications.next({ status, buffer });
  }

  private emitCompletion(c: Completion): void {
    for (const sink of this.sinks) sink.complete(c);
    this.completions.next(c);
  }

  private complete(f: Frame): void {
    const p = this.pending.get(f.a);
    this.pending.delete(f.a);
    if (p !== undefined) p.buffer.set(f.payload.subarray(0, Math.min(f.payload.length, p.buffer.length)));
    this.emitCompletion({ requestId: f.a, kind: p?.kind ?? 'query', oid: p?.oid ?? 0, status: f.b, bytesUsed: f.c, bytesNeeded: f.d });
  }

  private failPending(): void {
    for (const [requestId, p] of [...this.pending]) {
      this.pending.delete(requestId);
      this.emitCompletion({ requestId, kind: p.kind, oid: p.oid, status: NDIS_STATUS_REQUEST_ABORTED, bytesUsed: 0, bytesNeeded: 0 });
    }
  }

  private died(signal: number, exitCode: number, reason: number): void {
    if (this.crashed !== undefined) return;
    const name = signalName(signal);
    const how = reason === 2 ? `hung past the ${this.options.watchdogMs ?? 10_000} ms watchdog and was killed` : name !== undefined ? `died of ${name}` : `exited with code ${exitCode}`;
    const crash: HostCrash = {
      signal: name,
      exitCode: name === undefined ? exitCode : undefined,
      reason: reason === 2 ? 'hung' : 'crashed',
      lastExchanges: [...this.history],
      message: `${this.path} ${how}; last exchanges:\n${this.history.map((l) => `  ${l}`).join('\n')}`,
    };
    this.crashed = crash;
    this.crashes.next(crash);
    this.failPending();
  }
}
