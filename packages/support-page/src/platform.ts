/**
 * Which computer the visitor is on, so the support page offers the right
 * download first. User-Agent Client Hints (WICG UA-CH, `navigator.userAgentData`,
 * the low-entropy `platform` and `mobile`) where the browser offers them,
 * since the User-Agent string is frozen and may lie about the platform; the
 * User-Agent string otherwise (Firefox, Safari, and Chromium on pages that
 * are not a secure context).
 */
import { AGENT_PLATFORMS, type AgentPlatform } from '@tandem/protocol';

/** What the page makes of the visitor's device. */
export type Device = 'windows' | 'linux' | 'macos' | 'chromeos' | 'mobile' | 'unknown';

/** What the browser tells about itself. */
export interface BrowserHints {
  userAgent: string;
  /** `navigator.userAgentData` where the browser has it (`platform` may be empty). */
  clientHints?: { platform: string; mobile: boolean } | undefined;
}

/** Client Hints platform names (Sec-CH-UA-Platform) and what they mean here. */
const HINT_PLATFORMS: Readonly<Record<string, Device>> = {
  windows: 'windows',
  linux: 'linux',
  macos: 'macos',
  'chrome os': 'chromeos',
  'chromium os': 'chromeos',
  android: 'mobile',
  ios: 'mobile',
};

/**
 * User-Agent patterns, most specific first: Android's says Linux, a Windows
 * phone's says Windows, an iPad's or iPhone's says Mac OS X.
 */
const AGENT_PATTERNS: readonly (readonly [RegExp, Device])[] = [
  [/Android|iPhone|iPad|iPod|Windows Phone|Mobile/i, 'mobile'],
  [/Windows|Win64|Win32/i, 'windows'],
  [/CrOS/, 'chromeos'],
  [/Macintosh|Mac OS X/i, 'macos'],
  [/Linux|X11/i, 'linux'],
];

/** The visitor's device: from the Client Hints when they name a platform, else from the User-Agent string. */
export function detectDevice(hints: BrowserHints): Device {
  const ch = hints.clientHints;
  if (ch !== undefined && ch.platform !== '') {
    if (ch.mobile) return 'mobile';
    const device = HINT_PLATFORMS[ch.platform.trim().toLowerCase()];
    if (device !== undefined) return device;
  }
  return AGENT_PATTERNS.find(([pattern]) => pattern.test(hints.userAgent))?.[1] ?? 'unknown';
}

/** The downloads in the order the page lists them: the device's own first (`primary`) when there is one for it. */
export function downloadOrder(device: Device): { primary: AgentPlatform | undefined; others: AgentPlatform[] } {
  if (device === 'windows' || device === 'linux') return { primary: device, others: AGENT_PLATFORMS.filter((p) => p !== device) };
  // No agent for this device: every one listed, in protocol's order.
  return { primary: undefined, others: [...AGENT_PLATFORMS] };
}

/** Reads `navigator.userAgentData` (not in TypeScript's DOM types), checking its shape. */
export function clientHintsOf(nav: Navigator): BrowserHints['clientHints'] {
  const data: unknown = Reflect.get(nav, 'userAgentData');
  if (typeof data !== 'object' || data === null) return undefined;
  const platform: unknown = Reflect.get(data, 'platform');
  const mobile: unknown = Reflect.get(data, 'mobile');
  return typeof platform === 'string' && typeof mobile === 'boolean' ? { platform, mobile } : undefined;
}
