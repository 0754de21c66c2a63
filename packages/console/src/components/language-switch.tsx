import { useTranslation } from 'react-i18next';
import { LANGUAGES, matchLanguage } from '../i18n/language.js';
import { switchLanguage } from '../i18n/i18n.js';
import { useServices } from '../services.js';

/** Two toggle buttons, English and 日本語; the choice persists in localStorage. */
export function LanguageSwitch() {
  const { t, i18n } = useTranslation();
  const { languageStore } = useServices();
  const current = matchLanguage(i18n.resolvedLanguage ?? i18n.language) ?? 'en';
  return (
    <div className="lang-switch" role="group" aria-label={t('language.label')}>
      {LANGUAGES.map((lang) => (
        <button
          key={lang}
          type="button"
          lang={lang}
          data-testid={`lang-${lang}`}
          aria-pressed={current === lang}
          className={current === lang ? 'lang-button is-current' : 'lang-button'}
          onClick={() => switchLanguage(i18n, languageStore, lang)}
        >
          {t(`language.${lang}`)}
        </button>
      ))}
    </div>
  );
}
