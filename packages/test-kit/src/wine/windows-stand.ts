/**
 * The stand the Windows agent's integration tests share: an Xvfb, a fresh
 * Wine prefix on it, a relay with one technician, a customer's machine
 * (empty home, nothing of the test's own environment), and the Windows agent
 * downloaded from that relay (`/download/tandem-windows-x64.exe`, stamped).
 * One stand per test file.
 */
import { CustomerMachine, WINDOWS_AGENT } from '../customer-machine.js';
import { RelayFixture } from '../relay-process.js';
import { startXvfb, type Xvfb } from '../x-display.js';
import { WinePrefix } from './wine-prefix.js';
import type { WineProc } from './wine-process.js';

/** A started stand; stop() ends everything it started (and the Wine programs given to track()). */
export interface WindowsStand {
  xvfb: Xvfb;
  wine: WinePrefix;
  relay: RelayFixture;
  /** The technician `kato`'s password file. */
  techPw: string;
  customer: CustomerMachine;
  /** The downloaded agent's path on the customer's machine. */
  exe: string;
  /** Runs the downloaded agent under Wine with `args`, in the customer's environment; stopped with the stand. */
  agent(args: string[]): WineProc;
  stop(): Promise<void>;
}

/** Starts a stand with an Xvfb of `width` x `height` at 24 bits. */
export async function startWindowsStand(width: number, height: number): Promise<WindowsStand> {
  const xvfb = await startXvfb(`${width}x${height}x24`);
  const relay = new RelayFixture();
  const customer = new CustomerMachine();
  const running: WineProc[] = [];
  let wine: WinePrefix | undefined;
  const stop = async (): Promise<void> => {
    for (const p of running) p.kill();
    await relay.stop();
    await wine?.close();
    customer.remove();
    xvfb.stop();
  };
  try {
    wine = await WinePrefix.create(xvfb.display);
    await relay.start();
    const techPw = await relay.addUser('kato', 'technician');
    const exe = await customer.download(relay.url, WINDOWS_AGENT);
    const prefix = wine;
    return {
      xvfb, wine: prefix, relay, techPw, customer, exe, stop,
      agent: (args) => {
        const p = prefix.run('agent', exe, args, { base: customer.env() });
        running.push(p);
        return p;
      },
    };
  } catch (err) {
    await stop();
    throw err;
  }
}
