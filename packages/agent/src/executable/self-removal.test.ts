import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { tempDir } from '@tandem/test-kit';
import { cleanUp, windowsCleanupCommand, type Spawner } from './self-removal.js';

describe('leaving nothing behind', () => {
  it('on Linux removes the private folder and, when asked, the file at once', () => {
    const dir = tempDir();
    const folder = join(dir, 'tandem-agent-1-abcdef');
    mkdirSync(join(folder, 'node_modules'), { recursive: true });
    writeFileSync(join(folder, 'node_modules', 'x.node'), 'x');
    const exe = join(dir, 'tandem-linux-x64');
    writeFileSync(exe, 'exe');
    expect(cleanUp({ folder, platform: 'linux' })).toEqual({ kind: 'done' });
    expect(existsSync(folder)).toBe(false);
    expect(existsSync(exe)).toBe(true);
    mkdirSync(folder);
    expect(cleanUp({ folder, executable: exe, platform: 'linux' })).toEqual({ kind: 'done' });
    expect(existsSync(exe)).toBe(false);
    expect(cleanUp({ folder, executable: exe, platform: 'linux' }).kind).toBe('failed');
  });

  it('on Windows schedules a detached cmd that waits for the process to exit, then deletes the folder and the file', () => {
    const calls: { command: string; args: string[]; detached: boolean; verbatim: boolean }[] = [];
    const spawner: Spawner = (command, args, options) => {
      calls.push({ command, args, detached: options.detached, verbatim: options.windowsVerbatimArguments });
      return { unref: () => undefined };
    };
    const folder = 'C:\\Users\\Hanako Yamada\\AppData\\Local\\Temp\\tandem-agent-4242-abcdef';
    const exe = 'C:\\Users\\Hanako Yamada\\Downloads\\tandem-windows-x64 (1).exe';
    const outcome = cleanUp({ folder, executable: exe, platform: 'win32', pid: 4242, spawner });
    expect(outcome.kind).toBe('scheduled');
    expect(calls).toHaveLength(1);
    const [call] = calls;
    expect(call).toMatchObject({ command: 'cmd.exe', detached: true, verbatim: true });
    expect(call?.args.slice(0, 3)).toEqual(['/d', '/s', '/c']);
    const line = call?.args[3] ?? '';
    expect(line.startsWith('"') && line.endsWith('"')).toBe(true);
    // Waits while the process runs (its id between spaces in tasklist's table), then deletes, quoted.
    expect(line).toContain('tasklist /fi "PID eq 4242" /nh | find " 4242 " >nul ||');
    expect(line).toContain(`del /f /q "${exe}"`);
    expect(line).toContain(`rmdir /s /q "${folder}"`);
    expect(line).toMatch(/^"for \/l %i in \(1,1,120\) do @\(/);
    // Without the file: only the folder.
    expect(windowsCleanupCommand(7, folder)).not.toContain('del ');
  });

  it('schedules nothing for a path cmd would expand or cut (% or ")', () => {
    expect(windowsCleanupCommand(7, 'C:\\Temp\\%USERNAME%\\x')).toBeUndefined();
    expect(cleanUp({ folder: 'C:\\Temp\\x', executable: 'C:\\Down\\100%.exe', platform: 'win32', spawner: () => ({ unref: () => undefined }) })).toMatchObject({ kind: 'failed' });
  });
});
