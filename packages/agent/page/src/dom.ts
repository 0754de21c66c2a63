/**
 * The page's elements (index.html), looked up once at start, each checked
 * to be there and of the expected kind: the rest of the page then uses
 * typed fields instead of selectors.
 */
import { LANGUAGES, type Language } from './i18n/i18n.js';

/** Every element the page fills in or listens to. */
export interface PageElements {
  readonly banner: HTMLElement;
  readonly bannerText: HTMLElement;
  readonly bannerHint: HTMLElement;
  readonly statusBox: HTMLElement;
  readonly statusTitle: HTMLElement;
  readonly status: HTMLElement;
  readonly statusHint: HTMLElement;
  readonly warning: HTMLElement;
  readonly codeEntry: HTMLElement;
  readonly entryHelpDeskRow: HTMLElement;
  readonly entryHelpDesk: HTMLElement;
  readonly entryRelay: HTMLElement;
  readonly codeForm: HTMLFormElement;
  readonly codeInput: HTMLInputElement;
  readonly codeSubmit: HTMLButtonElement;
  readonly codeError: HTMLElement;
  readonly proxyForm: HTMLFormElement;
  readonly proxyTitle: HTMLElement;
  readonly proxyUser: HTMLInputElement;
  readonly proxyPassword: HTMLInputElement;
  readonly proxySaved: HTMLElement;
  readonly entryReport: HTMLElement;
  readonly entryReportText: HTMLElement;
  readonly reportSave: HTMLButtonElement;
  readonly reportCopy: HTMLButtonElement;
  readonly reportCopied: HTMLElement;
  readonly invitationsSection: HTMLElement;
  readonly invitationList: HTMLUListElement;
  readonly noInvitations: HTMLElement;
  readonly consentView: HTMLElement;
  readonly who: HTMLElement;
  readonly technician: HTMLElement;
  readonly technicianTeam: HTMLElement;
  readonly requestedMode: HTMLElement;
  readonly requestedHelp: HTMLElement;
  readonly sasCard: HTMLElement;
  readonly sas: HTMLElement;
  readonly sasHint: HTMLElement;
  readonly policy: HTMLElement;
  readonly policyList: HTMLUListElement;
  readonly consent: HTMLElement;
  readonly consentForm: HTMLFormElement;
  readonly customerName: HTMLInputElement;
  readonly customerNumber: HTMLInputElement;
  readonly caseNumber: HTMLInputElement;
  readonly grantMode: HTMLFieldSetElement;
  readonly eventLog: HTMLInputElement;
  readonly refuse: HTMLButtonElement;
  readonly session: HTMLElement;
  readonly sessionInfo: HTMLElement;
  readonly sessionTechnician: HTMLElement;
  readonly sessionTeam: HTMLElement;
  readonly sessionSas: HTMLElement;
  readonly mode: HTMLElement;
  readonly modeHelp: HTMLElement;
  readonly hotkeyHint: HTMLElement;
  readonly stopControl: HTMLButtonElement;
  readonly modeRequest: HTMLElement;
  readonly modeRequestText: HTMLElement;
  readonly modeRequestMode: HTMLElement;
  readonly modeRequestHelp: HTMLElement;
  readonly allowMode: HTMLButtonElement;
  readonly fileQuestion: HTMLElement;
  readonly fileQuestionText: HTMLElement;
  readonly fileQuestionHelp: HTMLElement;
  readonly fileYes: HTMLButtonElement;
  readonly fileNo: HTMLButtonElement;
  readonly transfers: HTMLElement;
  readonly transferList: HTMLUListElement;
  readonly denyMode: HTMLButtonElement;
  readonly chatTitle: HTMLElement;
  readonly chatLog: HTMLOListElement;
  readonly chatForm: HTMLFormElement;
  readonly chatInputLabel: HTMLLabelElement;
  readonly chatInput: HTMLInputElement;
  readonly chatSend: HTMLButtonElement;
  readonly endSession: HTMLButtonElement;
  readonly endDialog: HTMLDialogElement;
  readonly endDialogBody: HTMLElement;
  readonly endConfirm: HTMLButtonElement;
  readonly endCancel: HTMLButtonElement;
  readonly actionError: HTMLElement;
  readonly removal: HTMLElement;
  readonly removeWhenDone: HTMLInputElement;
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
    banner: el('#banner', HTMLElement),
    bannerText: el('#banner-text', HTMLElement),
    bannerHint: el('#banner-hint', HTMLElement),
    statusBox: el('#status-box', HTMLElement),
    statusTitle: el('#status-title', HTMLElement),
    status: el(testId('status'), HTMLElement),
    statusHint: el('#status-hint', HTMLElement),
    warning: el(testId('page-warning'), HTMLElement),
    codeEntry: el('#code-entry', HTMLElement),
    entryHelpDeskRow: el('#entry-help-desk-row', HTMLElement),
    entryHelpDesk: el(testId('entry-help-desk'), HTMLElement),
    entryRelay: el(testId('entry-relay'), HTMLElement),
    codeForm: el('#code-form', HTMLFormElement),
    codeInput: el(testId('code-input'), HTMLInputElement),
    codeSubmit: el(testId('code-submit'), HTMLButtonElement),
    codeError: el(testId('code-error'), HTMLElement),
    proxyForm: el('#proxy-form', HTMLFormElement),
    proxyTitle: el(testId('proxy-title'), HTMLElement),
    proxyUser: el(testId('proxy-user'), HTMLInputElement),
    proxyPassword: el(testId('proxy-password'), HTMLInputElement),
    proxySaved: el(testId('proxy-saved'), HTMLElement),
    entryReport: el(testId('entry-report'), HTMLElement),
    entryReportText: el(testId('entry-report-text'), HTMLElement),
    reportSave: el(testId('report-save'), HTMLButtonElement),
    reportCopy: el(testId('report-copy'), HTMLButtonElement),
    reportCopied: el(testId('report-copied'), HTMLElement),
    invitationsSection: el('#invitations', HTMLElement),
    invitationList: el(testId('invitations'), HTMLUListElement),
    noInvitations: el(testId('no-invitations'), HTMLElement),
    consentView: el('#consent-view', HTMLElement),
    who: el('#who', HTMLElement),
    technician: el(testId('technician'), HTMLElement),
    technicianTeam: el(testId('technician-team'), HTMLElement),
    requestedMode: el(testId('requested-mode'), HTMLElement),
    requestedHelp: el('#requested-help', HTMLElement),
    sasCard: el('#sas-card', HTMLElement),
    sas: el(testId('sas'), HTMLElement),
    sasHint: el('#sas-hint', HTMLElement),
    policy: el('#policy', HTMLElement),
    policyList: el(testId('policy-list'), HTMLUListElement),
    consent: el('#consent', HTMLElement),
    consentForm: el('#consent-form', HTMLFormElement),
    customerName: el('#customer-name', HTMLInputElement),
    customerNumber: el('#customer-number', HTMLInputElement),
    caseNumber: el('#case-number', HTMLInputElement),
    grantMode: el('#grant-mode', HTMLFieldSetElement),
    eventLog: el('#event-log', HTMLInputElement),
    refuse: el(testId('refuse'), HTMLButtonElement),
    session: el('#session', HTMLElement),
    sessionInfo: el('#session-info', HTMLElement),
    sessionTechnician: el('#session-technician', HTMLElement),
    sessionTeam: el('#session-team', HTMLElement),
    sessionSas: el('#session-sas', HTMLElement),
    mode: el(testId('mode'), HTMLElement),
    modeHelp: el('#mode-help', HTMLElement),
    hotkeyHint: el('#hotkey-hint', HTMLElement),
    stopControl: el(testId('stop-control'), HTMLButtonElement),
    modeRequest: el(testId('mode-request'), HTMLElement),
    modeRequestText: el('#mode-request-text', HTMLElement),
    modeRequestMode: el('#mode-request-mode', HTMLElement),
    modeRequestHelp: el('#mode-request-help', HTMLElement),
    allowMode: el(testId('allow-mode'), HTMLButtonElement),
    fileQuestion: el(testId('file-question'), HTMLElement),
    fileQuestionText: el('#file-question-text', HTMLElement),
    fileQuestionHelp: el('#file-question-help', HTMLElement),
    fileYes: el(testId('file-yes'), HTMLButtonElement),
    fileNo: el(testId('file-no'), HTMLButtonElement),
    transfers: el(testId('transfers'), HTMLElement),
    transferList: el('#transfer-list', HTMLUListElement),
    denyMode: el(testId('deny-mode'), HTMLButtonElement),
    chatTitle: el('#chat-title', HTMLElement),
    chatLog: el(testId('chat-log'), HTMLOListElement),
    chatForm: el('#chat-form', HTMLFormElement),
    chatInputLabel: el('#chat-input-label', HTMLLabelElement),
    chatInput: el(testId('chat-input'), HTMLInputElement),
    chatSend: el(testId('chat-send'), HTMLButtonElement),
    endSession: el(testId('end-session'), HTMLButtonElement),
    endDialog: el('#end-dialog', HTMLDialogElement),
    endDialogBody: el('#end-dialog-body', HTMLElement),
    endConfirm: el(testId('end-confirm'), HTMLButtonElement),
    endCancel: el(testId('end-cancel'), HTMLButtonElement),
    actionError: el('#action-error', HTMLElement),
    removal: el('#removal', HTMLElement),
    removeWhenDone: el(testId('remove-when-done'), HTMLInputElement),
    languages: new Map(LANGUAGES.map((lng) => [lng, el(testId(`lang-${lng}`), HTMLButtonElement)])),
  };
}
