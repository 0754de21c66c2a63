/**
 * The support page's markup, built from its model in one pass: a header
 * with the help desk's name and logo and the language switch, the three
 * steps (download, run, type the code into Tandem), the help desk's phone
 * number, a footer. Landmarks (banner, main, contentinfo), one h1, an h2 per
 * step, and the primary download as a real link. The console's stylesheet
 * gives the look (support-page.css imports it).
 *
 * There is no form and no input anywhere on this page, on purpose: the
 * session code's secret digits must never reach the relay (README, security
 * model), and a box here would send them to the page the relay serves. The
 * code is typed only into the agent's own window. A test checks that the
 * page has no form, input or editable element.
 */
import { AGENT_DOWNLOADS, type AgentPlatform, type HelpDeskInfo } from '@tandem/protocol';
import { h, type Child } from './dom.js';
import { formatSize, type Availability } from './downloads.js';
import type { Catalogue } from './i18n/en.js';
import { CATALOGUES, LANGUAGES, fill, type Language } from './i18n/language.js';
import { downloadOrder, type Device } from './platform.js';

/** Everything the page shows. */
export interface PageModel {
  language: Language;
  helpDesk: HelpDeskInfo | undefined;
  device: Device;
  downloads: Readonly<Record<AgentPlatform, Availability>>;
}

/** What the page's controls do. */
export interface PageActions {
  setLanguage(language: Language): void;
}

/** A phone number fit for a `tel:` link (RFC 3966: digits, a leading +, visual separators), or undefined for anything else. */
export function telLink(phone: string): string | undefined {
  if (!/^\+?[0-9 ().-]{3,40}$/.test(phone) || (phone.match(/[0-9]/g) ?? []).length < 3) return undefined;
  return `tel:${phone.trim().replace(/ +/g, '-')}`;
}

/** `template`'s text with each `{{name}}` replaced by `values[name]`, which may be an element (a file name in <code>). */
function fillWith(template: string, values: Readonly<Record<string, Child>>): Child[] {
  return template.split(/(\{\{\w+\}\})/).map((part) => {
    const name = /^\{\{(\w+)\}\}$/.exec(part)?.[1];
    return name !== undefined && name in values ? values[name] : part;
  });
}

/** A file name, kept on one line. */
function fileName(doc: Document, file: string): HTMLElement {
  return h(doc, 'code', { class: 'support-file' }, file);
}

/** Builds the page for `model` into `root`, replacing what was there. */
export function renderPage(doc: Document, root: HTMLElement, model: PageModel, actions: PageActions): void {
  const text = CATALOGUES[model.language];
  const desk = model.helpDesk;
  doc.documentElement.lang = model.language;
  doc.title = desk === undefined ? text.title : fill(text.titleDesk, { desk: desk.name });
  root.replaceChildren(
    h(doc, 'a', { class: 'skip-link', href: '#main' }, text.skip),
    header(doc, text, model, actions),
    h(
      doc,
      'main',
      { id: 'main', class: 'page support-page', tabindex: '-1' },
      h(doc, 'h1', { class: 'page-title support-title' }, desk === undefined ? text.heading.neutral : fill(text.heading.desk, { desk: desk.name })),
      h(doc, 'p', { class: 'support-lead' }, text.lead),
      h(doc, 'ol', { class: 'support-steps' }, downloadStep(doc, text, model), runStep(doc, text, model), codeStep(doc, text)),
      contact(doc, text, desk),
    ),
    h(doc, 'footer', { class: 'support-footer' }, h(doc, 'p', {}, text.footer)),
  );
}

function header(doc: Document, text: Catalogue, model: PageModel, actions: PageActions): HTMLElement {
  const desk = model.helpDesk;
  const mark =
    desk?.logo !== undefined
      ? // The name stands beside the logo, so the image itself says nothing more.
        h(doc, 'img', { class: 'support-logo', src: desk.logo, alt: '', 'data-testid': 'help-desk-logo' })
      : h(doc, 'span', { class: 'brand-mark', 'aria-hidden': 'true' }, 'T');
  const switcher = h(doc, 'div', { class: 'lang-switch', role: 'group', 'aria-label': text.language.label });
  for (const language of LANGUAGES) {
    const button = h(
      doc,
      'button',
      {
        type: 'button',
        id: `lang-${language}`,
        lang: language,
        class: language === model.language ? 'lang-button is-current' : 'lang-button',
        'aria-pressed': language === model.language ? 'true' : 'false',
        'data-testid': `lang-${language}`,
      },
      text.language[language],
    );
    button.addEventListener('click', () => actions.setLanguage(language));
    switcher.append(button);
  }
  return h(
    doc,
    'header',
    { class: 'app-header support-header' },
    h(
      doc,
      'div',
      { class: 'brand' },
      mark,
      h(doc, 'span', { class: 'brand-name', 'data-testid': 'help-desk-name' }, desk?.name ?? 'Tandem'),
      h(doc, 'span', { class: 'brand-tagline' }, text.tagline),
    ),
    h(doc, 'div', { class: 'header-tools' }, switcher),
  );
}

/** One numbered step: a card with its number, heading and content. */
function step(doc: Document, id: string, number: number, title: string, ...content: Child[]): HTMLElement {
  return h(
    doc,
    'li',
    { class: 'card support-step', 'aria-labelledby': `${id}-title`, 'data-testid': `step-${id}` },
    h(doc, 'h2', { class: 'support-step-title', id: `${id}-title` }, h(doc, 'span', { class: 'step-number', 'aria-hidden': 'true' }, String(number)), title),
    ...content,
  );
}

/** Whom to ask when a download is missing: the help desk (by phone when it has one), else the technician. */
function askForHelp(text: Catalogue, desk: HelpDeskInfo | undefined): string {
  if (desk === undefined) return text.download.askTechnician;
  if (desk.phone !== undefined) return fill(text.download.askDeskPhone, { desk: desk.name, phone: desk.phone });
  return fill(text.download.askDesk, { desk: desk.name });
}

function fileLine(doc: Document, text: Catalogue, platform: AgentPlatform, availability: Availability): Child[] {
  const file = fileName(doc, AGENT_DOWNLOADS[platform].file);
  if (availability.state === 'available' && availability.bytes !== undefined) return fillWith(text.download.fileSize, { file, size: formatSize(availability.bytes) });
  return fillWith(text.download.file, { file });
}

/** The device's own download, as a large link (or why there is none). */
function primaryDownload(doc: Document, text: Catalogue, model: PageModel, platform: AgentPlatform): HTMLElement {
  const availability = model.downloads[platform];
  const system = text.systems[platform];
  if (availability.state === 'missing') {
    return h(
      doc,
      'div',
      { class: 'notice warn support-missing', role: 'status', 'data-testid': `download-${platform}`, 'data-state': 'missing', 'data-offer': 'primary' },
      h(doc, 'p', { class: 'notice-line' }, fill(text.download.missing, { system })),
      h(doc, 'p', { class: 'notice-line' }, askForHelp(text, model.helpDesk)),
    );
  }
  return h(
    doc,
    'div',
    { class: 'support-primary', 'data-testid': `download-${platform}`, 'data-state': availability.state, 'data-offer': 'primary' },
    h(
      doc,
      'a',
      { class: 'button primary support-download', href: AGENT_DOWNLOADS[platform].path, download: AGENT_DOWNLOADS[platform].file, 'data-testid': 'download-primary' },
      fill(text.download.primary, { system }),
    ),
    h(doc, 'p', { class: 'hint' }, ...fileLine(doc, text, platform, availability)),
    availability.state === 'checking' && h(doc, 'p', { class: 'hint', role: 'status' }, text.download.checking),
  );
}

/** The other downloads, listed: each a link, or its name and that it is missing. */
function otherDownloads(doc: Document, text: Catalogue, model: PageModel, platforms: readonly AgentPlatform[]): HTMLElement {
  const list = h(doc, 'ul', { class: 'support-others' });
  for (const platform of platforms) {
    const availability = model.downloads[platform];
    const label = fill(text.download.item, { system: text.systems[platform] });
    const file = AGENT_DOWNLOADS[platform].file;
    list.append(
      h(
        doc,
        'li',
        { 'data-testid': `download-${platform}`, 'data-state': availability.state, 'data-offer': 'other' },
        availability.state === 'missing'
          ? h(doc, 'span', { class: 'support-other-name' }, label)
          : h(doc, 'a', { class: 'support-other-name', href: AGENT_DOWNLOADS[platform].path, download: file }, label),
        h(doc, 'span', { class: 'hint support-other-file' }, ...(availability.state === 'missing' ? [text.download.itemMissing] : fileLine(doc, text, platform, availability))),
      ),
    );
  }
  return list;
}

function downloadStep(doc: Document, text: Catalogue, model: PageModel): HTMLElement {
  const { primary, others } = downloadOrder(model.device);
  const note: Readonly<Partial<Record<Device, string>>> = {
    macos: text.download.macos,
    chromeos: text.download.chromeos,
    mobile: text.download.mobile,
    unknown: text.download.unknown,
  };
  const deviceNote = note[model.device];
  const allMissing = [primary, ...others].every((p) => p === undefined || model.downloads[p].state === 'missing');
  return step(
    doc,
    'download',
    1,
    text.download.title,
    deviceNote !== undefined && h(doc, 'p', { class: 'notice support-device-note', 'data-testid': 'device-note' }, deviceNote),
    primary !== undefined && primaryDownload(doc, text, model, primary),
    h(doc, 'p', { class: 'label support-others-label' }, primary !== undefined ? text.download.others : text.download.choose),
    otherDownloads(doc, text, model, others),
    // Nothing to download for this device at all: say whom to ask (with a primary, its notice says it already).
    primary === undefined && allMissing && h(doc, 'p', { class: 'hint', 'data-testid': 'ask-for-help' }, askForHelp(text, model.helpDesk)),
  );
}

function runStep(doc: Document, text: Catalogue, model: PageModel): HTMLElement {
  const windows = (): Child[] => [h(doc, 'p', {}, ...fillWith(text.run.windows, { file: fileName(doc, AGENT_DOWNLOADS.windows.file) }))];
  const linux = (): Child[] => [
    h(doc, 'p', {}, text.run.linux),
    h(doc, 'pre', { class: 'support-command' }, h(doc, 'code', {}, `cd ~/Downloads\nchmod +x ${AGENT_DOWNLOADS.linux.file}\n./${AGENT_DOWNLOADS.linux.file}`)),
    h(doc, 'p', { class: 'hint' }, text.run.linuxNote),
  ];
  // The device's own instructions only; both, each under its heading, when the page cannot tell.
  if (model.device === 'windows') return step(doc, 'run', 2, text.run.title, ...windows());
  if (model.device === 'linux') return step(doc, 'run', 2, text.run.title, ...linux());
  return step(
    doc,
    'run',
    2,
    text.run.title,
    h(doc, 'h3', { class: 'support-subtitle' }, text.run.windowsTitle),
    ...windows(),
    h(doc, 'h3', { class: 'support-subtitle' }, text.run.linuxTitle),
    ...linux(),
  );
}

function codeStep(doc: Document, text: Catalogue): HTMLElement {
  return step(
    doc,
    'code',
    3,
    text.code.title,
    h(doc, 'p', {}, text.code.body),
    h(doc, 'p', {}, text.code.consent),
    h(doc, 'p', { class: 'notice support-never', 'data-testid': 'code-never' }, text.code.never),
  );
}

function contact(doc: Document, text: Catalogue, desk: HelpDeskInfo | undefined): HTMLElement | undefined {
  if (desk?.phone === undefined) return undefined;
  const tel = telLink(desk.phone);
  return h(
    doc,
    'section',
    { class: 'card support-contact', 'aria-labelledby': 'contact-title' },
    h(doc, 'h2', { class: 'card-title', id: 'contact-title' }, text.contact.title),
    h(
      doc,
      'p',
      { class: 'support-phone-line' },
      fill(text.contact.call, { desk: desk.name }),
      ' ',
      tel !== undefined
        ? h(doc, 'a', { class: 'support-phone', href: tel, 'data-testid': 'help-desk-phone' }, desk.phone)
        : h(doc, 'span', { class: 'support-phone', 'data-testid': 'help-desk-phone' }, desk.phone),
    ),
  );
}
