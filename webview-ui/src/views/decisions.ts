/** Placeholder: filled in by the view's owner. */
import type { HostApi } from '../host';
import type { CurveRequests } from '../state/curveRequests';
import type { DashboardStore } from '../state/store';

export function mountDecisions(root: HTMLElement, store: DashboardStore, host: HostApi, curves: CurveRequests): void {
  root.textContent = '';
}
