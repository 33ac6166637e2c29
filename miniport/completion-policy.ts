/**
 * How the simulated miniport answers a request (ndis-tapi.md §9): at once, or with
 * NDIS_STATUS_PENDING and a completion later. The buffer length is always checked first, at
 * once, as a real miniport does before it can queue anything; the work itself is done when
 * the request completes, so a pended request's effects show at its completion.
 */
export type CompletionPolicy =
  /** Do the work and return its status. */
  | { readonly mode: 'sync' }
  /** Return NDIS_STATUS_PENDING; do the work and complete `delayMs` clock milliseconds later. */
  | { readonly mode: 'pend'; readonly delayMs: number }
  /** Return NDIS_STATUS_PENDING; do the work and complete when the test calls `complete()`. */
  | { readonly mode: 'hold' }
  /**
   * Do no work and answer `status`, at once or, with `pend`, as the completion of a pended
   * request after `delayMs`.
   */
  | { readonly mode: 'force'; readonly status: number; readonly pend?: boolean; readonly delayMs?: number };

export const SYNC: CompletionPolicy = { mode: 'sync' };

/** The policies in force: one-shot ones for the next requests, then per OID, then the default. */
export class CompletionPolicies {
  private fallback: CompletionPolicy = SYNC;
  private readonly perOid = new Map<number, CompletionPolicy>();
  private readonly next: Array<{ readonly policy: CompletionPolicy; readonly oid: number | undefined }> = [];

  /** The policy of every request that no other rule covers. */
  setDefault(policy: CompletionPolicy): void {
    this.fallback = policy;
  }

  /** The policy of every request for `oid`; `undefined` removes it. */
  setForOid(oid: number, policy: CompletionPolicy | undefined): void {
    if (policy === undefined) this.perOid.delete(oid);
    else this.perOid.set(oid, policy);
  }

  /** The policy of the next request (for `oid`, when given); queued in order. */
  setForNext(policy: CompletionPolicy, oid?: number): void {
    this.next.push({ policy, oid });
  }

  /** The policy for a request, consuming a one-shot rule that matches it. */
  take(oid: number): CompletionPolicy {
    if (this.next.length === 0 && this.perOid.size === 0) return this.fallback;
    if (this.next.length > 0) {
      const i = this.next.findIndex((n) => n.oid === undefined || n.oid === oid);
      if (i >= 0) return this.next.splice(i, 1)[0]!.policy;
    }
    return this.perOid.get(oid) ?? this.fallback;
  }

  reset(): void {
    this.fallback = SYNC;
    this.perOid.clear();
    this.next.length = 0;
  }
}
