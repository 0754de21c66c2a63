/**
 * The customer's agent's way to the relay (issue 12, docs/proxy.md): the
 * shared proxy resolver of @tandem/node-client with what only the agent
 * has, the local policy's proxy settings and, on Windows, WinINet's
 * settings; and the one trace of every attempt, for the diagnostic report
 * written when no relay could be reached.
 */
import { readFileSync } from 'node:fs';
import {
  ConnectionTrace,
  clientProxyResolver,
  writeDiagnosticReport,
  type CommandContext,
  type DesktopProxySource,
  type ProxyResolver,
  type RelayFailure,
} from '@tandem/node-client';
import { toTandemError } from '@tandem/protocol';
import type { EffectivePolicy } from '../policy/index.js';
import { winInetProxyFor, type WinInetProxySettings } from '../system/wininet-proxy.js';
import { readWinInetProxy } from '../system/windows/wininet-settings.js';

/** The agent's routes and their record. */
export interface AgentRoutes {
  routes: ProxyResolver;
  trace: ConnectionTrace;
}

/** WinINet's settings (the current user's Internet Settings) as a desktop source. */
export function winInetProxySource(read: () => Promise<WinInetProxySettings> = () => readWinInetProxy()): DesktopProxySource {
  return {
    name: 'Windows (WinINet Internet Settings)',
    read: async () => {
      const settings = await read();
      const manual = { ...settings };
      delete manual.autoConfigUrl;
      const named = Object.entries(settings.proxies).map(([p, a]) => `${p}=${a.host}:${a.port}`).join(' ');
      return {
        ...(settings.autoConfigUrl !== undefined ? { pacUrl: settings.autoConfigUrl } : {}),
        manual: (target: URL) => {
          const choice = winInetProxyFor(manual, target.href);
          // A SOCKS proxy is not spoken to (docs/proxy.md): WinINet's choice of it leaves the direct route.
          return choice.kind === 'proxy' && choice.protocol !== 'socks' ? { kind: 'proxy', proxy: { ...choice.proxy } } : undefined;
        },
        summary: `${settings.autoConfigUrl !== undefined ? `AutoConfigURL ${settings.autoConfigUrl}, ` : ''}proxies ${named || '(none)'}, bypass ${settings.bypass.join(';') || '(none)'}`,
      };
    },
  };
}

/** The routes for this agent: policy, proxy.txt, environment, PAC, desktop settings, direct. */
export function agentRoutes(ctx: CommandContext, policy: EffectivePolicy, pacUrl: string | undefined, executableDir?: string): AgentRoutes {
  const proxy = policy.proxy();
  return {
    routes: clientProxyResolver({
      env: ctx.env,
      pacUrl,
      executableDir,
      policy: proxy,
      desktop: process.platform === 'win32' ? [winInetProxySource()] : [],
    }),
    trace: new ConnectionTrace(),
  };
}

/**
 * Writes the diagnostic report and prints `report: FILE`, or says why it
 * could not; returns the report's path and text (for the local page's
 * "Save report" and "Copy"), undefined when it could not be written.
 */
export function reportFailure(
  ctx: CommandContext,
  args: { what: string; failures: readonly RelayFailure[]; timeoutMs: number; routes: AgentRoutes; now: number },
): { path: string; text: string } | undefined {
  try {
    const path = writeDiagnosticReport({ env: ctx.env, now: args.now, what: args.what, failures: args.failures, timeoutMs: args.timeoutMs, proxy: args.routes.routes, trace: args.routes.trace });
    ctx.out.line(`report: ${path}`);
    ctx.out.say(`A report for your support contact is in ${path}.`);
    return { path, text: readFileSync(path, 'utf8') };
  } catch (err) {
    ctx.out.say(`Could not write the diagnostic report (${toTandemError(err).message}).`);
    return undefined;
  }
}
