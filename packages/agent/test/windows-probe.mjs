// Run by node.exe under Wine (packages/agent/test/windows-system.test.ts, windows-input.test.ts): calls the
// agent's Windows code, built in packages/agent/dist, and prints one JSON line
// per result, `{"ok":…}` or `{"error":{"code","message"}}`.
import { pathToFileURL } from 'node:url';
import { join } from 'node:path';

const dist = join(import.meta.dirname, '..', 'dist');
const load = (path) => import(pathToFileURL(join(dist, path)).href);

const [command, ...args] = process.argv.slice(2);

async function run() {
  switch (command) {
    case 'policy': {
      const { loadPolicyFromEnv } = await load('policy/index.js');
      const policy = await loadPolicyFromEnv({ ...process.env, TANDEM_POLICY_SYSTEM: '', TANDEM_POLICY_USER: '' });
      return { sources: policy.sources, control: policy.allows('control'), maxMode: policy.maxMode('control'), lifetime: policy.maxInvitationLifetimeSeconds ?? null, relays: policy.allowedRelays ?? null };
    }
    case 'wininet': {
      const { readWinInetProxy } = await load('system/windows/wininet-settings.js');
      const { winInetProxyFor } = await load('system/wininet-proxy.js');
      const settings = await readWinInetProxy();
      return { settings, relay: winInetProxyFor(settings, args[0]), intranet: winInetProxyFor(settings, args[1]) };
    }
    case 'event-log': {
      const { EventLog } = await load('system/event-log.js');
      const warnings = [];
      const log = new EventLog({ warn: (m) => warnings.push(m) });
      log.enable();
      const technician = { username: 'tanaka', displayName: 'Tanaka Ichiro', team: 'Helpdesk' };
      log.started('S1', technician, 'control', 'https://support.example.com');
      log.modeChanged('S1', 'view');
      log.wrongInvitationPassword('I1', technician, 1, 5);
      log.disconnected('S1', technician, 'TANDEM_ERR_TRUNCATED');
      await log.flush();
      return { warnings };
    }
    case 'name': {
      const os = await import('node:os');
      const { osFullName } = await load('system/os-user.js');
      const { loadWindowsDisplayName } = await load('system/windows/account-name.js');
      return { username: os.userInfo().username, display: loadWindowsDisplayName() ?? null, full: osFullName() };
    }
    case 'clipboard-write': {
      const { WindowsClipboard } = await load('desktop/windows/windows-clipboard.js');
      const clipboard = new WindowsClipboard();
      try {
        await clipboard.writeText(JSON.parse(args[0]));
        return await clipboard.readText();
      } finally {
        clipboard.close();
      }
    }
    case 'clipboard-read': {
      const { WindowsClipboard } = await load('desktop/windows/windows-clipboard.js');
      const clipboard = new WindowsClipboard();
      try {
        return (await clipboard.readText()) ?? null;
      } finally {
        clipboard.close();
      }
    }
    case 'clipboard-bad': {
      const { WindowsClipboard } = await load('desktop/windows/windows-clipboard.js');
      const { CLIPBOARD_LIMITS } = await load('desktop/clipboard.js');
      const clipboard = new WindowsClipboard();
      const refused = async (text) => clipboard.writeText(text).then(() => null, (err) => ({ code: err.code, message: err.message }));
      try {
        await clipboard.writeText('kept');
        const tooLong = await refused('x'.repeat(CLIPBOARD_LIMITS.maxTextUnits + 1));
        // Each \n becomes \r\n: a text that fits only before that is refused too.
        const tooLongOnWindows = await refused('\n'.repeat(CLIPBOARD_LIMITS.maxTextUnits / 2 + 1));
        const notText = await refused(42);
        return { tooLong, tooLongOnWindows, notText, still: await clipboard.readText() };
      } finally {
        clipboard.close();
      }
    }
    case 'desktop': {
      const { WindowsDesktop } = await load('desktop/windows/windows-desktop.js');
      const desktop = await WindowsDesktop.open();
      try {
        const fb = desktop.framebuffer();
        return { width: fb.width, height: fb.height, monitors: desktop.monitors(), dpi: desktop.dpiAwareness, inputDesktop: desktop.inputDesktop };
      } finally {
        await desktop.close();
      }
    }
    case 'desktop-bad': {
      const { WindowsDesktop } = await load('desktop/windows/windows-desktop.js');
      return await WindowsDesktop.open({ pollMs: 0 }).then(() => null, (err) => ({ code: err.code, message: err.message }));
    }
    default:
      throw new Error(`windows-probe: unknown command ${command}`);
  }
}

run().then(
  (ok) => console.log(JSON.stringify({ ok })),
  (err) => {
    console.log(JSON.stringify({ error: { code: err.code ?? null, message: err.message } }));
    process.exitCode = 1;
  },
);
