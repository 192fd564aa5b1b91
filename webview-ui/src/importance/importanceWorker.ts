/** Placeholder worker: filled in by the importance view's owner. */
self.onmessage = () => {
  (self as unknown as Worker).postMessage({ importances: [] });
};
