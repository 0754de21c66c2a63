/**
 * The stdin command table on its own: parsing every command and its
 * mistakes, chat and blank lines, which commands act before the session is
 * active, and `--help` listing exactly the table.
 */
import { describe, expect, it } from 'vitest';
import { LIMITS } from '@tandem/protocol';
import { TECH_SESSION_HELP } from '../command-line/tech-args.js';
import { MAX_SLEEP_MS, STDIN_COMMANDS, parseLine, stdinCommandsHelp } from './stdin-commands.js';

describe('the stdin command table', () => {
  it('has the documented commands, each named once, with its usage', () => {
    expect(STDIN_COMMANDS.map((c) => c.usage)).toEqual(['/request chat|view|control', '/extend', '/end', '/snapshot FILE.png', '/type TEXT', '/click X Y', '/send FILE', '/get PATH', '/cancel', '/sysinfo', '/sleep MS']);
    expect(new Set(STDIN_COMMANDS.map((c) => c.name)).size).toBe(STDIN_COMMANDS.length);
  });

  it('lets only /extend and /end act before the customer accepted', () => {
    expect(STDIN_COMMANDS.filter((c) => c.beforeActive).map((c) => c.name)).toEqual(['extend', 'end']);
    expect(parseLine('/end')?.beforeActive).toBe(true);
    expect(parseLine('/request view')?.beforeActive).toBe(false);
    expect(parseLine('hello')?.beforeActive).toBe(false);
  });

  it('parses good lines into actions and blank lines into nothing', () => {
    expect(parseLine('')).toBeUndefined();
    expect(parseLine('   ')).toBeUndefined();
    expect(parseLine('hello /not a command')?.label).toBe('chat');
    expect(parseLine('/request control')?.label).toBe('/request chat|view|control');
    expect(parseLine('/request  view ')?.label).toBe('/request chat|view|control');
    expect(parseLine('/extend')?.label).toBe('/extend');
    expect(parseLine('/send my report.pdf')?.label).toBe('/send FILE');
    expect(parseLine('/get C:\\Users\\x\\a b.txt')?.label).toBe('/get PATH');
    // /cancel acts at once, without waiting for a /send under way.
    expect(parseLine('/cancel')?.atOnce).toBe(true);
    expect(parseLine('/send x')?.atOnce).toBeUndefined();
    expect(parseLine('/end ')?.label).toBe('/end');
    expect(parseLine('/snapshot shot.png')?.label).toBe('/snapshot FILE.png');
    expect(parseLine('/type hello\\n')?.label).toBe('/type TEXT');
    expect(parseLine('/click 10 20')?.label).toBe('/click X Y');
    expect(parseLine(`/sleep ${MAX_SLEEP_MS}`)?.label).toBe('/sleep MS');
    expect(parseLine('x'.repeat(LIMITS.maxChatChars))?.label).toBe('chat');
  });

  it.each([
    ['/', /^unknown command \/ \(commands: \/request, /],
    ['/frobnicate now', /^unknown command \/frobnicate /],
    ['/request', /^usage: \/request chat\|view\|control$/],
    ['/send', /^usage: \/send FILE$/],
    ['/get   ', /^usage: \/get PATH$/],
    ['/sysinfo now', /^usage: \/sysinfo \(it takes no argument\)$/],
    ['/request admin', /^usage: \/request chat\|view\|control$/],
    ['/extend 10m', /^usage: \/extend \(it takes no argument\)$/],
    ['/end now', /^usage: \/end \(it takes no argument\)$/],
    ['/snapshot', /^usage: \/snapshot FILE\.png$/],
    ['/snapshot    ', /^usage: \/snapshot FILE\.png$/],
    ['/type', /^usage: \/type TEXT \(\\n for Return\)$/],
    ['/type a\\zb', /^\/type: unknown escape \\z/],
    ['/type \u0007', /^cannot type control character U\+0007/],
    ['/click 10', /^usage: \/click X Y \(pixels from the top left\)$/],
    ['/click 70000 1', /^usage: \/click X Y/],
    ['/click -1 5', /^usage: \/click X Y/],
    ['/sleep', /^usage: \/sleep MS \(0 to 600000\)$/],
    ['/sleep 600001', /^usage: \/sleep MS/],
    ['/sleep 1.5', /^usage: \/sleep MS/],
    ['x'.repeat(LIMITS.maxChatChars + 1), /^chat line longer than \d+ characters: not sent$/],
  ])('refuses %j with TANDEM_ERR_BAD_INPUT', (line, message) => {
    let error: unknown;
    try {
      parseLine(line);
    } catch (err) {
      error = err;
    }
    expect(error).toMatchObject({ code: 'TANDEM_ERR_BAD_INPUT', message: expect.stringMatching(message) });
  });

  it('--help lists every command of the table, marking those that act at once', () => {
    const help = stdinCommandsHelp();
    for (const c of STDIN_COMMANDS) expect(help).toContain(c.usage);
    expect(help).toMatch(/\/extend \* /);
    expect(help).toMatch(/\/end \* /);
    expect(help).not.toMatch(/\/request chat\|view\|control \*/);
    expect(TECH_SESSION_HELP).toContain(help);
    expect(help.split('\n')).toHaveLength(STDIN_COMMANDS.length);
  });
});
