import { describe, expect, it } from 'vitest';
import { detectDevice, downloadOrder, type Device } from './platform.js';

/** User-Agent strings as the browsers send them. */
const UA = {
  chromeWindows: 'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0.0.0 Safari/537.36',
  firefoxWindows: 'Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:127.0) Gecko/20100101 Firefox/127.0',
  edgeWindows: 'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0.0.0 Safari/537.36 Edg/126.0.0.0',
  firefoxLinux: 'Mozilla/5.0 (X11; Linux x86_64; rv:127.0) Gecko/20100101 Firefox/127.0',
  chromeLinux: 'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0.0.0 Safari/537.36',
  ubuntuFirefox: 'Mozilla/5.0 (X11; Ubuntu; Linux x86_64; rv:127.0) Gecko/20100101 Firefox/127.0',
  safariMac: 'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4 Safari/605.1.15',
  chromebook: 'Mozilla/5.0 (X11; CrOS x86_64 14541.0.0) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0.0.0 Safari/537.36',
  android: 'Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0.0.0 Mobile Safari/537.36',
  androidTablet: 'Mozilla/5.0 (Linux; Android 13; SM-X710) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0.0.0 Safari/537.36',
  iphone: 'Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4 Mobile/15E148 Safari/604.1',
  ipad: 'Mozilla/5.0 (iPad; CPU OS 17_4 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4 Mobile/15E148 Safari/604.1',
  windowsPhone: 'Mozilla/5.0 (Windows Phone 10.0; Android 6.0.1; Microsoft; Lumia 950) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/52.0 Mobile Safari/537.36 Edge/15.15063',
  curl: 'curl/8.5.0',
};

describe('detectDevice', () => {
  it.each<[string, string, Device]>([
    ['Chrome on Windows', UA.chromeWindows, 'windows'],
    ['Firefox on Windows', UA.firefoxWindows, 'windows'],
    ['Edge on Windows', UA.edgeWindows, 'windows'],
    ['Firefox on Linux', UA.firefoxLinux, 'linux'],
    ['Chrome on Linux', UA.chromeLinux, 'linux'],
    ['Firefox on Ubuntu', UA.ubuntuFirefox, 'linux'],
    ['Safari on a Mac', UA.safariMac, 'macos'],
    ['a Chromebook', UA.chromebook, 'chromeos'],
    ['an Android phone (its string says Linux)', UA.android, 'mobile'],
    ['an Android tablet', UA.androidTablet, 'mobile'],
    ['an iPhone (its string says Mac OS X)', UA.iphone, 'mobile'],
    ['an iPad', UA.ipad, 'mobile'],
    ['a Windows phone (its string says Windows)', UA.windowsPhone, 'mobile'],
    ['a program that is no browser', UA.curl, 'unknown'],
    ['an empty string', '', 'unknown'],
  ])('reads %s from the User-Agent string when there are no Client Hints', (_what, userAgent, device) => {
    expect(detectDevice({ userAgent })).toBe(device);
    // Hints that name no platform are no hints.
    expect(detectDevice({ userAgent, clientHints: { platform: '', mobile: false } })).toBe(device);
  });

  it.each<[string, Device]>([
    ['Windows', 'windows'],
    ['Linux', 'linux'],
    ['macOS', 'macos'],
    ['Chrome OS', 'chromeos'],
    ['Chromium OS', 'chromeos'],
    ['Android', 'mobile'],
    ['iOS', 'mobile'],
  ])('takes the Client Hints platform %s over the User-Agent string', (platform, device) => {
    // The string is frozen and may name another platform; the hints are what the browser says now.
    expect(detectDevice({ userAgent: UA.chromeLinux, clientHints: { platform, mobile: false } })).toBe(device);
  });

  it('takes a mobile hint as a phone or tablet, whatever the platform', () => {
    expect(detectDevice({ userAgent: UA.chromeWindows, clientHints: { platform: 'Windows', mobile: true } })).toBe('mobile');
  });

  it('falls back to the User-Agent string for a platform the hints name but the page does not know', () => {
    expect(detectDevice({ userAgent: UA.chromeWindows, clientHints: { platform: 'Unknown', mobile: false } })).toBe('windows');
    expect(detectDevice({ userAgent: UA.curl, clientHints: { platform: 'Fuchsia', mobile: false } })).toBe('unknown');
  });
});

describe('downloadOrder', () => {
  it("offers the device's own agent first and lists the other", () => {
    expect(downloadOrder('windows')).toEqual({ primary: 'windows', others: ['linux'] });
    expect(downloadOrder('linux')).toEqual({ primary: 'linux', others: ['windows'] });
  });

  it.each<Device>(['macos', 'chromeos', 'mobile', 'unknown'])('lists every agent, none offered as the device\'s own, for %s', (device) => {
    expect(downloadOrder(device)).toEqual({ primary: undefined, others: ['windows', 'linux'] });
  });
});
