/** Placeholder: filled in by the view's owner. */

import type { DashboardStore } from '../state/store';

export function mountHeader(root: HTMLElement, store: DashboardStore): void {
  root.textContent = '';
  void store;
}
