import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import type { DesktopProxySource } from './desktop-proxy.js';
import { ProxyResolver, type ProxyResolverOptions } from './proxy-resolver.js';
import { describeRoute } from './proxy-route.js';

const dir = mkdtempSync(join(tmpdir(), 'tandem-resolver-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const RELAY = 'https://relay.example:8443';
const noWpad = async (): Promise<string[]> => [];

async function choose(o: Partial<ProxyResolverOptions>): Promise<{ source: string; routes: string[]; consulted: string[] }> {
  const c = await new ProxyResolver({ env: {}, wpad: noWpad, ...o }).choose(RELAY);
  return { source: c.source, routes: c.routes.map(describeRoute), consulted: c.consulted.map((x) => x.source) };
}

const manualDesktop: DesktopProxySource = {
  name: 'test desktop',
  read: async () => ({ manual: () => ({ kind: 'proxy', proxy: { host: 'desk.corp', port: 1 } }), summary: 'manual' }),
};

describe('ProxyResolver: the first source that answers wins, in the documented order', () => {
  const file = join(dir, 'proxy.txt');
  writeFileSync(file, 'Proxy=file.corp:3128\n');
  const pac = join(dir, 'p.pac');
  writeFileSync(pac, 'function FindProxyForURL(u, h) { return "PROXY pac.corp:1; DIRECT"; }');
  const all: Partial<ProxyResolverOptions> = {
    policy: { proxy: 'policy.corp:8080', where: '/etc/tandem/policy.json' },
    proxyFiles: [join(dir, 'absent.txt'), file],
    env: { HTTPS_PROXY: 'http://env.corp:3128' },
    pacUrl: pathToFileURL(pac).href,
    desktop: [manualDesktop],
  };

  it('policy, then proxy file, then environment, then PAC, then desktop, then direct', async () => {
    expect((await choose(all)).routes).toEqual(['PROXY policy.corp:8080']);
    expect((await choose({ ...all, policy: undefined })).routes).toEqual(['PROXY file.corp:3128']);
    expect((await choose({ ...all, policy: undefined, proxyFiles: [] })).routes).toEqual(['PROXY env.corp:3128']);
    const fromPac = await choose({ ...all, policy: undefined, proxyFiles: [], env: {} });
    expect(fromPac).toMatchObject({ source: 'PAC', routes: ['PROXY pac.corp:1', 'DIRECT'] });
    expect((await choose({ ...all, policy: undefined, proxyFiles: [], env: {}, pacUrl: undefined })).routes).toEqual(['PROXY desk.corp:1']);
    const direct = await choose({});
    expect(direct.source).toBe('direct');
    expect(direct.consulted).toEqual(['policy', 'environment', 'PAC', 'WPAD', 'direct']);
  });

  it('NO_PROXY in the environment answers DIRECT there', async () => {
    const c = await choose({ env: { https_proxy: 'http://env.corp:1', NO_PROXY: '.example' } });
    expect(c).toMatchObject({ source: 'environment', routes: ['DIRECT'] });
  });

  it('a PAC that cannot be fetched is noted and the next source asked', async () => {
    const c = await new ProxyResolver({ env: {}, wpad: noWpad, pacUrl: pathToFileURL(join(dir, 'missing.pac')).href, desktop: [manualDesktop] }).choose(RELAY);
    expect(c.source).toBe('desktop settings');
    expect(c.consulted.find((x) => x.source.startsWith('PAC from --pac'))?.answer).toMatch(/^failed: /);
  });

  it('adds credentials given for a proxy in memory, and the report never sees them', async () => {
    const r = new ProxyResolver({ env: { HTTPS_PROXY: 'http://env.corp:3128' }, wpad: noWpad });
    r.setCredentials({ host: 'env.corp', port: 3128 }, 'sato', 'secret');
    const [route] = await r.routesFor(RELAY);
    expect(route).toEqual({ kind: 'proxy', proxy: { host: 'env.corp', port: 3128, username: 'sato', password: 'secret' } });
    expect(JSON.stringify(r.choices())).not.toContain('secret');
  });
});
