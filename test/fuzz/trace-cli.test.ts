import fc from 'fast-check';
import { EXIT_BAD_INPUT, EXIT_CHECK_FAILED, EXIT_OK } from '../../cli/exit-codes.js';
import { wanemu, type CliRun } from '../support/cli.js';
import { applyDamage, blocksOf, damage, put, readAll, recordExample, scratch } from './trace-files.js';

/*
 * `wanemu trace show`, `wanemu replay` and `wanemu replay --upper` on damaged recordings: the
 * command always returns an exit code (never throws), prints no stack trace, and a file the
 * reader refuses is exit 2 with a message naming the file. A replay may find divergences in a
 * trace whose records were altered but still read (exit 1); plain `replay` stops at its first
 * divergence and may report that (exit 1) before it reaches a broken block.
 */

const tmp = scratch('wanemu-fuzz-trace-cli-');
afterAll(() => tmp.done());

let original: Uint8Array;
beforeAll(async () => {
  original = await recordExample('incoming-accept-answer.yaml', tmp.path('original.pcapng'));
});

const COMMANDS: ReadonlyArray<readonly string[]> = [['trace', 'show'], ['trace', 'show', '--json'], ['replay'], ['replay', '--all'], ['replay', '--upper']];

/** Plain `replay` stops at the first divergence, so it may never reach a broken block further on. */
const readsToTheEnd = (args: readonly string[]): boolean => !(args.length === 1 && args[0] === 'replay');

async function run(args: readonly string[], path: string): Promise<CliRun> {
  try {
    return await wanemu(...args, path);
  } catch (e) {
    throw new Error(`wanemu ${args.join(' ')} threw ${String(e)}`);
  }
}

function expectNoStackTrace(r: CliRun): void {
  expect(`${r.out}\n${r.err}`).not.toMatch(/^\s+at .+\(.*:\d+:\d+\)$/m);
  expect(r.err).not.toMatch(/\b(TypeError|RangeError|ReferenceError|SyntaxError)\b/);
}

describe.each(COMMANDS)('wanemu %s … on a damaged trace', (...args) => {
  test('an exit code and a message, never an exception or a stack trace; unreadable files exit 2 naming the file', async () => {
    const codes = new Set<number>();
    await fc.assert(
      fc.asyncProperty(damage, async (d) => {
        const damaged = applyDamage(original, d);
        const path = put(tmp.path(`damaged-${args.join('-')}.pcapng`), damaged);
        const read = readAll(path);
        const r = await run(args, path);
        codes.add(r.code);
        expectNoStackTrace(r);
        const show = args[0] === 'trace';
        expect(show ? [EXIT_OK, EXIT_BAD_INPUT] : [EXIT_OK, EXIT_CHECK_FAILED, EXIT_BAD_INPUT]).toContain(r.code);
        if (read.error !== undefined && (readsToTheEnd(args) || r.code !== EXIT_CHECK_FAILED)) {
          expect({ code: r.code, err: r.err }).toEqual({ code: EXIT_BAD_INPUT, err: expect.stringContaining(path) as unknown });
          expect(r.err).toContain(`block ${read.error.block}`);
        } else if (r.code === EXIT_BAD_INPUT) {
          // Read by the reader but refused by the command: still a message about the file.
          expect(r.err).toContain(path);
        }
      }),
      { seed: 0x5eed_0401 + COMMANDS.indexOf(args), numRuns: 150 },
    );
    expect(codes.has(EXIT_BAD_INPUT)).toBe(true);
  });

  test('cut at each block boundary and inside each block: never an exception; the reader’s refusals exit 2', async () => {
    const blocks = blocksOf(original);
    const cuts = [0, 5, ...blocks.flatMap((b) => [b.end, b.offset + 10, (b.offset + b.end) >> 1])];
    for (const cut of cuts) {
      const path = put(tmp.path(`cut-${args.join('-')}.pcapng`), original.subarray(0, cut));
      const read = readAll(path);
      const r = await run(args, path);
      expectNoStackTrace(r);
      if (read.error !== undefined) expect({ cut, code: r.code }).toEqual({ cut, code: EXIT_BAD_INPUT });
      else expect({ cut, ok: r.code === EXIT_OK || r.code === EXIT_CHECK_FAILED }).toEqual({ cut, ok: true });
      if (read.warnings.length > 0) expect(r.err).toContain('warning');
    }
  });
});

describe('remote-party records holding other JSON', () => {
  // Found by this campaign: a flipped byte in a remote record's JSON ("hangUp" → "hangTp") made
  // `wanemu replay` call target.remote["hangTp"] and crash with a TypeError.
  const SHAPES = ['null', '[]', '7', '{}', '"offer"', '{"action":"offes","hdCall":1}', '{"action":"hangUp"}', '{"action":"hangUp","hdCall":"1"}', '{"action":"offer"}',
    '{"action":"fail","hdCall":1,"why":"x"}', '{"action":"constructor","hdCall":1}', '{"action":"toString","hdCall":1}', '{"action":"__proto__","hdCall":1}'];

  test.each(COMMANDS)('wanemu %s …: an exit code, no exception, no stack trace', async (...args) => {
    const remote = readAll(tmp.path('original.pcapng')).records.filter((r) => r.kind === 'remote');
    expect(remote.length).toBeGreaterThan(0);
    for (const r of remote) {
      for (const shape of SHAPES) {
        if (shape.length > r.data.length) continue;
        const damaged = original.slice();
        // The record's data starts 60 bytes into its block: block header 8, EPB fields 20, record header 32.
        damaged.set(new TextEncoder().encode(shape.padEnd(r.data.length, ' ')), r.offset + 60);
        const path = put(tmp.path(`remote-${args.join('-')}.pcapng`), damaged);
        const out = await run(args, path);
        expectNoStackTrace(out);
        expect({ shape, code: out.code === EXIT_OK || out.code === EXIT_CHECK_FAILED }).toEqual({ shape, code: true });
      }
    }
  });
});
