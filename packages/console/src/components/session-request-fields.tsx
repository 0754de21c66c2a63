import { useTranslation } from 'react-i18next';
import { LIMITS, MODES, type Mode } from '@tandem/protocol';

/** Props of {@link SessionRequestFields}. */
export interface SessionRequestFieldsProps {
  /** Prefix of the inputs' ids: `case-number` and `mode` without one. */
  idPrefix?: string;
  caseNumber: string;
  onCaseNumber: (value: string) => void;
  mode: Mode;
  onMode: (mode: Mode) => void;
}

/** The optional case number and the mode asked for, shared by new sessions and invitations. */
export function SessionRequestFields({ idPrefix, caseNumber, onCaseNumber, mode, onMode }: SessionRequestFieldsProps) {
  const { t } = useTranslation();
  const id = (name: string): string => (idPrefix ? `${idPrefix}-${name}` : name);
  return (
    <>
      <label className="field">
        <span>
          {t('sessions.caseNumber')} <span className="muted">({t('common.optional')})</span>
        </span>
        <input id={id('case-number')} maxLength={LIMITS.maxNumberChars} value={caseNumber} onChange={(e) => onCaseNumber(e.target.value)} autoComplete="off" />
      </label>
      <label className="field">
        <span>{t('sessions.mode')}</span>
        <select id={id('mode')} value={mode} onChange={(e) => onMode(e.target.value as Mode)}>
          {MODES.map((m) => (
            <option key={m} value={m}>
              {t(`mode.${m}`)}
            </option>
          ))}
        </select>
      </label>
    </>
  );
}
