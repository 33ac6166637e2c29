import { MiniportWrapper } from '../miniport-wrapper.js';

/**
 * A deliberately broken miniport, built at the seam around a correct one (the simulated miniport
 * or a native library): a MiniportWrapper whose variant overrides the request path, what the
 * inner miniport indicates or what it completes. The variants are the proof that
 * `wanemu explore` finds such bugs.
 */
export abstract class FaultyMiniport extends MiniportWrapper {}
