/**
 * The consent page's actions (`POST /api/NAME` with JSON), validated
 * and carried to the join controller, or to the file desk for the answers
 * to file and system-information questions and a transfer's Cancel.
 */
import { MODES, TandemError, assertBoolean, assertInteger, assertObject, assertOneOf, assertString, LIMITS } from '@tandem/protocol';
import { parseAcceptAnswer } from '../session/join-controller.js';
import type { PageSession } from './session-feed.js';

/** The kinds of question the file desk asks (FileQuestion's `kind`). */
const QUESTION_KINDS = ['offer', 'request', 'sysinfo'] as const;

/** Runs one page action; throws TandemError for bad input or an action not possible now. */
export function pageAction({ controller, files }: PageSession, name: string, body: unknown): unknown {
  assertObject(body, name);
  switch (name) {
    case 'file-answer':
      // The page names the question it showed (id and kind): the answer is for that one and no other.
      assertInteger(body.id, 'file-answer.id', 0, Number.MAX_SAFE_INTEGER);
      assertOneOf(body.kind, 'file-answer.kind', QUESTION_KINDS);
      assertBoolean(body.yes, 'file-answer.yes');
      files.answer(body.id, body.yes, body.kind);
      return {};
    case 'file-cancel':
      assertInteger(body.id, 'file-cancel.id', 0, Number.MAX_SAFE_INTEGER);
      files.cancel(body.id);
      return {};
    case 'accept':
      controller.accept(parseAcceptAnswer(body));
      return {};
    case 'refuse':
      controller.refuse();
      return {};
    case 'decide':
      // The page sends the mode it showed: the answer is for that request and no other.
      assertOneOf(body.mode, 'decide.mode', MODES);
      assertBoolean(body.accepted, 'decide.accepted');
      controller.decide(body.mode, body.accepted);
      return {};
    case 'step-down':
      assertOneOf(body.mode, 'step-down.mode', MODES);
      controller.stepDown(body.mode);
      return {};
    case 'chat':
      assertString(body.text, 'chat.text', LIMITS.maxChatChars, 1);
      controller.sendChat(body.text);
      return {};
    case 'end':
      // The end completes asynchronously; the page learns it from the event stream.
      controller.endNow();
      return {};
    default:
      throw new TandemError('TANDEM_ERR_NOT_FOUND', `no such action: ${name}`);
  }
}
