#!/usr/bin/env node
// The full test suite, as the README's test command (`npm test`) runs it:
// installs what the tests need from the system when missing, builds, checks
// types and lint with zero warnings, then runs unit and integration tests.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { ensureTestServices } from './test-services.mjs';

/** System programs the tests drive, and the Debian packages that provide them. */
const SYSTEM_NEEDS = [
  { path: '/usr/bin/chromium', pkg: 'chromium' },
  // Japanese glyphs for Chromium, so the Japanese screens render (and screenshots show them) on a fresh machine.
  { path: '/usr/share/fonts/opentype/ipafont-gothic/ipag.ttf', pkg: 'fonts-ipafont-gothic' },
  { path: '/usr/bin/logger', pkg: 'bsdutils' },
  // A real desktop and independent RFB peers for the screen tests.
  { path: '/usr/bin/Xvfb', pkg: 'xvfb' },
  { path: '/usr/bin/xterm', pkg: 'xterm' },
  { path: '/usr/bin/xdotool', pkg: 'xdotool' },
  { path: '/usr/bin/xwd', pkg: 'x11-apps' },
  { path: '/usr/bin/xrandr', pkg: 'x11-xserver-utils' },
  { path: '/usr/bin/vncsnapshot', pkg: 'vncsnapshot' },
  { path: '/usr/bin/xtigervncviewer', pkg: 'tigervnc-viewer' },
  { path: '/usr/bin/Xtigervnc', pkg: 'tigervnc-standalone-server' },
  { path: '/usr/bin/x11vnc', pkg: 'x11vnc' },
  // The customer's clipboard on a test desktop (the bridge must not pass it on).
  { path: '/usr/bin/xclip', pkg: 'xclip' },
  { path: '/usr/bin/convert', pkg: 'imagemagick' },
  // Reads the Windows policy templates (docs/policy/*.admx, *.adml) as XML.
  { path: '/usr/bin/xmllint', pkg: 'libxml2-utils' },
  // Windows under Wine for the Windows agent's tests (packages/test-kit/src/wine/); script (bsdutils) gives its programs a console.
  { path: '/usr/lib/wine/wine64', pkg: 'wine64' },
  { path: '/usr/bin/script', pkg: 'bsdutils' },
  // The proxy tests (issue 12): squid with ssl-bump, the namespace's packet filter, nginx in front of the relay.
  { path: '/usr/sbin/squid', pkg: 'squid-openssl' },
  { path: '/usr/sbin/iptables', pkg: 'iptables' },
  { path: '/usr/sbin/nginx', pkg: 'nginx' },
];

function run(cmd, args, opts = {}) {
  console.log(`\n$ ${[cmd, ...args].join(' ')}`);
  const r = spawnSync(cmd, args, { stdio: 'inherit', ...opts });
  if (r.status !== 0) {
    console.error(`test: ${cmd} ${args.join(' ')} failed (exit ${r.status ?? r.signal})`);
    process.exit(r.status ?? 1);
  }
}

const missing = SYSTEM_NEEDS.filter((n) => !existsSync(n.path)).map((n) => n.pkg);
if (missing.length > 0) {
  if (process.getuid?.() !== 0) {
    console.error(`test: missing system packages ${missing.join(' ')}; install them (apt-get install ${missing.join(' ')}) or run as root`);
    process.exit(1);
  }
  run('apt-get', ['update', '-q']);
  run('apt-get', ['install', '-y', '-q', '--no-install-recommends', ...missing], { env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' } });
}

// PostgreSQL and Redis answering on loopback, installed and started when not (scripts/test-services.mjs): no database test skips.
ensureTestServices();

run('npm', ['run', 'build']);
run('npx', ['tsc', '-p', 'packages/console', '--noEmit']);
run('npx', ['tsc', '-p', 'tsconfig.tests.json']);
run('npx', ['eslint', '--max-warnings', '0', '.']);
run('npx', ['vitest', 'run']);
// A short fuzzing run: each target replays its committed corpus and explores from a fixed seed (docs/security.md, "Fuzzing every parser").
run('node', ['scripts/fuzz.mjs', '--seconds', '2']);
