/**
 * The page's elements (index.html), looked up once at start, each checked
 * to be there and of the expected kind: the rest of the page then uses
 * typed fields instead of selectors.
 */
import { LANGUAGES, type Language } from './i18n/i18n.js';

/** Every element the page fills in or listens to. */
export interface PageElements {
  readonly status: HTMLElement;
  readonly entry: HTMLElement;
  readonly entryHelpDesk: HTMLElement;
  readonly entryForm: HTMLFormElement;
  readonly codeInput: HTMLInputElement;
  readonly codeSubmit: HTMLButtonElement;
  readonly codeError: HTMLElement;
  readonly entryRelay: HTMLElement;
  readonly removal: HTMLElement;
  readonly removeWhenDone: HTMLInputElement;
  readonly warning: HTMLElement;
  readonly invitationsSection: HTMLElement;
  readonly invitationList: HTMLUListElement;
  readonly noInvitations: HTMLElement;
  readonly who: HTMLElement;
  readonly technician: HTMLElement;
  readonly requestedMode: HTMLElement;
  readonly sas: HTMLElement;
  readonly policy: HTMLElement;
  readonly policyList: HTMLUListElement;
  readonly consent: HTMLElement;
  readonly consentForm: HTMLFormElement;
  readonly customerName: HTMLInputElement;
  readonly customerNumber: HTMLInputElement;
  readonly caseNumber: HTMLInputElement;
  readonly grantMode: HTMLSelectElement;
  readonly eventLog: HTMLInputElement;
  readonly refuse: HTMLButtonElement;
  readonly session: HTMLElement;
  readonly mode: HTMLElement;
  readonly stopControl: HTMLButtonElement;
  readonly modeRequest: HTMLElement;
  readonly modeRequestText: HTMLElement;
  readonly allowMode: HTMLButtonElement;
  readonly denyMode: HTMLButtonElement;
  readonly chatLog: HTMLOListElement;
  readonly chatForm: HTMLFormElement;
  readonly chatInput: HTMLInputElement;
  readonly chatSend: HTMLButtonElement;
  readonly endSession: HTMLButtonElement;
  readonly actionError: HTMLElement;
  readonly languages: ReadonlyMap<Language, HTMLButtonElement>;
}

/** The element at `selector`, which must be a `type`. */
function find<T extends Element>(root: ParentNode, selector: string, type: abstract new () => T): T {
  const el = root.querySelector(selector);
  if (!(el instanceof type)) throw new Error(`the page has no ${type.name} at ${selector}`);
  return el;
}

const testId = (id: string): string => `[data-testid="${id}"]`;

/** Looks up the page's elements in `doc`; throws when index.html lacks one. */
export function pageElements(doc: Document): PageElements {
  const el = <T extends Element>(selector: string, type: abstract new () => T): T => find(doc, selector, type);
  return {
    status: el(testId('status'), HTMLElement),
    entry: el('#entry', HTMLElement),
    entryHelpDesk: el(testId('entry-help-desk'), HTMLElement),
    entryForm: el('#entry-form', HTMLFormElement),
    codeInput: el(testId('code-input'), HTMLInputElement),
    codeSubmit: el(testId('code-submit'), HTMLButtonElement),
    codeError: el(testId('code-error'), HTMLElement),
    entryRelay: el(testId('entry-relay'), HTMLElement),
    removal: el('#removal', HTMLElement),
    removeWhenDone: el(testId('remove-when-done'), HTMLInputElement),
    warning: el(testId('page-warning'), HTMLElement),
    invitationsSection: el('#invitations', HTMLElement),
    invitationList: el(testId('invitations'), HTMLUListElement),
    noInvitations: el(testId('no-invitations'), HTMLElement),
    who: el('#who', HTMLElement),
    technician: el(testId('technician'), HTMLElement),
    requestedMode: el(testId('requested-mode'), HTMLElement),
    sas: el(testId('sas'), HTMLElement),
    policy: el('#policy', HTMLElement),
    policyList: el(testId('policy-list'), HTMLUListElement),
    consent: el('#consent', HTMLElement),
    consentForm: el('#consent-form', HTMLFormElement),
    customerName: el('#customer-name', HTMLInputElement),
    customerNumber: el('#customer-number', HTMLInputElement),
    caseNumber: el('#case-number', HTMLInputElement),
    grantMode: el('#grant-mode', HTMLSelectElement),
    eventLog: el('#event-log', HTMLInputElement),
    refuse: el(testId('refuse'), HTMLButtonElement),
    session: el('#session', HTMLElement),
    mode: el(testId('mode'), HTMLElement),
    stopControl: el(testId('stop-control'), HTMLButtonElement),
    modeRequest: el(testId('mode-request'), HTMLElement),
    modeRequestText: el('#mode-request-text', HTMLElement),
    allowMode: el(testId('allow-mode'), HTMLButtonElement),
    denyMode: el(testId('deny-mode'), HTMLButtonElement),
    chatLog: el(testId('chat-log'), HTMLOListElement),
    chatForm: el('#chat-form', HTMLFormElement),
    chatInput: el(testId('chat-input'), HTMLInputElement),
    chatSend: el(testId('chat-send'), HTMLButtonElement),
    endSession: el(testId('end-session'), HTMLButtonElement),
    actionError: el('#action-error', HTMLElement),
    languages: new Map(LANGUAGES.map((lng) => [lng, el(testId(`lang-${lng}`), HTMLButtonElement)])),
  };
}
