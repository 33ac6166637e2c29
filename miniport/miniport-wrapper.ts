import { Subject, type Observable } from 'rxjs';
import type { RequestKind } from '../oid/index.js';
import type { ByteCounts, Completion, MiniportSink, StatusIndication } from './miniport.js';
import type { PolicyControls, RemoteControls, ScriptableMiniport } from './scriptable-miniport.js';
import type { SimulatedMiniportConfig } from './sim-config.js';

/**
 * A miniport at the seam around another (the simulated miniport or a native library):
 * everything passes through unchanged except what a subclass overrides, the request path
 * (`request`), what the inner miniport indicates (`fromInner`) or completes (`completedInner`);
 * a subclass may also raise indications and completions of its own (`indicateUp`, `completeUp`).
 */
export class MiniportWrapper implements ScriptableMiniport {
  readonly abi;
  readonly variant;
  readonly config: SimulatedMiniportConfig;
  readonly remote: RemoteControls;
  readonly policies: PolicyControls;
  readonly indications$: Observable<StatusIndication>;
  readonly completions$: Observable<Completion>;
  private readonly indications = new Subject<StatusIndication>();
  private readonly completions = new Subject<Completion>();
  private sinks: MiniportSink[] = [];
  private readonly detachInner: () => void;

  constructor(readonly inner: ScriptableMiniport) {
    this.abi = inner.abi;
    this.variant = inner.variant;
    this.config = inner.config;
    this.remote = inner.remote;
    this.policies = inner.policies;
    this.indications$ = this.indications.asObservable();
    this.completions$ = this.completions.asObservable();
    this.detachInner = inner.attach({ indicate: (status, buffer) => this.fromInner(status, buffer), complete: (c) => this.completedInner(c) });
  }

  request(requestId: number, kind: RequestKind, oid: number, buffer: Uint8Array, counts: ByteCounts): number {
    return this.inner.request(requestId, kind, oid, buffer, counts);
  }

  get outstanding(): readonly number[] {
    return this.inner.outstanding;
  }

  complete(requestId?: number): boolean {
    return this.inner.complete(requestId);
  }

  dispose(): void {
    this.detachInner();
    this.inner.dispose();
  }

  attach(sink: MiniportSink): () => void {
    this.sinks = [...this.sinks, sink];
    return () => {
      this.sinks = this.sinks.filter((s) => s !== sink);
    };
  }

  /** What the inner miniport indicates; passed up unchanged unless a variant overrides it. */
  protected fromInner(status: number, buffer: Uint8Array): void {
    this.indicateUp(status, buffer);
  }

  /** A completion of the inner miniport; passed up unchanged unless a variant overrides it. */
  protected completedInner(c: Completion): void {
    this.completeUp(c);
  }

  /** NdisMIndicateStatus to the layer above. */
  protected indicateUp(status: number, buffer: Uint8Array): void {
    for (const s of this.sinks) s.indicate(status, buffer);
    if (this.indications.observed) this.indications.next({ status, buffer });
  }

  /** NdisM{Query,Set}InformationComplete to the layer above. */
  protected completeUp(c: Completion): void {
    for (const s of this.sinks) s.complete(c);
    if (this.completions.observed) this.completions.next(c);
  }
}
