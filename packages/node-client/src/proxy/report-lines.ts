/**
 * The proxy and route sections of the diagnostic report (issue 12): each
 * source consulted and its answer, the winner, the PAC result, and per relay
 * and route the steps of {@link ConnectionTrace}. Routes print without
 * credentials; nothing here ever held a password or a code.
 */
import type { RouteAttempt } from './connection-trace.js';
import type { ProxyChoice } from './proxy-resolver.js';
import { describeRoute } from './proxy-route.js';

/** Lines about how the proxy was found for each relay. */
export function proxyReportLines(choices: readonly ProxyChoice[]): string[] {
  if (choices.length === 0) return ['Proxy:', '  (not looked up: no connection was attempted)'];
  const lines: string[] = [];
  for (const choice of choices) {
    lines.push(`Proxy for ${choice.relay}:`);
    for (const c of choice.consulted) lines.push(`  - ${c.source}: ${c.answer}`);
    lines.push(`  Chosen: ${choice.source} -> ${choice.routes.map(describeRoute).join('; ')}`);
    lines.push(`  PAC result: ${choice.pacResult === undefined ? '(no PAC script ran)' : JSON.stringify(choice.pacResult)}`);
  }
  return lines;
}

/** Lines of every attempt, step by step. */
export function attemptReportLines(attempts: readonly RouteAttempt[]): string[] {
  if (attempts.length === 0) return ['Connection attempts: (none recorded)'];
  const lines = ['Connection attempts, in order:'];
  attempts.forEach((a, i) => {
    lines.push(`  ${i + 1}. ${a.relay} via ${a.route}`);
    lines.push(`     DNS:        ${a.dns ?? '(not reached)'}`);
    lines.push(`     TCP:        ${a.tcp ?? '(not reached)'}`);
    lines.push(`     Proxy:      ${a.route === 'DIRECT' ? '(no proxy)' : (a.proxyStatus ?? '(no answer)')}`);
    lines.push(`     TLS:        ${a.tls ?? '(not reached)'}`);
    lines.push(`     Cert SHA-256: ${a.fingerprint ?? '(none seen)'}`);
    lines.push(`     WebSocket:  ${a.upgrade ?? '(not reached)'}`);
    lines.push(`     Result:     ${a.result ?? '(unfinished)'}`);
  });
  return lines;
}
