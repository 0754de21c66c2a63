import { describe, expect, it } from 'vitest';
import { parsePacAnswer, runPacScript } from './pac-script.js';
import { describeRoute } from './proxy-route.js';

describe('PAC scripts', () => {
  it('run in QuickJS with the PAC functions, the answer read in order', async () => {
    const script = 'function FindProxyForURL(url, host) { alert("not on stdout"); if (shExpMatch(host, "*.example")) return "PROXY a.corp:8080; HTTP b.corp:80; SOCKS s:1080; DIRECT"; return "DIRECT"; }';
    const answer = await runPacScript(script, 'https://relay.example:8443');
    const { routes, skipped } = parsePacAnswer(answer);
    expect(routes.map(describeRoute)).toEqual(['PROXY a.corp:8080', 'PROXY b.corp:80', 'DIRECT']);
    expect(skipped).toEqual(['SOCKS s:1080']);
  });

  it('give the script no Node: require and process are not there', async () => {
    const script = 'function FindProxyForURL() { return typeof require + " " + typeof process; }';
    expect(await runPacScript(script, 'https://x.example')).toBe('undefined undefined');
  });

  it('stop a script that never returns', async () => {
    await expect(runPacScript('function FindProxyForURL() { for (;;) {} }', 'https://x.example')).rejects.toThrow(/PAC: the script failed: interrupted/);
  }, 20_000);
});
