/**
 * What a desktop tells about itself reaches both sides: the secure desktop
 * of Windows (a UAC prompt, Ctrl+Alt+Del) as TANDEM_ERR_SECURE_DESKTOP in
 * the technician's chat and as a notice for the customer's page and
 * terminal, and its end the same way. Stand-ins for the session and the
 * desktop, because no secure desktop can be shown here: Wine's
 * SwitchDesktop does nothing, so the input desktop is always "Default" (the
 * Windows tests in packages/agent/test run the real driver for the rest).
 */
import { describe, expect, it } from 'vitest';
import { ERROR_CATALOGUE, type CustomerEvent, type TandemError } from '@tandem/protocol';
import type { Framebuffer } from '@tandem/rfb';
import { waitFor } from '@tandem/test-kit';
import type { DesktopListener, DesktopNotice, DesktopSource } from '../desktop/desktop-source.js';
import { builtinEngine, sharedDesktopProvider } from './builtin-engine.js';
import { ScreenShare, type ScreenSession } from './screen-share.js';

/** A desktop of one black pixel whose notices the test sends. */
function noticeDesktop(): DesktopSource & { tell(n: DesktopNotice): void } {
  const listeners = new Set<DesktopListener>();
  const fb: Framebuffer = { width: 1, height: 1, stride: 4, data: new Uint8Array(4) };
  return {
    framebuffer: () => fb,
    cursor: () => null,
    subscribe: (l) => {
      listeners.add(l);
      return () => listeners.delete(l);
    },
    pointerEvent: () => undefined,
    keyEvent: () => undefined,
    releaseAll: () => undefined,
    close: () => Promise.resolve(),
    tell: (n) => {
      for (const l of listeners) l.onNotice?.(n);
    },
  };
}

/** A session in view mode that records its chat lines. */
function viewSession(): { session: ScreenSession; chat: string[]; rfb: Uint8Array[]; emit: (e: CustomerEvent) => void } {
  const chat: string[] = [];
  const rfb: Uint8Array[] = [];
  let emit: (e: CustomerEvent) => void = () => undefined;
  const session = {
    state: 'active',
    onEvent: (fn: (e: CustomerEvent) => void) => {
      emit = fn;
      return () => undefined;
    },
    sendRfb: (bytes: Uint8Array) => {
      rfb.push(bytes);
    },
    bufferedAmount: () => 0,
    fail: () => undefined,
    sendChat: (text: string) => {
      chat.push(text);
    },
  } as unknown as ScreenSession;
  return { session, chat, rfb, emit: (e) => emit(e) };
}

describe('desktop notices', () => {
  it('tell the technician in the chat and the customer through onNotice, both ways', async () => {
    const desktop = noticeDesktop();
    const { session, chat, rfb, emit } = viewSession();
    const notices: DesktopNotice[] = [];
    const reported: TandemError[] = [];
    new ScreenShare({
      session,
      engine: builtinEngine(sharedDesktopProvider(desktop)),
      report: (err) => reported.push(err),
      stepDown: () => undefined,
      onNotice: (n) => notices.push(n),
    });
    emit({ type: 'mode', mode: 'view' });
    // The engine starts asynchronously; its server's ProtocolVersion to the technician says it runs.
    await waitFor(() => rfb.length > 0, 5000, 'the engine\'s greeting');
    desktop.tell('secure-desktop');
    desktop.tell('secure-desktop-gone');
    expect(notices).toEqual(['secure-desktop', 'secure-desktop-gone']);
    expect(chat).toEqual([
      `[tandem] TANDEM_ERR_SECURE_DESKTOP: ${ERROR_CATALOGUE.TANDEM_ERR_SECURE_DESKTOP.summary}`,
      "[tandem] The customer's own desktop is back: the picture and input work again.",
    ]);
    expect(reported).toEqual([]);
    emit({ type: 'mode', mode: 'chat' });
    // Once the stream is over, the desktop's notices reach nobody.
    desktop.tell('secure-desktop');
    expect(notices).toHaveLength(2);
  });
});
