/**
 * The harness's small Windows test program as tests use it: a window at a
 * given place on the Wine desktop that records the characters, clicks and
 * wheel turns it receives (test-window.cjs, run by node.exe under Wine).
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { sleep } from '../wait.js';
import { TEST_WINDOW_SCRIPT, type WinePrefix } from './wine-prefix.js';
import type { WineProc } from './wine-process.js';

/** Where the window stands on the screen. */
export interface WindowPlace {
  x: number;
  y: number;
  width: number;
  height: number;
}

/** A running test window. */
export class TestWindow {
  private constructor(readonly proc: WineProc, readonly log: string, readonly place: WindowPlace) {}

  /** Opens the window at `place` and waits until it is shown (its `ready` line). */
  static async open(wine: WinePrefix, place: WindowPlace, timeoutMs = 60_000): Promise<TestWindow> {
    const log = join(wine.runs, `test-window-${Date.now()}-${Math.random().toString(36).slice(2, 8)}.log`);
    const proc = wine.node('test window', TEST_WINDOW_SCRIPT, [log, String(place.x), String(place.y), String(place.width), String(place.height)]);
    const win = new TestWindow(proc, log, place);
    await win.waitFor(/^ready /, timeoutMs);
    return win;
  }

  /** Every line recorded so far (`ready HWND`, `key VK`, `char CODE`, `down BUTTON X Y`, `up BUTTON X Y`, `wheel DELTA`, `hwheel DELTA`). */
  events(): string[] {
    if (!existsSync(this.log)) return [];
    return readFileSync(this.log, 'utf8').split('\n').filter((l) => l !== '');
  }

  /** The characters received so far (WM_CHAR), as a string. */
  typed(): string {
    return this.events().filter((l) => l.startsWith('char ')).map((l) => String.fromCharCode(Number(l.slice(5)))).join('');
  }

  /** The recorded lines of one kind (`char`, `key`, `down`, …), in order. */
  eventsOf(kind: string): string[] {
    return this.events().filter((l) => l.startsWith(`${kind} `));
  }

  /** Waits for a recorded line matching `re`; fails with what was recorded (and the program's stderr) after `timeoutMs`. */
  async waitFor(re: RegExp, timeoutMs = 20_000): Promise<string> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const hit = this.events().find((l) => re.test(l));
      if (hit !== undefined) return hit;
      if (Date.now() > deadline || this.proc.child.exitCode !== null) {
        throw new Error(`test window: no event matching ${re} within ${timeoutMs} ms; recorded:\n${this.events().join('\n')}\nstderr:\n${this.proc.stderrLines.join('\n')}`);
      }
      await sleep(100);
    }
  }

  /** Closes the window's program. */
  close(): void {
    this.proc.kill();
  }
}
