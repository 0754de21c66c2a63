import { describe, expect, it } from 'vitest';
import { stopHotkeyLabel } from './stop-hotkey.js';

describe('the stop hotkey\'s label', () => {
  it('names Esc too on Windows, where the keyboard hook observes it', () => {
    expect(stopHotkeyLabel('win32')).toBe('Esc or Ctrl+Alt+Shift+S');
    expect(stopHotkeyLabel('linux')).toBe('Ctrl+Alt+Shift+S');
  });
});
