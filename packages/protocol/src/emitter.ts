/** A minimal typed event emitter, the same in Node and the browser. */
export class Emitter<E> {
  #listeners = new Set<(event: E) => void>();

  /** Adds a listener; returns a function that removes it. */
  on(listener: (event: E) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  /**
   * Calls every listener. A listener that throws does not stop the others or
   * the session that emits; its error is reported through `onListenerError`.
   */
  emit(event: E, onListenerError: (err: unknown) => void = reportListenerError): void {
    for (const listener of [...this.#listeners]) {
      try {
        listener(event);
      } catch (err) {
        onListenerError(err);
      }
    }
  }
}

function reportListenerError(err: unknown): void {
  // A faulty UI listener must not tear down the session that emitted; surface it instead.
  queueMicrotask(() => {
    throw err;
  });
}
