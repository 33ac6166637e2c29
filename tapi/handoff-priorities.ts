import {
  LINEMEDIAMODE_ADSI,
  LINEMEDIAMODE_DATAMODEM,
  LINEMEDIAMODE_DIGITALDATA,
  LINEMEDIAMODE_G3FAX,
  LINEMEDIAMODE_G4FAX,
  LINEMEDIAMODE_INTERACTIVEVOICE,
  LINEMEDIAMODE_MIXED,
  LINEMEDIAMODE_TDD,
  LINEMEDIAMODE_TELETEX,
  LINEMEDIAMODE_TELEX,
  LINEMEDIAMODE_VIDEOTEX,
} from '../oid/index.js';

/**
 * The handoff priority lists (ms-trp.md §7.2): per media mode (one LINEMEDIAMODE_ bit, UNKNOWN
 * for the unknown application), application module names, highest priority first. Matching is
 * by module name, without case, as TAPI compares file names; a remote MS-TRP client's module name
 * is its computer name.
 */
export class HandoffPriorities {
  private readonly lists = new Map<number, readonly string[]>();

  constructor(lists: Readonly<Record<number, readonly string[]>> = {}) {
    for (const [mode, names] of Object.entries(lists)) this.set(Number(mode), names);
  }

  /** Replaces the list of one media mode. */
  set(mediaMode: number, names: readonly string[]): void {
    this.lists.set(mediaMode >>> 0, names.map((n) => n.toLowerCase()));
  }

  /** The list of one media mode, highest first (empty when none is set). */
  list(mediaMode: number): readonly string[] {
    return this.lists.get(mediaMode >>> 0) ?? [];
  }

  /**
   * lineSetAppPriority: 1 puts the application first, 0 takes it out; false for any other
   * priority or a mode of more than one bit.
   */
  setAppPriority(moduleName: string, mediaMode: number, priority: number): boolean {
    if (mediaMode === 0 || (mediaMode & (mediaMode - 1)) !== 0 || (priority !== 0 && priority !== 1)) return false;
    const name = moduleName.toLowerCase();
    const rest = this.list(mediaMode).filter((n) => n !== name);
    this.lists.set(mediaMode >>> 0, priority === 1 ? [name, ...rest] : rest);
    return true;
  }

  /**
   * Orders candidates for a media mode: the listed ones in list order, then the unlisted ones in
   * the order given (the order they opened the line: docs/tapi.md, decision 5).
   */
  order<T>(mediaMode: number, candidates: readonly T[], moduleOf: (c: T) => string): T[] {
    const list = this.list(mediaMode);
    const rank = (c: T): number => {
      const i = list.indexOf(moduleOf(c).toLowerCase());
      return i < 0 ? list.length : i;
    };
    return candidates.map((c, i) => ({ c, i, r: rank(c) })).sort((a, b) => a.r - b.r || a.i - b.i).map((x) => x.c);
  }
}

/** The probing order of candidate media modes when UNKNOWN is set (ms-trp.md §7.4). */
export const PROBING_ORDER: readonly number[] = [
  LINEMEDIAMODE_INTERACTIVEVOICE,
  LINEMEDIAMODE_DATAMODEM,
  LINEMEDIAMODE_G3FAX,
  LINEMEDIAMODE_TDD,
  LINEMEDIAMODE_G4FAX,
  LINEMEDIAMODE_DIGITALDATA,
  LINEMEDIAMODE_TELETEX,
  LINEMEDIAMODE_VIDEOTEX,
  LINEMEDIAMODE_TELEX,
  LINEMEDIAMODE_MIXED,
  LINEMEDIAMODE_ADSI,
];
