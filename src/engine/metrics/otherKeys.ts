/**
 * The metric names a trial printed other than the objective, so that "metric val_los never reported" can
 * say what was read instead (`val_loss`) — a misspelt `metric:` otherwise fails every trial of a study with
 * nothing but the script's last line to go on.
 */
import { closestMatch } from '../spec/didYouMean';
import type { MetricRecord } from './metricParser';
import { stepKeyRank } from './recordBuilder';

/** Keys kept; a script printing more distinct names than this is named by its first ones. */
const MAX_KEYS = 32;
/** Keys named in the message. */
const SHOWN = 8;

export class OtherMetricKeys {
  private readonly keys = new Set<string>();

  /** Notes the keys of a parsed line that did not carry the objective (step keys are no metric). */
  add(record: MetricRecord): void {
    if (this.keys.size >= MAX_KEYS) return;
    for (const key in record.values) {
      if (stepKeyRank(key) >= 0) continue;
      this.keys.add(key);
      if (this.keys.size >= MAX_KEYS) return;
    }
  }

  /**
   * `; the output had val_loss, train_loss — did you mean "val_loss"?`, or '' when no other metric was read
   * (no parentheses: the reason is itself shown in parentheses).
   * The suggestion is the closest name by spelling, or one that ends with the objective's name after a
   * separator (`metrics.val_acc` when the JSON nested it, `eval_val_acc`), or one in other words for the same
   * split and measure (`validation_loss` printed as `Validation loss: 0.4` for `val_loss`, `val_accuracy` for `val_acc`).
   */
  describe(metric: string): string {
    if (this.keys.size === 0) return '';
    const keys = [...this.keys];
    const shown = keys.slice(0, SHOWN).join(', ') + (keys.length > SHOWN ? ', …' : '');
    const suffixed = keys.find((k) => k.length > metric.length && k.endsWith(metric) && '._/-'.includes(k.charAt(k.length - metric.length - 1)));
    const wanted = metricWords(metric);
    const synonym = keys.find((k) => metricWords(k) === wanted);
    const suggestion = closestMatch(metric, keys) ?? suffixed ?? synonym;
    return `; the output had ${shown}${suggestion !== undefined ? ` — did you mean "${suggestion}"?` : ''}`;
  }
}

/** Words that name the same data split or measure in metric names: `validation_loss` and `val_loss` are one. */
const SAME_WORD: Readonly<Record<string, string>> = {
  validation: 'val',
  valid: 'val',
  training: 'train',
  accuracy: 'acc',
};

/** A metric name in canonical words: lower case, split at `_ . / - space`, synonyms folded (`Validation loss` → `val loss`). */
function metricWords(name: string): string {
  return name
    .toLowerCase()
    .split(/[_./\- ]+/)
    .filter((w) => w !== '')
    .map((w) => SAME_WORD[w] ?? w)
    .join(' ');
}
