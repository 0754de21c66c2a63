import { useCallback, useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { translateError } from '../i18n/translate-error.js';
import { inBackground } from '../async/in-background.js';

/** What {@link useLoaded} gives a page: the data (undefined until loaded), the translated error, and a reload. */
export interface Loaded<T> {
  data: T | undefined;
  error: string | undefined;
  reload: () => Promise<void>;
}

/** Loads `fetch()` when the page opens, and again on `reload()`; a failure is kept as a translated message. */
export function useLoaded<T>(fetch: () => Promise<T>): Loaded<T> {
  const { t } = useTranslation();
  const [data, setData] = useState<T | undefined>(undefined);
  const [error, setError] = useState<string | undefined>(undefined);
  const reload = useCallback(async () => {
    try {
      setData(await fetch());
      setError(undefined);
    } catch (err) {
      setError(translateError(t, err));
    }
  }, [fetch, t]);
  useEffect(() => {
    inBackground(reload());
  }, [reload]);
  return { data, error, reload };
}
