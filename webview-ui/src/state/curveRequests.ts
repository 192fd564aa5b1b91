/**
 * Curves are fetched on demand: a view asks for the trials it shows, and one request per animation frame
 * goes to the host with every id not yet cached (at most 200 per message, the protocol's limit). The host
 * keeps sending fresh curves for requested trials that are still running.
 */
import type { TrialId } from '../../../src/shared/ids';
import { rafOnce } from '../frames';
import type { HostApi } from '../host';
import type { DashboardStore } from './store';

export class CurveRequests {
  readonly #pending = new Set<TrialId>();
  readonly #asked = new Set<TrialId>();
  /** Sends what is pending, once per frame however many views asked during it. */
  readonly #flush = rafOnce(() => {
    const ids = [...this.#pending];
    this.#pending.clear();
    for (let i = 0; i < ids.length; i += 200) {
      const chunk = ids.slice(i, i + 200);
      for (const id of chunk) this.#asked.add(id);
      this.host.post('trial/requestCurves', { trialIds: chunk });
    }
  });

  constructor(
    private readonly store: DashboardStore,
    private readonly host: HostApi,
  ) {
    // A snapshot may mean a new study or a restarted host: ask again for what views still need.
    store.subscribe((change) => {
      if (change.kind === 'snapshot') this.#asked.clear();
    });
  }

  /** Asks for the curves of `ids` (cached ones are not asked again unless `refresh`). */
  need(ids: Iterable<TrialId>, refresh = false): void {
    for (const id of ids) {
      if (!refresh && (this.store.curves.has(id) || this.#asked.has(id))) continue;
      this.#pending.add(id);
    }
    if (this.#pending.size > 0) this.#flush();
  }
}
