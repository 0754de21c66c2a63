/**
 * `tandem tech session`: the scriptable technician client. Signs in, shows
 * the code, and turns session events into stdout lines and stdin lines into
 * chat and commands (issue 2, "Scriptable command lines").
 *
 * stdin: lines before the session is active are queued and sent once it is;
 * `/request view|control` and chat wait in that queue, `/extend` and `/end`
 * act at once. End of input ends the session, but only once the customer
 * has answered (or the session is over), so `printf 'hi\n' | tandem tech
 * session ...` works.
 */
import { readFile } from 'node:fs/promises';
import { LIMITS, MODES, TandemError, TechnicianSession, toTandemError, type Mode, type TechnicianEvent } from '@tandem/protocol';
import type { TechSessionArgs } from '../cli-args.js';
import { login } from '../http-client.js';
import { LineInput } from '../line-input.js';
import { nodeAeadProvider } from '../node-aead.js';
import type { LineOutput } from '../output.js';
import { createRelaySocketFactory } from '../relay-socket.js';
import type { CommandContext } from './context.js';

/** Reads a password file, dropping one trailing newline (as `echo` writes it). */
export async function readPasswordFile(path: string): Promise<string> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    throw new TandemError('TANDEM_ERR_BAD_INPUT', `--password-file: cannot read ${path}: ${(err as Error).message}`, { cause: err });
  }
  const password = text.replace(/\r?\n$/, '');
  if (password.length === 0) throw new TandemError('TANDEM_ERR_BAD_INPUT', `--password-file: ${path} is empty`);
  if (password.length > LIMITS.maxPasswordChars) throw new TandemError('TANDEM_ERR_BAD_INPUT', `--password-file: password longer than ${LIMITS.maxPasswordChars} characters`);
  return password;
}

/** Runs the technician session; resolves with the process exit code. */
export async function runTechSession(args: TechSessionArgs, ctx: CommandContext): Promise<number> {
  const out = ctx.out;
  const password = await readPasswordFile(args.passwordFile);
  const { token } = await login({ relayUrl: args.relayUrl, fingerprint: args.fingerprint }, args.user, password);
  const sockets = createRelaySocketFactory({ relayUrl: args.relayUrl, fingerprint: args.fingerprint });
  const session = new TechnicianSession({
    relayUrl: args.relayUrl,
    token,
    mode: args.mode,
    ...(args.caseNumber !== undefined ? { caseNumber: args.caseNumber } : {}),
    aead: nodeAeadProvider(),
    connect: sockets.connect,
  });
  const input = new LineInput(ctx.stdin);
  const queued: string[] = [];

  return new Promise<number>((resolve) => {
    let done = false;
    const finish = (code: number): void => {
      if (done) return;
      done = true;
      input.close();
      resolve(code);
    };

    const endSession = (): void => {
      session.end().catch((err: unknown) => out.error(toTandemError(err)));
    };

    /** Sends queued chat and requests once active; ends after them if stdin is done. */
    const pump = (): void => {
      for (let line = input.shift(); line !== undefined; line = input.shift()) {
        if (!line.startsWith('/')) {
          if (line.trim() !== '') queued.push(line);
          continue;
        }
        const [command, ...rest] = line.slice(1).trim().split(/\s+/);
        switch (command) {
          case 'end':
            endSession();
            return;
          case 'extend':
            try {
              session.extend();
            } catch (err) {
              out.error(toTandemError(err));
            }
            break;
          case 'request': {
            const mode = rest[0];
            if (rest.length !== 1 || !(MODES as readonly string[]).includes(mode as string)) {
              out.error(new TandemError('TANDEM_ERR_BAD_INPUT', `usage: /request ${MODES.join('|')}`));
              break;
            }
            queued.push(line);
            break;
          }
          default:
            out.say('error: unknown command');
        }
      }
      if (session.state === 'active') {
        for (let line = queued.shift(); line !== undefined; line = queued.shift()) sendLine(line);
      }
      const answered = session.state === 'active' || session.finished;
      if (input.ended && answered && !session.finished) endSession();
    };

    const sendLine = (line: string): void => {
      try {
        if (line.startsWith('/request ')) session.requestMode(line.slice('/request '.length).trim() as Mode);
        else if (line.length > LIMITS.maxChatChars) out.error(new TandemError('TANDEM_ERR_BAD_INPUT', `chat line longer than ${LIMITS.maxChatChars} characters: not sent`));
        else session.sendChat(line);
      } catch (err) {
        out.error(toTandemError(err));
      }
    };

    let refusedShown = false;
    session.onEvent((event: TechnicianEvent) => {
      if (event.type === 'refused') refusedShown = true;
      // The relay's word of the refusal may overtake the customer's encrypted answer: show it once either way.
      if (event.type === 'failed' && event.error.code === 'TANDEM_ERR_REFUSED' && !refusedShown) out.event('refused');
      printEvent(out, event);
      if (event.type === 'failed') {
        const precise = sockets.connectError();
        out.error(event.error.code === 'TANDEM_ERR_RELAY_UNREACHABLE' && precise ? precise : event.error);
        finish(1);
        return;
      }
      if (event.type === 'ended') {
        finish(0);
        return;
      }
      pump();
    });
    input.onChange(pump);
    ctx.onSignal(() => {
      if (session.finished) finish(0);
      else endSession();
    });
    session.start();
  });
}

/** The stdout line(s) for one technician event. */
function printEvent(out: LineOutput, event: TechnicianEvent): void {
  switch (event.type) {
    case 'code':
      out.line(`code: ${event.code}`);
      return;
    case 'extended':
      out.event('extended', new Date(event.expiresAt).toISOString());
      return;
    case 'joined':
      out.event('joined');
      out.event('sas', event.sas);
      return;
    case 'accepted':
      out.event('accepted', event.mode);
      return;
    case 'refused':
      out.event('refused');
      return;
    case 'decision':
      out.event('decision', event.mode, event.accepted ? 'accepted' : 'refused');
      return;
    case 'mode':
      out.event('mode', event.mode);
      return;
    case 'chat':
      out.line(`chat: ${event.text}`);
      return;
    case 'ended':
      out.event('ended', event.reason);
      return;
    case 'failed':
      // The error line on stderr says it; stdout stays event-only.
      return;
  }
}
