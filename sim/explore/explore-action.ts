import { nameOf } from '../../oid/index.js';

/** Which call a request names: one NDISTAPI knows (by position), one it closed, or a handle never issued. */
export type CallTarget = { readonly kind: 'live'; readonly pick: number } | { readonly kind: 'stale'; readonly pick: number } | { readonly kind: 'bogus' };

/** How the miniport is told to answer the request (a `next` completion policy for its OID). */
export type ExplorePolicy = { readonly mode: 'sync' } | { readonly mode: 'pend'; readonly delayMs: number } | { readonly mode: 'hold' };

export type CallOp = 'accept' | 'answer' | 'drop' | 'closeCall' | 'getCallStatus' | 'setAppSpecific' | 'dial';
export type LineOp = 'open' | 'close' | 'detect';
export type RemoteOp = 'answer' | 'busy' | 'hangUp';

/**
 * One generated step of an exploration: the far end acts, NDISTAPI sends a request (valid or
 * not: wrong handles, wrong states, short buffers) under a completion policy, a held request
 * completes, or the clock moves. Every action is meaningful in any state, so a sequence stays
 * valid whatever shrinking removes from it.
 */
export type ExploreAction =
  | { readonly do: 'offer'; readonly line: number; readonly mediaMode: number; readonly callerId: string }
  | { readonly do: 'remote'; readonly op: RemoteOp; readonly pick: number }
  | { readonly do: 'call'; readonly op: CallOp; readonly target: CallTarget; readonly policy: ExplorePolicy; readonly short: boolean }
  | { readonly do: 'line'; readonly op: LineOp; readonly line: number; readonly mediaModes: number; readonly policy: ExplorePolicy; readonly short: boolean }
  | { readonly do: 'makeCall'; readonly line: number; readonly dest: string }
  | { readonly do: 'complete' }
  | { readonly do: 'advance'; readonly ms: number };

function policyText(p: ExplorePolicy): string {
  return p.mode === 'sync' ? '' : p.mode === 'pend' ? ` (pended ${p.delayMs} ms)` : ' (held)';
}

function targetText(t: CallTarget): string {
  return t.kind === 'bogus' ? 'a handle never issued' : `${t.kind === 'live' ? 'known' : 'closed'} call #${t.pick}`;
}

/** One line for an action, for summaries. */
export function describeAction(a: ExploreAction): string {
  switch (a.do) {
    case 'offer':
      return `the far end offers a ${nameOf('LINEMEDIAMODE', a.mediaMode)} call on line ${a.line}`;
    case 'remote':
      return `the far end ${a.op === 'hangUp' ? 'hangs up' : a.op === 'busy' ? 'is busy on' : 'answers'} known call #${a.pick}`;
    case 'call':
      return `${a.op} ${targetText(a.target)}${a.short ? ' with a short buffer' : ''}${policyText(a.policy)}`;
    case 'line':
      return `${a.op === 'detect' ? `set media detection ${nameOf('LINEMEDIAMODE', a.mediaModes)} on` : a.op} line ${a.line}${a.short ? ' with a short buffer' : ''}${policyText(a.policy)}`;
    case 'makeCall':
      return `MAKE_CALL on line ${a.line}${a.dest === '' ? ' (dial later)' : ` to ${a.dest}`}`;
    case 'complete':
      return 'complete the oldest pended request';
    case 'advance':
      return `advance the clock ${a.ms} ms`;
  }
}
