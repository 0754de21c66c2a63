/**
 * The support page's English catalogue. Keys are nested objects of strings;
 * `{{name}}` marks a value filled in at run time (text.ts). Japanese (ja.ts)
 * has the same keys (its type is {@link Catalogue}); catalogue.test.ts checks
 * the placeholders. Words follow the console's and the agent's page's
 * (session code, technician).
 */
export const en = {
  title: 'Tandem remote support',
  titleDesk: '{{desk}} remote support',
  skip: 'Skip to content',
  language: { label: 'Language', en: 'English', ja: '日本語' },
  tagline: 'Remote support',
  heading: { neutral: 'Get help with your computer', desk: 'Get help from {{desk}}' },
  lead: 'Three steps, and a technician can help you on this computer. They see your screen only after you accept on your own computer, and you can stop at any time.',
  systems: { windows: 'Windows', linux: 'Linux' },
  download: {
    title: 'Download Tandem',
    primary: 'Download Tandem for {{system}}',
    file: '{{file}}, for 64-bit computers',
    fileSize: '{{file}}, for 64-bit computers, {{size}}',
    checking: 'Checking that the download is available…',
    missing: 'The download for {{system}} is not available on this server yet.',
    others: 'For other computers',
    choose: 'Choose the system of the computer you need help with:',
    item: '{{system}} (64-bit)',
    itemMissing: 'not available on this server yet',
    macos: 'Tandem runs on Windows and Linux computers; there is no version for Mac yet.',
    chromeos: 'Tandem runs on Windows and Linux computers; there is no version for Chromebooks yet.',
    mobile: 'This looks like a phone or a tablet. Tandem runs on Windows and Linux computers: open this page on the computer you need help with.',
    unknown: 'This page could not tell which system this computer runs.',
    askDesk: 'Please contact {{desk}}.',
    askDeskPhone: 'Please call {{desk}} at {{phone}}.',
    askTechnician: 'Please tell your technician.',
  },
  run: {
    title: 'Run it',
    windowsTitle: 'On Windows',
    windows: 'Open the file you downloaded, {{file}} (your browser lists it with its downloads). If Windows asks whether to run it, choose Run. Nothing is installed.',
    linuxTitle: 'On Linux',
    linux: 'Make the file executable and start it, for example in a terminal:',
    linuxNote: 'Nothing is installed, and Tandem runs as your own user.',
  },
  code: {
    title: 'Type the code into Tandem',
    body: 'Tandem opens its own window. Your technician gives you an 8-digit session code: type it into that window.',
    consent: 'Tandem then shows you who the technician is and what they ask to do. Nothing is shared until you accept, and you can end the session at any time.',
    never: 'This page never asks for your session code. You type it only into Tandem, on your computer, so not even this server learns it.',
  },
  contact: { title: 'Need a hand?', call: 'Call {{desk}}:' },
  footer: 'Tandem: what passes between your computer and the technician is encrypted end to end.',
};

/** The same nesting as `T` with every text a plain string: the shape every language fills in. */
type Texts<T> = { [K in keyof T]: T[K] extends string ? string : Texts<T[K]> };

/** A catalogue: exactly the keys of the English one. */
export type Catalogue = Texts<typeof en>;
