/** A trace file that cannot be read: names the file, the block, its byte offset and what was expected. */
export class TraceFormatError extends Error {
  constructor(
    readonly file: string,
    readonly block: number,
    readonly offset: number,
    readonly expected: string,
  ) {
    super(`${file}: block ${block} at byte ${offset}: ${expected}`);
    this.name = 'TraceFormatError';
  }
}
