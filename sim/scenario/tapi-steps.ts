import type { NdisTapi, RequestResult } from '../../ndistapi/ndis-tapi.js';
import type { NdisTapiClient } from '../../ndistapi/ndis-tapi-client.js';
import { TapiServer } from '../../tapi/tapi-server.js';
import type { LineApp } from '../../tapi/line-app.js';
import { HandoffPriorities } from '../../tapi/handoff-priorities.js';
import type { LineMessage } from '../../tapi/line-message.js';

/** What the TAPI steps need of the runner: values, captures, failing a step, recording events. */
export interface TapiStepHost {
  value(member: string, v: unknown): number;
  capture(name: string, v: number): void;
  fail(message: string): never;
  /** A message to an application, as an `event: tapi` item with string member `app`. */
  record(app: string, m: LineMessage): void;
  /** The final result of an OID the TAPI server sent, for the run's statistics. */
  counted(r: RequestResult): void;
}

/** The functions a `tapi` step can call, by the name it uses. */
export const TAPI_FUNCTIONS = [
  'answer',
  'accept',
  'drop',
  'secureCall',
  'blindTransfer',
  'redirect',
  'deallocateCall',
  'setCallPrivilege',
  'handoff',
  'getNewCalls',
  'makeCall',
  'close',
  'shutdown',
] as const;
export type TapiFunction = (typeof TAPI_FUNCTIONS)[number];

const ASYNC: ReadonlySet<TapiFunction> = new Set(['answer', 'accept', 'drop', 'secureCall', 'blindTransfer', 'redirect', 'makeCall']);

/**
 * The scenario steps that act as TAPI applications on the TAPI server model (docs/scenarios.md):
 * `app` starts the server if needed, initializes an application and opens its line; `tapi` calls
 * one function as that application and checks its immediate result; the applications' messages
 * become `event: tapi` items that `expect` matches (app, msg, hDevice, callbackInstance, param1-3).
 */
export class TapiSteps {
  private server: TapiServer | undefined;
  private readonly apps = new Map<string, LineApp>();
  private readonly lines = new Map<string, number>();

  constructor(
    private readonly shim: NdisTapi,
    private readonly client: NdisTapiClient,
    private readonly lineCount: number,
  ) {}

  private async started(host: TapiStepHost, priorities: Readonly<Record<string, readonly string[]>> | undefined): Promise<TapiServer> {
    if (this.server !== undefined) return this.server;
    const lists = new HandoffPriorities();
    for (const [mode, names] of Object.entries(priorities ?? {})) lists.set(host.value('mediaMode', mode), names);
    const server = new TapiServer(this.shim, this.client, { priorities: lists, lines: this.lineCount, onResult: (r) => host.counted(r) });
    // A scenario may have brought the provider up with `bringUp`; the server does it otherwise.
    if (!this.shim.initialized) {
      const r = await server.start();
      if (r !== 0) host.fail(`the TAPI server could not initialize the provider: 0x${(r >>> 0).toString(16)}`);
    }
    this.server = server;
    return server;
  }

  /** `app: { name, module?, initContext?, priorities?, open?: { line?, privileges, mediaModes?, context? } }`. */
  async app(host: TapiStepHost, b: Record<string, unknown>): Promise<void> {
    const server = await this.started(host, b['priorities'] as Readonly<Record<string, readonly string[]>> | undefined);
    const name = b['name'] as string;
    if (this.apps.has(name)) host.fail(`an application named ${name} is already initialized`);
    const module = (b['module'] as string | undefined) ?? `${name}.exe`;
    const r = server.initialize(module, name, b['initContext'] === undefined ? 0 : host.value('initContext', b['initContext']));
    if (typeof r === 'number') host.fail(`lineInitialize for ${name} returned 0x${(r >>> 0).toString(16)}`);
    const app = server.app(r.hLineApp)!;
    this.apps.set(name, app);
    app.messages$.subscribe((m) => host.record(name, m));
    const o = b['open'] as Record<string, unknown> | undefined;
    if (o === undefined) return;
    const opened = await server.open(
      app.hLineApp,
      (o['line'] as number | undefined) ?? 0,
      host.value('privileges', o['privileges']),
      o['mediaModes'] === undefined ? 0 : host.value('mediaModes', o['mediaModes']),
      o['context'] === undefined ? 0 : host.value('context', o['context']),
    );
    if (typeof opened === 'number') host.fail(`lineOpen for ${name} returned 0x${(opened >>> 0).toString(16)}`);
    this.lines.set(name, opened.hLine);
    if (typeof o['as'] === 'string') host.capture(o['as'], opened.hLine);
  }

  /**
   * `tapi: { app, do, call?, to?, privilege?, mediaMode?, target?, requestId?, result?, as? }`: the
   * function's immediate result must be `result` when given (a LINEERR_ name or a number), else a
   * success (a positive request id for asynchronous functions, 0 otherwise); `as` captures it.
   */
  async call(host: TapiStepHost, b: Record<string, unknown>): Promise<void> {
    const name = b['app'] as string;
    const app = this.apps.get(name);
    if (app === undefined || this.server === undefined) host.fail(`no application named ${name}: initialize it with an \`app\` step first`);
    const server = this.server;
    const fn = b['do'] as TapiFunction;
    const hCall = (): number => host.value('call', b['call']);
    const requestId = b['requestId'] === undefined ? 0 : host.value('requestId', b['requestId']);
    const to = (b['to'] as string | undefined) ?? '';
    const hLine = this.lines.get(name) ?? 0;
    let result: number;
    switch (fn) {
      case 'answer':
      case 'accept':
      case 'drop':
      case 'secureCall':
        result = server[fn](hCall(), requestId);
        break;
      case 'blindTransfer':
      case 'redirect':
        result = server[fn](hCall(), to, requestId);
        break;
      case 'makeCall':
        result = server.makeCall(hLine, to, requestId);
        break;
      case 'deallocateCall':
        result = await server.deallocateCall(hCall());
        break;
      case 'setCallPrivilege':
        result = server.setCallPrivilege(hCall(), host.value('privilege', b['privilege']));
        break;
      case 'handoff':
        result = server.handoff(hCall(), b['target'] as string | undefined, b['mediaMode'] === undefined ? 0 : host.value('mediaMode', b['mediaMode']));
        break;
      case 'getNewCalls': {
        const got = server.getNewCalls(hLine);
        result = typeof got === 'number' ? got : got.length;
        if (typeof got !== 'number' && typeof b['as'] === 'string' && got.length > 0) host.capture(b['as'], got[0]!);
        break;
      }
      case 'close':
        result = await server.close(hLine);
        break;
      case 'shutdown':
        result = await server.shutdown(app.hLineApp);
        this.apps.delete(name);
        break;
    }
    if (b['result'] !== undefined) {
      const want = host.value('result', b['result']) >>> 0;
      if (result >>> 0 !== want) host.fail(`${fn} returned 0x${(result >>> 0).toString(16)}; the step expected 0x${want.toString(16)}`);
    } else if (result < 0 || (ASYNC.has(fn) && result === 0)) {
      host.fail(`${fn} returned 0x${(result >>> 0).toString(16)}`);
    }
    if (typeof b['as'] === 'string' && fn !== 'getNewCalls') host.capture(b['as'], result >>> 0);
  }
}
