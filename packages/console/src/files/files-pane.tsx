/**
 * The session's files and system information in the console (issue 11): a
 * drop zone and a file picker that offer files to the customer, a path to
 * ask the customer for, each transfer under way with its progress, speed,
 * time left and Cancel, the session's transfer log (downloadable, one JSON
 * object per line as the scriptable client prints it), and the customer's
 * system information with Copy and Export. The customer is asked on their
 * side for every one of these.
 */
import { useRef, useState, useSyncExternalStore, type DragEvent, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { saveBlob } from '../api/save-blob.js';
import { CopyButton } from '../components/copy-button.js';
import { translateError } from '../i18n/translate-error.js';
import { useNow } from '../session/use-now.js';
import type { ConsoleFiles, TransferView } from './console-files.js';

/** Bytes in SI units (powers of 1000), in the console's language. */
export function sizeText(bytes: number, language: string): string {
  const units = ['byte', 'kilobyte', 'megabyte', 'gigabyte', 'terabyte'] as const;
  let value = Math.max(0, bytes);
  let unit = 0;
  while (value >= 1000 && unit < units.length - 1) {
    value /= 1000;
    unit++;
  }
  const digits = unit > 0 && value < 10 ? 1 : 0;
  return new Intl.NumberFormat(language, { style: 'unit', unit: units[unit], unitDisplay: 'short', maximumFractionDigits: digits, minimumFractionDigits: digits }).format(value);
}

function TransferRow({ transfer, files, now }: { transfer: TransferView; files: ConsoleFiles; now: number }) {
  const { t, i18n } = useTranslation();
  const elapsed = (now - transfer.startedAt) / 1000;
  const speed = elapsed >= 1 ? transfer.bytes / elapsed : undefined;
  const percent = transfer.size === 0 ? 0 : Math.floor((transfer.bytes * 100) / transfer.size);
  const figures = { done: sizeText(transfer.bytes, i18n.language), size: sizeText(transfer.size, i18n.language), percent };
  return (
    <li className="transfer" data-testid="transfer" data-id={transfer.id}>
      <p className="transfer-name">{t(transfer.direction === 'send' ? 'files.sending' : 'files.receiving', { file: transfer.name })}</p>
      <progress max={Math.max(transfer.size, 1)} value={transfer.bytes} aria-label={transfer.name} />
      <p className="small muted transfer-figures">
        {speed !== undefined && speed > 0 && transfer.size > 0
          ? t('files.progressSpeed', { ...figures, speed: sizeText(speed, i18n.language), seconds: Math.ceil((transfer.size - transfer.bytes) / speed) })
          : t('files.progress', figures)}
      </p>
      <button type="button" className="button secondary small" data-testid="transfer-cancel" onClick={() => files.cancel(transfer.id)}>
        {t('files.cancel')}
      </button>
    </li>
  );
}

/**
 * Drop handlers for the whole session view: files dropped anywhere on it
 * are offered to the customer while the session is active.
 */
export function fileDropTarget(files: ConsoleFiles | undefined, active: boolean): { onDragOver: (e: DragEvent) => void; onDrop: (e: DragEvent) => void } {
  return {
    onDragOver: (e) => {
      if (active && files !== undefined && e.dataTransfer.types.includes('Files')) e.preventDefault();
    },
    onDrop: (e) => {
      if (!active || files === undefined || e.dataTransfer.files.length === 0) return;
      e.preventDefault();
      for (const file of e.dataTransfer.files) files.send(file);
    },
  };
}

/** The files card, for a session whose files and system information `files` holds. */
export function FilesPane({ files, active }: { files: ConsoleFiles; active: boolean }) {
  const { t, i18n } = useTranslation();
  const view = useSyncExternalStore(files.subscribe, () => files.view);
  const now = useNow(500, view.transfers.length > 0);
  const [path, setPath] = useState('');
  const [error, setError] = useState<string | undefined>(undefined);
  const picker = useRef<HTMLInputElement>(null);

  const act = (fn: () => void): void => {
    try {
      setError(undefined);
      fn();
    } catch (err) {
      setError(translateError(t, err));
    }
  };
  const offer = (list: FileList | null): void => {
    for (const file of list ?? []) act(() => files.send(file));
  };
  const ask = (e: FormEvent): void => {
    e.preventDefault();
    act(() => {
      files.get(path);
      setPath('');
    });
  };
  const exportLog = (): void => {
    const lines = view.log.map((entry) => JSON.stringify(entry)).join('\n');
    saveBlob(new Blob([`${lines}\n`], { type: 'application/x-ndjson' }), 'tandem-transfer-log.jsonl');
  };
  const sysinfo = view.sysinfo;
  const sysinfoText = sysinfo.state === 'received' ? sysinfo.items.map((i) => `${i.key}: ${i.value}`).join('\n') : '';

  return (
    <>
      <section className="card files-card" aria-labelledby="files-title" data-testid="files">
        <h2 id="files-title" className="card-title">{t('files.title')}</h2>
        <div className="drop-zone" data-testid="file-drop">
          <p className="small">{t('files.dropHint')}</p>
          <button type="button" className="button secondary small" data-testid="file-pick" disabled={!active} onClick={() => picker.current?.click()}>
            {t('files.pick')}
          </button>
          <input
            ref={picker}
            type="file"
            multiple
            hidden
            data-testid="file-input"
            onChange={(e) => {
              offer(e.currentTarget.files);
              e.currentTarget.value = '';
            }}
          />
        </div>
        <form className="file-get" onSubmit={ask}>
          <label htmlFor="file-get-path" className="label">{t('files.getLabel')}</label>
          <div className="file-get-row">
            <input id="file-get-path" data-testid="file-get-path" value={path} disabled={!active} placeholder={t('files.getPlaceholder')} onChange={(e) => setPath(e.target.value)} />
            <button type="submit" className="button secondary" data-testid="file-get" disabled={!active || path.trim() === ''}>{t('files.get')}</button>
          </div>
        </form>
        <p className="hint">{t('files.askedHint')}</p>
        {error && <p className="notice error" role="alert">{error}</p>}
        {view.transfers.length > 0 && (
          <ul className="transfer-list">
            {view.transfers.map((tr) => <TransferRow key={tr.id} transfer={tr} files={files} now={now} />)}
          </ul>
        )}
        {view.log.length > 0 && (
          <>
            <h3 className="label">{t('files.logTitle')}</h3>
            <ul className="transfer-log" data-testid="transfer-log">
              {view.log.map((entry, i) => (
                <li key={i} data-result={entry.result}>
                  <span className="transfer-log-name">{entry.name}</span>{' '}
                  <span className="small muted">
                    {t(`files.result.${entry.result}`)} · {t(entry.direction === 'sent' ? 'files.sent' : 'files.received')} · {sizeText(entry.bytes, i18n.language)}
                  </span>
                </li>
              ))}
            </ul>
            <button type="button" className="button secondary small" data-testid="transfer-log-export" onClick={exportLog}>{t('files.logExport')}</button>
          </>
        )}
      </section>
      <section className="card sysinfo-card" aria-labelledby="sysinfo-title" data-testid="sysinfo">
        <h2 id="sysinfo-title" className="card-title">{t('files.sysinfoTitle')}</h2>
        <button type="button" className="button secondary" data-testid="sysinfo-request" disabled={!active || sysinfo.state === 'asked'} onClick={() => act(() => files.requestSysinfo())}>
          {t('files.sysinfoRequest')}
        </button>
        {sysinfo.state === 'asked' && <p className="hint" role="status">{t('files.sysinfoAsked')}</p>}
        {sysinfo.state === 'refused' && <p className="notice" role="status" data-testid="sysinfo-refused">{t('files.sysinfoRefused')}</p>}
        {sysinfo.state === 'received' && (
          <>
            <dl className="details sysinfo-items" data-testid="sysinfo-items">
              {sysinfo.items.map((item) => (
                <div key={item.key} className="sysinfo-item">
                  <dt>{item.key}</dt>
                  <dd>{item.value}</dd>
                </div>
              ))}
            </dl>
            <div className="file-get-row">
              <CopyButton text={sysinfoText} label={t('files.sysinfoCopy')} testId="sysinfo-copy" small />
              <button type="button" className="button secondary small" data-testid="sysinfo-export" onClick={() => saveBlob(new Blob([`${sysinfoText}\n`], { type: 'text/plain;charset=utf-8' }), 'tandem-system-information.txt')}>
                {t('files.sysinfoExport')}
              </button>
            </div>
          </>
        )}
      </section>
    </>
  );
}
