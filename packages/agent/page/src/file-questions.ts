/**
 * The technician's file and system-information questions on the page
 * (issue 11), asked in every mode: the first question waiting is shown as
 * a card like a step-up request (who asks, for what, where a file will be
 * saved), answered with its id and kind so that the answer is for that
 * question and no other; the transfers under way each have a progress bar
 * with speed, time left and Cancel. The agent decides (file-desk.ts); the
 * page only shows and asks.
 */
import type { PageContext } from './page-context.js';
import { technicianName } from './people.js';
import { sizeText } from './size-text.js';
import { leftText } from './time-text.js';
import type { FileQuestion, FileTransfer } from './wire.js';

function questionText(ctx: PageContext, q: FileQuestion): { title: string; help: string; yes: string } {
  const { tr, state } = ctx;
  const name = technicianName(tr, state.view.technician);
  switch (q.kind) {
    case 'offer':
      return {
        title: tr.t('files.offer', { name, file: q.name, size: sizeText(q.size, tr.language) }),
        help: tr.t('files.offerHelp', { folder: q.folder }),
        yes: tr.t('files.receive'),
      };
    case 'request':
      return { title: tr.t('files.request', { name, path: q.path }), help: tr.t('files.requestHelp', { name }), yes: tr.t('files.send') };
    case 'sysinfo':
      return { title: tr.t('files.sysinfo', { name }), help: tr.t('files.sysinfoHelp'), yes: tr.t('files.send') };
  }
}

function transferItem(ctx: PageContext, t: FileTransfer, now: number): HTMLLIElement {
  const { tr } = ctx;
  const li = document.createElement('li');
  li.className = 'transfer';
  li.dataset.testid = 'transfer';
  li.dataset.id = String(t.id);
  const title = document.createElement('p');
  title.className = 'transfer-name';
  title.textContent = tr.t(t.direction === 'receive' ? 'files.receiving' : 'files.sending', { file: t.name });
  const bar = document.createElement('progress');
  bar.max = Math.max(t.size, 1);
  bar.value = t.size === 0 ? 1 : t.bytes;
  bar.setAttribute('aria-label', title.textContent);
  const figures = document.createElement('p');
  figures.className = 'transfer-figures hint';
  const speed = ctx.state.transferSpeed(t.id, now);
  const done = { done: sizeText(t.bytes, tr.language), size: sizeText(t.size, tr.language), percent: String(t.size === 0 ? 100 : Math.floor((t.bytes * 100) / t.size)) };
  figures.textContent =
    speed === undefined || speed <= 0
      ? tr.t('files.progress', done)
      : tr.t('files.progressSpeed', { ...done, speed: sizeText(speed, tr.language), left: leftText(((t.size - t.bytes) * 1000) / speed, tr.language) });
  const cancel = document.createElement('button');
  cancel.type = 'button';
  cancel.className = 'button secondary small';
  cancel.dataset.testid = 'transfer-cancel';
  cancel.textContent = tr.t('files.cancel');
  cancel.addEventListener('click', () => ctx.actions.send('file-cancel', { id: t.id }));
  li.append(title, bar, figures, cancel);
  return li;
}

/** Shows the first question waiting, and the transfers, while the session runs. */
export function renderFiles(ctx: PageContext): void {
  const { ui, state } = ctx;
  const active = state.screen === 'session' && state.view.status === 'active';
  const { transfers } = state.files;
  const q = active ? state.questions[0] : undefined;
  ui.fileQuestion.hidden = q === undefined;
  if (q !== undefined) {
    const words = questionText(ctx, q);
    ui.fileQuestionText.textContent = words.title;
    ui.fileQuestionHelp.textContent = words.help;
    ui.fileYes.textContent = words.yes;
    ui.fileQuestion.dataset.kind = q.kind;
    ui.fileQuestion.dataset.id = String(q.id);
  }
  ui.transfers.hidden = !active || transfers.length === 0;
  const now = Date.now();
  ui.transferList.replaceChildren(...(active ? transfers.map((t) => transferItem(ctx, t, now)) : []));
}

/** Answers the question the page shows, naming it. */
function answer(ctx: PageContext, yes: boolean): void {
  const q = ctx.state.questions[0];
  if (q === undefined) return;
  ctx.state.markAnswered(q);
  renderFiles(ctx);
  ctx.actions.send('file-answer', { id: q.id, kind: q.kind, yes });
}

/** Wires the question's two buttons. */
export function wireFiles(ctx: PageContext): void {
  ctx.ui.fileYes.addEventListener('click', () => answer(ctx, true));
  ctx.ui.fileNo.addEventListener('click', () => answer(ctx, false));
}
