/**
 * `key=value` and `key: value` pairs anywhere on a line: `epoch=3 val_loss=0.214 acc=0.93`,
 * `val_loss: 0.214, acc: 0.93`, `Epoch 3 | loss=0.5`, and Python dict reprs such as Hugging Face's
 * `{'loss': 0.69, 'epoch': 0.33}` (a key may sit in matching quotes).
 *
 * The rules, chosen so that ordinary log text yields nothing:
 * - A key is `[A-Za-z_][A-Za-z0-9_./-]*`, optionally ending in `@` and a number (`recall@10`, `Acc@1`, `mAP@.5`,
 *   COCO's range `mAP@0.5:0.95`), and starts a token: the character before it is not a letter,
 *   digit, `_`, `.`, `/` or `@` (so `https://host:8080` and `user@host:22` give nothing; `--lr=0.1` gives `lr`).
 * - Then optional blanks, `=` or `:`, optional blanks, and a number (see numberToken.ts), optionally
 *   followed by `%` (the value stays as printed: `acc=93.5%` is 93.5).
 * - The number must end the token. It may not be followed by a letter, digit or `_` (`time=3s`,
 *   `id=3abc`, `0x1f` give nothing: units are not parsed), nor by `.`, `:`, `/`, `-`, `+` or `@` and
 *   then a letter or digit (`time: 12:30:45`, `v=1.2.3`, `date: 2024-01-02`, `epoch: 3/10` give
 *   nothing), nor by `,` and then a digit (`n: 1,234`). A sentence-ending `.` or a `,` before the next
 *   pair is fine.
 * - A step key (`epoch`, `step`, `iteration`, `iter`, any case) followed by one space and an integer that
 *   ends in `:` (then a blank or the line's end), in `,` and a blank, in a blank, `-` or `|` and a blank, or in
 *   `/` and another integer is the step too: `Epoch 3: 45%|…|…, val_loss=0.41]` (PyTorch Lightning's progress
 *   bar, a tqdm `desc`), `Step 100: loss = 0.5`, `Iteration 1, loss = 0.52` (scikit-learn's MLP),
 *   `Epoch 5 - val_loss=0.42`, `Epoch 3/10 - loss: 0.5`, `epoch 3 | train loss 0.5` (a table-like print,
 *   fairseq's `epoch 001 | loss 9.4 | ppl 481.6`). It counts only on a line that also has a pair
 *   (`Epoch 3/10` and `Step 3: download the data` alone give nothing), and is kept in the values under the
 *   key as printed (`Epoch`), like `epoch=3`. Without it a progress bar that repeats the last `val_loss` on
 *   every redraw would count each redraw as a step. `Iteration 1 of 10`, `Epoch 3|x` stay unread.
 *   A step key, one space and an integer opening the message, then only words each followed by a number (and
 *   a `,` `;` or `|`) to the line's end, give the step and those pairs: TensorFlow's tutorials' `Epoch 1 Loss
 *   0.4523 Accuracy 0.8811` (`Epoch 3 of 10`, `Epoch 1 took 5 seconds` give nothing: `of` and the like are no keys).
 *   Also step prefixes: a step key, one space or none and `[3/10]` or `[3]` followed by a blank, `,`, `:` or the
 *   line's end (the PyTorch tutorials' `Epoch [1/10], Step [100/600], Loss: 0.2345`, PyTorch Ignite's
 *   `Epoch[1] Iteration[100/469] Loss: 0.30`), a step key, `:` or
 *   `=` and `3/10` (`Epoch: 3/10 | Train loss: 0.51`; `date: 2024/01/02` is no step key), and `3]` closing
 *   the integer (`[epoch 3] val_loss: 0.25`).
 *   A step key, one space and an integer followed by one space and a pair also give the step
 *   (`epoch 3 val_loss=0.25`, `Step 3 Val Loss: 0.4`, `Epoch 2 val loss 0.5`) when the step key opens the message: at the line's
 *   start or after something that is not a word (`INFO:root:epoch 3 …`, `… - INFO - epoch 3 …`, after a
 *   logger's location). `best epoch 3 loss=1` (a word before) and `epoch 3 of 10 loss=1` give no step. No bare
 *   `key number` is read after this form.
 * - A logger's location is no metric, and what is before it is the logger's prefix: loguru's
 *   `{name}:{function}:{line}` (its default format `2024-01-02 12:34:56.789 | INFO     | train:main:42 - epoch 3
 *   val_loss=0.25` gives step 3 and val_loss, not `main` 42) and logging's `%(filename)s:%(lineno)d`
 *   (`train.py:42`): a `key:digits` pair with the number glued to the colon, whose key follows a module name
 *   and `:` or ends in `.py`, followed by ` - ` or with an upper-case level word (`INFO`, `SUCCESS`, …) before
 *   it. The pairs read before it are dropped and the message is read from after it (and its ` - `).
 *   `INFO epoch:3 - loss=0.5` and `train:main:42 loss=0.5` (no level, no ` - `) are read as pairs.
 * - After such a prefix, a bare key, one space and a number give the key (nanoGPT's `iter 100: loss 2.3456,
 *   time 20.31ms, mfu 5.12%` has `loss` and `mfu`): the key comes first after the prefix, or after `,`, `;`
 *   or `|` and blanks, or after a tab, and the number ends as in the no-separator form below (`time 20.31ms`,
 *   `Epoch 3: saw 5 files`, `Epoch 3: the loss 0.5` give nothing). Only after a prefix: `loss 0.3, acc 0.9`
 *   alone gives nothing.
 * - A step printed without a key, on a line that has a pair: `[10]` and a tab at the line's start (XGBoost's
 *   and LightGBM's `[10]<TAB>valid_0's auc: 0.9`, the boosting round) or `10:` and a tab (CatBoost's
 *   `10:<TAB>learn: 0.68<TAB>test: 0.69`, the iteration). It adds no value and ranks below the step keys.
 *   Read because these libraries print every `period` rounds: a counted step would say 1, 2, 3 where the
 *   round is 10, 20, 30, and the step is the budget unit of early stopping. The tab and the position are
 *   what set them apart from text: `[1/3] Building`, `[12] loss=1`, `0: /dev/sda1` give no step.
 *   `[10]` and a tab also count behind a logger's prefix (LightGBM's `register_logger`, a script's
 *   `logging`): after a blank or `:`, with no pair before it, and an upper-case level (`DEBUG`, `INFO`,
 *   `WARNING`, `WARN`, `ERROR`, `CRITICAL`) as a whole word before it: `INFO:root:[10]<TAB>…`,
 *   `2024-05-01 12:00:00,123 INFO [10]<TAB>…`; `[LightGBM] [Info] …`, ` [10]<TAB>`, `x[10]<TAB>`,
 *   `Note: [10]<TAB>` give no step. Checked at the line's first `]<TAB>` only, so the line stays linear.
 * - A count out of a total followed by its percentage in parentheses is read as the fraction:
 *   `Accuracy: 9832/10000 (98%)` (PyTorch's MNIST example) gives `Accuracy` 0.9832, not the rounded 98. Without
 *   the percentage (`n: 3/10`) it stays unread, as any `3/10`.
 * - `Loss: 3.4 (3.5)` (timm, the ImageNet examples: the batch's value, then the running average) gives the
 *   first number, as printed first; the parenthesized one is no value. Except on timm's own lines
 *   ({@link readTimmLine}, formats/timm.ts): `Train: 3 [ 100/1251 (  8%)]  Loss: …` gives the step 3 (kept as
 *   `epoch`; `Train` is no value), and `Test: [ 195/195]  Loss:   0.915 ( 0.901)  Acc@1: …` the averages (0.901),
 *   under the keys and `test_` + the key, `Test (EMA): [ … ]` under `test_ema_` + the key only.
 * - On a line with such a round, a value may be followed by `+` and a decimal (xgb.cv's
 *   `test-rmse:0.2345+0.0045`, the mean and its standard deviation): the mean is the value, the deviation
 *   is no value of its own. Elsewhere `1+2` stays unread.
 * - A data-split word (`train`, `training`, `val`, `valid`, `validation`, `test`, `eval`, `dev`, any case) and
 *   one space before a key also give the joined key in lower case: `Train Loss: 0.5 | Val Loss: 0.4` has `train_loss`
 *   and `val_loss` besides `Loss` (which keeps the last), so a tutorial-style print can be tuned on val_loss.
 *   The key as printed never replaces a value the line gave under that key alone: `loss: 0.5 - val loss: 0.4`
 *   has `loss` 0.5. A split word that starts the line, optionally with `set`, `results`, `metrics` (and the
 *   like) after it, then `:` or `-`, names every metric of the line: `Test set: Average loss: 0.05` (PyTorch's
 *   MNIST example) has `test_loss`, `Validation Results - Epoch[1] Avg accuracy: 0.9` (Ignite)
 *   `validation_accuracy`, `Train Epoch: 1 […]<TAB>Loss: 2.3` `train_loss` (not the step keys, not keys that
 *   name a split already).
 * - Without a separator, a split word, one space, a key, one space and a number give the joined key only:
 *   `step 100: train loss 2.3456, val loss 2.4567` (nanoGPT) has `train_loss` and `val_loss`, and
 *   `epoch 3 | val loss 0.234 | val acc 91.2%` has `val_loss` and `val_acc`. As the number ends no
 *   pair here, it must end more than its token: at the line's end, a tab, a `,` (not before a digit: `1,234`,
 *   `1, 2, 3`), `;`, `|` or a closing bracket, possibly after spaces, or before spaces and the next split
 *   word (`train loss 0.5 val loss 0.4`). So `test loss 5 times lower`, `train 3 models`, `val loss 3/10`
 *   give nothing.
 * - A key, `'s` and one space before a key (`valid_0's binary_logloss: 0.31`, LightGBM's validation sets)
 *   also give the two joined by `_` as printed: `valid_0_binary_logloss` besides `binary_logloss` (which
 *   keeps the last set's value), so each set's metric can be named.
 * - Anything else (words without a separator, non-numeric values, control characters, U+FFFD) is
 *   skipped; a duplicated key keeps its last value.
 */
import type { MetricRecord } from '../metricParser';
import { scanNumberToken, scanned } from '../numberToken';
import { MAX_KEY_LENGTH, MAX_VALUES_PER_LINE, RecordBuilder, stepKeyRank } from '../recordBuilder';
import { hashStep, internJoinedKey, internKey } from '../keyCache';
import { readTimmAverages, timmEvalHead, timmTrainHead } from './timm';

/** Words that say which data a metric was measured on, as printed before it: `Val Loss`, `Test Acc`. */
const QUALIFIERS: ReadonlySet<string> = new Set(['train', 'training', 'val', 'valid', 'validation', 'test', 'eval', 'dev']);
const QUALIFIER_LIST: readonly string[] = [...QUALIFIERS];
const SHORTEST_QUALIFIER = Math.min(...QUALIFIER_LIST.map((q) => q.length));
const LONGEST_QUALIFIER = Math.max(...QUALIFIER_LIST.map((q) => q.length));

// Character classes of the ASCII range (code points >= 128 have none).
const KEY_START = 1; // may start a key
const KEY_CHAR = 2; // may continue a key
const WORD = 4; // letter, digit or `_`: glued to a number, it makes the number part of a word
const GLUE = 8; // before a key: the key is inside a longer token (URL, e-mail, path, version)
const JOINER = 16; // after a number and before a letter/digit: the number is part of a longer token
const QUALIFIER_END = 32; // the last letter of a word of QUALIFIERS, in either case

const CLASSES = new Uint8Array(128);
for (let c = 0; c < 128; c++) {
  const ch = String.fromCharCode(c);
  const letter = /[A-Za-z]/.test(ch);
  const digit = /[0-9]/.test(ch);
  let cls = 0;
  if (letter || ch === '_') cls |= KEY_START;
  if (letter || digit || '_./-'.includes(ch)) cls |= KEY_CHAR;
  if (letter || digit || ch === '_') cls |= WORD;
  if (letter || digit || '_./@'.includes(ch)) cls |= GLUE;
  if ('.:/-+@'.includes(ch)) cls |= JOINER;
  if (letter && QUALIFIER_LIST.some((q) => q.endsWith(ch.toLowerCase()))) cls |= QUALIFIER_END;
  CLASSES[c] = cls;
}

function classOf(c: number): number {
  return c < 128 ? (CLASSES[c] ?? 0) : 0;
}

const CH_EQUALS = 0x3d;
const CH_COLON = 0x3a;
const CH_PERCENT = 0x25;
const CH_COMMA = 0x2c;
const CH_QUOTE = 0x22;
const CH_APOSTROPHE = 0x27;
const CH_ESC = 0x1b;
const CH_BRACKET = 0x5b;
const CH_SPACE = 0x20;
const CH_SLASH = 0x2f;
const CH_TAB = 0x09;
const CH_MINUS = 0x2d;
const CH_CLOSE_BRACKET = 0x5d;
const CH_LOWER_S = 0x73;
const CH_PLUS = 0x2b;
const CH_SEMICOLON = 0x3b;
const CH_PIPE = 0x7c;
const CH_DOT = 0x2e;
const CH_AT = 0x40;
const CH_UPPER_T = 0x54;

/** Parses the pairs of one line; undefined when it has none. Linear in the line's length; never throws. */
export function parseKeyValueLine(line: string): MetricRecord | undefined {
  // timm's `Train: 3 [ 100/1251 (  8%)]  Loss: …` and `Test: [ 195/195]  …` (formats/timm.ts).
  if (line.charCodeAt(0) === CH_UPPER_T) {
    const timm = readTimmLine(line);
    if (timm !== NOT_TIMM) return timm;
  }
  const record = readPairs(line);
  if (record === undefined) return undefined;
  // `Test set: Average loss: 0.05` (PyTorch's MNIST example), `Validation Results - Epoch[1] Avg accuracy: 0.9`
  // (PyTorch Ignite): a data-split word heading the line also names its metrics (`test_loss`).
  const split = lineSplitWord(line, line.length);
  return split === undefined ? record : qualifyAll(record, split);
}

/** The pairs of one line (see {@link parseKeyValueLine}). */
function readPairs(line: string): MetricRecord | undefined {
  let builder: RecordBuilder | undefined;
  /** Pairs read (a step prefix such as `Epoch 3:` alone makes no record). */
  let pairs = 0;
  const n = line.length;
  // Where a key may start regardless of the character before it (line start, after an escape sequence).
  let boundaryAt = 0;
  // `valid_0's auc: 0.9`: where the key after the owner `valid_0's ` starts (-1: none), and the owner's start.
  let ownedKeyAt = -1;
  let ownerStart = 0;
  // Where the step prefix (`Epoch 3:`, `iter 100:`) ended (-1: none yet): bare `loss 2.3` may follow it.
  let prefixEnd = -1;
  // Whether the line has a boosting round (`[10]<TAB>`): only then is `0.1234+0.0012` (xgb.cv's mean+std) read.
  let roundLine = false;
  // A round behind a logger's prefix is looked for at the first `]<TAB>` only, so the line stays linear.
  let roundTried = false;
  let i = 0;
  const first = line.charCodeAt(0);
  if (first === CH_BRACKET || isDigitClass(first)) {
    // XGBoost's and LightGBM's `[10]<TAB>valid_0's auc: 0.9`, CatBoost's `10:<TAB>learn: 0.68`: the round.
    const end = roundPrefixEnd(line, n);
    if (end >= 0) {
      builder = new RecordBuilder();
      builder.setUnnamedStep(digitsValue);
      roundLine = true;
      i = end;
    }
  }
  while (i < n) {
    const c = line.charCodeAt(i);
    const cls = classOf(c);
    if ((cls & KEY_START) === 0) {
      if (c >= 0x20) {
        i++;
      } else if (c === CH_ESC) {
        // A stray ANSI escape (the launcher normally strips them): skip `ESC [ params final`.
        i = skipEscape(line, i, n);
        boundaryAt = i;
      } else {
        if (c === CH_TAB && builder === undefined && !roundTried && line.charCodeAt(i - 1) === CH_CLOSE_BRACKET) {
          // `INFO:root:[10]<TAB>valid-auc:0.9`: the round of a library that logs through `logging`.
          roundTried = true;
          if (isLoggedRound(line, i)) {
            builder = new RecordBuilder();
            builder.setUnnamedStep(digitsValue);
            roundLine = true;
          }
        }
        i++;
      }
      continue;
    }
    const keyStart = i;
    let hash = hashStep(0, c);
    i++;
    for (; i < n; i++) {
      const k = line.charCodeAt(i);
      if ((classOf(k) & KEY_CHAR) === 0) {
        // `recall@10`, `Acc@1`, `mAP@0.5`: a top-k or threshold suffix ends the key (`user@host` is no key).
        if (k === CH_AT && numberStartsAt(line, i + 1)) {
          const end = atSuffixEnd(line, i + 1, n);
          for (; i < end; i++) hash = hashStep(hash, line.charCodeAt(i));
        }
        break;
      }
      hash = hashStep(hash, k);
    }
    const keyEnd = i;
    if (keyStart !== boundaryAt && (classOf(line.charCodeAt(keyStart - 1)) & GLUE) !== 0) continue;

    // Separator: an optional closing quote matching an opening one, blanks, `=` or `:`, blanks.
    let j = keyEnd;
    const before = keyStart > 0 ? line.charCodeAt(keyStart - 1) : -1;
    if ((before === CH_QUOTE || before === CH_APOSTROPHE) && j < n && line.charCodeAt(j) === before) j++;
    while (j < n && isBlank(line.charCodeAt(j))) j++;
    const sep = j < n ? line.charCodeAt(j) : -1;
    if (sep !== CH_EQUALS && sep !== CH_COLON) {
      // Rare paths: `Epoch 3:` / `Iteration 1,` (a step prefix) and `val loss 0.4` (a split word, the key, a
      // number) after a key followed by a space and what may start a number; `valid_0's auc: 0.9` (an owner).
      const next = line.charCodeAt(keyEnd);
      if (next === CH_SPACE) {
        // Cheap tests first: most words are followed by a letter, which starts no number but `nan`/`inf`.
        const after = line.charCodeAt(keyEnd + 1);
        if (after <= 0x39 ? after >= CH_PLUS && after !== CH_COMMA && after !== CH_SLASH : isNonFiniteAt(line, keyEnd + 1)) {
          const end = readSpacedForm(line, keyStart, keyEnd, hash, boundaryAt, prefixEnd, n);
          if (end >= 0) {
            builder ??= new RecordBuilder();
            builder.add(spaced.key, spaced.value, true);
            i = end;
            if (spaced.isStepPrefix) {
              if (spaced.opensList) prefixEnd = end;
              if (spacedPairs) {
                // `Epoch 1 Loss 0.4523 Accuracy 0.8811`: the rest of the line is words and numbers, checked whole.
                pairs += addSpacedPairs(line, end, n, builder);
                break;
              }
            } else {
              pairs++;
              if (builder.full) break;
            }
          }
        } else if (after === CH_BRACKET && isDigitClass(line.charCodeAt(keyEnd + 2))) {
          // `Epoch [3/10], Loss: 0.23` (the PyTorch tutorials' print), `Step [100/600]`: a step prefix.
          const end = bracketedStepEnd(line, keyEnd + 2, n);
          if (end >= 0) {
            const withStep = withStepPrefix(builder, internKey(line, keyStart, keyEnd, hash));
            if (withStep) {
              builder = withStep;
              i = end;
              prefixEnd = end;
            }
          }
        }
      } else if (next === CH_APOSTROPHE && line.charCodeAt(keyEnd + 1) === CH_LOWER_S && line.charCodeAt(keyEnd + 2) === CH_SPACE) {
        ownerStart = keyStart;
        ownedKeyAt = keyEnd + 3;
      } else if (next === CH_BRACKET && isDigitClass(line.charCodeAt(keyEnd + 1))) {
        // PyTorch Ignite's `Epoch[1] Iteration[100/469] Loss: 0.30`: a step prefix glued to its key.
        const end = bracketedStepEnd(line, keyEnd + 1, n);
        if (end >= 0) {
          const withStep = withStepPrefix(builder, internKey(line, keyStart, keyEnd, hash));
          if (withStep) {
            builder = withStep;
            i = end;
            prefixEnd = end;
          }
        }
      }
      continue;
    }
    j++;
    while (j < n && isBlank(line.charCodeAt(j))) j++;

    let numberEnd = scanNumberToken(line, j, n);
    let wrappedEnd = -1;
    if (numberEnd < 0) {
      // `np.float64(0.4)` (a NumPy 2 scalar in a printed dict) or `tensor(0.4000)` (a PyTorch scalar in an f-string).
      wrappedEnd = wrappedNumberEnd(line, j, n);
      if (wrappedEnd < 0) continue; // resume right after the key: the value may itself start a pair
      numberEnd = wrappedEnd;
    }
    const value = scanned.value;
    let end = numberEnd;
    if (wrappedEnd < 0 && end < n && line.charCodeAt(end) === CH_PERCENT) end++;
    if (!endsToken(line, end, n)) {
      if (line.charCodeAt(end) === CH_SLASH && end === numberEnd) {
        // `Epoch: 3/10 | Train loss: 0.51`: a step key and its count out of the total are a step prefix.
        const stepEnd = fractionStepEnd(line, j, end, n);
        if (stepEnd >= 0) {
          const withStep = withStepPrefix(builder, internKey(line, keyStart, keyEnd, hash));
          if (withStep) {
            builder = withStep;
            i = stepEnd;
            prefixEnd = stepEnd;
            continue;
          }
        }
        // `Accuracy: 9832/10000 (98%)` (PyTorch's MNIST example): the fraction, 0.9832, not the rounded percent.
        const ratio = ratioEnd(line, j, end, n);
        if (ratio >= 0) {
          builder ??= new RecordBuilder();
          if (keyEnd - keyStart <= MAX_KEY_LENGTH) builder.add(internKey(line, keyStart, keyEnd, hash), ratioValue, true);
          pairs++;
          if (builder.full) break;
          i = ratio;
          continue;
        }
      }
      // xgb.cv's `test-rmse:0.2345+0.0045`: the mean, then its standard deviation (not a value of its own).
      if (!roundLine || line.charCodeAt(end) !== CH_PLUS || (end = deviationEnd(line, end + 1, n)) < 0) continue;
    }
    if (sep === CH_COLON && j === keyEnd + 1 && isLoggerLocation(line, keyStart, keyEnd, numberEnd, boundaryAt)) {
      // loguru's `train:main:42 - ` or logging's `train.py:42`: where the print is, not a metric. What came
      // before it is the logger's prefix too: the message (and its step prefix) starts after it.
      builder = undefined;
      pairs = 0;
      ownedKeyAt = -1;
      prefixEnd = -1;
      i = end;
      if (line.charCodeAt(i) === CH_SPACE && line.charCodeAt(i + 1) === CH_MINUS && line.charCodeAt(i + 2) === CH_SPACE) i += 3;
      boundaryAt = i;
      continue;
    }

    builder ??= new RecordBuilder();
    if (keyEnd - keyStart <= MAX_KEY_LENGTH) {
      const key = internKey(line, keyStart, keyEnd, hash);
      if (before === CH_SPACE && keyStart > 1) {
        if (keyStart === ownedKeyAt) {
          // `valid_0's auc: 0.9` (LightGBM): also `valid_0_auc`, so each validation set's metric has a name.
          builder.add(key, value, true);
          builder.add(internJoinedKey(line, ownerStart, keyStart - 3, keyStart, keyEnd, false), value, true);
        } else {
          // `Val Loss: 0.3` (a split word, then the key): also `val_loss`, so train and validation differ; the
          // bare `Loss` never replaces a value the line printed under that key alone (`loss: 0.5 - val loss: 0.4`).
          const wordStart = (classOf(line.charCodeAt(keyStart - 2)) & QUALIFIER_END) !== 0 ? splitWordBefore(line, keyStart, boundaryAt) : -1;
          if (wordStart >= 0) {
            builder.addQualified(key, value);
            builder.add(internJoinedKey(line, wordStart, keyStart - 1, keyStart, keyEnd, true), value, true);
          } else {
            builder.add(key, value, true);
          }
        }
      } else {
        builder.add(key, value, true);
      }
    }
    pairs++;
    if (builder.full) break; // the rest of a line with this many pairs is not worth reading
    i = end;
  }
  return pairs > 0 ? builder?.build() : undefined;
}

const NOT_TIMM = null;

/**
 * A line of timm's `train.py` (formats/timm.ts): {@link NOT_TIMM} when it is none, else its record.
 * - `Train: 3 [ 100/1251 (  8%)]  Loss: 3.412 (3.498)  …  LR: 1.000e-03  …`: the step 3, kept in the values as
 *   `epoch` (as printed, counted from 0), and the line's pairs as any line headed by `Train:` gives them
 *   (`Loss` 3.412, the batch's, and `train_loss`, `LR`, `train_lr`…); `Train` is no value.
 * - `Test: [ 195/195]  Time: 0.1 (0.12)  Loss:   0.915 ( 0.901)  Acc@1:  76.250 ( 76.130)  …`: each key's running
 *   average (0.901, 76.130: on the last batch, the validation's result) under the key as printed and, as on
 *   any line headed by `Test:`, `test_` and the key in lower case (`test_loss`, `test_acc@1`); no step (the
 *   batch counter is none; the study's reader gives these lines the epoch of the Train lines before them).
 *   `Test (EMA): [ … ]` (the EMA model's validation, after the model's) gives `test_ema_` and the key only, so
 *   `Acc@1` and `test_acc@1` stay the model's own. A Test line without any `Key: value (average)` is read
 *   as any other line.
 */
function readTimmLine(line: string): MetricRecord | undefined | typeof NOT_TIMM {
  const train = timmTrainHead(line);
  if (train !== undefined) {
    const rest = readPairs(line.slice(train.end));
    if (rest === undefined) return undefined;
    const builder = new RecordBuilder();
    builder.add('epoch', train.epoch, true);
    const values = rest.values;
    for (const key in values) if (Object.hasOwn(values, key)) builder.add(key, values[key] as number, false);
    const record = builder.build();
    return record === undefined ? undefined : qualifyAll(record, 'train');
  }
  const head = timmEvalHead(line);
  if (head === undefined) return NOT_TIMM;
  const builder = new RecordBuilder();
  const prefix = head.model === undefined ? 'test_' : `test_${head.model}_`;
  const read = readTimmAverages(line, head.end, (keyStart, keyEnd, average) => {
    if (keyEnd - keyStart > MAX_KEY_LENGTH) return;
    const key = line.slice(keyStart, keyEnd);
    if (head.model === undefined) builder.add(key, average, false);
    builder.add(prefix + key.toLowerCase(), average, false);
  });
  return read > 0 ? builder.build() : NOT_TIMM;
}

/**
 * Adds `<split>_<key>` (the key in lower case) to `record` for each key but the step keys, the split word
 * itself and keys that already name a split: a line headed by a data-split word (`Test set: Average loss:
 * 0.05`) measures every metric on it on that data. Kept out of the scanner: only such lines pay for it.
 */
function qualifyAll(record: MetricRecord, split: string): MetricRecord {
  const values = record.values as Record<string, number>;
  let count = 0;
  for (const key in values) if (Object.hasOwn(values, key)) count++;
  for (const key of Object.keys(values)) {
    if (count >= MAX_VALUES_PER_LINE) break;
    const lower = key.toLowerCase();
    if (lower === split || stepKeyRank(key) >= 0 || startsWithQualifier(lower)) continue;
    const joined = `${split}_${lower}`;
    if (joined.length > MAX_KEY_LENGTH || Object.hasOwn(values, joined) || joined === '__proto__') continue;
    values[joined] = values[key] as number;
    count++;
  }
  return record;
}

/** Nouns that may follow a line's heading split word: `Test set:`, `Validation Results -`, `eval metrics:`. */
const HEADING_NOUNS: ReadonlySet<string> = new Set(['set', 'results', 'result', 'metrics', 'stats', 'summary', 'scores', 'phase', 'epoch']);

/**
 * The data-split word (lower case) that starts the line: a word of QUALIFIERS, optionally one space and a word
 * of {@link HEADING_NOUNS}, then blanks and `:` or `-` followed by a blank (or the line's end); undefined
 * otherwise (`val_loss: 0.3`, `Validation loss: 0.3`, `test 3 models`). Most lines are turned down by their
 * first letter or by what follows their first word.
 */
function lineSplitWord(line: string, n: number): string | undefined {
  // train/training, test, val/valid/validation, eval, dev, by their first two letters in either case (so
  // `epoch=3 …` is turned down at its `p`).
  const head = line.charCodeAt(0) | 0x20;
  const second = line.charCodeAt(1) | 0x20;
  const maybe =
    head === 0x74 ? second === 0x72 || second === 0x65 : head === 0x76 ? second === 0x61 : head === 0x65 ? second === 0x76 : head === 0x64 && second === 0x65;
  if (!maybe) return undefined;
  let k = 2;
  while (k < n && isLetter(line.charCodeAt(k))) k++;
  const after = line.charCodeAt(k);
  if ((after !== CH_COLON && after !== CH_SPACE && after !== CH_TAB) || k < SHORTEST_QUALIFIER || k > LONGEST_QUALIFIER || !isQualifier(line, 0, k)) return undefined;
  const split = line.slice(0, k).toLowerCase();
  if (line.charCodeAt(k) === CH_SPACE && isLetter(line.charCodeAt(k + 1))) {
    let w = k + 1;
    while (w < n && isLetter(line.charCodeAt(w))) w++;
    if (w - k - 1 <= 7 && HEADING_NOUNS.has(line.slice(k + 1, w).toLowerCase())) k = w;
  }
  while (k < n && isBlank(line.charCodeAt(k))) k++;
  const c = line.charCodeAt(k);
  if (c !== CH_COLON && c !== CH_MINUS) return undefined;
  return k + 1 >= n || isBlank(line.charCodeAt(k + 1)) ? split : undefined;
}

/** Whether a (lower-case) key already names a split: `val_loss`, `test_acc`. */
function startsWithQualifier(key: string): boolean {
  const underscore = key.indexOf('_');
  return underscore > 0 && QUALIFIERS.has(key.slice(0, underscore));
}

/** What {@link readSpacedForm} read (a shared slot: no allocation). */
const spaced = { key: '', value: 0, isStepPrefix: false, opensList: false };

/**
 * Reads the forms of a key (at keyStart..keyEnd) followed by a space and a character that may start a
 * number: a step prefix (`Epoch 3:`, `Iteration 1,`, `Epoch 5 - `, `Epoch 3/10`, `Epoch 3 | `), a split
 * word, the key and a number (`val loss 0.4`, read as `val_loss`), or, after a step prefix (ending at
 * `prefixEnd`, -1: none), a bare key and a number (`iter 100: loss 2.3456, mfu 5.12%`). Returns the index
 * after what it read, which is in `spaced`, or -1. Kept out of the main loop, which calls it for few words
 * of ordinary text.
 */
function readSpacedForm(line: string, keyStart: number, keyEnd: number, hash: number, boundaryAt: number, prefixEnd: number, n: number): number {
  const length = keyEnd - keyStart;
  if (isDigitClass(line.charCodeAt(keyEnd + 1)) && (length === 4 || length === 5 || length === 9)) {
    // The lengths of `step`/`iter`, `epoch` and `iteration`: a cheap filter before looking the key up.
    const end = stepPrefixEnd(line, keyEnd + 1, n);
    if (end >= 0 && ((!pairFollows && !spacedPairs) || opensMessage(line, keyStart, boundaryAt))) {
      const key = internKey(line, keyStart, keyEnd, hash);
      if (stepKeyRank(key) >= 0) {
        spaced.key = key;
        spaced.value = digitsValue;
        spaced.isStepPrefix = true;
        spaced.opensList = !pairFollows;
        return end;
      }
    }
  }
  spacedPairs = false;
  if (length > MAX_KEY_LENGTH) return -1;
  const wordStart =
    keyStart >= 2 && line.charCodeAt(keyStart - 1) === CH_SPACE && (classOf(line.charCodeAt(keyStart - 2)) & QUALIFIER_END) !== 0
      ? splitWordBefore(line, keyStart, boundaryAt)
      : -1;
  if (wordStart < 0 && (prefixEnd < 0 || !followsListSeparator(line, keyStart, prefixEnd))) return -1;
  const numberEnd = scanNumberToken(line, keyEnd + 1, n);
  if (numberEnd < 0) return -1;
  const value = scanned.value;
  const end = numberEnd < n && line.charCodeAt(numberEnd) === CH_PERCENT ? numberEnd + 1 : numberEnd;
  if (!endsSpacedValue(line, end, n)) return -1;
  spaced.key = wordStart >= 0 ? internJoinedKey(line, wordStart, keyStart - 1, keyStart, keyEnd, true) : internKey(line, keyStart, keyEnd, hash);
  spaced.value = value;
  spaced.isStepPrefix = false;
  return end;
}

/**
 * Whether the key at `keyStart` (after a space or a tab) opens an item of the list that follows a step
 * prefix ending at `prefixEnd`: it is the first thing after the prefix (`iter 100: loss 2.3`), or it
 * follows `,`, `;` or `|` and blanks (`, mfu 5.12%`, `| ppl 9.8`), or a tab. So `Epoch 3: saw 5 files`
 * reads nothing (`files` ends no value) and `Epoch 3: the loss 0.5` reads nothing (`the` is not a separator).
 */
function followsListSeparator(line: string, keyStart: number, prefixEnd: number): boolean {
  let p = keyStart - 1;
  const c = line.charCodeAt(p);
  if (c === CH_TAB) return true;
  if (c !== CH_SPACE) return false;
  while (p > prefixEnd && isBlank(line.charCodeAt(p - 1))) p--;
  if (p === prefixEnd) return true;
  const s = line.charCodeAt(p - 1);
  return s === CH_COMMA || s === CH_SEMICOLON || s === CH_PIPE;
}

/**
 * Where the split word before the key at `keyStart` starts (`Val` in `Val Loss`), or -1. The word is one
 * space before the key, a whole word (at the line's start, after an escape, or after a character that is
 * not a letter, digit or `_`) and one of QUALIFIERS in any case. Reads at most a few characters; allocates nothing.
 */
function splitWordBefore(line: string, keyStart: number, boundaryAt: number): number {
  const wordEnd = keyStart - 1;
  let wordStart = wordEnd;
  while (wordStart > 0 && wordEnd - wordStart <= LONGEST_QUALIFIER && isLetter(line.charCodeAt(wordStart - 1))) wordStart--;
  const length = wordEnd - wordStart;
  if (length < SHORTEST_QUALIFIER || length > LONGEST_QUALIFIER) return -1;
  if (wordStart !== 0 && wordStart !== boundaryAt && (classOf(line.charCodeAt(wordStart - 1)) & WORD) !== 0) return -1;
  return isQualifier(line, wordStart, wordEnd) ? wordStart : -1;
}

/** Whether line[start..end) is one of QUALIFIERS, in any case. */
function isQualifier(line: string, start: number, end: number): boolean {
  for (const q of QUALIFIER_LIST) {
    if (q.length !== end - start) continue;
    let k = 0;
    while (k < q.length && (line.charCodeAt(start + k) | 0x20) === q.charCodeAt(k)) k++;
    if (k === q.length) return true;
  }
  return false;
}

/**
 * Whether a value read in the `val loss 0.4` form (no `=` or `:`) ends where a metric's value ends, so that
 * text such as `test loss 5 times` is not read: at the line's end, at a tab, at `,` (not before a digit:
 * `1,234`, `1, 2, 3`), `;`, `|` or a closing bracket, or after spaces at the line's end, at one of those,
 * or before the next split word and a space (`train loss 0.5 val loss 0.4`).
 */
function endsSpacedValue(line: string, at: number, n: number): boolean {
  if (at >= n) return true;
  let c = line.charCodeAt(at);
  if (c === CH_TAB) return true;
  let k = at;
  while (c === CH_SPACE) {
    k++;
    if (k >= n) return true;
    c = line.charCodeAt(k);
  }
  if (c === CH_COMMA) {
    // Not `1,234`, nor a list: `test set 1, 2, 3`.
    k++;
    while (line.charCodeAt(k) === CH_SPACE) k++;
    return !isDigitClass(line.charCodeAt(k));
  }
  if (c === CH_SEMICOLON || c === CH_PIPE || c === 0x29 || c === 0x5d || c === 0x7d) return true; // ; | ) ] }
  if (k === at) return false; // a letter, digit or other sign glued to the number: `5s`, `3/10`, `1.2.3`
  let wordEnd = k;
  while (wordEnd < n && wordEnd - k <= LONGEST_QUALIFIER && isLetter(line.charCodeAt(wordEnd))) wordEnd++;
  return line.charCodeAt(wordEnd) === CH_SPACE && isQualifier(line, k, wordEnd);
}

/** Whether `nan` or `inf`, in any case, starts at `at` (the value of `val loss nan`). */
function isNonFiniteAt(line: string, at: number): boolean {
  const c = line.charCodeAt(at) | 0x20;
  if (c === 0x6e) return (line.charCodeAt(at + 1) | 0x20) === 0x61 && (line.charCodeAt(at + 2) | 0x20) === 0x6e;
  return c === 0x69 && (line.charCodeAt(at + 1) | 0x20) === 0x6e && (line.charCodeAt(at + 2) | 0x20) === 0x66;
}

function isLetter(c: number): boolean {
  return (c >= 0x41 && c <= 0x5a) || (c >= 0x61 && c <= 0x7a);
}

/** The value of the digits most recently scanned by {@link digitsEnd} (a shared slot: no allocation). */
let digitsValue = 0;

/**
 * The end of 1 to 15 digits starting at `at` (exact as a double), their value in `digitsValue`; -1 when
 * there are none or more.
 */
function digitsEnd(line: string, at: number, n: number): number {
  let k = at;
  let value = 0;
  while (k < n) {
    const c = line.charCodeAt(k);
    if (!isDigitClass(c)) break;
    value = value * 10 + (c - 0x30);
    k++;
  }
  if (k === at || k - at > 15) return -1; // not a step: beyond exact integers
  digitsValue = value;
  return k;
}

/** Whether an unsigned decimal starts at `i`: a digit, or `.` and a digit. */
function numberStartsAt(line: string, i: number): boolean {
  const c = line.charCodeAt(i);
  return isDigitClass(c) || (c === CH_DOT && isDigitClass(line.charCodeAt(i + 1)));
}

/** The end of the unsigned decimal at `i` (digits, then `.` and digits; `.5` too). */
function decimalEnd(line: string, i: number, n: number): number {
  while (i < n && isDigitClass(line.charCodeAt(i))) i++;
  if (line.charCodeAt(i) === CH_DOT && isDigitClass(line.charCodeAt(i + 1))) {
    i++;
    while (i < n && isDigitClass(line.charCodeAt(i))) i++;
  }
  return i;
}

/**
 * The end of a key's `@` suffix whose number starts at `from`: `@10`, `@0.5`, `@.5`, and a range of thresholds
 * `@0.5:0.95` (COCO's mAP), which is part of the key, not a value.
 */
function atSuffixEnd(line: string, from: number, n: number): number {
  const end = decimalEnd(line, from, n);
  return line.charCodeAt(end) === CH_COLON && numberStartsAt(line, end + 1) ? decimalEnd(line, end + 1, n) : end;
}

/**
 * The end of the line's leading `[10]` and a tab, or `10:` and a tab, the number in `digitsValue`; -1 when
 * the line does not start so.
 */
function roundPrefixEnd(line: string, n: number): number {
  const bracket = line.charCodeAt(0) === CH_BRACKET;
  const end = digitsEnd(line, bracket ? 1 : 0, n);
  if (end < 0 || line.charCodeAt(end) !== (bracket ? CH_CLOSE_BRACKET : CH_COLON)) return -1;
  return line.charCodeAt(end + 1) === CH_TAB ? end + 2 : -1;
}

/** Levels as Python's `logging` and loguru print them: one of these marks a logger's prefix. */
const LOG_LEVELS: readonly string[] = ['TRACE', 'DEBUG', 'INFO', 'SUCCESS', 'WARNING', 'WARN', 'ERROR', 'CRITICAL'];

/**
 * Whether the `]` before the tab at `tabAt` closes a boosting round `[10]` that a logger's prefix put off
 * the line's start: `INFO:root:[10]`, `2024-05-01 12:00:00,123 INFO [10]`, `... | INFO | x:f:3 - [10]`.
 * The `[` follows a blank or `:`, and the text before it has an upper-case level as a whole word;
 * `[LightGBM] [Info] ...`, ` [10]`, `x[10]` do not qualify. The round's value is left in `digitsValue`.
 * Reads the text before the tab once; the caller asks at most once per line.
 */
function isLoggedRound(line: string, tabAt: number): boolean {
  let open = tabAt - 2;
  while (open >= 0 && tabAt - open <= 17 && isDigitClass(line.charCodeAt(open))) open--;
  if (open < 2 || line.charCodeAt(open) !== CH_BRACKET || digitsEnd(line, open + 1, tabAt) !== tabAt - 1) return false;
  const before = line.charCodeAt(open - 1);
  if (before !== CH_SPACE && before !== CH_COLON) return false;
  return hasLevelWord(line, 0, open);
}

/** Whether line[from..to) has an upper-case level of LOG_LEVELS as a whole word. */
function hasLevelWord(line: string, from: number, to: number): boolean {
  for (let k = from; k < to; k++) {
    if (!isUpperCase(line.charCodeAt(k)) || (k > 0 && (classOf(line.charCodeAt(k - 1)) & WORD) !== 0)) continue;
    let end = k + 1;
    while (end < to && isUpperCase(line.charCodeAt(end))) end++;
    if ((classOf(line.charCodeAt(end)) & WORD) === 0 && LOG_LEVELS.some((level) => level.length === end - k && line.startsWith(level, k))) return true;
    k = end;
  }
  return false;
}

/**
 * Whether the pair `key:digits` (key at keyStart..keyEnd, the colon right after it, the digits up to
 * `numberEnd`) is where a logger says the print was made, not a metric: loguru's `{name}:{function}:{line}`
 * (`train:main:42 - epoch 3 …`, `__main__:fit:88 - …`: the key follows `:` and a module name) or
 * logging's `%(filename)s:%(lineno)d` (`train.py:42`), followed by ` - ` (loguru's separator) or with an
 * upper-case level word (`INFO`, loguru's `SUCCESS`…) before it. Called only for a `:` pair whose number
 * is glued to the colon, so `key=value` lines never get here.
 */
function isLoggerLocation(line: string, keyStart: number, keyEnd: number, numberEnd: number, boundaryAt: number): boolean {
  const digits = numberEnd - keyEnd - 1;
  if (digits < 1 || digits > 9) return false;
  for (let k = keyEnd + 1; k < numberEnd; k++) if (!isDigitClass(line.charCodeAt(k))) return false;
  const afterModule = keyStart >= 2 && keyStart !== boundaryAt && line.charCodeAt(keyStart - 1) === CH_COLON && (classOf(line.charCodeAt(keyStart - 2)) & KEY_CHAR) !== 0;
  const pyFile = !afterModule && keyEnd - keyStart > 3 && line.startsWith('.py', keyEnd - 3);
  if (!afterModule && !pyFile) return false;
  const dash = line.charCodeAt(numberEnd) === CH_SPACE && line.charCodeAt(numberEnd + 1) === CH_MINUS && line.charCodeAt(numberEnd + 2) === CH_SPACE;
  return dash || hasLevelWord(line, 0, keyStart);
}

function isUpperCase(c: number): boolean {
  return c >= 0x41 && c <= 0x5a;
}

/**
 * The end of xgb.cv's standard deviation after the mean's `+` (at `at`): digits, `.`, digits, ending the
 * token; -1 otherwise (`1+2`, `0.5+x`).
 */
function deviationEnd(line: string, at: number, n: number): number {
  let k = at;
  while (k < n && isDigitClass(line.charCodeAt(k))) k++;
  if (k === at || line.charCodeAt(k) !== CH_DOT) return -1;
  const fraction = ++k;
  while (k < n && isDigitClass(line.charCodeAt(k))) k++;
  return k > fraction && endsToken(line, k, n) ? k : -1;
}

/**
 * The end of a step prefix's number that starts at `at` (a digit), its value in `digitsValue`: `3:`
 * followed by a blank or the line's end, `1,` followed by a blank, `5 - ` or `5 | ` (a blank, `-` or `|`,
 * a blank), `3/10` not followed by a word character, or `3 ` followed by a `key=`/`key:` pair (then
 * `pairFollows` is set); -1 otherwise.
 */
function stepPrefixEnd(line: string, at: number, n: number): number {
  pairFollows = false;
  spacedPairs = false;
  const k = digitsEnd(line, at, n);
  if (k < 0) return -1;
  const c = k < n ? line.charCodeAt(k) : -1;
  if (c === CH_COLON && (k + 1 >= n || isBlank(line.charCodeAt(k + 1)))) return k + 1;
  if (c === CH_COMMA && isBlank(line.charCodeAt(k + 1))) return k + 1;
  // `[epoch 3] val_loss: 0.25`, `[Epoch 3]` before a table-like print.
  if (c === CH_CLOSE_BRACKET && (k + 1 >= n || isBlank(line.charCodeAt(k + 1)))) return k + 1;
  if (c === CH_SPACE) {
    // `Epoch 5 - loss: 0.5` (Keras-like), `epoch 3 | train loss 0.5` (a table-like print, fairseq's summaries).
    const mark = line.charCodeAt(k + 1);
    if ((mark === CH_MINUS || mark === CH_PIPE) && isBlank(line.charCodeAt(k + 2))) return k + 2;
    // `epoch 3 val_loss=0.25`: a pair right after the number (the caller checks where the step key stands).
    if ((classOf(mark) & KEY_START) !== 0 && pairStartsAt(line, k + 1, n)) {
      pairFollows = true;
      return k + 1;
    }
    // `Epoch 1 Loss 0.4523 Accuracy 0.8811` (TensorFlow's tutorials): only words and numbers to the line's end.
    if ((classOf(mark) & KEY_START) !== 0 && addSpacedPairs(line, k + 1, n, undefined) > 0) {
      spacedPairs = true;
      return k + 1;
    }
    return -1;
  }
  if (c === CH_SLASH && isDigitClass(line.charCodeAt(k + 1))) {
    let end = k + 1;
    while (end < n && isDigitClass(line.charCodeAt(end))) end++;
    if (end < n && (classOf(line.charCodeAt(end)) & WORD) !== 0) return -1;
    return end;
  }
  return -1;
}

/**
 * A step prefix just scanned (`Epoch [3/10]`, `Epoch[1]`, `Epoch: 3/10`, the step in `digitsValue`): `builder`
 * (made when absent) with step `key` added, or undefined when `key` is no step key.
 */
function withStepPrefix(builder: RecordBuilder | undefined, key: string): RecordBuilder | undefined {
  if (stepKeyRank(key) < 0) return undefined;
  const b = builder ?? new RecordBuilder();
  b.add(key, digitsValue, true);
  return b;
}

/**
 * The end of `[3/10]` or `[3]` whose first digit is at `at` (after the `[`), the step in `digitsValue`, when a
 * blank, `,`, `:` or the line's end follows the `]`; -1 otherwise.
 */
function bracketedStepEnd(line: string, at: number, n: number): number {
  const k = digitsEnd(line, at, n);
  if (k < 0) return -1;
  const step = digitsValue;
  let end = k;
  if (line.charCodeAt(end) === CH_SLASH) {
    end++;
    const start = end;
    while (end < n && isDigitClass(line.charCodeAt(end))) end++;
    if (end === start) return -1;
  }
  if (line.charCodeAt(end) !== CH_CLOSE_BRACKET) return -1;
  end++;
  const c = end < n ? line.charCodeAt(end) : -1;
  if (c !== -1 && !isBlank(c) && c !== CH_COMMA && c !== CH_COLON) return -1;
  digitsValue = step;
  return end;
}

/**
 * For a value `3` at `start..slashAt` followed by `/10`: the end of `3/10` when the value is 1 to 15 digits and
 * the total is digits not followed by a word character (`Epoch: 3/10 |`), the step in `digitsValue`; -1
 * otherwise (`date: 2024/01/02`, `epoch: 3/10x`).
 */
function fractionStepEnd(line: string, start: number, slashAt: number, n: number): number {
  if (digitsEnd(line, start, n) !== slashAt) return -1;
  const step = digitsValue;
  let end = slashAt + 1;
  while (end < n && isDigitClass(line.charCodeAt(end))) end++;
  if (end === slashAt + 1 || (end < n && (classOf(line.charCodeAt(end)) & JOINER) !== 0) || !endsToken(line, end, n)) return -1;
  digitsValue = step;
  return end;
}

/** The value of the ratio most recently read by {@link ratioEnd} (a shared slot: no allocation). */
let ratioValue = 0;

/**
 * For a value at `start..slashAt` followed by `/`: the end of `9832/10000 (98%)` (a count out of a total, then its
 * percentage in parentheses, as PyTorch's MNIST example prints its accuracy), the count over the total in
 * `ratioValue`; -1 otherwise. The percentage is what says the two are a ratio: `n: 3/10`, `3/10 (x)` give nothing.
 */
function ratioEnd(line: string, start: number, slashAt: number, n: number): number {
  if (digitsEnd(line, start, n) !== slashAt) return -1;
  const count = digitsValue;
  const totalEnd = digitsEnd(line, slashAt + 1, n);
  if (totalEnd < 0 || digitsValue === 0 || line.charCodeAt(totalEnd) !== CH_SPACE || line.charCodeAt(totalEnd + 1) !== 0x28) return -1; // `(`
  const percentEnd = scanNumberToken(line, totalEnd + 2, n);
  if (percentEnd < 0 || line.charCodeAt(percentEnd) !== CH_PERCENT || line.charCodeAt(percentEnd + 1) !== 0x29) return -1; // `%)`
  if (!endsToken(line, percentEnd + 2, n)) return -1;
  ratioValue = count / digitsValue;
  return percentEnd + 2;
}

/** Set by {@link stepPrefixEnd}: the prefix was `Epoch 1 ` and the rest of the line is `Loss 0.45 Accuracy 0.88`. */
let spacedPairs = false;

/** Words that a number may follow in a sentence (`Epoch 3 of 10`, `Step 5 in 2`): never keys of spaced pairs. */
const SPACED_STOP_WORDS: ReadonlySet<string> = new Set(['of', 'in', 'to', 'at', 'for', 'from', 'with', 'on', 'by', 'after', 'took', 'is', 'was', 'and', 'or', 'out']);

/**
 * The rest of a line after a step prefix as space-separated key and number pairs, `Loss 0.4523 Accuracy 0.8811`:
 * every word a key (not a word of {@link SPACED_STOP_WORDS}) followed by blanks and a number (a `%` allowed, then
 * a `,`, `;` or `|`), up to the line's end. Returns how many pairs there are (0 when the rest is anything else, as `took 5 seconds`
 * or `of 10 done`); adds them to `builder` when one is given. Linear: one pass over the rest.
 */
function addSpacedPairs(line: string, at: number, n: number, builder: RecordBuilder | undefined): number {
  let count = 0;
  let k = at;
  while (k < n) {
    const keyStart = k;
    if ((classOf(line.charCodeAt(k)) & KEY_START) === 0) return 0;
    let hash = 0;
    while (k < n && (classOf(line.charCodeAt(k)) & KEY_CHAR) !== 0) hash = hashStep(hash, line.charCodeAt(k++));
    const keyEnd = k;
    if (keyEnd - keyStart > MAX_KEY_LENGTH || !isBlank(line.charCodeAt(k))) return 0;
    while (k < n && isBlank(line.charCodeAt(k))) k++;
    const numberEnd = scanNumberToken(line, k, n);
    if (numberEnd < 0) return 0;
    const value = scanned.value;
    k = numberEnd < n && line.charCodeAt(numberEnd) === CH_PERCENT ? numberEnd + 1 : numberEnd;
    const c = line.charCodeAt(k);
    if (c === CH_COMMA || c === CH_SEMICOLON || c === CH_PIPE) k++; // `Loss 0.45, Accuracy 0.88`
    if (k < n && !isBlank(line.charCodeAt(k))) return 0;
    if (keyEnd - keyStart <= 4 && SPACED_STOP_WORDS.has(line.slice(keyStart, keyEnd).toLowerCase())) return 0;
    if (builder !== undefined && !builder.full) builder.add(internKey(line, keyStart, keyEnd, hash), value, true);
    count++;
    while (k < n && isBlank(line.charCodeAt(k))) k++;
  }
  return count;
}

/** Set by {@link stepPrefixEnd}: the prefix was `epoch 3 ` and a pair follows it (`epoch 3 val_loss=0.25`). */
let pairFollows = false;

/**
 * Whether a `key=` / `key:` pair starts at `at` (a key start): a key, or a data-split word, one space and a
 * key (`Val Loss: 0.4`), then blanks and `=` or `:`, blanks and a number's first character; or a split word,
 * a key and a number with one space between (`val loss 0.5`, read as the main loop reads it). Reads one or two
 * words; the main loop reads them again as the pair.
 */
function pairStartsAt(line: string, at: number, n: number): boolean {
  let k = at;
  while (k < n && (classOf(line.charCodeAt(k)) & KEY_CHAR) !== 0) k++;
  if (line.charCodeAt(k) === CH_SPACE && isQualifier(line, at, k) && (classOf(line.charCodeAt(k + 1)) & KEY_START) !== 0) {
    k++;
    while (k < n && (classOf(line.charCodeAt(k)) & KEY_CHAR) !== 0) k++;
    // `Epoch 2 val loss 0.5`: the split word's form without a separator, its number ending as that form's does.
    if (line.charCodeAt(k) === CH_SPACE) {
      const numberEnd = scanNumberToken(line, k + 1, n);
      if (numberEnd >= 0) return endsSpacedValue(line, line.charCodeAt(numberEnd) === CH_PERCENT ? numberEnd + 1 : numberEnd, n);
    }
  }
  while (k < n && isBlank(line.charCodeAt(k))) k++;
  const sep = line.charCodeAt(k);
  if (sep !== CH_EQUALS && sep !== CH_COLON) return false;
  k++;
  while (k < n && isBlank(line.charCodeAt(k))) k++;
  return scanNumberToken(line, k, n) >= 0;
}

/**
 * Whether the step key at `keyStart` opens the message: it starts the line (or follows an escape, or a
 * logger's location that was skipped), or what is before it, blanks aside, is no word character
 * (`INFO:root:epoch 3`, `… - INFO - epoch 3`, `[train] epoch 3`). `best epoch 3 loss=1` does not.
 */
function opensMessage(line: string, keyStart: number, boundaryAt: number): boolean {
  let p = keyStart;
  while (p > boundaryAt && isBlank(line.charCodeAt(p - 1))) p--;
  return p === 0 || p === boundaryAt || (classOf(line.charCodeAt(p - 1)) & WORD) === 0;
}

function isBlank(c: number): boolean {
  return c === 0x20 || c === 0x09;
}

/** The words of a scalar's repr around its number: NumPy 2's `np.float64(0.5)`, PyTorch's `tensor(0.5000)`. */
const WRAPPER_WORDS = [
  'np.float64(', 'np.float32(', 'np.float16(', 'np.longdouble(', 'np.int64(', 'np.int32(',
  'numpy.float64(', 'numpy.float32(', 'numpy.int64(', 'tensor(',
];

/**
 * A number printed as a scalar's repr: `np.float64(0.5)`, `np.int64(3)` (NumPy 2 prints a dict of its scalars
 * this way, `{'val_loss': np.float64(0.5)}`), `tensor(0.5000)` and `tensor(0.5000, device='cuda:0')` or
 * `tensor(0.5, grad_fn=<MeanBackward0>)` (a PyTorch scalar in an f-string). The number must be followed by
 * `)`, or by `, ` and `name=` options up to the first `)`.
 *
 * @returns the index just past the closing `)`, with the value in {@link scanned}, or -1.
 */
function wrappedNumberEnd(line: string, at: number, n: number): number {
  const c = line.charCodeAt(at);
  if (c !== 0x6e /* n */ && c !== 0x74 /* t */) return -1;
  for (const word of WRAPPER_WORDS) {
    if (!line.startsWith(word, at)) continue;
    const numberEnd = scanNumberToken(line, at + word.length, n);
    if (numberEnd < 0) return -1;
    if (line.charCodeAt(numberEnd) === 0x29 /* ) */) return numberEnd + 1;
    if (line.charCodeAt(numberEnd) !== CH_COMMA || line.charCodeAt(numberEnd + 1) !== CH_SPACE) return -1;
    let k = numberEnd + 2;
    const optionStart = k;
    while (k < n && /[A-Za-z_]/.test(line[k] ?? '')) k++;
    if (k === optionStart || line.charCodeAt(k) !== CH_EQUALS) return -1;
    const close = line.indexOf(')', k);
    return close < 0 ? -1 : close + 1;
  }
  return -1;
}

/** Whether a number that stops at `at` is a whole token (see the rules at the top of this file). */
function endsToken(line: string, at: number, n: number): boolean {
  if (at >= n) return true;
  const c = line.charCodeAt(at);
  const cls = classOf(c);
  if ((cls & WORD) !== 0) return false;
  if (at + 1 >= n) return true;
  const next = classOf(line.charCodeAt(at + 1));
  if ((cls & JOINER) !== 0) return (next & WORD) === 0;
  if (c === CH_COMMA) return !isDigitClass(line.charCodeAt(at + 1));
  return true;
}

function isDigitClass(c: number): boolean {
  return c >= 0x30 && c <= 0x39;
}

/** Index after an ANSI CSI sequence starting at the ESC at `i` (or just after a lone ESC). */
function skipEscape(line: string, i: number, n: number): number {
  if (i + 1 >= n || line.charCodeAt(i + 1) !== CH_BRACKET) return i + 1;
  let k = i + 2;
  // Parameter and intermediate bytes are 0x20-0x3f; the final byte is 0x40-0x7e.
  while (k < n) {
    const c = line.charCodeAt(k);
    k++;
    if (c >= 0x40 && c <= 0x7e) break;
    if (c < 0x20 || c > 0x3f) return k - 1;
  }
  return k;
}
