/**
 * Opens the consent page in the customer's browser: `$BROWSER` when set
 * (the first entry of a colon-separated list; `%s` stands for the URL, as in
 * the BROWSER convention), `xdg-open` otherwise. The opener runs detached:
 * the agent does not wait for the browser and never ends it.
 */
import { spawn } from 'node:child_process';

/** The outcome of trying to open the page. */
export type OpenResult = { ok: true } | { ok: false; reason: string };

/** The program and arguments that open `url`, from `$BROWSER` or `xdg-open`. */
export function openerCommand(url: string, browserEnv: string | undefined): { command: string; args: string[] } {
  const entry = (browserEnv ?? '').split(':').map((s) => s.trim()).find((s) => s !== '');
  if (entry === undefined) return { command: 'xdg-open', args: [url] };
  const [command = entry, ...rest] = entry.split(/\s+/);
  const hasPlaceholder = rest.some((w) => w.includes('%s')) || command.includes('%s');
  const args = rest.map((w) => w.replace(/%s/g, url));
  return { command, args: hasPlaceholder ? args : [...args, url] };
}

/**
 * Starts the opener. Resolves `ok: false` when it cannot be started or exits
 * non-zero; `ok: true` when it exits 0 or is still running after `settleMs`
 * (a browser started directly keeps running).
 */
export function openBrowser(url: string, browserEnv: string | undefined, settleMs = 3000): Promise<OpenResult> {
  const { command, args } = openerCommand(url, browserEnv);
  return new Promise((resolve) => {
    let settled = false;
    const settle = (result: OpenResult): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      resolve(result);
    };
    const child = spawn(command, args, { stdio: 'ignore', detached: true });
    child.once('error', (err) => settle({ ok: false, reason: `cannot run ${command}: ${err.message}` }));
    child.once('exit', (code, signal) => {
      settle(code === 0 ? { ok: true } : { ok: false, reason: `${command} exited with ${code ?? signal}` });
    });
    const timer = setTimeout(() => {
      child.unref();
      settle({ ok: true });
    }, settleMs);
  });
}
