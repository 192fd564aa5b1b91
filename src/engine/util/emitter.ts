/** A tiny typed event emitter (the engine must not use vscode.EventEmitter). */
export interface Listenable<T> {
  /** Subscribe; returns a function that unsubscribes. Listeners run synchronously in emit order. */
  on(listener: (value: T) => void): () => void;
}

export class Emitter<T> implements Listenable<T> {
  private readonly listeners = new Set<(value: T) => void>();

  on(listener: (value: T) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  emit(value: T): void {
    for (const listener of [...this.listeners]) listener(value);
  }
}
