/**
 * What a run did, step by step, in the terms of a scenario file (docs/scenarios.md), so the
 * scenario writer can replay it: captured names for calls ($c1) and requests ($r7), and
 * literal handles where a request names a call NDISTAPI no longer knows.
 */
export type TranscriptStep = (
  | { readonly step: 'bringUp'; readonly device: number; readonly mediaModes: number }
  | { readonly step: 'offer'; readonly line: number; readonly mediaMode: number; readonly callerId: string; readonly as: string | undefined; readonly refused: boolean }
  | { readonly step: 'remote'; readonly op: 'answer' | 'busy' | 'hangUp'; readonly call: string; readonly refused: boolean }
  | { readonly step: 'policy'; readonly oid: number; readonly mode: 'pend' | 'hold'; readonly delayMs: number }
  | {
      readonly step: 'request';
      readonly oid: number;
      readonly requestId: number;
      readonly call?: string;
      readonly line?: number;
      readonly fields: Readonly<Record<string, number | string>>;
      readonly length?: number;
    }
  | { readonly step: 'makeCall'; readonly line: number; readonly to: string; readonly as: string; readonly requestId: number }
  | { readonly step: 'complete' }
  | { readonly step: 'wait'; readonly ms: number }
) & {
  /** The action it belongs to: -1 for the bring-up, the action count and above for the teardown. */
  readonly action: number;
};
