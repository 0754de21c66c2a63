/**
 * Messages carried inside the encrypted session on the control and chat
 * channels (JSON, UTF-8). The relay never sees these.
 *
 * Flow: after key confirmation the technician sends `request` with the mode
 * it asks for; the customer answers `consent` (accepted with the granted
 * mode and the details it chose to share, or refused). Later the technician
 * may send `request` for a higher mode; the customer answers `decision`,
 * one request at a time (a request while another waits is refused at once).
 * The customer announces every change of the current mode with `mode`
 * (including stepping down on its own). Either side ends with `end`.
 */
import { assertBoolean, assertObject, assertOneOf, assertString, assertThat } from './assert.js';
import { END_REASONS, LIMITS, MODES, type EndReason, type Mode } from './constants.js';
import { fromUtf8, utf8 } from './bytes.js';
import { TandemError } from './errors.js';
import { parseCustomerDetails, type CustomerDetails } from './relay-messages.js';

/** Control-channel messages. */
export type ControlMessage =
  | { type: 'request'; mode: Mode }
  | { type: 'consent'; accepted: true; mode: Mode; customer: CustomerDetails }
  | { type: 'consent'; accepted: false }
  | { type: 'decision'; mode: Mode; accepted: boolean }
  | { type: 'mode'; mode: Mode }
  | { type: 'end'; reason: EndReason };

/** Chat-channel messages. */
export interface ChatMessage {
  type: 'chat';
  text: string;
}

function decodeJson(bytes: Uint8Array, name: string): Record<string, unknown> {
  assertThat(bytes.length <= LIMITS.maxControlBytes, name, `must be at most ${LIMITS.maxControlBytes} bytes`);
  let value: unknown;
  try {
    value = JSON.parse(fromUtf8(bytes));
  } catch (err) {
    throw new TandemError('TANDEM_ERR_PROTOCOL', `${name}: not valid UTF-8 JSON`, { cause: err });
  }
  assertObject(value, name);
  return value;
}

/** Encodes a control or chat message to bytes. */
export function encodeSessionMessage(message: ControlMessage | ChatMessage): Uint8Array {
  return utf8(JSON.stringify(message));
}

/** Decodes and validates a control-channel message. */
export function decodeControlMessage(bytes: Uint8Array): ControlMessage {
  const m = decodeJson(bytes, 'control');
  switch (m.type) {
    case 'request':
      assertOneOf(m.mode, 'control.mode', MODES);
      return { type: 'request', mode: m.mode };
    case 'consent': {
      assertBoolean(m.accepted, 'control.accepted');
      if (!m.accepted) return { type: 'consent', accepted: false };
      assertOneOf(m.mode, 'control.mode', MODES);
      return { type: 'consent', accepted: true, mode: m.mode, customer: parseCustomerDetails(m.customer, 'control.customer') };
    }
    case 'decision':
      assertOneOf(m.mode, 'control.mode', MODES);
      assertBoolean(m.accepted, 'control.accepted');
      return { type: 'decision', mode: m.mode, accepted: m.accepted };
    case 'mode':
      assertOneOf(m.mode, 'control.mode', MODES);
      return { type: 'mode', mode: m.mode };
    case 'end':
      assertOneOf(m.reason, 'control.reason', END_REASONS);
      return { type: 'end', reason: m.reason };
    default:
      throw new TandemError('TANDEM_ERR_PROTOCOL', `control.type: unknown message type ${JSON.stringify(m.type)}`);
  }
}

/** Decodes and validates a chat-channel message. */
export function decodeChatMessage(bytes: Uint8Array): ChatMessage {
  const m = decodeJson(bytes, 'chat');
  assertThat(m.type === 'chat', 'chat.type', 'must be "chat"');
  assertString(m.text, 'chat.text', LIMITS.maxChatChars, 1);
  return { type: 'chat', text: m.text };
}
