import {
  LINECALLSTATE_BUSY,
  LINECALLSTATE_CONNECTED,
  LINECALLSTATE_DISCONNECTED,
  LINECALLSTATE_IDLE,
  NDIS_STATUS_SUCCESS,
  OID_TAPI_GET_ID,
  OID_TAPI_OPEN,
  OID_WAN_GET_INFO,
  asciiz,
  codecFor,
  isCodecError,
  layoutOf,
  nameOf,
  kindOfOid,
  structureOfOid,
} from '../../oid/index.js';
import { SimulatedMiniport } from '../../miniport/simulated-miniport.js';
import type { ScriptableMiniport } from '../../miniport/scriptable-miniport.js';
import { faultyMiniport } from '../../miniport/faulty/index.js';
import { TapiSteps, type TapiStepHost } from './tapi-steps.js';
import { ExchangeFormatter } from '../../ndistapi/exchange-text.js';
import { getIdBuffer } from '../../ndistapi/get-id-buffer.js';
import type { LineEvent } from '../../ndistapi/line-event.js';
import { NdisTapi, type RequestResult } from '../../ndistapi/ndis-tapi.js';
import { NdisTapiClient } from '../../ndistapi/ndis-tapi-client.js';
import { Verifier } from '../../ndistapi/verifier/verifier.js';
import type { Clock, Timer } from '../clock.js';
import { RealClock } from '../real-clock.js';
import { VirtualClock } from '../virtual-clock.js';
import { TraceRecorder } from '../../trace/trace-recorder.js';
import { StatsCollector, type RunStats } from './run-stats.js';
import { LoadGenerator, parseDuration, parseRate, type LoadCall, type LoadOutcome } from './load-generator.js';
import { FaultInjector, type IndicationMatch } from '../../miniport/fault-injector.js';
import type { Position, Scenario, Step } from './scenario.js';
import { ValueError, resolveValue } from './values.js';

export interface RunOptions {
  /** The virtual clock (default) or the real one. */
  readonly clock?: 'virtual' | 'real';
  /** Receives one readable line per exchange (`-v`). */
  readonly verbose?: (line: string) => void;
  /** Records the run as a pcapng trace. */
  readonly tracePath?: string;
  /**
   * The miniport to run against, made for the run's clock; the simulated miniport, configured
   * by the scenario, when not given. It is disposed of at the end of the run.
   */
  readonly target?: (clock: Clock) => ScriptableMiniport;
}

/** An expectation that failed, or a step that could not run. */
export interface Failure {
  readonly path: string;
  readonly at: Position;
  readonly message: string;
}

export interface RunResult {
  readonly scenario: Scenario;
  readonly passed: boolean;
  readonly failures: readonly Failure[];
  readonly stats: RunStats;
}

/** Something observed that `expect` steps match against. */
interface Item {
  readonly event: string;
  readonly fields: Readonly<Record<string, number | string>>;
  consumed: boolean;
}

const DEFAULT_TIMEOUT = 10_000;
/** The members of `expect` that are options, not matchers. */
const OPTIONS = new Set(['event', 'capture', 'timeout', 'optional', 'none', 'onTimeout']);
const MAX_STEPS = 10_000_000;

class StepFailed extends Error {}

/** Runs one scenario against the simulated miniport, under NdisTapi and the verifier. */
export class ScenarioRunner {
  private readonly clock: Clock;
  private readonly virtual: VirtualClock | undefined;
  private readonly miniport: ScriptableMiniport;
  private readonly faults: FaultInjector;
  private readonly shim: NdisTapi;
  private readonly client: NdisTapiClient;
  private readonly verifier: Verifier;
  private readonly recorder: TraceRecorder | undefined;
  private readonly items: Item[] = [];
  /** Captured values. A load call's flow has its own (see `instance`). */
  private vars = new Map<string, number>();
  private readonly stats = new StatsCollector();
  private failures: Failure[] = [];
  /** For a load call's flow: the calls it owns; events of other calls are not its to match. */
  private owned: Set<number> | undefined = undefined;
  /** Waits for `done()` until `deadline`: drives the clock at top level, only waits in a load call. */
  private until: (done: () => boolean, deadline: number) => Promise<boolean> = (done, deadline) => this.drive(done, deadline);
  /** Calls by htCall: when they were offered or placed, and whether they connected. */
  private readonly calls = new Map<number, { start: number; inbound: boolean; connected: boolean }>();
  private executed = 0;
  /** The TAPI server and its applications, once a scenario has an `app` step. */
  private tapi: TapiSteps | undefined;
  /** What each `load` step did. */
  readonly loads: LoadOutcome[] = [];

  constructor(
    readonly scenario: Scenario,
    options: RunOptions = {},
  ) {
    this.virtual = options.clock === 'real' ? undefined : new VirtualClock();
    this.clock = this.virtual ?? new RealClock();
    this.miniport = options.target?.(this.clock) ?? this.simulated(scenario);
    // Faults (dropped or duplicated indications) are injected between the miniport and NDISTAPI.
    this.faults = new FaultInjector(this.miniport);
    this.shim = new NdisTapi(this.faults, this.clock);
    this.client = new NdisTapiClient(this.shim);
    this.verifier = new Verifier(this.shim, this.miniport.abi, this.miniport.variant);
    this.recorder = options.tracePath === undefined ? undefined : TraceRecorder.attach(this.shim, options.tracePath, this.miniport.abi, this.miniport.variant, this.clock, this.miniport.remote, this.miniport.config);
    if (options.verbose !== undefined) {
      const f = new ExchangeFormatter(this.miniport.abi, this.miniport.variant);
      const out = options.verbose;
      this.shim.exchanges$.subscribe((x) => {
        const line = f.format(x);
        if (line !== undefined) out(line);
      });
    }
    this.shim.events$.subscribe((e) => this.onEvent(e));
    this.verifier.violations$.subscribe((v) => {
      StatsCollector.bump(this.stats.violations, v.rule);
      this.items.push({ event: 'violation', fields: { rule: v.rule, seq: v.seq }, consumed: false });
    });
  }

  /** The simulated miniport the scenario configures, or its faulty variant when it names one. */
  private simulated(scenario: Scenario): ScriptableMiniport {
    const sim = new SimulatedMiniport({ ...scenario.miniport, clock: this.clock });
    return scenario.faulty === undefined ? sim : faultyMiniport(scenario.faulty, sim);
  }

  async run(): Promise<RunResult> {
    const start = this.clock.now();
    try {
      await this.runSteps(this.scenario.steps);
    } catch (e) {
      if (!(e instanceof StepFailed)) throw e;
    } finally {
      this.recorder?.close();
      // On the real clock, timers left (an offer ringing out) would keep the process alive.
      this.miniport.dispose();
    }
    for (const v of this.verifier.violations) {
      if (this.scenario.allowViolations.includes(v.rule)) continue;
      const expected = this.items.some((i) => i.event === 'violation' && i.consumed && i.fields['seq'] === v.seq);
      if (!expected) {
        this.failures.push({ path: 'verifier', at: { file: this.scenario.file, line: 1, col: 1 }, message: `verifier: ${v.rule} at exchange ${v.seq}: ${v.detail}` });
      }
    }
    return { scenario: this.scenario, passed: this.failures.length === 0, failures: this.failures, stats: this.stats.finish(this.clock.now() - start) };
  }

  private onEvent(e: LineEvent): void {
    const now = this.clock.now();
    const fields: Record<string, number> = {};
    for (const [k, v] of Object.entries(e)) if (typeof v === 'number') fields[k] = v;
    this.items.push({ event: e.type, fields, consumed: false });
    if (e.type === 'newCall') {
      this.stats.callsIndicated++;
      this.calls.set(e.htCall, { start: now, inbound: true, connected: false });
    }
    if (e.type !== 'callState') return;
    const call = this.calls.get(e.htCall);
    if (call === undefined) return;
    if (e.state === LINECALLSTATE_CONNECTED && !call.connected) {
      call.connected = true;
      if (call.inbound) this.stats.callsAnswered++;
      else this.stats.callsConnected++;
      this.stats.setupTimes.push(now - call.start);
    } else if (!call.connected && (e.state === LINECALLSTATE_BUSY || e.state === LINECALLSTATE_DISCONNECTED || e.state === LINECALLSTATE_IDLE)) {
      const cause = e.state === LINECALLSTATE_BUSY ? 'BUSY' : e.state === LINECALLSTATE_DISCONNECTED ? nameOf('LINEDISCONNECTMODE', e.mode) : 'NOT_ANSWERED';
      StatsCollector.bump(this.stats.callsFailed, cause);
      this.calls.delete(e.htCall);
    }
  }

  private tapiSteps(): TapiSteps {
    this.tapi ??= new TapiSteps(this.shim, this.client, this.miniport.config.lines);
    return this.tapi;
  }

  private tapiHost(step: Step): TapiStepHost {
    return {
      value: (member, v) => this.value(step, member, v),
      capture: (name, v) => void this.vars.set(name, v),
      fail: (message) => this.fail(step, message),
      counted: (r) => {
        this.stats.requests++;
        if (r.status !== NDIS_STATUS_SUCCESS) StatsCollector.bump(this.stats.requestsFailed, nameOf('NDIS_STATUS', r.status));
      },
      record: (app, m) => {
        this.items.push({ event: 'tapi', fields: { app, msg: m.msg, hDevice: m.hDevice, callbackInstance: m.callbackInstance, param1: m.param1 >>> 0, param2: m.param2 >>> 0, param3: m.param3 >>> 0 }, consumed: false });
        this.recorder?.tapi(app, m, this.clock.now());
      },
    };
  }

  private fail(step: Step, message: string): never {
    this.failures.push({ path: step.path, at: step.at, message });
    throw new StepFailed(message);
  }

  private value(step: Step, member: string, v: unknown): number {
    try {
      return resolveValue(member, v, this.vars);
    } catch (e) {
      if (e instanceof ValueError) this.fail(step, e.message);
      throw e;
    }
  }

  /** Lets the clock run until `done()` or `deadline`; true when done. */
  private async drive(done: () => boolean, deadline: number): Promise<boolean> {
    await settle();
    while (!done()) {
      if (this.virtual !== undefined) {
        const next = this.virtual.nextDue();
        if (next === undefined || next > deadline) {
          this.virtual.advanceTo(Math.max(deadline, this.virtual.now()));
          await settle();
          return done();
        }
        this.virtual.advanceTo(next);
      } else {
        if (this.clock.now() >= deadline) return done();
        await new Promise((r) => setTimeout(r, 1));
      }
      await settle();
    }
    return true;
  }

  private async runSteps(steps: readonly Step[]): Promise<void> {
    const jumps = new Map<number, number>();
    for (let pc = 0; pc < steps.length; ) {
      if (++this.executed > MAX_STEPS) this.fail(steps[pc]!, `more than ${MAX_STEPS} steps: a loop that never ends?`);
      const step = steps[pc]!;
      const target = await this.runStep(step);
      if (target === undefined) {
        pc++;
        continue;
      }
      const to = steps.findIndex((s) => s.label === target.label);
      if (to < 0) this.fail(step, `the label ${JSON.stringify(target.label)} is not in the same list of steps`);
      if (target.times !== undefined) {
        const n = jumps.get(pc) ?? 0;
        if (n >= target.times) {
          pc++;
          continue;
        }
        jumps.set(pc, n + 1);
      }
      pc = to;
    }
  }

  /** Runs a step; returns a jump, if it makes one. */
  private async runStep(step: Step): Promise<{ label: string; times?: number } | undefined> {
    const b = step.body as Record<string, unknown>;
    switch (step.kind) {
      case 'label':
        return undefined;
      case 'bringUp':
        await this.bringUp(step, b ?? {});
        return undefined;
      case 'offer': {
        const mediaMode = this.value(step, 'mediaMode', b['mediaMode']);
        this.stats.callsOffered++;
        const r = this.miniport.remote.offer({
          mediaMode,
          line: (b['line'] as number | undefined) ?? 0,
          address: (b['address'] as number | undefined) ?? 0,
          callerId: (b['callerId'] as string | undefined) ?? '',
          calledId: (b['calledId'] as string | undefined) ?? '',
        });
        if (!r.ok) StatsCollector.bump(this.stats.offersRefused, r.reason);
        if (b['refused'] === true && r.ok) this.fail(step, 'the offer was indicated; the step expected it refused');
        if (b['refused'] !== true && !r.ok) this.fail(step, `the offer was not indicated: ${r.reason}`);
        if (r.ok && typeof b['as'] === 'string') this.vars.set(b['as'], r.htCall);
        await settle();
        return undefined;
      }
      case 'answer':
      case 'busy':
      case 'hangUp':
      case 'fail': {
        const hdCall = this.client.hdCall(this.value(step, 'call', b['call']));
        const refusal =
          step.kind === 'fail'
            ? this.miniport.remote.fail(hdCall, b['why'] as 'noanswer' | 'reject' | 'unreachable')
            : this.miniport.remote[step.kind](hdCall);
        if (refusal !== undefined) this.fail(step, `the remote party could not ${step.kind} ${String(b['call'])}: ${refusal}`);
        await settle();
        return undefined;
      }
      case 'request':
        await this.request(step, b);
        return undefined;
      case 'makeCall':
        await this.makeCall(step, b);
        return undefined;
      case 'expect':
        return this.expect(step, b);
      case 'wait':
        await this.until(() => false, this.clock.now() + (step.body as number));
        return undefined;
      case 'policy': {
        const mode = b['mode'] as 'sync' | 'pend' | 'hold' | 'force';
        const delayMs = (b['delayMs'] as number | undefined) ?? 0;
        const policy =
          mode === 'sync'
            ? ({ mode } as const)
            : mode === 'pend'
              ? ({ mode, delayMs } as const)
              : mode === 'hold'
                ? ({ mode } as const)
                : ({ mode, status: this.value(step, 'status', b['status'] ?? 'NDIS_STATUS_FAILURE'), pend: b['pend'] === true, delayMs } as const);
        const oid = b['oid'] === undefined ? undefined : this.value(step, 'oid', b['oid']);
        if (b['next'] === true) this.miniport.policies.setForNext(policy, oid);
        else if (oid !== undefined) this.miniport.policies.setForOid(oid, policy);
        else this.miniport.policies.setDefault(policy);
        return undefined;
      }
      case 'complete': {
        const id = typeof step.body === 'object' && step.body !== null && 'request' in step.body ? this.value(step, 'request', (step.body as { request: unknown }).request) : undefined;
        if (!this.miniport.complete(id)) this.fail(step, id === undefined ? 'no request is held' : `request ${id} is not held`);
        await settle();
        return undefined;
      }
      case 'goto':
        return typeof step.body === 'string' ? { label: step.body } : (step.body as { label: string; times?: number });
      case 'fault': {
        const state = b['state'] === undefined ? undefined : this.value(step, 'state', b['state']);
        this.faults.inject(b['action'] as 'drop' | 'duplicate', { event: b['event'] as IndicationMatch['event'], ...(state === undefined ? {} : { state }) }, (b['times'] as number | undefined) ?? 1);
        return undefined;
      }
      case 'load':
        await this.load(step, b);
        return undefined;
      case 'app':
        await this.tapiSteps().app(this.tapiHost(step), b);
        await settle();
        return undefined;
      case 'tapi':
        await this.tapiSteps().call(this.tapiHost(step), b);
        await settle();
        return undefined;
      case 'repeat': {
        const times = (step.body as { times: number }).times;
        for (let i = 0; i < times; i++) await this.runSteps(step.steps ?? []);
        return undefined;
      }
    }
  }

  private async load(step: Step, b: Record<string, unknown>): Promise<void> {
    const ratePerSecond = parseRate(b['rate']);
    const durationMs = parseDuration(b['for']);
    if (ratePerSecond === undefined) this.fail(step, `rate: ${JSON.stringify(b['rate'])} is not a rate such as 500/s`);
    if (durationMs === undefined) this.fail(step, `for: ${JSON.stringify(b['for'])} is not a duration such as 60s`);
    if (step.steps !== undefined) return this.loadFlow(step, b, ratePerSecond, durationMs);
    const c = (b['call'] as Record<string, unknown> | undefined) ?? {};
    const call: LoadCall = {
      line: (c['line'] as number | undefined) ?? 0,
      mediaMode: this.value(step, 'mediaMode', c['mediaMode'] ?? 'DIGITALDATA'),
      accept: c['accept'] === true,
      answerAfterMs: (c['answerAfterMs'] as number | undefined) ?? 0,
      holdMs: (c['holdMs'] as number | undefined) ?? 1000,
      hangUp: (c['hangUp'] as 'remote' | 'local' | undefined) ?? 'remote',
    };
    const gen = new LoadGenerator(this.clock, this.miniport, this.shim, this.client);
    const run = gen.start({ ratePerSecond, durationMs, maxConcurrent: (b['maxConcurrent'] as number | undefined) ?? 1000, call });
    const timeout = (b['timeout'] as number | undefined) ?? durationMs + call.answerAfterMs + call.holdMs + 60_000;
    const finished = await this.until(run.done, this.clock.now() + timeout);
    run.stop();
    const o = run.outcome();
    this.stats.callsOffered += o.offered;
    if (o.capped > 0) this.stats.offersRefused['max-concurrent'] = (this.stats.offersRefused['max-concurrent'] ?? 0) + o.capped;
    this.loads.push(o);
    if (!finished) this.fail(step, `${o.unfinished} of the load's calls were still open ${timeout} ms after it started`);
  }

  /**
   * A load whose calls each run a sub-flow of steps, concurrently: every offer the miniport
   * indicates gets an instance of the flow with `$call` set to its htCall, captures of its own,
   * and only its own calls' events to match; instances wait on events and the clock, and this
   * step drives the clock for all of them.
   */
  private async loadFlow(step: Step, b: Record<string, unknown>, ratePerSecond: number, durationMs: number): Promise<void> {
    const offer = (b['offer'] as Record<string, unknown> | undefined) ?? {};
    const mediaMode = this.value(step, 'mediaMode', offer['mediaMode'] ?? 'DIGITALDATA');
    const line = (offer['line'] as number | undefined) ?? 0;
    const maxConcurrent = (b['maxConcurrent'] as number | undefined) ?? 1000;
    const waits = new WaitList(this.clock);
    let live = 0;
    let offered = 0;
    let capped = 0;
    let completed = 0;
    let failed = 0;
    let peak = 0;
    const sub = this.shim.events$.subscribe((e) => {
      if (e.type === 'newCall' && expecting) {
        expecting = false;
        live++;
        peak = Math.max(peak, live);
        const child = this.instance(e.htCall, waits);
        void child.runSteps(step.steps ?? []).then(
          () => {
            completed++;
            finish(e.htCall);
          },
          (err: unknown) => {
            if (!(err instanceof StepFailed)) throw err;
            failed++;
            if (this.failures.length < 10) for (const f of child.failures) this.failures.push({ ...f, message: `load call ${offered}: ${f.message}` });
            StatsCollector.bump(this.stats.callsFailed, 'FLOW_FAILED');
            finish(e.htCall);
          },
        );
      }
      waits.check();
    });
    let expecting = false;
    const finish = (htCall: number): void => {
      live--;
      // What nobody expected of a finished call would only slow the others' matching down.
      for (let i = this.items.length - 1; i >= 0; i--) if (this.items[i]!.fields['htCall'] === htCall || this.items[i]!.consumed) this.items.splice(i, 1);
      waits.check();
    };
    const interval = 1000 / ratePerSecond;
    const end = this.clock.now() + durationMs;
    let next = this.clock.now();
    let offering = true;
    let tick: Timer | undefined;
    const offerNext = (): void => {
      tick = undefined;
      if (this.clock.now() >= end) {
        offering = false;
        return;
      }
      if (live >= maxConcurrent) capped++;
      else {
        offered++;
        expecting = true;
        this.miniport.remote.offer({ line, mediaMode, callerId: String(5550000 + (offered % 10000)) });
        expecting = false;
      }
      next += interval;
      tick = this.clock.setTimer(next - this.clock.now(), offerNext);
    };
    offerNext();
    const timeout = (b['timeout'] as number | undefined) ?? durationMs + 60_000;
    const deadline = this.clock.now() + timeout;
    const done = (): boolean => !offering && live === 0;
    try {
      for (;;) {
        await settle();
        waits.check();
        await settle();
        if (done()) break;
        if (this.virtual !== undefined) {
          const due = this.virtual.nextDue();
          if (due === undefined || due > deadline) break;
          this.virtual.advanceTo(due);
        } else {
          if (this.clock.now() >= deadline) break;
          await new Promise((r) => setTimeout(r, 1));
        }
        waits.check();
      }
    } finally {
      tick?.cancel();
      sub.unsubscribe();
      waits.cancelAll();
    }
    this.stats.callsOffered += offered;
    if (capped > 0) this.stats.offersRefused['max-concurrent'] = (this.stats.offersRefused['max-concurrent'] ?? 0) + capped;
    this.loads.push({ offered, capped, completed, unfinished: live, peakConcurrent: peak });
    if (!done()) this.fail(step, `${live} of the load's calls were still running their flow ${timeout} ms after it started`);
    if (failed > 0) this.fail(step, `${failed} of ${completed + failed} load calls failed their flow (the first ones are listed above)`);
  }

  /**
   * One call of a load: a view of this runner with captures of its own (`$call` is its htCall),
   * which matches only its calls' events and waits without driving the clock.
   */
  private instance(htCall: number, waits: WaitList): ScenarioRunner {
    const child = Object.create(this) as ScenarioRunner;
    child.vars = new Map([...this.vars, ['call', htCall]]);
    child.owned = new Set([htCall]);
    child.failures = [];
    child.executed = 0;
    child.until = (done, deadline) => waits.wait(done, deadline);
    return child;
  }

  private async bringUp(step: Step, b: Record<string, unknown>): Promise<void> {
    const device = (b['device'] as number | undefined) ?? 0;
    const check = (what: string, r: RequestResult): void => {
      this.stats.requests++;
      if (r.status !== NDIS_STATUS_SUCCESS) this.fail(step, `${what} returned ${nameOf('NDIS_STATUS', r.status)}`);
    };
    check('OID_WAN_GET_INFO', await this.client.wanGetInfo());
    if (!this.shim.initialized) check('OID_TAPI_PROVIDER_INITIALIZE', await this.client.initialize(0));
    check('OID_TAPI_OPEN', await this.client.open(device));
    const htLine = this.shim.htLineFor(device);
    if (b['lineStates'] !== undefined) check('OID_TAPI_SET_STATUS_MESSAGES', await this.client.setStatusMessages(htLine, this.value(step, 'lineStates', b['lineStates']), 0));
    const modes = b['mediaModes'] === undefined ? ['DIGITALDATA'] : Array.isArray(b['mediaModes']) ? b['mediaModes'] : [b['mediaModes']];
    const mask = modes.reduce<number>((m, v) => (m | this.value(step, 'mediaModes', v)) >>> 0, 0);
    check('OID_TAPI_SET_DEFAULT_MEDIA_DETECTION', await this.client.setDefaultMediaDetection(htLine, mask));
    this.vars.set(typeof b['as'] === 'string' ? b['as'] : 'line', htLine);
  }

  /** Builds the request's structure from `fields`, `call` and `line`, sends it, checks and captures. */
  private async request(step: Step, b: Record<string, unknown>): Promise<void> {
    const oid = this.value(step, 'oid', b['oid']);
    const structure = structureOfOid(oid);
    if (structure === undefined) this.fail(step, `${nameOf('OID', oid)} has no structure wanemu knows; give a TAPI OID`);
    const layout = layoutOf(structure, this.miniport.abi, this.miniport.variant);
    const value: Record<string, unknown> = {};
    const set = (path: string, v: number): void => {
      const parts = path.split('.');
      let o = value;
      for (const p of parts.slice(0, -1)) o = (o[p] ??= {}) as Record<string, unknown>;
      o[parts[parts.length - 1]!] = v;
    };
    const has = (m: string): boolean => layout.fields.some((f) => f.name === m);
    if (b['call'] !== undefined && has('hdCall')) set('hdCall', this.client.hdCall(this.value(step, 'call', b['call'])));
    if (b['line'] !== undefined) {
      const line = b['line'];
      if (oid === OID_TAPI_OPEN && typeof line === 'number') {
        set('ulDeviceID', line);
        set('htLine', this.shim.htLineFor(line));
      } else if (has('hdLine')) {
        set('hdLine', this.client.hdLine(typeof line === 'number' ? this.shim.htLineFor(line) : this.value(step, 'line', line)));
      } else if (has('ulDeviceID') && typeof line === 'number') {
        set('ulDeviceID', line);
      }
    }
    // Text for a string member (a variable part or a trailing CHAR array): ASCII with its NUL.
    const texts = new Set([...layout.varParts.map((v) => v.name), ...(layout.trailing?.kind === 'bytes' ? [layout.trailing.name] : [])]);
    let deviceClass: string | undefined;
    for (const [k, v] of Object.entries((b['fields'] as Record<string, unknown> | undefined) ?? {})) {
      if (texts.has(k) && typeof v === 'string' && !v.startsWith('$')) {
        if (oid === OID_TAPI_GET_ID && k === 'DeviceClass') deviceClass = v;
        else value[k] = asciiz(v);
      } else {
        set(k, this.value(step, k.split('.').pop()!, v));
      }
    }
    // A variable-size OUT structure gets `reserve` bytes (its ulTotalSize).
    const reserve = (b['reserve'] as number | undefined) ?? 1024;
    const out = layout.fields.find((f) => f.kind === 'struct' && layoutOf(f.struct!, layout.abi, layout.variant).fields.some((g) => g.name === 'ulTotalSize'));
    let total = 0;
    if (out !== undefined && kindOfOid(oid) === 'query') {
      set(`${out.name}.ulTotalSize`, reserve);
      total = out.offset + reserve;
    }
    let buffer: Uint8Array;
    if (deviceClass !== undefined) {
      delete value['DeviceID'];
      const built = getIdBuffer(layout.abi, layout.variant, value as never, deviceClass, reserve);
      if (isCodecError(built)) this.fail(step, `the fields do not make a ${structure}: ${built.message}`);
      buffer = built;
    } else {
      const encoded = codecFor(structure, layout.abi, layout.variant).encode(value as never);
      if (isCodecError(encoded)) this.fail(step, `the fields do not make a ${structure}: ${encoded.message}`);
      buffer = new Uint8Array(Math.max(encoded.length, total));
      buffer.set(encoded);
    }
    // A short buffer, to see NDIS_STATUS_INVALID_LENGTH and BytesNeeded.
    if (typeof b['length'] === 'number') buffer = buffer.slice(0, b['length']);
    const sent = this.clock.now();
    const codec = codecFor(structure, layout.abi, layout.variant);
    let result: (RequestResult & { value: ReturnType<typeof codec.decode> }) | undefined;
    this.stats.requests++;
    const kind = kindOfOid(oid) ?? 'set';
    const requestId = this.shim.submit(kind, oid, buffer, (r) => {
      result = { ...r, value: codec.decode(r.buffer) };
      this.stats.requestTimes.push(this.clock.now() - sent);
      if (r.status !== NDIS_STATUS_SUCCESS) StatsCollector.bump(this.stats.requestsFailed, nameOf('NDIS_STATUS', r.status));
      this.items.push({ event: 'completion', fields: { oid, status: r.status, requestId: r.requestId, bytesUsed: r.bytesUsed, bytesNeeded: r.bytesNeeded }, consumed: false });
    });
    if (typeof b['as'] === 'string') this.vars.set(b['as'], requestId);
    if (b['async'] === true) return;
    const timeout = (b['timeout'] as number | undefined) ?? DEFAULT_TIMEOUT;
    if (!(await this.until(() => result !== undefined, this.clock.now() + timeout))) {
      this.fail(step, `${nameOf('OID', oid)} did not complete within ${timeout} ms`);
    }
    const r = result!;
    this.items.find((i) => i.event === 'completion' && i.fields['requestId'] === r.requestId)!.consumed = true;
    const want = b['status'] === 'any' ? undefined : b['status'] === undefined ? NDIS_STATUS_SUCCESS : this.value(step, 'status', b['status']);
    if (want !== undefined && r.status !== want) {
      this.fail(step, `${nameOf('OID', oid)} returned ${nameOf('NDIS_STATUS', r.status)}, expected ${nameOf('NDIS_STATUS', want)}`);
    }
    for (const [name, member] of Object.entries((b['capture'] as Record<string, string> | undefined) ?? {})) {
      if (isCodecError(r.value)) this.fail(step, `cannot capture ${member}: ${r.value.message}`);
      let v: unknown = r.value;
      for (const part of member.split('.')) v = (v as Record<string, unknown> | undefined)?.[part];
      if (typeof v !== 'number' && typeof v !== 'bigint') this.fail(step, `${structure} has no scalar member ${member} to capture`);
      this.vars.set(name, Number(v));
    }
  }

  private async makeCall(step: Step, b: Record<string, unknown>): Promise<void> {
    const line = b['line'];
    const htLine = line === undefined ? (this.vars.get('line') ?? this.shim.htLineFor(0)) : typeof line === 'number' ? this.shim.htLineFor(line) : this.value(step, 'line', line);
    const params: Record<string, number> = {};
    for (const [k, v] of Object.entries((b['params'] as Record<string, unknown> | undefined) ?? {})) params[k] = this.value(step, k, v);
    this.stats.requests++;
    const sent = this.clock.now();
    const r = await this.client.makeCall(htLine, b['to'] as string, b['params'] === undefined ? undefined : params);
    this.stats.requestTimes.push(this.clock.now() - sent);
    const want = b['status'] === 'any' ? undefined : b['status'] === undefined ? NDIS_STATUS_SUCCESS : this.value(step, 'status', b['status']);
    if (r.status !== NDIS_STATUS_SUCCESS) StatsCollector.bump(this.stats.requestsFailed, nameOf('NDIS_STATUS', r.status));
    if (want !== undefined && r.status !== want) this.fail(step, `OID_TAPI_MAKE_CALL returned ${nameOf('NDIS_STATUS', r.status)}, expected ${nameOf('NDIS_STATUS', want)}`);
    if (r.status === NDIS_STATUS_SUCCESS) {
      this.stats.callsPlaced++;
      this.calls.set(r.htCall, { start: sent, inbound: false, connected: false });
    }
    this.vars.set(typeof b['as'] === 'string' ? b['as'] : 'call', r.htCall);
    this.owned?.add(r.htCall);
  }

  private matches(step: Step, item: Item, want: Record<string, unknown>): boolean {
    if (item.consumed || item.event !== want['event']) return false;
    // A load call's flow sees its own calls' events, unless it names the call.
    const ht = item.fields['htCall'];
    if (this.owned !== undefined && want['htCall'] === undefined && typeof ht === 'number' && ht !== 0 && !this.owned.has(ht)) return false;
    for (const [k, v] of Object.entries(want)) {
      if (OPTIONS.has(k)) continue;
      const got = item.fields[k];
      if (got === undefined) return false;
      if (typeof got === 'string') {
        if (got !== v) return false;
      } else if (got !== this.value(step, k, v)) {
        return false;
      }
    }
    return true;
  }

  private async expect(step: Step, b: Record<string, unknown>): Promise<{ label: string } | undefined> {
    const timeout = (b['timeout'] as number | undefined) ?? DEFAULT_TIMEOUT;
    let found: Item | undefined;
    const look = (): boolean => {
      found = this.items.find((i) => this.matches(step, i, b));
      return found !== undefined;
    };
    const came = await this.until(look, this.clock.now() + timeout);
    if (b['none'] === true) {
      if (came) this.fail(step, `${describe(found!)} came; the step expected no ${describeWanted(b)} within ${timeout} ms`);
      return undefined;
    }
    if (!came) {
      if (b['optional'] === true) return undefined;
      if (typeof b['onTimeout'] === 'string') return { label: b['onTimeout'] };
      const pending = this.items.filter((i) => !i.consumed).slice(-5).map(describe);
      this.fail(step, `no ${describeWanted(b)} within ${timeout} ms${pending.length === 0 ? '' : `; unmatched: ${pending.join('; ')}`}`);
    }
    found!.consumed = true;
    for (const [name, field] of Object.entries((b['capture'] as Record<string, string> | undefined) ?? {})) {
      const v = found!.fields[field];
      if (typeof v !== 'number') this.fail(step, `the ${String(b['event'])} event has no member ${field} to capture`);
      this.vars.set(name, v);
    }
    return undefined;
  }
}

function describe(i: Item): string {
  return `${i.event} ${Object.entries(i.fields).map(([k, v]) => `${k}=${typeof v === 'number' ? named(k, v) : v}`).join(' ')}`;
}

function named(k: string, v: number): string {
  if (k === 'state') return nameOf('LINECALLSTATE', v);
  if (k === 'mediaMode') return nameOf('LINEMEDIAMODE', v);
  if (k === 'status') return nameOf('NDIS_STATUS', v);
  if (k === 'oid') return nameOf('OID', v);
  if (k === 'msg') return nameOf('LINE_MESSAGE', v);
  return k.startsWith('ht') || k.startsWith('hd') || k === 'linkContext' ? `0x${v.toString(16)}` : String(v);
}

function describeWanted(b: Record<string, unknown>): string {
  const rest = Object.entries(b).filter(([k]) => !OPTIONS.has(k));
  return `${String(b['event'])}${rest.length === 0 ? '' : ` with ${rest.map(([k, v]) => `${k}=${String(v)}`).join(' ')}`}`;
}

/** Waits of load calls: resolved when their condition holds (checked as events come and time moves) or at their deadline. */
class WaitList {
  private readonly waiters = new Set<{ done: () => boolean; resolve: (v: boolean) => void; timer: Timer }>();

  constructor(private readonly clock: Clock) {}

  wait(done: () => boolean, deadline: number): Promise<boolean> {
    if (done()) return Promise.resolve(true);
    return new Promise((resolve) => {
      const w = {
        done,
        resolve,
        timer: this.clock.setTimer(Math.max(0, deadline - this.clock.now()), () => {
          this.waiters.delete(w);
          resolve(done());
        }),
      };
      this.waiters.add(w);
    });
  }

  check(): void {
    for (const w of this.waiters) {
      if (!w.done()) continue;
      this.waiters.delete(w);
      w.timer.cancel();
      w.resolve(true);
    }
  }

  cancelAll(): void {
    for (const w of this.waiters) {
      w.timer.cancel();
      w.resolve(false);
    }
    this.waiters.clear();
  }
}

/** Lets promise callbacks run (request results resolve in microtasks). */
function settle(): Promise<void> {
  return new Promise((r) => setImmediate(r));
}

/** Loads nothing: runs an already loaded scenario. */
export async function runScenario(scenario: Scenario, options: RunOptions = {}): Promise<RunResult> {
  return new ScenarioRunner(scenario, options).run();
}
