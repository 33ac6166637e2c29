import { Subject, type Observable } from 'rxjs';
import type { LineMessage } from './line-message.js';

/** A line an application opened (lineOpen): its handle, privileges, media modes and context. */
export interface OpenLine {
  readonly hLine: number;
  readonly app: LineApp;
  readonly deviceId: number;
  /** LINECALLPRIVILEGE_ bits: NONE, MONITOR, OWNER, or MONITOR | OWNER (SetDefaultMediaDetection may change OWNER). */
  privileges: number;
  /** LINEMEDIAMODE_ bits the application takes calls of (owners only). */
  mediaModes: number;
  /** LINEDEVSTATE_ bits the application wants LINE_LINEDEVSTATE for (lineSetStatusMessages; REINIT always). */
  lineStates: number;
  /** LINEADDRESSSTATE_ bits it wants LINE_ADDRESSSTATE for. */
  addressStates: number;
  /** dwCallbackInstance of the line's and its calls' messages. */
  readonly openContext: number;
  readonly apiVersion: number;
  /** Opening order on the server: the default priority among unlisted applications. */
  readonly order: number;
}

/**
 * A line application (lineInitialize): its module and friendly names (a remote MS-TRP client's
 * are its computer name), its init context, the lines it opened, and its message queue.
 */
export class LineApp {
  /** Messages not yet taken, oldest first (lineGetMessage). */
  readonly queue: LineMessage[] = [];
  readonly lines = new Map<number, OpenLine>();
  private readonly out = new Subject<LineMessage>();
  readonly messages$: Observable<LineMessage> = this.out.asObservable();

  constructor(
    readonly hLineApp: number,
    readonly moduleName: string,
    readonly friendlyName: string,
    readonly initContext: number,
  ) {}

  post(m: LineMessage): void {
    this.queue.push(m);
    this.out.next(m);
  }

  /** Takes the oldest message (lineGetMessage without waiting). */
  take(): LineMessage | undefined {
    return this.queue.shift();
  }
}
