import type { Completion } from '../miniport.js';
import { FaultyMiniport } from './faulty-miniport.js';

/**
 * Completes every pended request twice (NdisMSetInformationComplete called again from a second
 * path, the DoubleComplete bug of Driver Verifier): ndis-tapi.md §9 allows exactly one.
 */
export class CompletesTwice extends FaultyMiniport {
  protected override completedInner(c: Completion): void {
    this.completeUp(c);
    this.completeUp(c);
  }
}
