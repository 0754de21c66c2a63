/**
 * @tandem/test-kit: the repository's test infrastructure, defined once.
 * Real processes on real sockets (the relay, `tandem` on both sides, Xvfb,
 * Chromium), raw signal clients that play honest or hostile peers, the
 * in-memory relay for unit tests of the state machines, and small typed
 * readers for what comes over the wire. Test code only: every package whose
 * tests use it has it as a devDependency, no package's source imports it
 * (lint: eslint-rules/boundaries.js), and tests import it by name, never by
 * path. Vitest and `tsc -p tsconfig.tests.json` read this TypeScript
 * directly: it is not built.
 *
 * One concern per file:
 *
 * | file | what |
 * | --- | --- |
 * | `process.ts`, `line-sink.ts` | `Proc` (a child process whose lines can be awaited), `runProcess`, `LineSink` |
 * | `relay-process.ts` | `RelayFixture` / `startRelayProcess` (the one relay fixture: `url` is its support page, `consoleUrl` its console), `runCli` (the relay CLI) |
 * | `relay-api.ts` | `api` and typed calls: `login`, `createAdmin`, `auditSessions`, `auditSession`, `auditEvents`, readers |
 * | `signal-client.ts`, `signal-sessions.ts` | `WsClient` (typed signals, raw frames), `pairedSession`, `invitationSession`, … |
 * | `memory-relay.ts`, `driver-rig.ts` | `MemoryRelay` (codes, invitations, hostile hooks), `DriverRig` |
 * | `tandem-cli.ts`, `agent-home.ts` | the `tandem` command line (`invite`, `techInvitation`, `agentRun`, `acceptOnTerminal`), `AgentHome` |
 * | `x-display.ts`, `rfb-test-client.ts` | Xvfb, xterm, screenshots, `diff`, `freeDisplay`; `TestRfbClient` |
 * | `hostile-tech.ts`, `hostile-relay.ts`, `vnc-stand-in.ts`, `black-hole.ts` | hostile and broken peers |
 * | `relay-tap.ts` | `RelayTap`: a TCP tap in front of a relay that searches every raw stream and unmasked WebSocket frame for a secret, and plants one as the search's positive control |
 * | `chromium.ts`, `recording-browser.ts` | Chromium for tests (`launchChromium`; `presentAs` a User-Agent and Client Hints; `recordCspViolations`); a `$BROWSER` that records what it was given (`isolate`: its own home and PATH) |
 * | `catalogue.ts`, `glossary.ts` | translation catalogues flattened, their placeholders; docs/glossary.md read, and a catalogue pair checked against it |
 * | `code-signing.ts` | a self-made code-signing certificate, `osslsigncode verify` |
 * | `net-namespace.ts`, `squid.ts`, `nginx.ts`, `proxy-lab.ts` | `NetNamespace` (a test's own network namespace, `onlyUserReaches` a port), `Squid` (Debian's squid: Basic authentication, ssl-bump with a test CA), `startNginx` (nginx terminating TLS in front of the relay), `ProxyLab` (the relay behind a packet filter only squid or nginx passes, a PAC server, both clients inside) |
 * | `customer-machine.ts` | the downloaded agent: `CustomerMachine` (no Node on PATH, empty home and TMPDIR, `leftovers()`), `fetchDownload` |
 * | `wine/` | the Wine harness: `WinePrefix` (a fresh prefix per test file on an Xvfb, `node()` runs the official Windows node.exe), `WineProc` (output to files, lines to its console), `TestWindow` (a Windows program that records its input) |
 * | `temp-dir.ts`, `temp-dir-setup.ts`, `temp-dir-global.ts` | `tempDir` (removed when its test file ends), and the run's check that no `tandem-*` folder is left (vitest setup files) |
 * | `webauthn.ts` | `VirtualAuthenticator` (Chromium's, through the DevTools protocol), `signAssertion` (a WebAuthn assertion signed in the test with a credential's key) |
 * | `wait.ts`, `ports.ts`, `ws-frames.ts`, `repo-paths.ts`, `thrown.ts` | small helpers |
 *
 * The old helpers, and what replaced them (mostly an import change):
 *
 * | old | new |
 * | --- | --- |
 * | `relay/test/helpers.ts` `startRelayProcess(opts)`, `type RelayProcess` | `startRelayProcess(opts)`, `RelayFixture` |
 * | `relay.stop(signal)` (process only, keeps the data) | `relay.shutdown(signal)` |
 * | `cleanup(relay)` | `relay.stop()` |
 * | `relay.process.exitCode`, `relay.stderr()`, `relay.stdout` | `relay.proc.child.exitCode`, `relay.proc.stderrLines`, `relay.proc.lines` |
 * | `addUserCli(relay, name, { role, password, displayName, team })` | `relay.addUser(name, role, password, ['--display-name', …, '--team', …])` (returns the password file) |
 * | `tempDir()` (relay and rfb harness) | `tempDir(prefix?)` |
 * | `waitFor(check, ms, what)` (relay), `until(cond, ms)` (tech rig) | `waitFor(check, ms, what)` |
 * | `api(…).json.code` (`any`) | `api(…).json?.code` (`unknown`); `readLogin`, `readUsers`, `readSetupLink`, `readAuditSessions`, `readAuditEvents` |
 * | `auditSession`/`auditEvents` rows (`any`) | protocol's `AuditSession`/`AuditEvent`, read and checked |
 * | `ws.signal()` (`any`) | `ws.signal()` (`RelaySignal`), `ws.signal('paired')` (that type or an error), `narrowSignal(s, t)` |
 * | `ws.send(anything)` | `ws.send(ClientSignal)`; `ws.sendRaw(text or bytes)` for malformed frames |
 * | `agent/test/harness.ts` `new RelayFixture()`, `start(extra)`, `stop()`, `addUser`, `tech`, `join`, `agent`, `file`, `track` | the same; `addUser`'s default password is now {@link PASSWORD} |
 * | `relay.login(user, pw)` | `login(relay, user, pw)` |
 * | `relay.api<T>(path, token)` | `auditSessions(relay, token)`, `auditEvents(relay, token)`, or `api(relay, 'GET', path, { token })` |
 * | `type AuditSession` (harness) | protocol's `AuditSession` |
 * | `Proc`, `AgentHome`, `BlackHole`, `closedPortUrl`, `invite`, `techInvitation`, `agentRun` | the same |
 * | `protocol/test/memory-relay.ts` `new MemoryRelay({ onFrame })`, `relay.signal(side, s)` | the same on the one `MemoryRelay`; technician sessions sign in with `GOOD_TOKEN` |
 * | `tech/test/memory-relay.ts` `MemoryRelay`, `GOOD_TOKEN`, `MEMORY_RELAY_URL`, `TECHNICIAN` | the same |
 * | `tech/test/driver-rig.ts` `new DriverRig(opts)`, `LineSink`, `until` | `new DriverRig({ drive: driveTechSession, ...opts })`, `LineSink`, `waitFor` |
 * | `agent/test/rfb-harness.ts` `startXvfb`, `startXterm`, `screenshot`, `rgbOf`, `diff`, `sleep`, `TestRfbClient`, … | the same; `screenshot(display, dir, crop?)`, `xwdFile` for the file itself; `readFile` is `readFileSync` |
 * | `agent/test/screen-harness.ts` `HostileTech`, `acceptOnTerminal`, `appears`, `stepUpToControl`, `waitModeCount` | the same; `HostileTech.start(relay, …)` takes anything with a `url`, `waitEvent` narrows with a type guard |
 * | `vnc-stand-in.ts`, `ws-frames.ts`, `recording-browser.ts`, `hostile-relay.ts` | the same |
 * | `console/test/chromium.ts` `CHROMIUM_ARGS`, `CHROMIUM_PATH` | the same; `launchChromium()` |
 * | local `freePort`, `waitPort`, `freeDisplay`, `run` in the screen tests | `freePort`, `waitPort`, `freeDisplay(from, to)`, `runProcess` (its result has `code`, not `status`) |
 * | `address() as AddressInfo` | `listeningPort(server)` |
 *
 * `Proc.waitFor` now also fails as soon as the process's output ended
 * without the line (instead of at the timeout), and `Proc.exited` waits for
 * the output to be read to its end, so lines printed before the exit are
 * there once the exit code is.
 */
export * from './agent-home.js';
export * from './black-hole.js';
export * from './catalogue.js';
export * from './chromium.js';
export * from './code-signing.js';
export * from './customer-machine.js';
export * from './driver-rig.js';
export * from './glossary.js';
export * from './played-peer.js';
export * from './scripted-relay.js';
export * from './transition-log.js';
export * from './hostile-relay.js';
export * from './hostile-tech.js';
export * from './line-sink.js';
export * from './memory-relay.js';
export * from './net-namespace.js';
export * from './nginx.js';
export * from './ports.js';
export * from './process.js';
export * from './proxy-lab.js';
export * from './recording-browser.js';
export * from './relay-api.js';
export * from './relay-process.js';
export * from './relay-tap.js';
export * from './repo-paths.js';
export * from './rfb-test-client.js';
export * from './signal-client.js';
export * from './signal-sessions.js';
export * from './squid.js';
export * from './tandem-cli.js';
export * from './temp-dir.js';
export * from './thrown.js';
export * from './vnc-stand-in.js';
export * from './wait.js';
export * from './webauthn.js';
export * from './wine/index.js';
export * from './ws-frames.js';
export * from './x-display.js';
