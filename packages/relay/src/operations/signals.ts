/**
 * The signals `tandem-relay start` answers: SIGTERM and SIGINT stop it (a
 * drain first with `--drain-timeout`; a second signal ends the drain at
 * once), SIGHUP reloads the certificate files and reopens the log file.
 */
import type { RelayHandle } from '../server.js';

const STOP_SIGNALS = ['SIGTERM', 'SIGINT'] as const;

/** Resolves once `signal` of {@link STOP_SIGNALS} came, with the listeners removed. */
function nextStop(): Promise<void> {
  return new Promise((resolve) => {
    const stop = (): void => {
      for (const s of STOP_SIGNALS) process.off(s, stop);
      resolve();
    };
    for (const s of STOP_SIGNALS) process.on(s, stop);
  });
}

/** Resolves once the relay was stopped by a signal and has closed. */
export async function runUntilStopped(relay: RelayHandle, drainTimeoutMs: number | undefined): Promise<void> {
  const hangUp = (): void => {
    relay.reopenLog();
    // Resolves in every case: a refused pair is logged, and the pair in use stays.
    relay.reloadTls().catch((err: unknown) => process.stderr.write(`tandem-relay: certificate reload failed: ${String(err)}\n`));
  };
  process.on('SIGHUP', hangUp);
  await nextStop();
  if (drainTimeoutMs === undefined) {
    await relay.close();
  } else {
    nextStop()
      .then(() => relay.close())
      .catch((err: unknown) => process.stderr.write(`tandem-relay: close failed: ${String(err)}\n`));
    await relay.drain(drainTimeoutMs);
  }
  process.off('SIGHUP', hangUp);
}
