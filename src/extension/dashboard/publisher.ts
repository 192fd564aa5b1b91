/**
 * Keeps one dashboard webview in step with one study: a full `study/snapshot` when the page says it is
 * ready, when the panel becomes visible again and when the page asks for a resync; in between, at most
 * one small `study/patch` per interval with only the trials that changed, the decisions recorded since
 * the last message and the header when it changed. Curves travel only for the trials the page asked for.
 *
 * No `vscode` import: the panel hands it a post function and visibility changes, and tests drive it with
 * a fake clock and real study events.
 *
 * The early-stopping check (τ per rung, O(n²) in the finished trials) goes with every snapshot and in a
 * patch only when it changed; it is computed again only when the completed trials did (RungCheckCache).
 *
 * Decisions are sent by position in the study's decision log (`snapshot.decisionLog`, append-only and
 * rebuilt from the event log, so their `seq` is the event's place in the log): the publisher remembers
 * how many it has sent and appends the rest.
 */
import {
  DASHBOARD_PROTOCOL_VERSION,
  type HostEnvelope,
  type HostMessages,
  type RungCheckView,
  type TrialCurve,
  type WebviewEnvelope,
} from '../../shared/dashboardProtocol';
import type { Listenable, StudySnapshot, StudySpec } from '../../engine/index';
import type { LiveStudyEvent, StudyEntry } from '../studies/studyRegistry';
import { systemTimers, type TimerApi } from '../util/throttle';
import {
  decisionRows,
  RungCheckCache,
  studyHeader,
  studyViewContext,
  trialRows,
  type RungReliabilityFn,
  type StudyViewContext,
  type StudyViewSource,
} from './toViews';

/** Patch interval (ms): smooth enough to watch, rare enough that 100 reporting trials cost 5 posts a second. */
export const PATCH_INTERVAL_MS = 180;
/** How many requested trials' curves are re-sent when they change (the most recently requested). */
export const MAX_TRACKED_CURVES = 200;

/** The part of the StudyRegistry the publisher reads. */
export interface StudySource {
  get(key: string): StudyEntry | undefined;
  readonly onLiveEvent: Listenable<LiveStudyEvent>;
  readonly onDidChangeStudy: Listenable<string>;
}

export interface PublisherOptions {
  readonly source: StudySource;
  /** The study's registry key. */
  readonly key: string;
  /** Posts to the webview (VS Code drops what is posted to a hidden or reloading page). */
  readonly post: (message: HostEnvelope) => void;
  readonly timers?: TimerApi;
  readonly intervalMs?: number;
  /** Computes the early-stopping check's τ per rung (the engine's rungReliability; tests count its calls). */
  readonly rungReliability?: RungReliabilityFn;
}

/** Throttle key meaning "study-level facts may have changed" (never a trial id: those are decimal). */
const headerKey = '\0header';

export class DashboardPublisher {
  readonly #options: PublisherOptions;
  readonly #timers: TimerApi;
  readonly #intervalMs: number;
  /** Trials (and the header key) changed since the last message; a patch is due when the timer fires. */
  readonly #dirty = new Set<string>();
  #timer: unknown;
  readonly #offs: Array<() => void>;
  #rev = 0;
  #ready = false;
  #visible = true;
  /** The snapshot object the page has (an observed study re-read from disk gets a new one). */
  #sentSnapshot: StudySnapshot | undefined;
  #sentDecisions = 0;
  #sentHeader = '';
  #context: { spec: StudySpec | undefined; view: StudyViewContext } | undefined;
  /** The early-stopping check, computed again only when the trials that ran to the end changed (O(n²)). */
  readonly #rungCheck: RungCheckCache;
  /** The check the page has (the cache hands back the same object while nothing it depends on changed). */
  #sentRungCheck: RungCheckView | null = null;
  /** Requested trial ids, least recently requested first (a Set keeps insertion order). */
  readonly #curves = new Set<string>();
  #pendingSelect: string | undefined;
  #disposed = false;

  constructor(options: PublisherOptions) {
    this.#options = options;
    this.#timers = options.timers ?? systemTimers;
    this.#intervalMs = options.intervalMs ?? PATCH_INTERVAL_MS;
    this.#rungCheck = new RungCheckCache(options.rungReliability);
    this.#offs = [
      options.source.onLiveEvent.on(({ entry, event }) => {
        if (entry.key !== options.key) return;
        const e = event.event;
        if ('trialId' in e) this.#mark(e.trialId);
        this.#mark(headerKey);
      }),
      // Also fires when a study starts or stops being live, which no event of its own says.
      options.source.onDidChangeStudy.on((key) => {
        if (key === options.key) this.#mark(headerKey);
      }),
    ];
  }

  /** The panel was shown or hidden. Hidden pages get nothing; shown again, they get a full snapshot. */
  setVisible(visible: boolean): void {
    if (visible === this.#visible) return;
    this.#visible = visible;
    if (!visible) {
      // Drop what is pending: a snapshot replaces it when the page is back.
      this.#dirty.clear();
      return;
    }
    if (this.#ready) this.#postSnapshot();
  }

  /**
   * Handles the messages that concern the data (ready, resync, curve requests); returns false for the
   * others (actions the panel carries out).
   */
  receive(message: WebviewEnvelope): boolean {
    switch (message.type) {
      case 'webview/ready': {
        const { protocol } = message.payload;
        this.#ready = true;
        if (protocol !== DASHBOARD_PROTOCOL_VERSION) {
          this.#post('host/error', {
            message: 'The dashboard page and the extension disagree on the protocol; reload the window.',
            detail: `page ${protocol}, extension ${DASHBOARD_PROTOCOL_VERSION}`,
          });
        }
        this.#postSnapshot();
        return true;
      }
      case 'study/resync':
        this.#postSnapshot();
        return true;
      case 'trial/requestCurves': {
        const { trialIds } = message.payload;
        for (const id of trialIds) {
          this.#curves.delete(id);
          this.#curves.add(id);
        }
        while (this.#curves.size > MAX_TRACKED_CURVES) {
          const oldest = this.#curves.values().next().value;
          if (oldest === undefined) break;
          this.#curves.delete(oldest);
        }
        this.#postCurves(trialIds);
        return true;
      }
      default:
        return false;
    }
  }

  /** Selects a trial in the page (after the snapshot, if the page has none yet). */
  select(trialId: string): void {
    if (this.#ready && this.#visible && this.#sentSnapshot) this.#post('trial/select', { trialId });
    else this.#pendingSelect = trialId;
  }

  /** The latest revision sent (tests). */
  get rev(): number {
    return this.#rev;
  }

  dispose(): void {
    this.#disposed = true;
    if (this.#timer !== undefined) this.#timers.clearTimeout(this.#timer);
    this.#timer = undefined;
    for (const off of this.#offs) off();
  }

  /**
   * Trailing-edge batching: the first change starts the interval and everything until it ends goes in
   * one patch (a trial's report and the header it changes arrive as separate notifications). Nothing is
   * collected while the page cannot take patches: the snapshot it gets next carries everything.
   */
  #mark(key: string): void {
    if (!this.#visible || !this.#ready || this.#disposed) return;
    this.#dirty.add(key);
    if (this.#timer !== undefined) return;
    this.#timer = this.#timers.setTimeout(() => {
      this.#timer = undefined;
      const keys = [...this.#dirty];
      this.#dirty.clear();
      this.#flush(keys);
    }, this.#intervalMs);
  }

  #post<K extends keyof HostMessages>(type: K, payload: HostMessages[K]): void {
    if (this.#disposed) return;
    this.#options.post({ type, payload } as HostEnvelope);
  }

  /** The entry as the rows need it, or undefined when the study is gone. */
  #source(): { entry: StudyEntry; source: StudyViewSource; context: StudyViewContext } | undefined {
    const entry = this.#options.source.get(this.#options.key);
    if (!entry) return undefined;
    const source: StudyViewSource = {
      snapshot: entry.snapshot,
      ...(entry.spec ? { spec: entry.spec } : {}),
      live: entry.isRunning,
      owned: entry.ownership === 'owned',
    };
    // The schedule and columns depend only on the study file: built once, again only if it changed.
    if (!this.#context || this.#context.spec !== entry.spec) this.#context = { spec: entry.spec, view: studyViewContext(source) };
    return { entry, source, context: this.#context.view };
  }

  #postSnapshot(): void {
    if (!this.#visible) return;
    const current = this.#source();
    if (!current) {
      this.#post('host/error', { message: `Study ${this.#options.key.split('::').pop() ?? ''} is no longer in the store.` });
      return;
    }
    const { source, context } = current;
    const header = studyHeader(source, context);
    const rungCheck = this.#rungCheck.get(source, context);
    this.#rev += 1;
    this.#post('study/snapshot', {
      rev: this.#rev,
      header,
      trials: trialRows(source, context),
      decisions: decisionRows(source, context),
      ...(rungCheck !== null ? { rungCheck } : {}),
    });
    this.#sentSnapshot = source.snapshot;
    this.#sentRungCheck = rungCheck;
    this.#sentDecisions = source.snapshot.decisionLog.length;
    this.#sentHeader = JSON.stringify(header);
    this.#dirty.clear();
    if (this.#pendingSelect !== undefined) {
      const trialId = this.#pendingSelect;
      this.#pendingSelect = undefined;
      this.#post('trial/select', { trialId });
    }
  }

  #flush(keys: readonly string[]): void {
    // Hidden or not listening yet: the next snapshot carries everything.
    if (!this.#visible || !this.#ready || this.#disposed) return;
    const current = this.#source();
    if (!current) return;
    const { source, context } = current;
    if (source.snapshot !== this.#sentSnapshot) {
      this.#postSnapshot();
      return;
    }
    const changed = keys.filter((k) => k !== headerKey);
    const upsertTrials = changed.length > 0 ? trialRows(source, context, changed) : [];
    const appendDecisions = decisionRows(source, context, this.#sentDecisions);
    const header = studyHeader(source, context);
    const headerJson = JSON.stringify(header);
    const headerChanged = headerJson !== this.#sentHeader;
    const rungCheck = this.#rungCheck.get(source, context);
    let rungCheckChanged = false;
    if (rungCheck !== this.#sentRungCheck) {
      // A recomputed check can say what the page already has (a trial completed short of the full budget).
      rungCheckChanged = JSON.stringify(rungCheck) !== JSON.stringify(this.#sentRungCheck);
      if (!rungCheckChanged) this.#sentRungCheck = rungCheck;
    }
    if (upsertTrials.length === 0 && appendDecisions.length === 0 && !headerChanged && !rungCheckChanged) return;
    const baseRev = this.#rev;
    this.#rev += 1;
    this.#post('study/patch', {
      rev: this.#rev,
      baseRev,
      ...(headerChanged ? { header } : {}),
      ...(upsertTrials.length > 0 ? { upsertTrials } : {}),
      ...(appendDecisions.length > 0 ? { appendDecisions } : {}),
      ...(rungCheckChanged ? { rungCheck } : {}),
    });
    this.#sentDecisions = source.snapshot.decisionLog.length;
    this.#sentHeader = headerJson;
    this.#sentRungCheck = rungCheck;
    // Curves the page shows follow their trials (after the patch, so rows and curves agree).
    const curveUpdates = changed.filter((id) => this.#curves.has(id));
    if (curveUpdates.length > 0) this.#postCurves(curveUpdates);
  }

  #postCurves(trialIds: readonly string[]): void {
    if (!this.#visible) return;
    const snapshot = this.#options.source.get(this.#options.key)?.snapshot;
    if (!snapshot) return;
    const wanted = new Set(trialIds);
    const curves: TrialCurve[] = [];
    for (const t of snapshot.trials) if (wanted.has(t.id)) curves.push({ trialId: t.id, points: t.curve });
    // Unknown ids get nothing back: the page keeps asking only for trials it has rows for.
    if (curves.length > 0) this.#post('trial/curves', { curves });
  }
}
