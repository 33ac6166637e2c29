import { TraceCursor, type TraceWarning } from './trace-cursor.js';
import type { TraceRecord } from './trace-record.js';

export type { TraceWarning } from './trace-cursor.js';

/**
 * Reads a wanemu pcapng trace as a stream, in chunks, with flat memory: yields each record of
 * the enhanced packet blocks in order, each a record of its own with its own copy of the bytes.
 * A file cut off inside a block (a crash while recording) ends the stream at the last whole
 * block and reports a warning through `onWarning`. A file that is not a wanemu trace, a block
 * whose lengths are wrong, or a record of an unknown version throws TraceFormatError naming the
 * file, the block number and its byte offset. (TraceCursor reads the same records without
 * making one per block.)
 */
export function* readTrace(
  path: string,
  onWarning: (w: TraceWarning) => void = () => undefined,
  /** The section header's comments (opt_comment): wanemu's run configuration, as JSON. */
  onComment: (text: string) => void = () => undefined,
): Generator<TraceRecord> {
  const cursor = new TraceCursor(path, onWarning, onComment);
  try {
    while (cursor.next()) yield cursor.record();
  } finally {
    cursor.close();
  }
}
