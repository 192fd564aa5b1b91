/** Placeholder: filled in by the view's owner. */
import type { HostApi } from '../host';
import type { DashboardStore } from '../state/store';

export function mountCurves(root: HTMLElement, store: DashboardStore, host: HostApi): void {
  root.textContent = '';
  void store;
}
