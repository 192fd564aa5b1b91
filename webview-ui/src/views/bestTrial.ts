/**
 * The best-trial card: the best trial's number and value, the step it was reached at against the budget,
 * its configuration, and buttons to copy its command, re-run it at full budget and select it.
 * Redrawn when the header's best changes or the best trial's row changes.
 */
import '@vscode-elements/elements/dist/vscode-button/index.js';
import type { TrialId } from '../../../src/shared/ids';
import type { HostApi } from '../host';
import type { DashboardStore } from '../state/store';
import { formatCell, formatNumber } from './table/format';

export function mountBestTrial(root: HTMLElement, store: DashboardStore, host: HostApi): void {
  root.textContent = '';
  root.classList.add('best-card');
  /** What the card shows now, to skip redraws of patches that do not touch the best trial. */
  let shownKey = '';

  const render = (): void => {
    const best = store.header?.best ?? null;
    const row = best ? store.trials.get(best.trialId) : undefined;
    const key = best ? `${best.trialId}|${best.value}|${best.step}|${store.header?.metric}` : `none|${store.header === null}`;
    if (key === shownKey && (!row || root.dataset.rowRev === rowKey(row))) return;
    shownKey = key;
    if (!best || !store.header) {
      const none = document.createElement('div');
      none.className = 'best-none';
      none.textContent = store.header ? 'No best trial yet: none has finished with a value.' : '';
      root.replaceChildren(none);
      delete root.dataset.trialId;
      return;
    }
    const h = store.header;
    root.dataset.trialId = best.trialId;
    root.dataset.rowRev = row ? rowKey(row) : '';

    const title = document.createElement('div');
    title.className = 'best-title';
    const heading = document.createElement('span');
    heading.className = 'best-heading';
    const star = document.createElement('i');
    star.className = 'codicon codicon-star-full';
    star.setAttribute('aria-hidden', 'true');
    heading.append(star, document.createTextNode(`Best trial #${row?.number ?? best.trialId}`));
    const value = document.createElement('span');
    value.className = 'best-value';
    value.textContent = formatNumber(best.value);
    value.title = `${h.metric} = ${best.value} (${h.goal})`;
    const step = document.createElement('span');
    step.className = 'best-step';
    const budget = row?.budget ?? null;
    step.textContent =
      `${h.metric}` +
      (best.step !== null ? ` at ${h.stepUnit} ${best.step}${budget !== null ? ` of ${budget}` : ''}` : budget !== null ? `, budget ${budget} ${h.stepUnit}s` : '');
    title.append(heading, value, step);

    const config = document.createElement('dl');
    config.className = 'best-config';
    for (const p of h.params) {
      const v = row?.params[p.name];
      if (v === undefined && p.conditional) continue;
      const dt = document.createElement('dt');
      dt.textContent = p.name;
      const dd = document.createElement('dd');
      dd.textContent = typeof v === 'number' && p.kind !== 'int' ? String(Number(v.toPrecision(6))) : formatCell(v);
      dd.title = v === undefined ? '' : String(v);
      config.append(dt, dd);
    }

    const actions = document.createElement('div');
    actions.className = 'best-actions';
    actions.append(
      button('copy', 'Copy command', 'best-copy', true, () => host.post('trial/copyCommand', { trialId: best.trialId })),
      button('run-all', 'Re-run at full budget', 'best-rerun', false, () => host.post('trial/rerun', { trialId: best.trialId, fullBudget: true })),
      button('target', 'Select', 'best-select', true, () => store.select(best.trialId as TrialId, 'best')),
    );
    root.replaceChildren(title, config, actions);
  };

  store.subscribe((change) => {
    if (change.kind === 'snapshot' || (change.kind === 'patch' && (change.headerChanged || change.trialIds?.includes(store.header?.best?.trialId ?? '')))) render();
  });
  render();
}

/** Changes when the best trial's shown facts change (params fill in, budget grows on promotion). */
function rowKey(row: { readonly number: number; readonly budget: number | null; readonly params: object }): string {
  return `${row.number}|${row.budget}|${Object.keys(row.params).length}`;
}

function button(icon: string, label: string, className: string, secondary: boolean, onClick: () => void): HTMLElement {
  const b = document.createElement('vscode-button');
  b.icon = icon;
  b.secondary = secondary;
  b.className = className;
  b.textContent = label;
  b.addEventListener('click', onClick);
  return b;
}
