/**
 * The proxy's user name and password, asked on the code-entry screen when a
 * proxy answered 407 with Basic (docs/proxy.md): the agent's `entry` event
 * names the proxy (`proxyAuth.proxy`), the form sends
 * `POST api/proxy-credentials` `{ username, password }`, and the agent keeps
 * them in memory for its next attempts. The password field is emptied as
 * soon as it was sent: the page keeps no copy either.
 */
import type { PageContext } from './page-context.js';

/** Shows the form while a proxy asks (`proxy` its `host:port`), hides it otherwise. */
export function renderProxyCredentials(ctx: PageContext, proxy: string | undefined): void {
  const { ui, tr } = ctx;
  const shownFor = ui.proxyForm.dataset.proxy;
  ui.proxyForm.hidden = proxy === undefined;
  if (proxy === undefined) return;
  ui.proxyTitle.textContent = tr.t('entry.proxyTitle', { proxy });
  if (shownFor !== proxy) {
    ui.proxyForm.dataset.proxy = proxy;
    ui.proxySaved.hidden = true;
  }
}

/** Sends the form; a refusal goes to the page's action error as every action's does. */
export function wireProxyCredentials(ctx: PageContext): void {
  const { ui, actions } = ctx;
  ui.proxyForm.addEventListener('submit', (e) => {
    e.preventDefault();
    const username = ui.proxyUser.value.trim();
    if (username === '') {
      ui.proxyUser.focus();
      return;
    }
    const password = ui.proxyPassword.value;
    ui.proxyPassword.value = '';
    actions.attempt('proxy-credentials', { username, password }).then(
      (problem) => {
        ui.proxySaved.hidden = problem !== undefined;
        if (problem === undefined) ui.codeInput.focus();
      },
      // attempt() reports every failure as its value; a rejection here is a bug in it.
      (err: unknown) => console.error('sending the proxy credentials failed', err),
    );
  });
}
