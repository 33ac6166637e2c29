import type { LineApp, OpenLine } from './line-app.js';

/** One asynchronous request the server has answered with a request id and owes a LINE_REPLY. */
export interface AsyncRequest {
  /** The id the application was given (its own when it chose one). */
  readonly requestId: number;
  /** The open the request was made through: the line's (MakeCall) or the call handle's. */
  readonly open: OpenLine;
}

/**
 * The server's table of outstanding asynchronous requests (ms-trp.md §5.1): each has a request
 * id and is owed one LINE_REPLY. lineClose cancels the requests made through the open it closes,
 * lineShutdown those of the application (§7.6: "outstanding async replies are suppressed",
 * "outstanding async requests are cancelled"); a cancelled request's completion finds nothing
 * here and no LINE_REPLY goes out. An entry leaves the table when its request completes or is
 * cancelled, whichever comes first.
 */
export class AsyncRequests {
  private readonly table = new Map<number, AsyncRequest>();
  private nextKey = 1;
  private nextId = 1;

  /** A positive request id: the client's own when it gave one in 1..0x7FFFFFFF, else a fresh one. */
  requestId(given: number): number {
    if (given >= 1 && given <= 0x7fff_ffff) return given;
    const id = this.nextId;
    this.nextId = this.nextId >= 0x7fff_ffff ? 1 : this.nextId + 1;
    return id;
  }

  /** Enters a request; the key names it to `finish`. */
  add(requestId: number, open: OpenLine): number {
    const key = this.nextKey++;
    this.table.set(key, { requestId, open });
    return key;
  }

  /** The request has completed: its entry, removed, or undefined when it was cancelled meanwhile. */
  finish(key: number): AsyncRequest | undefined {
    const r = this.table.get(key);
    this.table.delete(key);
    return r;
  }

  /** Whether a request is still outstanding (neither completed nor cancelled). */
  has(key: number): boolean {
    return this.table.has(key);
  }

  /** lineClose: the requests made through `open` are cancelled. */
  cancelOpen(open: OpenLine): void {
    for (const [key, r] of this.table) if (r.open === open) this.table.delete(key);
  }

  /** lineShutdown: the application's requests are cancelled. */
  cancelApp(app: LineApp): void {
    for (const [key, r] of this.table) if (r.open.app === app) this.table.delete(key);
  }

  /** How many requests are outstanding. */
  get size(): number {
    return this.table.size;
  }
}
