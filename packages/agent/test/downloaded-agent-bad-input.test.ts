/**
 * The downloaded agent against bad input (issue 9, docs/agent-file.md): a
 * damaged or truncated download is refused at start with
 * TANDEM_ERR_AGENT_DAMAGED before anything else happens (nothing is written
 * to the temporary folder); a temporary folder it cannot write gives
 * TANDEM_ERR_TEMP_UNWRITABLE; a download stamped for one relay, given
 * `--relay` another, contacts that one and does not pin it with the stamped
 * fingerprint; the folder of an agent that was killed is removed by the next
 * start; Ctrl+C, SIGTERM and SIGHUP (the window closed) remove the private
 * folder.
 */
import { mkdirSync, readFileSync, rmSync, writeFileSync, chmodSync } from 'node:fs';
import { join, relative } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CustomerMachine, ROOT, LINUX_AGENT, RelayFixture, filesUnder, waitFor } from '@tandem/test-kit';

/** Writes `bytes` as an executable file in the machine's downloads folder. */
function saveAs(customer: CustomerMachine, name: string, bytes: Uint8Array): string {
  const path = join(customer.downloads, name);
  writeFileSync(path, bytes, { mode: 0o755 });
  chmodSync(path, 0o755);
  return path;
}

describe('the downloaded agent refuses bad input', () => {
  const relay = new RelayFixture();
  const other = new RelayFixture();
  const machines: CustomerMachine[] = [];
  let exe = '';
  let bytes = Buffer.alloc(0);
  let techPw = '';

  beforeAll(async () => {
    await relay.start(['--tls', 'self-signed', '--help-desk-name', 'Example Help Desk']);
    await other.start(['--tls', 'self-signed']);
    techPw = await other.addUser('sato', 'technician', undefined, ['--display-name', 'Sato Ken']);
    const customer = machine();
    exe = await customer.download(relay.url);
    bytes = readFileSync(exe);
  });
  afterAll(async () => {
    for (const m of machines) m.remove();
    await other.stop();
    await relay.stop();
  });

  function machine(): CustomerMachine {
    const m = new CustomerMachine();
    machines.push(m);
    return m;
  }

  async function refused(customer: CustomerMachine, path: string): Promise<string> {
    const agent = customer.run(path, ['join', '12345678', '--no-browser']);
    expect(await agent.exitCode()).toBe(1);
    // Nothing ran: no private folder was made, nothing is in the home.
    expect(customer.leftovers()).toEqual({ home: [], tmp: [] });
    return agent.stderrLines.join('\n');
  }

  it('refuses a download with one byte changed inside its parts (libvips)', async () => {
    const customer = machine();
    // A run of bytes from the middle of libvips, as the build embedded it: found in the download, one bit flipped there.
    const libvipsDir = join(ROOT, 'node_modules/@img/sharp-libvips-linux-x64/lib');
    const [libvips] = filesUnder(libvipsDir).filter((f) => f.startsWith('libvips-cpp.so'));
    const library = readFileSync(join(libvipsDir, String(libvips)));
    const probe = library.subarray(library.length >> 1, (library.length >> 1) + 64);
    const at = bytes.indexOf(probe);
    expect(at).toBeGreaterThan(0);
    const damaged = Buffer.from(bytes);
    damaged[at + 10] = (damaged[at + 10] ?? 0) ^ 0x04;
    const stderr = await refused(customer, saveAs(customer, 'damaged', damaged));
    expect(stderr).toMatch(/^error: TANDEM_ERR_AGENT_DAMAGED this Tandem file is damaged or incomplete \(its checksum does not match\); download it again$/m);
  });

  it('refuses a download cut short: its last bytes, or megabytes of its parts', async () => {
    const customer = machine();
    for (const cut of [7, 4096, 5 * 1024 * 1024]) {
      const stderr = await refused(customer, saveAs(customer, `cut-${cut}`, bytes.subarray(0, bytes.length - cut)));
      expect(stderr, `cut ${cut}`).toMatch(/^error: TANDEM_ERR_AGENT_DAMAGED this Tandem file is damaged or incomplete \(its end is missing\); download it again$/m);
    }
  });

  it('says clearly when the temporary folder cannot be written, and leaves nothing', async () => {
    const customer = machine();
    const notAFolder = join(customer.dir, 'not-a-folder');
    writeFileSync(notAFolder, '');
    for (const tmp of [notAFolder, join(customer.dir, 'missing')]) {
      const agent = customer.run(exe, ['join', '12345678', '--no-browser'], { TMPDIR: tmp });
      expect(await agent.exitCode()).toBe(1);
      expect(agent.stderrLines.join('\n')).toMatch(new RegExp(`^error: TANDEM_ERR_TEMP_UNWRITABLE cannot make a private temporary folder in ${tmp} \\(.*\\); set TMPDIR to a folder you can write and start again$`, 'm'));
    }
    expect(customer.leftovers()).toEqual({ home: [], tmp: [] });
  });

  it('with --relay another relay: contacts that one, never pinned with the stamped fingerprint', async () => {
    const customer = machine();
    const copy = saveAs(customer, LINUX_AGENT, bytes);
    const tech = other.tech('sato', techPw, ['--relay-fingerprint', String(other.fingerprint)]);
    const code = (await tech.waitFor(/^code: (\d{8})$/))[1] ?? '';
    // The stamp pins the first relay's certificate; the other relay's is not trusted without its own fingerprint.
    const unpinned = customer.run(copy, ['join', code, '--relay', other.url, '--no-browser', '--no-remove-when-done']);
    expect(await unpinned.exitCode()).toBe(1);
    const refusal = unpinned.stderrLines.join('\n');
    expect(refusal).toMatch(new RegExp(`^error: TANDEM_ERR_TLS_FINGERPRINT the relay at ${other.url} presented a certificate this computer does not trust`, 'm'));
    expect(refusal).not.toMatch(/--relay-fingerprint expects/);
    // The one thing a code session writes under the home: the connection report it names (README, "It leaves nothing behind").
    const report = unpinned.lines.map((l) => /^report: (.+)$/.exec(l)?.[1]).find((p) => p !== undefined) ?? '';
    expect(report.startsWith(join(customer.home, '.local', 'state', 'tandem', 'reports', 'relay-report-'))).toBe(true);
    expect(customer.leftovers().home).toEqual(['.local', '.local/state', '.local/state/tandem', '.local/state/tandem/reports', relative(customer.home, report)]);
    rmSync(join(customer.home, '.local'), { recursive: true });
    // With that relay's own fingerprint it works as tandem join does.
    const agent = other.track(customer.run(copy, ['join', code, '--relay', other.url, '--relay-fingerprint', String(other.fingerprint), '--no-browser', '--no-remove-when-done']));
    await agent.waitFor(/Sato Ken/, 20_000, 'any');
    agent.send('y');
    await tech.waitFor(/^event: accepted chat$/);
    agent.send('/end');
    expect(await agent.exitCode()).toBe(0);
    expect(customer.leftovers()).toEqual({ home: [], tmp: [] });
  });

  it('removes the folder of an agent that was killed, at the next start', async () => {
    const customer = machine();
    // What an agent killed with SIGKILL leaves (its process is gone), and a folder that is not an agent's.
    const stale = join(customer.tmp, 'tandem-agent-999999999-AbC123');
    mkdirSync(join(stale, 'node_modules'), { recursive: true });
    mkdirSync(join(customer.tmp, 'someone-else'));
    const agent = customer.run(exe, ['--help']);
    expect(await agent.exitCode()).toBe(0);
    expect(filesUnder(customer.tmp)).toEqual(['someone-else']);
  });

  it('removes its private folder on Ctrl+C, SIGTERM and SIGHUP (the window closed) while it waits for the code', async () => {
    for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
      const customer = machine();
      const copy = saveAs(customer, LINUX_AGENT, bytes);
      const agent = customer.run(copy, [], { BROWSER: '/bin/false' });
      await agent.waitFor(/^Code: $/, 20_000, 'err');
      expect(filesUnder(customer.tmp).length).toBeGreaterThan(0);
      agent.kill(signal);
      expect(await agent.exitCode(), signal).toBe(0);
      await waitFor(() => filesUnder(customer.tmp).length === 0 || undefined, 5000, `the private folder gone after ${signal}`);
      expect(customer.leftovers(), signal).toEqual({ home: [], tmp: [] });
    }
  });
});
