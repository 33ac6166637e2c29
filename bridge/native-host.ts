/*
 * The child process of IsolatedMiniport: loads a native library through NativeMiniport and
 * serves wanemu's frames (bridge/host-protocol.ts), synchronously, until told to close or until
 * the library takes the process down, which is the point: wanemu survives it.
 *
 * Usage: node native-host.js <library> <frames-in FIFO> <frames-out FIFO> <config> [threaded]
 */
import { openSync } from 'node:fs';
import { NDIS_STATUS_PENDING } from '../oid/index.js';
import { NativeMiniport } from './native-miniport.js';
import { FRAME, fromUtf8, readFrame, utf8, writeFrame, type Frame } from './host-protocol.js';

const [library, inPath, outPath, config, calls] = process.argv.slice(2);
if (library === undefined || inPath === undefined || outPath === undefined) {
  process.stderr.write('usage: native-host <library> <frames-in> <frames-out> [config]\n');
  process.exit(2);
}
const inFd = openSync(inPath, 'r');
const outFd = openSync(outPath, 'w');

let m: NativeMiniport;
try {
  m = await NativeMiniport.open(library, { config: config ?? '', threadedCalls: calls === 'threaded' });
} catch (e) {
  writeFrame(outFd, FRAME.opened, 1, 0, 0, 0, utf8.encode((e as Error).message));
  process.exit(0);
}
writeFrame(outFd, FRAME.opened, 0);

/** Buffers of pended requests, sent back with their completions. */
const pended = new Map<number, Uint8Array>();

m.attach({
  indicate(status, buffer) {
    writeFrame(outFd, FRAME.indication, status, 0, 0, 0, buffer);
    const ack = serve(FRAME.ack);
    if (ack !== undefined) buffer.set(ack.payload.subarray(0, Math.min(ack.payload.length, buffer.length)));
  },
  complete(c) {
    const buffer = pended.get(c.requestId) ?? new Uint8Array(0);
    pended.delete(c.requestId);
    writeFrame(outFd, FRAME.completion, c.requestId, c.status, c.bytesUsed, c.bytesNeeded, buffer);
  },
});

/** Serves frames until one of type `until` arrives (returned), or forever. */
function serve(until?: number): Frame | undefined {
  for (;;) {
    const f = readFrame(inFd);
    if (f === undefined) process.exit(0);
    if (f.type === until) return f;
    switch (f.type) {
      case FRAME.request: {
        const buffer = f.payload;
        const counts = { bytesUsed: 0, bytesNeeded: 0 };
        const status = m.request(f.a, f.b === 1 ? 'set' : 'query', f.c, buffer, counts);
        if (status === NDIS_STATUS_PENDING) pended.set(f.a, buffer);
        writeFrame(outFd, FRAME.result, status, counts.bytesUsed, counts.bytesNeeded, 0, buffer);
        break;
      }
      case FRAME.control: {
        let reply: string;
        let status = 0;
        try {
          reply = m.control(fromUtf8.decode(f.payload));
        } catch (e) {
          status = 1;
          reply = (e as Error).message;
        }
        writeFrame(outFd, FRAME.controlResult, status, 0, 0, 0, utf8.encode(reply));
        break;
      }
      case FRAME.pull:
        m.poll();
        writeFrame(outFd, FRAME.done);
        break;
      case FRAME.close:
        m.close();
        writeFrame(outFd, FRAME.done);
        process.exit(0);
    }
  }
}

serve();
