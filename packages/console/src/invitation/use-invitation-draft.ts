import { useCallback, useState } from 'react';
import { INVITATION_LINK_ROUTE, toTandemError, type Invitation, type TandemError } from '@tandem/protocol';
import { readInvitationFile, readInvitationText } from './invitation-input.js';

/** The invitation being opened on the sessions page, before and after reading it. */
export interface InvitationDraft {
  /** The panel is shown. */
  open: boolean;
  /** What is typed in the paste box. */
  text: string;
  /** The invitation read, once it parsed. */
  invitation: Invitation | undefined;
  /** Why the last read failed; translated when shown, so a language switch re-translates it. */
  error: TandemError | undefined;
  /** Bumped on every successful read, so the form below starts afresh. */
  generation: number;
  setOpen: (open: boolean) => void;
  setText: (text: string) => void;
  /** Reads pasted text (file text or link). */
  readText: (text: string) => void;
  /** Reads the data of an invitation link route. */
  readLinkData: (data: string) => void;
  /** Reads a dropped or chosen file. */
  readFile: (file: Blob) => Promise<void>;
  /** Back to the input step (another invitation). */
  reset: () => void;
}

/** State of the "Open invitation" panel, owned by the sessions page so a drop anywhere on it can feed the panel. */
export function useInvitationDraft(): InvitationDraft {
  const [open, setOpen] = useState(false);
  const [text, setText] = useState('');
  const [invitation, setInvitation] = useState<Invitation | undefined>(undefined);
  const [error, setError] = useState<TandemError | undefined>(undefined);
  const [generation, setGeneration] = useState(0);

  const settle = useCallback((read: () => Invitation) => {
    setOpen(true);
    try {
      const inv = read();
      setInvitation(inv);
      setError(undefined);
      // The pasted text may hold the secret: do not keep it around once read.
      setText('');
      setGeneration((g) => g + 1);
    } catch (err) {
      setInvitation(undefined);
      setError(toTandemError(err, 'TANDEM_ERR_INVITATION_INVALID'));
    }
  }, []);

  const readText = useCallback((value: string) => settle(() => readInvitationText(value)), [settle]);
  const readLinkData = useCallback((data: string) => settle(() => readInvitationText(`${INVITATION_LINK_ROUTE}${data}`)), [settle]);
  const readFile = useCallback(
    async (file: Blob) => {
      let inv: Invitation | undefined;
      let failure: unknown;
      try {
        inv = await readInvitationFile(file);
      } catch (err) {
        failure = err;
      }
      settle(() => {
        if (inv === undefined) throw failure;
        return inv;
      });
    },
    [settle],
  );
  const reset = useCallback(() => {
    setInvitation(undefined);
    setError(undefined);
    setText('');
  }, []);

  return { open, text, invitation, error, generation, setOpen, setText, readText, readLinkData, readFile, reset };
}
