import { LINEMEDIAMODE_DIGITALDATA, nameOf } from '../../oid/index.js';
import type { Exchange } from '../../ndistapi/exchange.js';
import type { LineEvent } from '../../ndistapi/line-event.js';
import { NdisTapi } from '../../ndistapi/ndis-tapi.js';
import { NdisTapiClient } from '../../ndistapi/ndis-tapi-client.js';
import { SimulatedMiniport } from '../../miniport/simulated-miniport.js';
import type { SimulatedMiniportOptions } from '../../miniport/sim-config.js';
import { VirtualClock } from '../../sim/virtual-clock.js';
import { Verifier } from '../../ndistapi/verifier/verifier.js';

/** A simulated miniport under the NdisTapi shim on a virtual clock, with everything recorded. */
export class Rig {
  readonly clock = new VirtualClock();
  readonly miniport: SimulatedMiniport;
  readonly shim: NdisTapi;
  readonly client: NdisTapiClient;
  /** Checks every exchange; a flow that follows the contract leaves `verifier.violations` empty. */
  readonly verifier: Verifier;
  readonly events: LineEvent[] = [];
  readonly exchanges: Array<{ readonly type: Exchange['type']; readonly name: string; readonly status?: number; readonly bytes: Uint8Array }> = [];

  constructor(options: SimulatedMiniportOptions = {}) {
    this.miniport = new SimulatedMiniport({ ...options, clock: this.clock });
    this.shim = new NdisTapi(this.miniport, this.clock);
    this.client = new NdisTapiClient(this.shim);
    this.verifier = new Verifier(this.shim, this.miniport.abi, this.miniport.variant);
    this.shim.events$.subscribe((e) => this.events.push(e));
    this.shim.exchanges$.subscribe((x) => {
      const name = x.type === 'indication' || x.type === 'indicationReturn' ? (nameOf('NDIS_STATUS', x.status)) : (nameOf('OID', x.oid));
      this.exchanges.push({ type: x.type, name, ...(x.type === 'request' ? {} : { status: x.status }), bytes: x.buffer.slice() });
    });
  }

  /** PROVIDER_INITIALIZE, OPEN of device 0, SET_DEFAULT_MEDIA_DETECTION; returns htLine. */
  async bringUp(mediaModes = LINEMEDIAMODE_DIGITALDATA, deviceId = 0): Promise<number> {
    await this.client.initialize(0);
    const open = await this.client.open(deviceId);
    const htLine = this.shim.htLineFor(deviceId);
    if (open.status !== 0) throw new Error(`OPEN failed: ${open.status}`);
    await this.client.setDefaultMediaDetection(htLine, mediaModes);
    return htLine;
  }

  /** The events since the last call, then forgets them. */
  take(): LineEvent[] {
    return this.events.splice(0);
  }
}
