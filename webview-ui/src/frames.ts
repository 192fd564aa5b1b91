/**
 * Once-per-frame scheduling: the store emits a change per host message (a live study patches often), and
 * the views redraw at most once per animation frame, however many changes arrived before it.
 */

/**
 * Returns a function that asks for `fn` to run on the next animation frame; asking again before that
 * frame does nothing. The request is cleared before `fn` runs, so `fn` may ask for the following frame.
 */
export function rafOnce(fn: () => void): () => void {
  let pending = false;
  return () => {
    if (pending) return;
    pending = true;
    requestAnimationFrame(() => {
      pending = false;
      fn();
    });
  };
}
