import { useLayoutEffect, useRef } from 'react';
import { useTranslation } from 'react-i18next';
import { useScreenState, useServices } from '../services.js';
import { canRequest, type SessionView } from '../session/session-model.js';

/**
 * The customer's screen while the mode is view or control: noVNC's element
 * borrowed from the {@link ScreenHost}, the view-only or in-control
 * indicator, the scale toggle, and the request for control beside it.
 */
export function ScreenPane({ view, onRequestControl }: { view: SessionView; onRequestControl: () => void }) {
  const { t } = useTranslation();
  const { screen } = useServices();
  const state = useScreenState();
  const holder = useRef<HTMLDivElement>(null);
  const control = view.mode === 'control';

  useLayoutEffect(() => {
    const el = holder.current;
    if (!el) return;
    el.appendChild(screen.element);
    return () => {
      if (screen.element.parentNode === el) el.removeChild(screen.element);
    };
  }, [screen]);

  const mode = view.mode ?? 'chat';
  return (
    <section className={`card screen-card screen-${mode}`} aria-labelledby="screen-title">
      <div className="screen-toolbar">
        <h2 id="screen-title" className="card-title">{t('screen.title')}</h2>
        <span className={`control-indicator ${control ? 'is-control' : 'is-view'}`} data-testid="control-indicator" data-mode={mode} role="status">
          <span className="indicator-dot" aria-hidden="true" />
          <strong>{control ? t('screen.inControl') : t('screen.viewOnly')}</strong>
          <span className="indicator-hint">{control ? t('screen.inControlHint') : t('screen.viewOnlyHint')}</span>
        </span>
        <span className="screen-tools">
          {!control && (
            <button
              type="button"
              className="button primary"
              data-testid="screen-request-control"
              disabled={!canRequest(view, 'control')}
              onClick={onRequestControl}
            >
              {view.pending === 'control' ? t('session.requestPending') : t('session.requestControl')}
            </button>
          )}
          <button
            type="button"
            className="button secondary"
            data-testid="scale-toggle"
            data-scale={state.scale}
            aria-pressed={state.scale === 'actual'}
            onClick={() => screen.setScale(state.scale === 'fit' ? 'actual' : 'fit')}
          >
            {state.scale === 'fit' ? t('screen.showActual') : t('screen.showFit')}
          </button>
        </span>
      </div>
      {view.tookBack && (
        <p className="notice took-back" data-testid="took-back" role="alert">
          <strong>{t('screen.tookBack')}</strong> {t('screen.tookBackHint')}
        </p>
      )}
      <div
        className={`screen-frame scale-${state.scale}`}
        data-testid="screen"
        data-mode={mode}
        data-connected={state.connected ? 'true' : 'false'}
        data-scale={state.scale}
        aria-label={control ? t('screen.labelControl') : t('screen.labelView')}
      >
        <div className="screen-holder" ref={holder} />
        {!state.connected && (
          <div className="screen-overlay" data-testid="screen-status">
            {state.lost ? t('screen.lost') : t('screen.connecting')}
          </div>
        )}
      </div>
    </section>
  );
}
