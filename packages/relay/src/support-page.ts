/**
 * The customer's support page at `/` (packages/support-page): its
 * index.html, its assets under `/support/`, and the help desk's logo at a
 * fixed path. What the page shows of the help desk comes from `GET /api/info`
 * (http-routes.ts), which {@link helpDeskInfo} describes.
 *
 * The page asks for no session code: the relay must never see the secret
 * digits (README, security model), so the code is typed only into the agent.
 */
import { readFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { extname, join } from 'node:path';
import fastifyStatic from '@fastify/static';
import type { FastifyInstance } from 'fastify';
import { TandemError, type HelpDeskInfo } from '@tandem/protocol';
import { findBuiltPage, notBuiltPage } from './console-static.js';
import { LOGO_TYPES, MAX_LOGO_BYTES, parseHelpDesk, type HelpDesk } from './help-desk.js';

/** Where the relay serves the help desk's logo. */
export const HELP_DESK_LOGO_PATH = '/help-desk/logo';

/** Where the support page's built assets are served (Vite's `assetsDir`, packages/support-page/vite.config.ts). */
export const SUPPORT_ASSETS_PATH = '/support/';

/** A help desk ready to serve: the options checked, the logo read once at start. */
export interface ServedHelpDesk {
  desk: HelpDesk;
  logo?: { bytes: Buffer; type: string };
}

/**
 * Checks the help desk (the same checks as the start options, for callers of
 * startRelay that pass one directly) and reads its logo. Throws
 * TANDEM_ERR_BAD_INPUT for anything unusable, so a relay never starts with
 * a logo it cannot show.
 */
export function loadHelpDesk(desk: HelpDesk | undefined): ServedHelpDesk | undefined {
  if (desk === undefined) return undefined;
  const checked = parseHelpDesk({ name: desk.name, phone: desk.phone, logoFile: desk.logoFile });
  if (checked === undefined) throw new TandemError('TANDEM_ERR_BAD_INPUT', 'helpDesk: needs a name');
  if (checked.logoFile === undefined) return { desk: checked };
  let bytes: Buffer;
  try {
    bytes = readFileSync(checked.logoFile);
  } catch (err) {
    throw new TandemError('TANDEM_ERR_BAD_INPUT', `--help-desk-logo: cannot read ${checked.logoFile}: ${(err as Error).message}`, { cause: err });
  }
  // The size was checked on the file's metadata; the bytes read are what is served.
  if (bytes.length > MAX_LOGO_BYTES) throw new TandemError('TANDEM_ERR_BAD_INPUT', `--help-desk-logo: ${checked.logoFile} is larger than ${MAX_LOGO_BYTES} bytes`);
  const type = LOGO_TYPES[extname(checked.logoFile).toLowerCase()];
  if (type === undefined) throw new TandemError('TANDEM_ERR_BAD_INPUT', `--help-desk-logo: ${checked.logoFile} must be a .png or .svg file`);
  return { desk: checked, logo: { bytes, type } };
}

/** The help desk as `GET /api/info` gives it to the support page. */
export function helpDeskInfo(served: ServedHelpDesk): HelpDeskInfo {
  return {
    name: served.desk.name,
    ...(served.desk.phone !== undefined ? { phone: served.desk.phone } : {}),
    ...(served.logo !== undefined ? { logo: HELP_DESK_LOGO_PATH } : {}),
  };
}

/** The support page's built files, or undefined when the package or its dist/ is missing. */
export function findSupportPageDist(): string | undefined {
  return findBuiltPage('@tandem/support-page');
}

/**
 * Serves the support page at `/` and its assets under {@link SUPPORT_ASSETS_PATH},
 * or a plain page saying it was not built; and the help desk's logo, when
 * there is one, at {@link HELP_DESK_LOGO_PATH} with its media type.
 */
export async function registerSupportPage(app: FastifyInstance, dist: string | undefined, helpDesk: ServedHelpDesk | undefined): Promise<void> {
  const logo = helpDesk?.logo;
  if (logo !== undefined) {
    // Revalidated on every visit (the logo may change when the relay restarts with another); it is small.
    app.get(HELP_DESK_LOGO_PATH, async (_req, reply) => reply.type(logo.type).header('cache-control', 'no-cache').send(logo.bytes));
  }
  if (dist === undefined) {
    app.get('/', async (_req, reply) => reply.type('text/html; charset=utf-8').send(notBuiltPage('The support page')));
    return;
  }
  // Read on each visit, as the assets are: a new build serves at once. Revalidated, since it names the assets' hashed names.
  const index = join(dist, 'index.html');
  app.get('/', async (_req, reply) => reply.type('text/html; charset=utf-8').header('cache-control', 'no-cache').send(await readFile(index)));
  await app.register(fastifyStatic, {
    root: join(dist, SUPPORT_ASSETS_PATH.slice(1, -1)),
    prefix: SUPPORT_ASSETS_PATH,
    index: false,
    wildcard: true,
    dotfiles: 'deny',
    decorateReply: false,
  });
}
