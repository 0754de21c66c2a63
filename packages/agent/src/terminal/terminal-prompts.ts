/**
 * The customer's consent and step-up questions on the terminal
 * (`tandem join --no-browser`, or when no browser could be opened). People
 * read stderr; stdout keeps its machine lines. stdin carries only yes/no
 * answers, chat and a few commands, so `printf 'y\n' | tandem join ...`
 * accepts. End of input refuses an unanswered question but does not end an
 * accepted session: scripts pipe their answers and then wait.
 */
import { MODES, TandemError, toTandemError, type Mode, type TechnicianIdentity } from '@tandem/protocol';
import type { JoinController, JoinView } from '../session/join-controller.js';
import type { LineInput, LineOutput } from '@tandem/node-client';
import { stopHotkeyLabel } from '../screen/stop-hotkey.js';
import type { FileDesk, FileQuestion } from '../session/file-desk.js';

const MODE_PHRASES: Record<Mode, string> = {
  chat: 'chat with you',
  view: 'see your screen',
  control: 'see and control your screen',
};

/** "Taro Tanaka (Support)" or just the name without a team. */
export function technicianLabel(t: TechnicianIdentity): string {
  const name = t.displayName || t.username;
  return t.team ? `${name} (${t.team})` : name;
}

/** The one yes/no consent question. */
export function consentQuestion(t: TechnicianIdentity, mode: Mode): string {
  return `Allow ${technicianLabel(t)} to ${MODE_PHRASES[mode]}? [y/n]`;
}

/** True for the answers that mean yes. */
export function isYes(answer: string): boolean {
  return /^(y|yes)$/i.test(answer.trim());
}

/** Terminal answers for the consent form; everything but the yes/no comes from flags. */
export interface TerminalDetails {
  eventLog: boolean;
}

/** Drives the consent and step-up questions and chat on the terminal. */
export class TerminalPrompts {
  readonly #controller: JoinController;
  readonly #input: LineInput;
  readonly #out: LineOutput;
  readonly #details: TerminalDetails;
  #askedConsent = false;
  #askedRequest: Mode | undefined;
  #shownMode: Mode | undefined;
  readonly #files: FileDesk | undefined;
  #askedFile: number | undefined;

  constructor(controller: JoinController, input: LineInput, out: LineOutput, details: TerminalDetails, files?: FileDesk) {
    this.#controller = controller;
    this.#files = files;
    this.#input = input;
    this.#out = out;
    this.#details = details;
  }

  /** Starts following the session and the input. */
  start(): void {
    this.#controller.onUpdate((update) => {
      if (update.type === 'chat' && update.entry.from === 'system' && update.entry.key === 'system.policyDenied') {
        const mode = update.entry.params?.mode as Mode;
        this.#out.say(`The technician asked to ${MODE_PHRASES[mode] ?? mode}; the local policy forbids it, so it was refused automatically.`);
      }
      if (update.type === 'chat' && update.entry.from === 'system' && update.entry.key === 'system.requestRefused') {
        const mode = update.entry.params?.mode as Mode;
        const pending = update.entry.params?.pending as Mode;
        this.#out.say(`The technician also asked to ${MODE_PHRASES[mode] ?? mode} while you are being asked whether to let them ${MODE_PHRASES[pending] ?? pending}; that second request was refused automatically. Your answer is about: ${MODE_PHRASES[pending] ?? pending} (mode ${pending}).`);
      }
      if (update.type === 'chat' && update.entry.from === 'system' && update.entry.key === 'system.policyCapped') {
        this.#out.say('The local policy allows at most view only: the session starts in view only.');
      }
      this.#pump();
    });
    this.#input.onChange(() => this.#pump());
    this.#files?.onChange(() => this.#pump());
    this.#pump();
  }

  #pump(): void {
    const view = this.#controller.view;
    try {
      if (view.status === 'consent') this.#consent(view);
      else if (view.status === 'active') this.#active(view);
    } catch (err) {
      this.#out.error(toTandemError(err));
    }
  }

  #consent(view: JoinView): void {
    const technician = view.technician;
    const requested = view.requestedMode;
    if (technician === undefined || requested === undefined) return;
    const mode = view.maxMode ?? requested;
    if (!this.#askedConsent) {
      this.#askedConsent = true;
      this.#out.say('');
      this.#out.say(`Technician: ${technician.displayName || technician.username}${technician.team ? `, team ${technician.team}` : ''}, user "${technician.username}" (as vouched for by the relay)`);
      this.#out.say(`Asks to:    ${MODE_PHRASES[requested]} (mode ${requested})`);
      for (const r of view.policy) this.#out.say(`Policy:     ${r.text}`);
      if (mode !== requested) this.#out.say(`            So you can allow at most: ${MODE_PHRASES[mode]} (mode ${mode}).`);
      this.#out.say(`Security code: ${view.sas ?? '?'} (it must match the one the technician sees)`);
      this.#out.say(`You share:  name "${view.defaults.name}", customer number "${view.defaults.customerNumber}", case number "${view.defaults.caseNumber}"`);
      this.#out.say(consentQuestion(technician, mode));
    }
    const answer = this.#input.shift();
    if (answer === undefined) {
      if (this.#input.ended) {
        this.#out.say('No answer (end of input): refusing.');
        this.#controller.refuse();
      }
      return;
    }
    if (isYes(answer)) {
      const { name, customerNumber, caseNumber } = view.defaults;
      this.#controller.accept({ name, customerNumber, caseNumber, mode, eventLog: this.#details.eventLog });
    } else {
      this.#out.say('Refused.');
      this.#controller.refuse();
    }
  }

  #active(view: JoinView): void {
    if (view.mode !== this.#shownMode) {
      this.#shownMode = view.mode;
      if (view.mode === 'control') this.#out.say(`The technician can now control your screen. Take control back at any time: type /stop-control, or press ${stopHotkeyLabel()} on your keyboard.`);
      else if (view.mode === 'view') this.#out.say('The technician can now see your screen. Type /mode chat to stop sharing it.');
    }
    const pending = view.pendingRequest;
    if (pending !== undefined) {
      if (this.#askedRequest !== pending) {
        this.#askedRequest = pending;
        this.#out.say(`The technician asks to ${MODE_PHRASES[pending]} (mode ${pending}). Allow? [y/n]`);
      }
      const answer = this.#input.shift();
      if (answer === undefined) {
        if (this.#input.ended) {
          this.#out.say('No answer (end of input): denying.');
          this.#controller.decide(pending, false);
        }
        return;
      }
      // The answer is for the question printed, and the controller refuses it if another is waiting now.
      this.#askedRequest = undefined;
      this.#controller.decide(pending, isYes(answer));
      this.#pump();
      return;
    }
    const question = this.#files?.questions[0];
    if (question !== undefined) {
      this.#fileQuestion(question);
      return;
    }
    for (let line = this.#input.shift(); line !== undefined; line = this.#input.shift()) {
      this.#line(line);
      if (this.#controller.view.status !== 'active' || this.#controller.view.pendingRequest !== undefined) return;
      if ((this.#files?.questions.length ?? 0) > 0) {
        this.#pump();
        return;
      }
    }
  }

  /** Asks the oldest file question and takes the next line as its answer. */
  #fileQuestion(question: FileQuestion): void {
    const files = this.#files as FileDesk;
    if (this.#askedFile !== question.id) {
      this.#askedFile = question.id;
      if (question.kind === 'sysinfo') {
        this.#out.say(`${question.from} asks for this computer's system information (operating system, computer name, user, CPU, memory, disks, displays, network adapters with their addresses and MAC addresses, uptime). Send it? [y/n]`);
      } else if (question.kind === 'offer') {
        this.#out.say(`${question.from} sends you the file ${JSON.stringify(question.name)} (${question.size} bytes); it will be saved in ${question.folder}. Accept? [y/n]`);
      } else {
        this.#out.say(`${question.from} asks for the file ${JSON.stringify(question.path)} on this computer. Send it? [y/n]`);
      }
    }
    const answer = this.#input.shift();
    if (answer === undefined) {
      if (this.#input.ended) {
        this.#out.say('No answer (end of input): refusing.');
        files.answer(question.id, false, question.kind);
      }
      return;
    }
    this.#askedFile = undefined;
    files.answer(question.id, isYes(answer), question.kind);
    this.#pump();
  }

  #line(line: string): void {
    if (!line.startsWith('/')) {
      if (line.trim() !== '') this.#controller.sendChat(line);
      return;
    }
    const [command, ...rest] = line.slice(1).trim().split(/\s+/);
    try {
      switch (command) {
        case 'stop-control':
          this.#controller.stepDownOne();
          return;
        case 'mode': {
          const mode = MODES.find((m) => m === rest[0]);
          if (rest.length !== 1 || mode === undefined || mode === 'control') {
            throw new TandemError('TANDEM_ERR_BAD_INPUT', 'usage: /mode chat|view');
          }
          this.#controller.stepDown(mode);
          return;
        }
        case 'cancel':
          if (this.#files?.cancelAll() !== true) this.#out.say('error: no file transfer to cancel');
          return;
        case 'end':
          this.#controller.end().catch((err: unknown) => this.#out.error(toTandemError(err)));
          return;
        default:
          this.#out.say('error: unknown command');
      }
    } catch (err) {
      this.#out.error(toTandemError(err));
    }
  }
}
