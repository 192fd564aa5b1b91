/**
 * The scheduler's plan as a grid: one row per bracket, one cell per rung with its budget and how many
 * trials reached it, were stopped there and are running there. Schedulers without rungs (fifo, median) get
 * a sentence instead. Counts are recomputed from the rows (O(trials), at most once per frame) and written
 * into existing cells, so a live study updates the grid without rebuilding it.
 */
import type { SchedulePlanView, StudyHeader, TrialRow } from '../../../../src/shared/dashboardProtocol';
import type { TrialStatus } from '../../../../src/shared/ids';

/** A rung cell picked to filter the decision log (and the table). */
export interface RungPick {
  readonly bracket: number;
  readonly rung: number;
}

export interface RungCounts {
  /** Trials whose highest rung is at least this one. */
  reached: number;
  /** Pruned with this as their highest rung. */
  stopped: number;
  /** Live (launching, running, stopping) with this as their highest rung. */
  running: number;
  /** Promotion mode: waiting at this rung to be promoted. */
  paused: number;
  /** Completed with this as their highest rung (normally the top one). */
  completed: number;
}

const liveStatuses: ReadonlySet<TrialStatus> = new Set(['launching', 'running', 'stopping']);

/** Counts per bracket (by bracket number) per rung; index -1 … the trials not yet at their first rung. */
export function rungCounts(plan: SchedulePlanView, trials: Iterable<TrialRow>): Map<number, { before: RungCounts; rungs: RungCounts[] }> {
  const out = new Map<number, { before: RungCounts; rungs: RungCounts[] }>();
  const empty = (): RungCounts => ({ reached: 0, stopped: 0, running: 0, paused: 0, completed: 0 });
  for (const b of plan.brackets) out.set(b.bracket, { before: empty(), rungs: b.rungs.map(empty) });
  for (const t of trials) {
    if (t.bracket === null || t.status === 'queued') continue;
    const entry = out.get(t.bracket);
    if (!entry) continue;
    const top = t.rung === null ? -1 : Math.min(t.rung, entry.rungs.length - 1);
    for (let r = 0; r <= top; r++) entry.rungs[r]!.reached++;
    const cell = top < 0 ? entry.before : entry.rungs[top]!;
    if (top < 0) cell.reached++;
    if (t.status === 'pruned') cell.stopped++;
    else if (liveStatuses.has(t.status)) cell.running++;
    else if (t.status === 'paused') cell.paused++;
    else if (t.status === 'completed') cell.completed++;
  }
  return out;
}

/** Schedulers that have no rungs to draw. */
function sentenceFor(header: StudyHeader): string | null {
  const unit = header.stepUnit;
  const budget = header.plan.brackets[0]?.rungs.at(-1);
  const upTo = budget !== undefined ? ` (up to ${unit} ${budget})` : '';
  switch (header.plan.scheduler) {
    case 'fifo':
      return `FIFO: every trial runs its full budget${upTo}; nothing is stopped early, so there are no rungs and no pruning decisions (only non-finite values are recorded).`;
    case 'median':
      return `Median stopping: at each ${unit}${upTo}, a trial is stopped when its best ${header.metric} so far is worse than the median of the other trials' running averages at that ${unit}. Each decision below names the median and how many trials formed it.`;
    default:
      return header.plan.brackets.every((b) => b.rungs.length <= 1)
        ? `${header.plan.scheduler}: a single budget level${upTo}; no rungs to show.`
        : null;
  }
}

export class PlanGrid {
  readonly element = document.createElement('div');
  #cells = new Map<string, HTMLElement>();
  #planKey = '';
  #pick: RungPick | null = null;

  constructor(private readonly onPick: (pick: RungPick | null) => void) {
    this.element.className = 'plan';
  }

  setPick(pick: RungPick | null): void {
    this.#pick = pick;
    for (const [key, cell] of this.#cells) {
      const on = pick !== null && key === `${pick.bracket}:${pick.rung}`;
      cell.classList.toggle('picked', on);
      cell.setAttribute('aria-pressed', String(on));
    }
  }

  /** Rebuilds the grid when the plan changed, then writes the counts. */
  update(header: StudyHeader, trials: Iterable<TrialRow>): void {
    const key = JSON.stringify([header.plan, header.stepUnit, header.metric]);
    if (key !== this.#planKey) {
      this.#planKey = key;
      this.#build(header);
    }
    if (this.#cells.size === 0) return;
    const counts = rungCounts(header.plan, trials);
    for (const b of header.plan.brackets) {
      const c = counts.get(b.bracket)!;
      this.#write(`${b.bracket}:-1`, c.before, undefined, true);
      b.rungs.forEach((_, r) => this.#write(`${b.bracket}:${r}`, c.rungs[r]!, b.trialsPerRung?.[r], false));
    }
  }

  #build(header: StudyHeader): void {
    this.#cells.clear();
    const plan = header.plan;
    const caption = document.createElement('div');
    caption.className = 'plan-caption';
    const brackets = plan.brackets.length;
    caption.textContent = `${plan.scheduler.toUpperCase()} · ${plan.mode} mode · ${brackets} bracket${brackets === 1 ? '' : 's'}`;
    const sentence = sentenceFor(header);
    if (sentence !== null) {
      const p = document.createElement('p');
      p.className = 'plan-sentence';
      p.textContent = sentence;
      this.element.replaceChildren(caption, p);
      return;
    }
    const grid = document.createElement('div');
    grid.className = 'plan-grid';
    grid.setAttribute('role', 'grid');
    const cols = Math.max(...plan.brackets.map((b) => b.rungs.length));
    // Bracket label, the "not yet at a rung" cell, then one per rung.
    grid.style.gridTemplateColumns = `max-content repeat(${cols + 1}, minmax(64px, 1fr))`;
    for (const b of plan.brackets) {
      const label = document.createElement('div');
      label.className = 'plan-bracket';
      label.textContent = brackets === 1 ? 'rungs' : `bracket ${b.bracket}`;
      grid.append(label, this.#cell(b.bracket, -1, 'start', 'before rung 0'));
      b.rungs.forEach((budget, r) => grid.append(this.#cell(b.bracket, r, `rung ${r}`, `${header.stepUnit} ${budget}`)));
      for (let r = b.rungs.length; r < cols; r++) grid.append(document.createElement('div'));
    }
    this.element.replaceChildren(caption, grid);
    this.setPick(this.#pick);
  }

  #cell(bracket: number, rung: number, name: string, budget: string): HTMLElement {
    const cell = document.createElement('div');
    cell.className = rung < 0 ? 'plan-cell plan-start' : 'plan-cell';
    cell.dataset.bracket = String(bracket);
    cell.dataset.rung = String(rung);
    const head = document.createElement('div');
    head.className = 'plan-head';
    const rungName = document.createElement('span');
    rungName.className = 'plan-rung';
    rungName.textContent = name;
    const budgetText = document.createElement('span');
    budgetText.className = 'plan-budget';
    budgetText.textContent = budget;
    head.append(rungName, budgetText);
    const title = `${name} (${budget})`;
    const reached = document.createElement('div');
    reached.className = 'plan-reached';
    const detail = document.createElement('div');
    detail.className = 'plan-detail';
    cell.append(head, reached, detail);
    if (rung >= 0) {
      cell.tabIndex = 0;
      cell.setAttribute('role', 'button');
      cell.title = `Show the decisions at ${title} (and filter the table to trials whose highest rung is ${rung})`;
      const pick = (): void => {
        const same = this.#pick?.bracket === bracket && this.#pick.rung === rung;
        this.setPick(same ? null : { bracket, rung });
        this.onPick(this.#pick);
      };
      cell.addEventListener('click', pick);
      cell.addEventListener('keydown', (e) => {
        if (e.key === 'Enter' || e.key === ' ') {
          e.preventDefault();
          pick();
        }
      });
    }
    this.#cells.set(`${bracket}:${rung}`, cell);
    return cell;
  }

  #write(key: string, c: RungCounts, planned: number | undefined, start: boolean): void {
    const cell = this.#cells.get(key);
    if (!cell) return;
    const reached = start ? `${c.reached} not yet` : `${c.reached}${planned !== undefined ? ` / ${planned}` : ''} reached`;
    const parts: string[] = [];
    if (c.stopped) parts.push(`${c.stopped} stopped`);
    if (c.running) parts.push(`${c.running} running`);
    if (c.paused) parts.push(`${c.paused} paused`);
    if (c.completed) parts.push(`${c.completed} completed`);
    const detail = parts.join(' · ') || '\u00a0';
    const [r, d] = [cell.children[1] as HTMLElement, cell.children[2] as HTMLElement];
    if (r.textContent !== reached) r.textContent = reached;
    if (d.textContent !== detail) d.textContent = detail;
  }
}
