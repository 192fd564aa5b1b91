import { describe, expect, it } from 'vitest';
import { isProgressBarLine, isUnfinishedKerasBar, kerasEpochHeader } from '../../../src/engine/metrics/progressBar';

describe('progress bars', () => {
  it('tells a bar redraw (tqdm, Lightning, rich/Keras 3) from an ordinary metric line', () => {
    expect(isProgressBarLine('Epoch 1:  40%|████      | 20/50 [00:00<00:01, 45.2it/s, v_num=0, val_loss=0.5]')).toBe(true);
    expect(isProgressBarLine('Training: 2/4 [00:01<00:01, val_loss=0.5]')).toBe(true);
    expect(isProgressBarLine('32/32 ━━━━━━━━━━━━━━━━━━━━ 0s 2ms/step - val_loss: 0.5')).toBe(true);
    expect(isProgressBarLine('epoch=3 val_loss=0.5')).toBe(false);
    expect(isProgressBarLine('Epoch 3/10 - val_loss: 0.5 - acc: 93%')).toBe(false);
  });

  it("reads Keras' `Epoch N/M` line alone, nothing else", () => {
    expect(kerasEpochHeader('Epoch 3/10')).toBe(3);
    expect(kerasEpochHeader('  Epoch 12/100  ')).toBe(12);
    expect(kerasEpochHeader('Epoch 3/10 - loss: 0.4')).toBeUndefined();
    expect(kerasEpochHeader('Epoch 3')).toBeUndefined();
    expect(kerasEpochHeader('epoch 3/10')).toBeUndefined();
    expect(kerasEpochHeader('Epoch 3/10x')).toBeUndefined();
  });

  it("tells a Keras bar mid-epoch from its last batch's line and from tqdm's counter", () => {
    expect(isUnfinishedKerasBar(' 5/32 [====>.........................] - ETA: 0s - loss: 0.6931')).toBe(true);
    expect(isUnfinishedKerasBar('31/32 [============================>.] - ETA: 0s - loss: 0.4')).toBe(true);
    expect(isUnfinishedKerasBar(' 5/32 ━━━━━━━━━━━━━━━━━━━━ 0s 2ms/step - loss: 0.6931')).toBe(true);
    expect(isUnfinishedKerasBar('32/32 [==============================] - 0s 2ms/step - loss: 0.4 - val_loss: 0.5')).toBe(false);
    expect(isUnfinishedKerasBar('32/32 ━━━━━━━━━━━━━━━━━━━━ 0s 2ms/step - loss: 0.4 - val_loss: 0.5')).toBe(false);
    expect(isUnfinishedKerasBar(' 20/50 [00:00<00:01, 45.2it/s, loss=0.5]')).toBe(false);
    expect(isUnfinishedKerasBar('Epoch 3/10 - loss: 0.5')).toBe(false);
    expect(isUnfinishedKerasBar('step 5/32 [==>..] loss=0.5')).toBe(false);
  });
});
