/**
 * Whether a view is on screen: a view inside a side tab (`vscode-tab-panel`) is hidden while another tab
 * is selected (the tabs element sets the panel's `hidden` attribute). A hidden view keeps its state current
 * (selection, filters, requested curves) but skips its DOM and canvas work, marks itself stale, and renders
 * once when its tab is shown again: `onShow` callbacks run from a MutationObserver, so before the frame
 * that first paints the tab. A view outside the tabs (header, table, parallel coordinates) is always visible.
 *
 *   const vis = tabVisibility(root);
 *   const render = vis.deferWhileHidden(draw); // draws now when visible, else once on the next show
 */
export interface Visibility {
  readonly visible: boolean;
  /** How many times the view went from hidden to shown (counted before the `onShow` callbacks run). */
  readonly shows: number;
  /** Runs `callback` each time the view goes from hidden to shown. */
  onShow(callback: () => void): void;
  /**
   * Wraps a render function: called while visible it runs at once; called while hidden it only marks
   * the view stale, and runs once when the view is shown again (however many calls came meanwhile).
   */
  deferWhileHidden(render: () => void): () => void;
  /** Stops watching the tab (for a view that is torn down before the page). */
  dispose(): void;
}

export function tabVisibility(root: HTMLElement): Visibility {
  const panel = root.closest('vscode-tab-panel');
  const shown: Array<() => void> = [];
  let visible = panel === null || !panel.hasAttribute('hidden');
  let shows = 0;
  const observer = new MutationObserver(() => {
    const now = panel !== null && !panel.hasAttribute('hidden');
    if (now === visible) return;
    visible = now;
    if (!visible) return;
    shows++;
    for (const callback of shown) callback();
  });
  if (panel !== null) observer.observe(panel, { attributes: true, attributeFilter: ['hidden'] });
  const onShow = (callback: () => void): void => {
    shown.push(callback);
  };
  return {
    get visible() {
      return visible;
    },
    get shows() {
      return shows;
    },
    onShow,
    deferWhileHidden(render) {
      let stale = false;
      onShow(() => {
        if (!stale) return;
        stale = false;
        render();
      });
      return () => {
        if (visible) {
          stale = false;
          render();
        } else stale = true;
      };
    },
    dispose() {
      observer.disconnect();
      shown.length = 0;
    },
  };
}
