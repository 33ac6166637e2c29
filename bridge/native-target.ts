import { Subject, type Observable } from 'rxjs';
import type { CompletionPolicy } from '../miniport/completion-policy.js';
import type { ByteCounts, Completion, Miniport, MiniportSink, StatusIndication } from '../miniport/miniport.js';
import type { OfferOptions, OfferResult, RemoteAction, RemoteRefusal } from '../miniport/remote-party.js';
import type { OfferRefusal } from '../miniport/sim-core.js';
import { resolveConfig, type SimulatedMiniportConfig, type SimulatedMiniportOptions } from '../miniport/sim-config.js';
import type { PolicyControls, RemoteControls, ScriptableMiniport } from '../miniport/scriptable-miniport.js';
import type { RequestKind } from '../oid/index.js';
import type { Clock, Timer } from '../sim/clock.js';
import { IsolatedMiniport } from './isolated-miniport.js';
import { NativeBridgeError } from './koffi-loader.js';
import { NativeMiniport } from './native-miniport.js';

/** A native library opened in process or isolated: the seam plus its controls. */
export interface NativeLibrary extends Miniport {
  readonly path: string;
  control(command: string): string;
  readonly outstanding: readonly number[];
  poll(): void;
  close(): void;
}

/** `native:<path>` or `native:<path>?<config>`: the library and the configuration string it is opened with. */
export interface NativeSpec {
  readonly path: string;
  readonly config: string | undefined;
}

/** Parses `--against`: undefined for `sim`; a NativeBridgeError for anything else unknown. */
export function parseAgainst(text: string): NativeSpec | undefined {
  if (text === 'sim') return undefined;
  if (!text.startsWith('native:') || text.length === 'native:'.length) {
    throw new NativeBridgeError(`--against takes sim or native:<library path>[?<config>], not "${text}"`);
  }
  const rest = text.slice('native:'.length);
  const q = rest.indexOf('?');
  return q < 0 ? { path: rest, config: undefined } : { path: rest.slice(0, q), config: rest.slice(q + 1) };
}

/** Opens a library in process or, with `isolate`, in a child process. */
export async function openNative(spec: NativeSpec, config: string, isolate: boolean, threadedCalls = false): Promise<NativeLibrary> {
  return isolate ? IsolatedMiniport.open(spec.path, { config, threadedCalls }) : NativeMiniport.open(spec.path, { config, threadedCalls });
}

/**
 * The loopback library's configuration string for a scenario's miniport options: the same keys
 * (docs/bridge.md), so a scenario configures the loopback library as it does the simulated one.
 */
export function loopbackConfig(options: SimulatedMiniportOptions, clock: 'virtual' | 'real'): string {
  const c = resolveConfig(options);
  const parts = [
    `lines=${c.lines}`,
    `addressesPerLine=${c.addressesPerLine}`,
    `callsPerAddress=${c.callsPerAddress}`,
    `mediaModes=${c.mediaModes}`,
    `bearerModes=${c.bearerModes}`,
    `maxRate=${c.maxRate}`,
    `providerId=${c.providerId}`,
    `offerTimeoutMs=${c.offerTimeoutMs}`,
    `extVersion=${c.extVersion}`,
    `linkSpeed=${c.linkSpeed}`,
    `maxFrameSize=${c.maxFrameSize}`,
    `maxTransmit=${c.maxTransmit}`,
    `outgoing.stepMs=${c.outgoing.stepMs}`,
    `outgoing.outcome=${c.outgoing.outcome}`,
    `outgoing.progress=${c.outgoing.progress.join(',')}`,
    ...Object.entries(c.outgoing.byAddress).map(([digits, outcome]) => `outgoing.byAddress.${digits}=${outcome}`),
    `clock=${clock}`,
  ];
  return parts.join(';');
}

const OFFER_REFUSALS: readonly OfferRefusal[] = ['not-initialized', 'no-such-line', 'no-such-address', 'line-closed', 'media-mode-not-detected', 'address-busy', 'no-htcall'];

/** `key=value` pairs of a control's reply. */
function fields(reply: string): Map<string, string> {
  const m = new Map<string, string>();
  for (const part of reply.split(/\s+/)) {
    const eq = part.indexOf('=');
    if (eq > 0) m.set(part.slice(0, eq), part.slice(eq + 1));
  }
  return m;
}

function policyWords(p: CompletionPolicy): string {
  switch (p.mode) {
    case 'sync':
    case 'hold':
      return `mode=${p.mode}`;
    case 'pend':
      return `mode=pend delay=${p.delayMs}`;
    case 'force':
      return `mode=force status=${p.status >>> 0}${p.pend === true ? ' pend=1' : ''}${p.delayMs === undefined ? '' : ` delay=${p.delayMs}`}`;
  }
}

/**
 * A ScriptableMiniport over an open library: on a virtual clock, when the library keeps virtual
 * time (answers `next`), its timers follow wanemu's clock; otherwise they run on their own.
 */
export function nativeTarget(library: NativeLibrary, options: SimulatedMiniportOptions, clock: Clock): NativeTarget {
  let virtualTime = false;
  if (clock.kind === 'virtual') {
    try {
      virtualTime = /^(due=\d+|none)$/.test(library.control('next'));
    } catch {
      virtualTime = false;
    }
  }
  return new NativeTarget(library, resolveConfig({ ...options, abi: 'x64', variant: 'wdk' }), clock, virtualTime);
}

/**
 * A native library as a ScriptableMiniport, for libraries that take the loopback library's
 * controls (docs/bridge.md): remote-party actions, completion policies and held completions
 * become control commands, and on wanemu's virtual clock the library's timers run when wanemu's
 * clock reaches them (the library keeps its own virtual time, moved with `advance`).
 */
export class NativeTarget implements ScriptableMiniport {
  readonly abi = 'x64' as const;
  readonly variant = 'wdk' as const;
  readonly remote: RemoteControls;
  readonly policies: PolicyControls;
  private readonly actions = new Subject<RemoteAction>();
  private timer: Timer | undefined;
  private due: number | undefined;
  /** The library's virtual time as last moved (ms). */
  private libraryTime = 0;
  private disposed = false;

  constructor(
    readonly library: NativeLibrary,
    readonly config: SimulatedMiniportConfig,
    private readonly clock: Clock,
    /** Whether the library runs its timers on wanemu's virtual clock (`next` / `advance`). */
    private readonly virtualTime: boolean,
  ) {
    const act = (command: string): RemoteRefusal | undefined => {
      const r = this.run(command);
      return r === 'no-such-call' || r === 'wrong-state' ? r : undefined;
    };
    const note = (a: RemoteAction): void => {
      if (this.actions.observed) this.actions.next(a);
    };
    this.remote = {
      actions$: this.actions.asObservable(),
      offer: (o: OfferOptions): OfferResult => {
        const a = { action: 'offer', line: o.line ?? 0, address: o.address ?? 0, mediaMode: o.mediaMode, callerId: o.callerId ?? '', calledId: o.calledId ?? '' } as const;
        note(a);
        const reply = this.run(`offer line=${a.line} address=${a.address} media=${a.mediaMode >>> 0}${a.callerId === '' ? '' : ` caller=${a.callerId}`}${a.calledId === '' ? '' : ` called=${a.calledId}`}`);
        if (reply.startsWith('ok')) {
          const f = fields(reply);
          return { ok: true, hdCall: Number(f.get('hdcall')), htCall: Number(f.get('htcall')) };
        }
        const reason = reply.replace(/^refused\s+/, '') as OfferRefusal;
        if (!OFFER_REFUSALS.includes(reason)) throw new NativeBridgeError(`${library.path}: unexpected reply to offer: "${reply}"`);
        return { ok: false, reason };
      },
      answer: (hdCall) => (note({ action: 'answer', hdCall }), act(`answer hdcall=${hdCall}`)),
      busy: (hdCall) => (note({ action: 'busy', hdCall }), act(`busy hdcall=${hdCall}`)),
      hangUp: (hdCall) => (note({ action: 'hangUp', hdCall }), act(`hangup hdcall=${hdCall}`)),
      fail: (hdCall, why) => (note({ action: 'fail', hdCall, why }), act(`fail hdcall=${hdCall} why=${why}`)),
    };
    this.policies = {
      setDefault: (p) => void this.run(`policy default ${policyWords(p)}`),
      setForOid: (oid, p) => void this.run(p === undefined ? `policy oid=${oid >>> 0} mode=sync` : `policy oid=${oid >>> 0} ${policyWords(p)}`),
      setForNext: (p, oid) => void this.run(`policy next${oid === undefined ? '' : ` oid=${oid >>> 0}`} ${policyWords(p)}`),
    };
    this.sync();
  }

  get indications$(): Observable<StatusIndication> {
    return this.library.indications$;
  }

  get completions$(): Observable<Completion> {
    return this.library.completions$;
  }

  attach(sink: MiniportSink): () => void {
    return this.library.attach!(sink);
  }

  request(requestId: number, kind: RequestKind, oid: number, buffer: Uint8Array, counts: ByteCounts): number {
    this.catchUp();
    const status = this.library.request(requestId, kind, oid, buffer, counts);
    this.sync();
    return status;
  }

  get outstanding(): readonly number[] {
    return this.library.outstanding;
  }

  complete(requestId?: number): boolean {
    const reply = this.run(requestId === undefined ? 'complete' : `complete id=${requestId}`);
    return reply === 'ok';
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    this.timer?.cancel();
    this.library.close();
  }

  /** A control command, with the library's time brought up to wanemu's first. */
  private run(command: string): string {
    this.catchUp();
    const reply = this.library.control(command);
    this.sync();
    return reply;
  }

  /** Moves the library's virtual time to wanemu's (timers due by then run in the library). */
  private catchUp(): void {
    if (!this.virtualTime || this.disposed) return;
    const now = Math.floor(this.clock.now());
    if (now <= this.libraryTime) return;
    this.library.control(`advance to=${now}`);
    this.libraryTime = now;
  }

  /** Sets one wanemu timer for the library's next due timer. */
  private sync(): void {
    if (!this.virtualTime || this.disposed) return;
    const f = fields(this.library.control('next'));
    const at = f.has('due') ? Number(f.get('due')) : undefined;
    if (at === this.due && this.timer !== undefined) return;
    this.timer?.cancel();
    this.timer = undefined;
    this.due = at;
    if (at === undefined) return;
    this.timer = this.clock.setTimer(at - this.clock.now(), () => {
      this.timer = undefined;
      this.due = undefined;
      if (this.disposed) return;
      this.library.control(`advance to=${at}`);
      this.libraryTime = Math.max(this.libraryTime, at);
      this.sync();
    });
  }
}
