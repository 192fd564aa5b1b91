/** Builds StudySnapshots from hand-written events through the engine's own projection. */
import { StudyProjection, type SequencedEvent, type StudyEvent, type StudySnapshot } from '../../src/engine/index';

export class SnapshotBuilder {
  readonly projection: StudyProjection;
  #seq = 0;
  #at = 1_700_000_000_000;

  constructor(study = 'demo', metric = 'val_loss', goal: 'minimize' | 'maximize' = 'minimize') {
    this.projection = new StudyProjection(study, metric, goal);
    this.apply({ type: 'study.created', v: 1, at: this.#at, study, spec: { source: { name: study } }, seed: 7 });
    this.apply({ type: 'study.started', at: this.#at, pid: 1234, resumed: false });
  }

  get snapshot(): StudySnapshot {
    return this.projection.snapshot;
  }

  /** Applies one event; returns it sequenced (for notifier tests). */
  apply(event: StudyEvent): SequencedEvent {
    const sequenced = { seq: ++this.#seq, event };
    this.projection.apply(sequenced);
    return sequenced;
  }

  /** Plans, asks and launches a trial. */
  launch(number: number, config: Record<string, string | number | boolean>, budget = 20): SequencedEvent {
    const trialId = String(number);
    this.apply({ type: 'trial.planned', at: ++this.#at, trialId, number, plan: { bracket: 0, budget } });
    this.apply({ type: 'trial.asked', at: ++this.#at, trialId, config });
    return this.apply({
      type: 'trial.launched',
      at: ++this.#at,
      trialId,
      argv: ['node', 'train.mjs', ...Object.entries(config).map(([k, v]) => `--${k}=${String(v)}`)],
      cwd: '/work/project',
      trialDir: `/work/project/.rung/demo/trials/${trialId}`,
      budget,
      resume: false,
      external: { kind: 'pid', pid: 4000 + number },
    });
  }

  report(number: number, step: number, value: number): SequencedEvent {
    return this.apply({ type: 'trial.reported', at: ++this.#at, trialId: String(number), step, values: { epoch: step, val_loss: value } });
  }

  end(number: number, status: 'completed' | 'pruned' | 'failed' | 'stopped', value: number | null, step: number | null, reason?: string): SequencedEvent {
    return this.apply({
      type: 'trial.ended',
      at: ++this.#at,
      trialId: String(number),
      status,
      exit: { code: status === 'failed' ? 1 : 0, signal: null, cause: 'exited' },
      ...(reason !== undefined ? { reason } : {}),
      value,
      step,
    });
  }

  endStudy(reason: 'budgetExhausted' | 'userStopped' | 'error' = 'budgetExhausted'): SequencedEvent {
    return this.apply({ type: 'study.ended', at: ++this.#at, reason });
  }
}

/**
 * Trials whose curves cross after epoch 1: the one leading at epoch 1 ends last, and at epoch 3 the order is
 * already the final one (an early-stopping check with a weak first rung). Trial i ran to epoch 9 when
 * i < `finished`; the others run on.
 */
export function crossingCurves(trials: number, finished: number): SnapshotBuilder {
  const b = new SnapshotBuilder();
  for (let i = 0; i < trials; i++) {
    b.launch(i, { lr: 0.001 * (i + 1) }, 9);
    b.report(i, 1, 1 - i * 0.1);
    b.report(i, 3, 0.5 + i * 0.05);
    if (i < finished) {
      b.report(i, 9, 0.2 + i * 0.01);
      b.end(i, 'completed', 0.2 + i * 0.01, 9);
    }
  }
  return b;
}
