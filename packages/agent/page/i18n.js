// Catalogues and language handling of the consent page (i18next, served from
// the agent's node_modules). English and Japanese; the browser's language by
// default, switchable.
import i18next from './vendor/i18next.js';

const en = {
  title: 'Tandem remote support',
  status: {
    connecting: 'Connecting to the relay…',
    handshaking: 'Setting up an encrypted connection…',
    consent: 'A technician asks to start a session. Nothing is shared until you accept.',
    active: 'Session running.',
    ended: 'The session has ended ({{reason}}). You can close this page.',
    failed: 'The session failed: {{message}} ({{code}})',
  },
  who: {
    technician: 'Technician',
    vouched: 'as vouched for by the relay',
    requested: 'Asks for',
    sas: 'Security code',
    sasHint: 'Compare it with the code the technician sees. If they differ, refuse.',
    team: 'team {{team}}',
    user: 'user {{user}}',
  },
  consent: {
    heading: 'Do you want to start this session?',
    name: 'Your name',
    customerNumber: 'Customer number',
    caseNumber: 'Case number',
    grant: 'Allow',
    eventLog: 'Keep a local event log (connections and mode changes, in the system log)',
    accept: 'Accept',
    refuse: 'Refuse',
  },
  session: {
    mode: 'Current mode:',
    hotkey: '(or Ctrl+Alt+Shift+S on your keyboard: takes back control)',
    stopControl: 'Stop control',
    stopViewing: 'Stop viewing',
    request: 'The technician asks to {{mode}}.',
    allow: 'Allow',
    deny: 'Deny',
    chat: 'Chat',
    send: 'Send',
    end: 'End session',
  },
  modes: {
    chat: 'Chat only',
    view: 'View my screen',
    control: 'Shared control of my screen',
  },
  modeVerbs: {
    chat: 'chat with you',
    view: 'see your screen',
    control: 'see and control your screen',
  },
  reasons: {
    'customer-ended': 'you ended it',
    'technician-ended': 'the technician ended it',
    'network-lost': 'the network connection was lost',
    refused: 'you refused',
    'wrong-code': 'wrong code',
    'expired-code': 'the code expired',
    'relay-shutdown': 'the relay shut down',
    'protocol-error': 'protocol error',
  },
  system: {
    started: 'Session started: {{mode}}.',
    mode: 'Mode changed: {{mode}}.',
    request: 'The technician asks for: {{mode}}.',
    allowed: 'You allowed: {{mode}}.',
    denied: 'You denied: {{mode}}.',
    ended: 'Session ended: {{reason}}.',
    screenError: 'Your screen cannot be shared: {{message}}',
    hotkey: 'You took back control with Ctrl+Alt+Shift+S.',
    policyDenied: 'The technician asked for "{{mode}}"; this computer\'s policy forbids it, so it was refused automatically.',
    policyCapped: 'This computer\'s policy does not allow "{{mode}}": the session started in view only.',
  },
  policy: {
    heading: 'This computer\'s policy',
    forbid: {
      invitations: 'Invitations are turned off on this computer.',
      control: 'Shared control is turned off on this computer: a technician can at most see the screen.',
      fileTransfer: 'File transfer is turned off on this computer.',
      systemInfo: 'Technicians cannot request system information from this computer.',
    },
    maxInvitationLifetime: 'Invitations last at most {{duration}}.',
    allowedRelays: 'Only these relays may be used: {{relays}}.',
    noRelays: 'No relay may be used from this computer.',
  },
};

const ja = {
  title: 'Tandem リモートサポート',
  status: {
    connecting: '中継サーバーに接続しています…',
    handshaking: '暗号化された接続を確立しています…',
    consent: '技術者がセッションの開始を求めています。承諾するまで何も共有されません。',
    active: 'セッション中です。',
    ended: 'セッションは終了しました（{{reason}}）。このページは閉じてかまいません。',
    failed: 'セッションに失敗しました: {{message}}（{{code}}）',
  },
  who: {
    technician: '技術者',
    vouched: '（中継サーバーが確認した情報）',
    requested: '要求',
    sas: '確認コード',
    sasHint: '技術者の画面のコードと同じか確かめてください。違う場合は拒否してください。',
    team: 'チーム {{team}}',
    user: 'ユーザー {{user}}',
  },
  consent: {
    heading: 'このセッションを開始しますか？',
    name: 'お名前',
    customerNumber: 'お客様番号',
    caseNumber: '受付番号',
    grant: '許可する操作',
    eventLog: 'この PC にイベントログを残す（接続とモード変更をシステムログに記録）',
    accept: '承諾する',
    refuse: '拒否する',
  },
  session: {
    mode: '現在のモード:',
    hotkey: '（キーボードの Ctrl+Alt+Shift+S でも操作を取り戻せます）',
    stopControl: '操作を止める',
    stopViewing: '画面の表示を止める',
    request: '技術者が「{{mode}}」を求めています。',
    allow: '許可する',
    deny: '許可しない',
    chat: 'チャット',
    send: '送信',
    end: 'セッションを終了',
  },
  modes: {
    chat: 'チャットのみ',
    view: '画面の表示',
    control: '画面の共同操作',
  },
  modeVerbs: {
    chat: 'チャット',
    view: '画面の表示',
    control: '画面の表示と操作',
  },
  reasons: {
    'customer-ended': 'お客様が終了しました',
    'technician-ended': '技術者が終了しました',
    'network-lost': 'ネットワーク接続が切れました',
    refused: '拒否しました',
    'wrong-code': 'コードが違います',
    'expired-code': 'コードの有効期限が切れています',
    'relay-shutdown': '中継サーバーが停止しました',
    'protocol-error': 'プロトコルエラー',
  },
  system: {
    started: 'セッションを開始しました: {{mode}}',
    mode: 'モードが変わりました: {{mode}}',
    request: '技術者の要求: {{mode}}',
    allowed: '許可しました: {{mode}}',
    denied: '許可しませんでした: {{mode}}',
    ended: 'セッション終了: {{reason}}',
    screenError: '画面を共有できません: {{message}}',
    hotkey: 'Ctrl+Alt+Shift+S で操作を取り戻しました。',
    policyDenied: '技術者が「{{mode}}」を求めましたが、このコンピューターのポリシーで禁止されているため自動的に拒否しました。',
    policyCapped: 'このコンピューターのポリシーでは「{{mode}}」は許可されていません。表示のみでセッションを開始しました。',
  },
  policy: {
    heading: 'このコンピューターのポリシー',
    forbid: {
      invitations: 'このコンピューターでは招待が無効になっています。',
      control: 'このコンピューターでは共同操作が無効になっています。技術者は画面を見ることしかできません。',
      fileTransfer: 'このコンピューターではファイル転送が無効になっています。',
      systemInfo: '技術者はこのコンピューターのシステム情報を要求できません。',
    },
    maxInvitationLifetime: '招待の有効期間は最長 {{duration}} です。',
    allowedRelays: '使用できる中継サーバーは次のものだけです: {{relays}}',
    noRelays: 'このコンピューターからはどの中継サーバーも使用できません。',
  },
};

/** The supported languages. */
export const LANGUAGES = ['en', 'ja'];

/** The browser's preferred supported language, English otherwise. */
export function browserLanguage() {
  for (const tag of navigator.languages ?? [navigator.language]) {
    const base = String(tag).toLowerCase().split('-')[0];
    if (LANGUAGES.includes(base)) return base;
  }
  return 'en';
}

/** Starts i18next with both catalogues. */
export async function initI18n(lng) {
  await i18next.init({
    lng,
    fallbackLng: 'en',
    supportedLngs: LANGUAGES,
    resources: { en: { translation: en }, ja: { translation: ja } },
    // Text is always set with textContent, never as HTML: no escaping wanted.
    interpolation: { escapeValue: false },
  });
  return i18next;
}
