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
    requestRefused: 'The technician also asked for "{{mode}}" while you are being asked about "{{pending}}"; that second request was refused automatically. Your answer is about "{{pending}}".',
    policyDenied: 'The technician asked for "{{mode}}"; this computer\'s policy forbids it, so it was refused automatically.',
    policyCapped: 'This computer\'s policy does not allow "{{mode}}": the session started in view only.',
  },
  invitations: {
    heading: 'Open invitations',
    hint: 'Only this computer\'s clock decides when an invitation expires. Expiring one makes every copy of it fail at once.',
    none: 'No open invitations.',
    thisOne: 'this invitation',
    password: 'password protected',
    expires: 'Expires',
    expired: 'Expired',
    left: '{{time}} left',
    relays: 'Relays',
    holder: 'Held',
    heldOn: 'yes, on {{relay}} (process {{pid}})',
    connecting: 'not yet: connecting (process {{pid}})',
    notHeld: 'no: no tandem invite runs for it',
    finished: 'no',
    wrong: 'Wrong passwords',
    wrongCount: '{{count}} of {{max}}',
    expire: 'Expire now',
    states: {
      open: 'open',
      held: 'open and held',
      expired: 'expired',
      used: 'used',
    },
    reasons: {
      'expired-by-customer': 'expired by you',
      'too-many-wrong-passwords': 'too many wrong passwords',
      lapsed: 'its time ran out',
    },
    status: {
      connecting: 'Invitation {{id}}: connecting to the relay…',
      holding: 'Invitation {{id}} is open, held on {{relay}}. Waiting for your technician; this page will ask you before anything is shared.',
      retrying: 'Invitation {{id}}: no relay can be reached right now; trying again.',
      session: 'Invitation {{id}}: a technician has connected.',
      lapsed: 'Invitation {{id}} has expired (this computer\'s clock). Attempts are declined. You can close this page.',
      expired: 'Invitation {{id}} was expired: every copy of it now fails. You can close this page.',
      used: 'Invitation {{id}} was used. You can close this page.',
      stopped: 'You stopped tandem invite: invitation {{id}} is expired. You can close this page.',
    },
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
    requestRefused: '技術者は「{{pending}}」の確認中に「{{mode}}」も求めたため、後の要求は自動的に拒否しました。今の確認は「{{pending}}」についてです。',
    policyDenied: '技術者が「{{mode}}」を求めましたが、このコンピューターのポリシーで禁止されているため自動的に拒否しました。',
    policyCapped: 'このコンピューターのポリシーでは「{{mode}}」は許可されていません。表示のみでセッションを開始しました。',
  },
  invitations: {
    heading: '有効な招待',
    hint: '招待の有効期限はこのコンピューターの時計だけで決まります。期限切れにすると、その招待のすべてのコピーがすぐに使えなくなります。',
    none: '有効な招待はありません。',
    thisOne: 'この招待',
    password: 'パスワード付き',
    expires: '有効期限',
    expired: '期限切れ',
    left: '残り {{time}}',
    relays: '中継サーバー',
    holder: '待ち受け',
    heldOn: 'はい、{{relay}} で待ち受け中（プロセス {{pid}}）',
    connecting: 'まだです: 接続中（プロセス {{pid}}）',
    notHeld: 'いいえ: この招待の tandem invite が動いていません',
    finished: 'いいえ',
    wrong: 'パスワードの誤り',
    wrongCount: '{{count}} / {{max}} 回',
    expire: '今すぐ期限切れにする',
    states: {
      open: '有効',
      held: '有効・待ち受け中',
      expired: '期限切れ',
      used: '使用済み',
    },
    reasons: {
      'expired-by-customer': 'お客様が期限切れにしました',
      'too-many-wrong-passwords': 'パスワードの誤りが多すぎます',
      lapsed: '有効期間が過ぎました',
    },
    status: {
      connecting: '招待 {{id}}: 中継サーバーに接続しています…',
      holding: '招待 {{id}} は有効で、{{relay}} で待ち受けています。技術者からの接続を待っています。何かを共有する前に、このページで確認します。',
      retrying: '招待 {{id}}: 現在どの中継サーバーにも接続できません。再試行しています。',
      session: '招待 {{id}}: 技術者が接続しました。',
      lapsed: '招待 {{id}} は有効期限が切れました（このコンピューターの時計による）。接続は拒否されます。このページは閉じてかまいません。',
      expired: '招待 {{id}} は期限切れになりました。この招待のすべてのコピーが使えません。このページは閉じてかまいません。',
      used: '招待 {{id}} は使用済みです。このページは閉じてかまいません。',
      stopped: 'tandem invite を停止したため、招待 {{id}} は期限切れになりました。このページは閉じてかまいません。',
    },
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
