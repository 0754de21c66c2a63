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

  it('on Windows schedules a detached cmd that deletes the folder and the file once nothing holds them', () => {
    const calls: { command: string; args: string[]; detached: boolean; verbatim: boolean }[] = [];
    const spawner: Spawner = (command, args, options) => {
      calls.push({ command, args, detached: options.detached, verbatim: options.windowsVerbatimArguments });
      return { unref: () => undefined };
    };
    const folder = 'C:\\Users\\Hanako Yamada\\AppData\\Local\\Temp\\tandem-agent-4242-abcdef';
    const exe = 'C:\\Users\\Hanako Yamada\\Downloads\\tandem-windows-x64 (1).exe';
    const outcome = cleanUp({ folder, executable: exe, platform: 'win32', spawner });
    expect(outcome.kind).toBe('scheduled');
    expect(calls).toHaveLength(1);
    const [call] = calls;
    expect(call).toMatchObject({ command: 'cmd.exe', detached: true, verbatim: true });
    expect(call?.args.slice(0, 3)).toEqual(['/d', '/s', '/c']);
    const line = call?.args[3] ?? '';
    expect(line.startsWith('"') && line.endsWith('"')).toBe(true);
    // Tries both, quoted, once a second, and stops once both are gone (the process has let go of them).
    expect(line).toBe(`"for /l %i in (1,1,120) do (del /f /q "${exe}" 2>nul & rmdir /s /q "${folder}" 2>nul & (if not exist "${exe}" if not exist "${folder}" exit) & ping -n 2 127.0.0.1 >nul)"`);
    // Without the file: only the folder.
    expect(windowsCleanupCommand(folder)).toBe(`for /l %i in (1,1,120) do (rmdir /s /q "${folder}" 2>nul & (if not exist "${folder}" exit) & ping -n 2 127.0.0.1 >nul)`);
  });

  it('schedules nothing for a path cmd would expand or cut (% or ")', () => {
    expect(windowsCleanupCommand('C:\\Temp\\%USERNAME%\\x')).toBeUndefined();
    expect(cleanUp({ folder: 'C:\\Temp\\x', executable: 'C:\\Down\\100%.exe', platform: 'win32', spawner: () => ({ unref: () => undefined }) })).toMatchObject({ kind: 'failed' });
  });
});
