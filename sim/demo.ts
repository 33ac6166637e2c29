import { LINEMEDIAMODE_DIGITALDATA, LINECALLSTATE_IDLE } from '../oid/index.js';
import { SimulatedMiniport } from '../miniport/simulated-miniport.js';
import { ExchangeFormatter } from '../ndistapi/exchange-text.js';
import { NdisTapi } from '../ndistapi/ndis-tapi.js';
import { NdisTapiClient } from '../ndistapi/ndis-tapi-client.js';
import { Verifier } from '../ndistapi/verifier/verifier.js';
import { VirtualClock } from './virtual-clock.js';
import { TraceRecorder } from '../trace/trace-recorder.js';

/** What the built-in demo printed and found. */
export interface DemoResult {
  readonly lines: readonly string[];
  readonly exchanges: number;
  readonly violations: number;
}

/**
 * The built-in demo (`npm start`): the simulated miniport under NdisTapi and the verifier, on
 * the virtual clock, through four flows: an incoming call accepted then answered, one answered
 * without ACCEPT, one never answered that times out to IDLE, and an outgoing call. Every
 * exchange becomes one line with names, not numbers.
 */
export async function runDemo(options: { readonly tracePath?: string } = {}): Promise<DemoResult> {
  const clock = new VirtualClock();
  const miniport = new SimulatedMiniport({ clock, offerTimeoutMs: 10_000 });
  const shim = new NdisTapi(miniport, clock);
  const client = new NdisTapiClient(shim);
  const verifier = new Verifier(shim, miniport.abi, miniport.variant);
  const recorder = options.tracePath === undefined ? undefined : TraceRecorder.attach(shim, options.tracePath, miniport.abi, miniport.variant, clock, miniport.remote, miniport.config);
  const lines: string[] = [];
  let exchanges = 0;
  const formatter = new ExchangeFormatter(miniport.abi, miniport.variant);
  shim.exchanges$.subscribe((x) => {
    exchanges++;
    const text = formatter.format(x);
    if (text !== undefined) lines.push(text);
  });
  verifier.violations$.subscribe((v) => lines.push(`          !! ${v.rule}: ${v.detail}`));
  lines.push(`wanemu demo: a simulated ${miniport.abi} WAN miniport (${miniport.config.lines} ISDN lines) under NDISTAPI and the contract verifier, on the virtual clock`);
  const heading = (text: string): void => {
    lines.push('', `-- ${text}`);
  };
  const newCall = (): number => {
    const call = shim.calls.get([...shim.calls.keys()].pop() ?? 0);
    if (call === undefined) throw new Error('demo: the offered call was not indicated');
    return call.htCall;
  };

  heading('bring-up: NDISWAN asks for the WAN info, NDISTAPI initializes the provider, opens line 0, detects digital data');
  await client.wanGetInfo();
  await client.initialize(0);
  const htLine = shim.htLineFor(0);
  await client.open(0);
  await client.setDefaultMediaDetection(htLine, LINEMEDIAMODE_DIGITALDATA);

  heading('1. an incoming call, accepted, then answered, then hung up by the caller');
  miniport.remote.offer({ mediaMode: LINEMEDIAMODE_DIGITALDATA, callerId: '5551001' });
  let htCall = newCall();
  await client.accept(htCall);
  await client.answer(htCall);
  await client.getId({ htCall }, 'ndis');
  clock.advance(60_000);
  miniport.remote.hangUp(client.hdCall(htCall));
  await client.drop(htCall);
  await client.closeCall(htCall);

  heading('2. an incoming call answered without ACCEPT, dropped locally');
  clock.advance(1_000);
  miniport.remote.offer({ mediaMode: LINEMEDIAMODE_DIGITALDATA, callerId: '5551002' });
  htCall = newCall();
  await client.answer(htCall);
  clock.advance(30_000);
  await client.drop(htCall);
  await client.closeCall(htCall);

  heading('3. an incoming call nobody takes: IDLE after the offer timeout, then closed');
  miniport.remote.offer({ mediaMode: LINEMEDIAMODE_DIGITALDATA, callerId: '5551003' });
  htCall = newCall();
  clock.advance(10_000);
  if (shim.calls.get(htCall)?.state === LINECALLSTATE_IDLE) await client.closeCall(htCall);

  heading('4. an outgoing call to 5552000: dialing, proceeding, ringback, connected, then dropped');
  const made = await client.makeCall(htLine, '5552000');
  clock.advance(1_000);
  await client.getId({ htCall: made.htCall }, 'ndis');
  clock.advance(45_000);
  await client.drop(made.htCall);
  await client.closeCall(made.htCall);

  heading('teardown');
  await client.close(htLine);
  await client.shutdown();

  recorder?.close();
  const summary = `${exchanges} exchanges, ${verifier.violations.length} verifier violations, ${(clock.now() / 1000).toFixed(0)} s of virtual time`;
  lines.push('', summary);
  return { lines, exchanges, violations: verifier.violations.length };
}
