/**
 * `/sysinfo` in `tandem tech session` and `tandem tech invitation`: asks the
 * customer for their computer's system information and prints one
 * `sysinfo: KEY: VALUE` line per item then `event: sysinfo-done`, or
 * `event: sysinfo-refused` (README, "System information").
 */
import type { SysinfoEvent, TechnicianSession } from '@tandem/protocol';
import type { LineOutput } from '@tandem/node-client';

/** Asks once; resolves when the answer is printed. */
export function requestSysinfo(session: TechnicianSession, out: LineOutput): Promise<void> {
  return new Promise<void>((resolve) => {
    const id = session.sysinfo.request();
    const stop = session.sysinfo.onEvent((event: SysinfoEvent) => {
      if (event.id !== id) return;
      if (event.type === 'sysinfo') {
        for (const item of event.items) out.line(`sysinfo: ${item.key}: ${item.value}`);
        out.event('sysinfo-done');
      } else if (event.type === 'sysinfo-refused') {
        out.event('sysinfo-refused');
      } else {
        return;
      }
      stop();
      resolve();
    });
    // A session that ends first answers nothing: the line is done.
    const ended = session.onEvent((event) => {
      if (event.type !== 'ended' && event.type !== 'failed') return;
      ended();
      stop();
      resolve();
    });
  });
}
