/**
 * The page's reading of the agent's events (wire.ts) against the agent's own
 * types: every value the agent can send is a value the page takes (checked
 * by the compiler below), the decoders keep them as they are, and anything
 * else is refused with the field named.
 */
import { describe, expect, it } from 'vitest';
import type { ChatEntry as AgentChatEntry, JoinView } from '../../src/session/join-controller.js';
import type { InvitationSelf as AgentSelf } from '../../src/pages/invitation-page.js';
import type { InvitationRow as AgentRow } from '../../src/invitations/invitation-rows.js';
import type { FileProgress as AgentTransfer, FileQuestion as AgentQuestion } from '../../src/session/file-desk.js';
import { decodeAgentError, decodeChat, decodeFiles, decodeInvitations, decodeSelf, decodeView, decodeWarning, WireError, type ChatEntry, type FileQuestion, type FileTransfer, type InvitationRow, type InvitationSelf, type PageView } from './wire.js';

// What the agent sends fits what the page reads: these fail to compile when the agent's types move away.
const asView = (v: JoinView): PageView => v;
const asChat = (c: AgentChatEntry): ChatEntry => c;
const asSelf = (s: AgentSelf): InvitationSelf => s;
const asRow = (r: AgentRow): InvitationRow => r;
const asQuestion = (q: AgentQuestion): FileQuestion => q;
const asTransfer = (t: AgentTransfer): FileTransfer => t;

/** Through JSON, as on the event stream. */
const wire = (value: unknown): unknown => JSON.parse(JSON.stringify(value));

const FULL_VIEW: JoinView = {
  status: 'active',
  technician: { username: 'kato', displayName: 'Kato Mai', team: 'Desk 2' },
  requestedMode: 'control',
  maxMode: 'view',
  policy: [{ key: 'policy.maxInvitationLifetime', params: { seconds: 3600, duration: '1 hour' }, text: 'Invitations last at most 1 hour.' }],
  sas: '123 456',
  defaults: { name: 'Mori Aoi', customerNumber: 'C-1', caseNumber: 'K-2', eventLog: true },
  mode: 'view',
  pendingRequest: 'control',
  endReason: 'customer-ended',
  error: { code: 'TANDEM_ERR_PEER_LOST', message: 'lost' },
};

const ROW: AgentRow = {
  id: '0123456789ab',
  customerName: 'Mori Aoi',
  passwordProtected: true,
  start: 1,
  expiresAt: 2,
  relays: ['https://a.example', 'https://b.example'],
  state: 'expired',
  reason: 'too-many-wrong-passwords',
  holder: { pid: 42, relay: 'https://a.example' },
  wrongAttempts: 5,
  maxWrong: 5,
  current: false,
};

describe('the page reads what the agent sends', () => {
  it('takes every field of a session view as it is, and a minimal one without inventing fields', () => {
    expect(decodeView(wire(asView(FULL_VIEW)))).toEqual(FULL_VIEW);
    const minimal: JoinView = { status: 'connecting', policy: [], defaults: { name: '', customerNumber: '', caseNumber: '', eventLog: false } };
    const decoded = decodeView(wire(asView(minimal)));
    expect(decoded).toEqual(minimal);
    expect(Object.keys(decoded).sort()).toEqual(['defaults', 'policy', 'status']);
  });

  it('takes chat lines, invitations, rows, warnings and error answers', () => {
    const lines: AgentChatEntry[] = [{ from: 'peer', text: 'hello' }, { from: 'me', text: 'hi' }, { from: 'system', key: 'system.started', params: { mode: 'chat' } }, { from: 'system', key: 'system.hotkey' }];
    for (const line of lines) expect(decodeChat(wire(asChat(line)))).toEqual(line);
    // A line the agent timed keeps its time (ms, the agent's clock); one without has none.
    expect(decodeChat({ from: 'peer', text: 'hello', at: 1_700_000_000_000 })).toEqual({ from: 'peer', text: 'hello', at: 1_700_000_000_000 });
    expect(decodeChat({ from: 'system', key: 'system.hotkey', at: 5 })).toEqual({ from: 'system', key: 'system.hotkey', at: 5 });
    expect(() => decodeChat({ from: 'me', text: 'x', at: 'noon' })).toThrow(/^chat\.at: must be a number$/);
    const self: AgentSelf = { id: '0123456789ab', phase: 'holding', relay: 'https://a.example' };
    expect(decodeSelf(wire(asSelf(self)))).toEqual(self);
    const minimalRow: AgentRow = { ...ROW, state: 'open' };
    delete minimalRow.reason;
    delete minimalRow.holder;
    expect(decodeInvitations(wire({ now: 5, rows: [asRow(ROW), asRow(minimalRow)] }))).toEqual({ now: 5, rows: [ROW, minimalRow] });
    expect(decodeWarning({ key: 'launchReused' })).toEqual({ key: 'launchReused' });
    expect(decodeAgentError({ code: 'TANDEM_ERR_PROTOCOL', message: 'not now' })).toEqual({ code: 'TANDEM_ERR_PROTOCOL', message: 'not now' });
  });

  it('refuses anything else, naming the field', () => {
    const cases: [() => unknown, RegExp][] = [
      [() => decodeView(null), /^state: must be an object$/],
      [() => decodeView({ ...FULL_VIEW, status: 'hacked' }), /^state\.status: must be one of /],
      [() => decodeView({ ...FULL_VIEW, mode: 'root' }), /^state\.mode: must be one of chat, view, control$/],
      [() => decodeView({ ...FULL_VIEW, defaults: { ...FULL_VIEW.defaults, eventLog: 'yes' } }), /^state\.defaults\.eventLog: must be true or false$/],
      [() => decodeView({ ...FULL_VIEW, policy: [{ key: 'k', params: { a: {} }, text: '' }] }), /^state\.policy\[0\]\.params\.a: must be a string$/],
      [() => decodeView({ ...FULL_VIEW, technician: { username: 'x', displayName: 1, team: '' } }), /^state\.technician\.displayName: must be a string$/],
      [() => decodeChat({ from: 'relay', text: 'x' }), /^chat\.from: /],
      [() => decodeChat({ from: 'system', key: 'system.started', params: { mode: 3 } }), /^chat\.params\.mode: must be a string$/],
      [() => decodeSelf({ id: 'x', phase: 'gone' }), /^invitation\.phase: /],
      [() => decodeInvitations({ now: 'soon', rows: [] }), /^invitations\.now: must be a number$/],
      [() => decodeInvitations({ now: 1, rows: [{ ...ROW, relays: 'a' }] }), /^invitations\.rows\[0\]\.relays: must be a list$/],
      [() => decodeInvitations({ now: 1, rows: [{ ...ROW, holder: { pid: Infinity } }] }), /^invitations\.rows\[0\]\.holder\.pid: must be a number$/],
      [() => decodeWarning({}), /^warning\.key: must be a string$/],
      [() => decodeAgentError('boom'), /^error: must be an object$/],
    ];
    for (const [run, message] of cases) {
      expect(run).toThrow(WireError);
      expect(run).toThrow(message);
    }
  });
});

describe('decodeFiles', () => {
  const QUESTIONS: AgentQuestion[] = [
    { kind: 'offer', id: 1, name: 'driver.zip', size: 2048, from: 'tanaka', folder: '/home/mori/Downloads/Tandem' },
    { kind: 'request', id: 2, path: 'C:\\Users\\mori\\log.txt', from: 'tanaka' },
    { kind: 'sysinfo', id: 1, from: 'tanaka' },
  ];
  const TRANSFERS: AgentTransfer[] = [{ id: 1, direction: 'receive', name: 'driver.zip', bytes: 1024, size: 2048 }];

  it('keeps every question and transfer the agent can send as it is', () => {
    const update = { folder: '/home/mori/Downloads/Tandem', questions: QUESTIONS.map(asQuestion), transfers: TRANSFERS.map(asTransfer) };
    expect(decodeFiles(wire(update))).toEqual(update);
  });

  it('refuses a question of an unknown kind, a missing field or a transfer with a wrong direction, naming the field', () => {
    const ok = { folder: '/f', questions: [], transfers: [] };
    expect(() => decodeFiles(wire({ ...ok, questions: [{ kind: 'delete', id: 1, from: 'x' }] }))).toThrow(new WireError('files.questions[0].kind', 'must be one of offer, request, sysinfo'));
    expect(() => decodeFiles(wire({ ...ok, questions: [{ kind: 'offer', id: 1, from: 'x', name: 'a', folder: '/f' }] }))).toThrow(new WireError('files.questions[0].size', 'must be a number'));
    expect(() => decodeFiles(wire({ ...ok, transfers: [{ id: 1, direction: 'sideways', name: 'a', bytes: 0, size: 1 }] }))).toThrow(new WireError('files.transfers[0].direction', 'must be one of send, receive'));
    expect(() => decodeFiles(wire({ questions: [], transfers: [] }))).toThrow(new WireError('files.folder', 'must be a string'));
  });
});
