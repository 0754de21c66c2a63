import type { TFunction } from 'i18next';
import { isTandemErrorCode, type TandemErrorCode } from '@tandem/protocol';

/** What the technician was doing when the error came: a session code, or answering an invitation. */
export type ErrorContext = 'code' | 'invitation';

/**
 * Codes that mean something else when answering an invitation: a failed
 * handshake is a wrong password (or an edited invitation), not a wrong code;
 * their texts live under `invitation.errors`.
 */
export const INVITATION_ERROR_CODES: readonly TandemErrorCode[] = ['TANDEM_ERR_WRONG_CODE', 'TANDEM_ERR_CONFLICT', 'TANDEM_ERR_INVITATION_EXPIRED', 'TANDEM_ERR_TIMEOUT'];

/** The catalogue key of an error code's text in `context`. */
export function errorKey(code: TandemErrorCode, context: ErrorContext = 'code'): string {
  return context === 'invitation' && INVITATION_ERROR_CODES.includes(code) ? `invitation.errors.${code}` : `errors.${code}`;
}

/**
 * The user-facing message for an error: the translation of its code when it
 * has one (TandemError or `{code}`), else a generic line with its message.
 */
export function translateError(t: TFunction, err: unknown, context: ErrorContext = 'code'): string {
  const code = typeof err === 'object' && err !== null ? (err as { code?: unknown }).code : undefined;
  if (isTandemErrorCode(code)) return t(errorKey(code, context));
  const message = err instanceof Error ? err.message : String(err);
  return t('errors.unknown', { message });
}
