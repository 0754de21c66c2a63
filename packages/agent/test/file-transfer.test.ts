/**
 * Files through a real relay between the technician's client and the agent,
 * as separate processes (issue 11; README, "Files"): 200 MB each way with
 * equal hashes, refusal, cancelling from each side mid-way, the local policy
 * refusing without asking, and a full disk (a 1 MB tmpfs in a mount
 * namespace of the agent's own) reported on both sides with nothing left.
 */
import { createHash, randomBytes } from 'node:crypto';
import { createReadStream, existsSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { open } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AgentHome, Proc, RelayFixture, TANDEM_BIN, tempDir, type ProcStream } from '@tandem/test-kit';

const BIG = 200 * 1024 * 1024;
const LONG = 180_000;

/** Writes `bytes` random bytes to `path`; resolves with their SHA-256. */
async function randomFile(path: string, bytes: number): Promise<string> {
  const hash = createHash('sha256');
  const file = await open(path, 'w');
  try {
    for (let left = bytes; left > 0; ) {
      const chunk = randomBytes(Math.min(left, 4 * 1024 * 1024));
      hash.update(chunk);
      await file.write(chunk);
      left -= chunk.length;
    }
  } finally {
    await file.close();
  }
  return hash.digest('hex');
}

function sha256Of(path: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const hash = createHash('sha256');
    createReadStream(path).on('data', (d) => hash.update(d)).on('error', reject).on('end', () => resolve(hash.digest('hex')));
  });
}

describe('file transfer between the technician client and the agent', () => {
  const relay = new RelayFixture();
  const home = new AgentHome();
  const dirs: string[] = [];
  let techPw = '';
  let source = '';
  let bigFile = '';
  let bigHash = '';

  const dir = (): string => {
    const d = tempDir('tandem-files-');
    dirs.push(d);
    return d;
  };

  beforeAll(async () => {
    await relay.start();
    techPw = await relay.addUser('tanaka', 'technician', undefined, ['--display-name', 'Tanaka Ichiro', '--team', 'Helpdesk']);
    source = dir();
    bigFile = join(source, 'big file.bin');
    bigHash = await randomFile(bigFile, BIG);
  }, LONG);
  afterAll(async () => {
    await relay.stop();
    home.remove();
    for (const d of dirs) rmSync(d, { recursive: true, force: true });
  });

  /** A session accepted on the terminal, both sides with their files folders. */
  async function session(opts: { techDir?: string; agentDir?: string; agentEnv?: NodeJS.ProcessEnv; agent?: (code: string) => Proc } = {}): Promise<{ tech: Proc; agent: Proc; techDir: string; agentDir: string }> {
    const techDir = opts.techDir ?? dir();
    const agentDir = opts.agentDir ?? dir();
    const tech = relay.tech('tanaka', techPw, ['--files-dir', techDir]);
    const code = (await tech.waitFor(/^code: ([0-9]{8})$/))[1]!;
    const agent = opts.agent?.(code) ?? relay.join(code, ['--files-dir', agentDir], opts.agentEnv ?? {});
    await agent.waitFor(/\[y\/n\]$/, 20_000, 'err');
    agent.send('y');
    await tech.waitFor(/^event: accepted chat$/);
    return { tech, agent, techDir, agentDir };
  }

  async function finish(tech: Proc, agent: Proc): Promise<void> {
    tech.endInput();
    expect(await tech.exitCode(LONG)).toBe(0);
    expect(await agent.exitCode(LONG)).toBe(0);
  }

  const waitLong = (p: Proc, re: RegExp, stream: ProcStream = 'out'): Promise<RegExpMatchArray> => p.waitFor(re, LONG, stream);

  it('sends 200 MB to the customer, asked first, and both sides print the same SHA-256', async () => {
    const { tech, agent, agentDir } = await session();
    tech.send(`/send ${bigFile}`);
    await agent.waitFor(new RegExp(`^event: file-offer big file\\.bin ${BIG}$`));
    // The customer sees who sends what, and where it goes, before answering.
    await agent.waitFor(/tanaka sends you the file "big file\.bin" \(209715200 bytes\); it will be saved in .*Accept\? \[y\/n\]$/, 20_000, 'err');
    agent.send('y');
    const received = await waitLong(agent, /^event: file-received (.+) (\d+) ([0-9a-f]{64})$/);
    const sent = await waitLong(tech, /^event: file-sent big file\.bin (\d+) ([0-9a-f]{64})$/);
    expect(received[1]).toBe(join(agentDir, 'big file.bin'));
    expect(Number(received[2])).toBe(BIG);
    expect(received[3]).toBe(bigHash);
    expect(sent[2]).toBe(bigHash);
    expect(await sha256Of(join(agentDir, 'big file.bin'))).toBe(bigHash);
    expect(readdirSync(agentDir)).toEqual(['big file.bin']);
    // The transfer log: which file, from which folder, to where, size, hash, result.
    const log = JSON.parse((await tech.waitFor(/^transfer: (\{.*\})$/))[1]!) as Record<string, unknown>;
    expect(log).toMatchObject({ direction: 'sent', name: 'big file.bin', from: { folder: source }, bytes: BIG, sha256: bigHash, result: 'ok' });
    await finish(tech, agent);
    // Neither the name nor the content reaches the relay's output.
    expect(relay.proc.lines.concat(relay.proc.stderrLines).join('\n')).not.toContain('big file');
  }, LONG);

  it('fetches 200 MB from the customer with /get once the customer approves the path', async () => {
    const { tech, agent, techDir } = await session();
    tech.send(`/get ${bigFile}`);
    await agent.waitFor(new RegExp(`^event: file-request ${bigFile.replace(/[.]/g, '\\.')}$`));
    agent.send('y');
    const received = await waitLong(tech, /^event: file-received (.+) (\d+) ([0-9a-f]{64})$/);
    const sent = await waitLong(agent, /^event: file-sent (.+) (\d+) ([0-9a-f]{64})$/);
    expect(received[1]).toBe(join(techDir, 'big file.bin'));
    expect(received[3]).toBe(bigHash);
    expect(sent[1]).toBe(bigFile);
    expect(sent[3]).toBe(bigHash);
    expect(await sha256Of(received[1]!)).toBe(bigHash);
    await finish(tech, agent);
  }, LONG);

  it('a refusal on either kind of transfer saves nothing and says so to the technician', async () => {
    const { tech, agent, agentDir, techDir } = await session();
    const small = join(source, 'notes.txt');
    writeFileSync(small, 'hello');
    tech.send(`/send ${small}`);
    await agent.waitFor(/^event: file-offer notes\.txt 5$/);
    agent.send('n');
    await tech.waitFor(/^event: file-refused notes\.txt$/);
    tech.send(`/get ${small}`);
    await agent.waitFor(/^event: file-request /);
    agent.send('n');
    await tech.waitFor(new RegExp(`^event: file-refused ${small.replace(/[.]/g, '\\.')}$`));
    expect(readdirSync(agentDir)).toEqual([]);
    expect(readdirSync(techDir)).toEqual([]);
    await finish(tech, agent);
  });

  it('the technician cancels mid-way: no partial file on the customer\'s side', async () => {
    const { tech, agent, agentDir } = await session();
    tech.send(`/send ${bigFile}`);
    await agent.waitFor(/^event: file-offer /);
    agent.send('y');
    await waitLong(agent, /^event: file-progress big file\.bin (\d+) /);
    await waitLong(tech, /^event: file-progress big file\.bin ([1-9]\d{6,}) /);
    tech.send('/cancel');
    await waitLong(tech, /^event: file-cancelled big file\.bin$/);
    await waitLong(agent, /^event: file-cancelled big file\.bin$/);
    await finish(tech, agent);
    expect(agent.count(/^event: file-received/)).toBe(0);
    expect(readdirSync(agentDir)).toEqual([]);
  }, LONG);

  it('the customer cancels mid-way: no partial file on the technician\'s side', async () => {
    const { tech, agent, techDir } = await session();
    tech.send(`/get ${bigFile}`);
    await agent.waitFor(/^event: file-request /);
    agent.send('y');
    await waitLong(tech, /^event: file-progress .* ([1-9]\d{6,}) /);
    agent.send('/cancel');
    await waitLong(agent, /^event: file-cancelled big file\.bin$/);
    await waitLong(tech, /^event: file-cancelled /);
    await finish(tech, agent);
    expect(tech.count(/^event: file-received/)).toBe(0);
    expect(readdirSync(techDir)).toEqual([]);
  }, LONG);

  it('a policy forbidding file transfer refuses both kinds without asking', async () => {
    home.userPolicy({ forbidFileTransfer: true });
    try {
      const { tech, agent, agentDir } = await session({ agentEnv: home.env() });
      const small = join(source, 'policy.txt');
      writeFileSync(small, 'no');
      tech.send(`/send ${small}`);
      await tech.waitFor(/^event: file-refused policy\.txt$/);
      tech.send(`/get ${small}`);
      await tech.waitFor(/^event: file-refused .*policy\.txt$/);
      await agent.waitFor(/local policy forbids file transfer, so it was refused automatically/, 20_000, 'err');
      // Never asked: the only question was the session's consent.
      expect(agent.stderrLines.filter((l) => /\[y\/n\]$/.test(l))).toHaveLength(1);
      expect(agent.count(/^event: file-(offer|request)/)).toBe(0);
      expect(readdirSync(agentDir)).toEqual([]);
      await finish(tech, agent);
    } finally {
      home.userPolicy({});
    }
  });

  it('a policy capping file sizes refuses a larger file both ways without asking it, and lets a smaller one be asked', async () => {
    home.userPolicy({ maxFileTransferMegabytes: 1 });
    try {
      const { tech, agent, agentDir } = await session({ agentEnv: home.env() });
      const large = join(source, 'two-mb.bin');
      await randomFile(large, 2_000_000);
      tech.send(`/send ${large}`);
      await tech.waitFor(/^event: file-refused two-mb\.bin$/);
      await agent.waitFor(/the local policy allows files of at most 1000000 bytes, so it was refused automatically/, 20_000, 'err');
      expect(agent.count(/^event: file-offer/)).toBe(0);
      // A path is asked for (its size is not known before the customer's side opens it), then not sent.
      tech.send(`/get ${large}`);
      await agent.waitFor(/^event: file-request .*two-mb\.bin$/);
      agent.send('y');
      await tech.waitFor(/^event: file-refused .*two-mb\.bin$/);
      await agent.waitFor(/two-mb\.bin is 2000000 bytes; the local policy allows files of at most 1000000 bytes, so it was not sent/, 20_000, 'err');
      expect(agent.count(/^event: file-sent/)).toBe(0);
      // Just under the cap: asked and received as usual.
      const fits = join(source, 'fits.bin');
      const fitsHash = await randomFile(fits, 1_000_000);
      tech.send(`/send ${fits}`);
      await agent.waitFor(/^event: file-offer fits\.bin 1000000$/);
      agent.send('y');
      const got = await agent.waitFor(/^event: file-received (.+) 1000000 ([0-9a-f]{64})$/, 30_000);
      expect(got[2]).toBe(fitsHash);
      expect(readdirSync(agentDir)).toEqual(['fits.bin']);
      await finish(tech, agent);
    } finally {
      home.userPolicy({});
    }
  });

  it('a full disk on the customer\'s side is a clear error on both sides and leaves no partial file', async () => {
    const small = join(source, 'five-mb.bin');
    await randomFile(small, 5 * 1024 * 1024);
    const mountPoint = dir();
    // The agent runs in a mount namespace of its own with a 1 MB tmpfs as its files folder; when it exits, the
    // shell lists what the folder holds (only that namespace can see it).
    const agentIn = (code: string): Proc =>
      relay.track(
        new Proc('agent', 'unshare', [
          '-m', 'sh', '-c',
          'mount -t tmpfs -o size=1m tmpfs "$0" && "$@"; status=$?; echo "left: [$(ls -A "$0" | tr "\\n" " ")]"; exit $status',
          mountPoint, process.execPath, TANDEM_BIN, 'join', code, '--relay', relay.url, '--no-browser', '--files-dir', mountPoint,
        ], {}),
      );
    const { tech, agent } = await session({ agent: agentIn });
    tech.send(`/send ${small}`);
    await agent.waitFor(/^event: file-offer five-mb\.bin /);
    agent.send('y');
    await agent.waitFor(/^error: TANDEM_ERR_FILE_FAILED five-mb\.bin could not be saved: the disk is full \(ENOSPC\)$/, 60_000, 'err');
    await agent.waitFor(/^event: file-failed five-mb\.bin$/);
    await tech.waitFor(/^error: TANDEM_ERR_FILE_FAILED the other side: five-mb\.bin could not be saved: the disk is full/, 60_000, 'err');
    await tech.waitFor(/^event: file-failed five-mb\.bin$/);
    await finish(tech, agent);
    expect(await agent.waitFor(/^left: \[(.*)\]$/)).toEqual(expect.arrayContaining(['left: []']));
    expect(existsSync(join(mountPoint, 'five-mb.bin'))).toBe(false);
  });
});
