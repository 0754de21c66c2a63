/**
 * Async work started by a click or an effect, which React cannot wait for.
 * The work handles its own expected failures (it shows them in the page's
 * state); anything that still escapes is a bug, and it is logged to the
 * browser's console where it is seen, never left as an unhandled rejection.
 */
export function inBackground(work: Promise<unknown>): void {
  work.catch((err: unknown) => console.error('Tandem console: unexpected failure', err));
}
