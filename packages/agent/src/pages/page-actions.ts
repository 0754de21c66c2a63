/**
 * The consent page's actions (`POST /api/NAME` with JSON), validated
 * and carried to the join controller.
 */
import { MODES, TandemError, assertBoolean, assertObject, assertOneOf, assertString, LIMITS } from '@tandem/protocol';
import { parseAcceptAnswer, type JoinController } from '../session/join-controller.js';

/** Runs one page action; throws TandemError for bad input or an action not possible now. */
export function pageAction(controller: JoinController, name: string, body: unknown): unknown {
  assertObject(body, name);
  switch (name) {
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
