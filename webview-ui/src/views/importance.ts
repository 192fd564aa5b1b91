/**
 * Parameter importance as horizontal bars, estimated by PED-ANOVA (importance/pedAnova.ts) in a Web Worker
 * so a 10,000-trial study never blocks the page. Recomputed at most every RECOMPUTE_MS, and only when the
 * finished trials (their ids, statuses, values) or the parameters changed; an answer to an input that has
 * since been replaced is dropped (each request carries a job number). While the tab is hidden nothing is
 * computed (gathering the input is main-thread work over every trial): the view is marked stale and
 * computes once when its tab is shown (visibility.ts).
 */
import type { ImportanceReply, ImportanceRequest } from '../importance/importanceWorker';
import type { ImportanceInput, ImportanceResult, ImportanceTrial } from '../importance/pedAnova';
import { MIN_TRIALS, countedStatuses } from '../importance/pedAnova';
import type { DashboardStore } from '../state/store';
import { tabVisibility } from './visibility';

/** At least this long between two computations (a live study patches several times a second). */
export const RECOMPUTE_MS = 2000;

const explanation =
  'PED-ANOVA (Watanabe et al. 2023): for each parameter, how differently it is distributed among the best ' +
  'trials than among all finished trials (Pearson divergence of the two Parzen-estimated marginals, which ' +
  'equals the variance of "being among the best" that the parameter explains alone). Bars are shares of the ' +
  'total. Pruned trials rank below completed ones (the scheduler judged them worse); failed and running ' +
  'trials are left out.';

export function mountImportance(root: HTMLElement, store: DashboardStore): void {
  root.textContent = '';
  root.classList.add('importance');
  const head = document.createElement('div');
  head.className = 'importance-head';
  const title = document.createElement('span');
  title.className = 'importance-method';
  const info = document.createElement('i');
  info.className = 'codicon codicon-info';
  info.title = explanation;
  info.setAttribute('aria-label', explanation);
  const summary = document.createElement('span');
  summary.className = 'importance-summary';
  head.append(title, info, summary);
  const bars = document.createElement('div');
  bars.className = 'importance-bars';
  bars.setAttribute('role', 'list');
  const note = document.createElement('div');
  note.className = 'importance-note';
  root.append(head, bars, note);
  title.textContent = 'Parameter importance';
  note.textContent = 'Waiting for finished trials…';

  const vis = tabVisibility(root);
  let worker: Worker | null = null;
  let job = 0;
  let lastSignature = '';
  let lastRun = -Infinity;
  let timer: number | undefined;
  /** A change came while the tab was hidden: computed when it is shown. */
  let stale = false;

  const startWorker = (): Worker => {
    const url = URL.createObjectURL(new Blob([__IMPORTANCE_WORKER_SOURCE__], { type: 'text/javascript' }));
    const w = new Worker(url);
    URL.revokeObjectURL(url);
    w.onmessage = (event: MessageEvent<ImportanceReply>) => {
      const reply = event.data;
      if (reply.job !== job) return; // stale: a newer input is on its way
      if ('error' in reply) {
        note.textContent = `Could not estimate importance: ${reply.error}`;
        return;
      }
      renderWhenVisible(reply.result);
    };
    w.onerror = (event) => {
      event.preventDefault();
      note.textContent = `Could not estimate importance: ${event.message}`;
    };
    return w;
  };

  const run = (): void => {
    timer = undefined;
    if (!vis.visible) {
      stale = true;
      return;
    }
    const input = buildInput(store);
    if (input === null) return;
    const signature = signatureOf(input);
    if (signature === lastSignature) return;
    lastSignature = signature;
    lastRun = performance.now();
    worker ??= startWorker();
    const request: ImportanceRequest = { job: ++job, input };
    worker.postMessage(request);
  };

  /** Throttled: the first change runs at once, later ones at most every RECOMPUTE_MS (trailing edge). */
  const schedule = (): void => {
    if (!vis.visible) {
      stale = true;
      return;
    }
    if (timer !== undefined) return;
    const wait = Math.max(0, lastRun + RECOMPUTE_MS - performance.now());
    timer = window.setTimeout(run, wait);
  };

  /** The header fields the estimate reads, as last seen: a header patch that leaves them alone changes nothing. */
  let headerKey = '';
  const headerKeyOf = (): string => (store.header ? `${store.header.goal}|${JSON.stringify(store.header.params)}` : '');

  store.subscribe((change) => {
    if (change.kind === 'snapshot') {
      lastSignature = '';
      headerKey = headerKeyOf();
      schedule();
    } else if (change.kind === 'patch') {
      // Only finished trials (or the parameters) feed the estimate: a running trial's progress does not.
      let relevant = change.trialIds?.some((id) => {
        const status = store.trials.get(id)?.status;
        return status === undefined || countedStatuses.has(status);
      }) ?? false;
      if (change.headerChanged) {
        const key = headerKeyOf();
        if (key !== headerKey) {
          headerKey = key;
          relevant = true;
        }
      }
      if (relevant) schedule();
    }
  });

  vis.onShow(() => {
    if (!stale) return;
    stale = false;
    clearTimeout(timer);
    run();
  });

  /** A result that came back while the tab was hidden is drawn when it is shown. */
  let pending: ImportanceResult | null = null;
  function renderWhenVisible(result: ImportanceResult): void {
    pending = result;
    drawPending();
  }
  const drawPending = vis.deferWhileHidden(() => {
    if (pending === null) return;
    const result = pending;
    pending = null;
    render(result);
  });

  function render(result: ImportanceResult): void {
    const used = `${result.used} finished trial${result.used === 1 ? '' : 's'}`;
    title.textContent = result.method;
    if (result.params.length === 0) {
      summary.textContent = '';
      bars.textContent = '';
      note.textContent = `Needs at least ${MIN_TRIALS} completed or pruned trials (has ${result.used}).`;
      return;
    }
    const pruned = result.pruned > 0 ? `, ${result.pruned} pruned ranked below completed` : '';
    summary.textContent = `top ${Math.round(result.gamma * 100)}% (${result.top}) of ${used}${pruned}`;
    note.textContent = result.params.every((p) => p.importance === 0)
      ? 'No parameter separates the best trials from the rest yet.'
      : 'A longer bar: the best trials are more concentrated in that parameter than the trials overall ("best:" is where). Hover for details.';
    const max = Math.max(...result.params.map((p) => p.importance), 1e-12);
    const rows = result.params.map((p) => {
      const row = document.createElement('div');
      row.className = 'importance-row';
      row.setAttribute('role', 'listitem');
      row.dataset.param = p.name;
      row.dataset.importance = String(p.importance);
      const name = document.createElement('span');
      name.className = 'importance-name';
      name.textContent = p.name;
      const track = document.createElement('span');
      track.className = 'importance-track';
      const bar = document.createElement('span');
      bar.className = 'importance-bar';
      // Scaled to the largest share so small differences stay visible; the label gives the true share.
      bar.style.width = `${(100 * p.importance) / max}%`;
      track.append(bar);
      const pct = document.createElement('span');
      pct.className = 'importance-pct';
      pct.textContent = `${(100 * p.importance).toFixed(1)}%`;
      const fav = document.createElement('span');
      fav.className = 'importance-favoured';
      fav.textContent = p.favoured ? `best: ${p.favoured}` : '';
      row.title = `${p.name}: ${(100 * p.importance).toFixed(1)}% of the total divergence (χ² = ${p.divergence.toPrecision(3)})` +
        (p.favoured ? `; the top trials concentrate at ${p.favoured}` : '');
      row.append(name, track, pct, fav);
      return row;
    });
    bars.replaceChildren(...rows);
  }
}

/** The worker's input: finished trials only, stripped to what the estimate reads. Null before a snapshot. */
function buildInput(store: DashboardStore): ImportanceInput | null {
  const header = store.header;
  if (header === null) return null;
  const trials: ImportanceTrial[] = [];
  for (const t of store.trialOrder) {
    if (!countedStatuses.has(t.status)) continue;
    trials.push({ number: t.number, status: t.status, params: t.params, value: t.value, step: t.step });
  }
  return { params: header.params, trials, goal: header.goal };
}

/** A cheap fingerprint of the input (FNV-1a over the fields used), so an unchanged set is not recomputed. */
function signatureOf(input: ImportanceInput): string {
  let h = 0x811c9dc5;
  const mix = (s: string): void => {
    for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 0x01000193);
  };
  mix(input.goal);
  for (const p of input.params) mix(`${p.name}|${p.kind}|${p.log}|${p.low}|${p.high}|${p.choices?.join(',') ?? ''};`);
  for (const t of input.trials) mix(`${t.number}:${t.status}:${t.value}:${t.step};`);
  return `${input.trials.length}:${h >>> 0}`;
}
