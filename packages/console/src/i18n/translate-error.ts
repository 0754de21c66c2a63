import type { TFunction } from 'i18next';
import { isTandemErrorCode } from '@tandem/protocol';

/**
 * The user-facing message for an error: the translation of its code when it
 * has one (TandemError or `{code}`), else a generic line with its message.
 */
export function translateError(t: TFunction, err: unknown): string {
  const code = typeof err === 'object' && err !== null ? (err as { code?: unknown }).code : undefined;
  if (isTandemErrorCode(code)) return t(`errors.${code}`);
  const message = err instanceof Error ? err.message : String(err);
  return t('errors.unknown', { message });
}
