/**
 * index.html: what a browser without JavaScript gets. Its plain links are
 * exactly the relay's download paths (protocol's AGENT_DOWNLOADS), and it
 * holds no form, no input and no inline script or style (the relay's CSP
 * would block them, and the page must never ask for the code).
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { AGENT_DOWNLOADS, AGENT_PLATFORMS } from '@tandem/protocol';

const html = readFileSync(new URL('../index.html', import.meta.url), 'utf8');

describe("the support page's index.html", () => {
  it("links to exactly the relay's download paths for a browser without JavaScript", () => {
    const hrefs = [...html.matchAll(/href="(\/download\/[^"]*)"/g)].map((m) => m[1]);
    expect(hrefs).toEqual(AGENT_PLATFORMS.map((p) => AGENT_DOWNLOADS[p].path));
  });

  it('holds no form, input, inline script or inline style', () => {
    expect(html).not.toMatch(/<(form|input|textarea|select|style)\b/i);
    expect(html).not.toMatch(/\sstyle=/i);
    expect(html).not.toMatch(/\son[a-z]+=/i);
    // The one script is the module the build bundles, loaded from the relay (script-src 'self').
    expect([...html.matchAll(/<script\b[^>]*>/g)].map((m) => m[0])).toEqual(['<script type="module" src="./src/main.ts">']);
  });
});
