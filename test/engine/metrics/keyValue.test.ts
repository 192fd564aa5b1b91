import { describe, expect, it } from 'vitest';
import { parseKeyValueLine } from '../../../src/engine/metrics/formats/keyValue';
import type { MetricRecord } from '../../../src/engine/metrics/metricParser';

type Case = readonly [line: string, expected: MetricRecord | undefined];

const rec = (values: Record<string, number>, step?: number): MetricRecord =>
  step === undefined ? { values } : { values, step };

describe('parseKeyValueLine', () => {
  const cases: readonly Case[] = [
    // the forms of the design doc
    ['epoch=3 val_loss=0.214 acc=0.93', rec({ epoch: 3, val_loss: 0.214, acc: 0.93 }, 3)],
    ['val_loss: 0.214, acc: 0.93', rec({ val_loss: 0.214, acc: 0.93 })],
    ['Epoch 3 | loss=0.5', rec({ Epoch: 3, loss: 0.5 }, 3)],
    ['epoch=12 step=3400 loss=0.41235 val_loss=0.3871 acc=0.8812', rec({ epoch: 12, step: 3400, loss: 0.41235, val_loss: 0.3871, acc: 0.8812 }, 12)],
    // separators and blanks
    ['loss = 0.5 ; acc : 0.9', rec({ loss: 0.5, acc: 0.9 })],
    ['loss=\t0.5', rec({ loss: 0.5 })],
    ['loss=0.5,acc=0.9', rec({ loss: 0.5, acc: 0.9 })],
    ['(val_loss=0.3) [acc=0.8] {lr=1e-3}', rec({ val_loss: 0.3, acc: 0.8, lr: 0.001 })],
    ['Finished with loss=0.5.', rec({ loss: 0.5 })],
    ['loss=0.5 | acc=0.75 |', rec({ loss: 0.5, acc: 0.75 })],
    // key shapes
    ['train/loss=0.5 val.acc=0.9 top-1=0.7 _x=1', rec({ 'train/loss': 0.5, 'val.acc': 0.9, 'top-1': 0.7, _x: 1 })],
    ['--lr=0.01 --epochs=10', rec({ lr: 0.01, epochs: 10 })],
    ['Namespace(lr=0.01, batch_size=64)', rec({ lr: 0.01, batch_size: 64 })],
    ["{'loss': 0.6931, 'learning_rate': 4.5e-05, 'epoch': 0.33}", rec({ loss: 0.6931, learning_rate: 4.5e-5, epoch: 0.33 }, 0.33)],
    ['{"loss": 0.5, "acc": ', rec({ loss: 0.5 })],
    // scalar reprs: NumPy 2 prints a dict of its scalars as np.float64(...), a PyTorch scalar in an f-string is tensor(...)
    ["{'epoch': np.int64(2), 'val_loss': np.float64(0.4), 'acc': np.float32(0.9)}", rec({ epoch: 2, val_loss: 0.4, acc: 0.9 }, 2)],
    ['epoch=2 val_loss=tensor(0.4000) acc=tensor(0.9, grad_fn=<MeanBackward0>)', rec({ epoch: 2, val_loss: 0.4, acc: 0.9 }, 2)],
    ["loss: tensor(1.5e-01, device='cuda:0') lr=0.1", rec({ loss: 0.15, lr: 0.1 })],
    ['loss=tensor([0.4, 0.5]) x=tensor(0.4 y=np.float64(0.4)) z=tensor(0.4, 3)', rec({ y: 0.4 })],
    ['INFO:root:epoch=3 loss=0.5', rec({ epoch: 3, loss: 0.5 }, 3)],
    ['2024-05-01 12:30:45,123 INFO epoch=3 loss=0.5', rec({ epoch: 3, loss: 0.5 }, 3)],
    ['constructor=1 toString=2', rec({ constructor: 1, toString: 2 })],
    // numbers
    ['a=-1 b=+2 c=.5 d=5. e=-0.25', rec({ a: -1, b: 2, c: 0.5, d: 5, e: -0.25 })],
    ['lr=1e-3 big=2.5E+04 tiny=-3.2e-10 x=1E5', rec({ lr: 1e-3, big: 25000, tiny: -3.2e-10, x: 1e5 })],
    // eslint-disable-next-line no-loss-of-precision -- the literals are rounded exactly as the parser rounds the printed digits
    ['n=12345678901234567890 p=0.1234567890123456789', rec({ n: 12345678901234567890, p: 0.1234567890123456789 })],
    ['acc=93.5% err: 6.5%', rec({ acc: 93.5, err: 6.5 })],
    ['a=nan b=NaN c=inf d=-inf e=Infinity f=-Infinity g=+INF', rec({ a: NaN, b: NaN, c: Infinity, d: -Infinity, e: Infinity, f: -Infinity, g: Infinity })],
    // step keys
    ['Epoch=3 loss=1', rec({ Epoch: 3, loss: 1 }, 3)],
    ['step=100 epoch=2 loss=1', rec({ step: 100, epoch: 2, loss: 1 }, 2)],
    ['iter=7 iteration=9 loss=1', rec({ iter: 7, iteration: 9, loss: 1 }, 9)],
    ['ITER=7 loss=1', rec({ ITER: 7, loss: 1 }, 7)],
    ['epoch=nan step=4 loss=1', rec({ epoch: NaN, step: 4, loss: 1 }, 4)],
    ['epoch=inf loss=1', rec({ epoch: Infinity, loss: 1 })],
    ['epochs=3 steps=4 loss=1', rec({ epochs: 3, steps: 4, loss: 1 })],
    ['train.epoch=3', rec({ 'train.epoch': 3 })],
    ['epoch=3', rec({ epoch: 3 }, 3)],
    ['loss=1 loss=2', rec({ loss: 2 })],
    // a step prefix: `Epoch 3:` (Lightning's progress bar, a tqdm desc) or `Epoch 3/10`, only with a pair on the line
    [
      'Epoch 3: 100%|██████████| 50/50 [00:01<00:00, 40.00it/s, v_num=0, val_loss=0.456]',
      rec({ Epoch: 3, v_num: 0, val_loss: 0.456 }, 3),
    ],
    ['Epoch 0:  40%|████      | 20/50 [00:00<00:00, 99.00it/s, loss=0.5]', rec({ Epoch: 0, loss: 0.5 }, 0)],
    ['INFO:__main__:Epoch 3: val_loss=0.41', rec({ Epoch: 3, val_loss: 0.41 }, 3)],
    ['Step 100: loss = 0.5', rec({ Step: 100, loss: 0.5 }, 100)],
    ['Epoch 3/10 - loss: 0.5', rec({ Epoch: 3, loss: 0.5 }, 3)],
    // the PyTorch tutorials' `Epoch [1/10], Step [100/600], Loss: …`, `Epoch: 3/10 | …`, `[epoch 3] …`
    ['Epoch [1/10], Step [100/600], Loss: 0.2345', rec({ Epoch: 1, Step: 100, Loss: 0.2345 }, 1)],
    ['Epoch [3/10], Loss: 0.2345, Val Acc: 92.50%', rec({ Epoch: 3, Loss: 0.2345, Acc: 92.5, val_acc: 92.5 }, 3)],
    ['Epoch [3] val_loss=0.5', rec({ Epoch: 3, val_loss: 0.5 }, 3)],
    ['epoch [3/10]: val_loss=0.4', rec({ epoch: 3, val_loss: 0.4 }, 3)],
    ['Epoch [3/10] loss 0.5', rec({ Epoch: 3, loss: 0.5 }, 3)],
    ['Epoch: 3/10 | Train loss: 0.51 | Val loss: 0.46', rec({ Epoch: 3, loss: 0.46, train_loss: 0.51, val_loss: 0.46 }, 3)],
    ['step: 100/1000 loss=2.3', rec({ step: 100, loss: 2.3 }, 100)],
    ['[epoch 3] val_loss: 0.25', rec({ epoch: 3, val_loss: 0.25 }, 3)],
    ['Epoch[1] Iteration[100/469] Loss: 0.30', rec({ Epoch: 1, Iteration: 100, Loss: 0.3 }, 1)],
    ['Training Results - Epoch[2] Avg accuracy: 0.91 Avg loss: 0.29', rec({ Epoch: 2, accuracy: 0.91, loss: 0.29, training_accuracy: 0.91, training_loss: 0.29 }, 2)],
    ['x[1] loss=2', rec({ loss: 2 })],
    ['Epoch[1a] loss=2', rec({ loss: 2 })],
    ['Epoch [1/10]', undefined],
    ['epoch: 3/10', undefined],
    ['Epoch: 3/10x loss=0.5', rec({ loss: 0.5 })],
    ['Epoch: 3/10/2 loss=0.5', rec({ loss: 0.5 })],
    ['date: 2024/01/02 loss=0.5', rec({ loss: 0.5 })],
    ['ratio: 3/10 loss=0.2', rec({ loss: 0.2 })],
    ['Epoch [3a] loss=0.5', rec({ loss: 0.5 })],
    ['Epoch [3/10]x loss=0.5', rec({ loss: 0.5 })],
    ['[epoch 3]x loss=0.5', rec({ loss: 0.5 })],
    // TensorFlow's tutorials: `Epoch 1 Loss 0.4523 Accuracy 0.8811`, then `Time taken for 1 epoch: 12.34 secs`
    ['Epoch 1 Loss 0.4523 Accuracy 0.8811', rec({ Epoch: 1, Loss: 0.4523, Accuracy: 0.8811 }, 1)],
    ['Epoch 1 Batch 100 Loss 0.5 Accuracy 0.9', rec({ Epoch: 1, Batch: 100, Loss: 0.5, Accuracy: 0.9 }, 1)],
    ['INFO:root:Epoch 2 loss 0.5, acc 93% ', rec({ Epoch: 2, loss: 0.5, acc: 93 }, 2)],
    ['Epoch 3 of 10', undefined],
    ['Step 5 in 2 loss 3', undefined],
    ['Epoch 1 took 5 seconds', undefined],
    ['Epoch 2 loss 0.5 acc', undefined],
    ['Epoch 2 loss 0.5x acc 1', undefined],
    ['best epoch 3 loss 1', undefined],
    ['Epoch 3 step: 100 loss=1', rec({ Epoch: 3, step: 100, loss: 1 }, 3)],
    ['trial 2 epoch: 3 loss=0.5', rec({ epoch: 3, loss: 0.5 }, 3)],
    // a data-split word before the key (`Val Loss:`): also the joined key, so train and validation differ
    [
      'Epoch 3 | Train Loss: 0.5123 | Val Loss: 0.4567 | Val Acc: 91.2%',
      rec({ Epoch: 3, Loss: 0.4567, train_loss: 0.5123, val_loss: 0.4567, Acc: 91.2, val_acc: 91.2 }, 3),
    ],
    ['validation accuracy=0.9 test loss=0.3', rec({ accuracy: 0.9, validation_accuracy: 0.9, loss: 0.3, test_loss: 0.3 })],
    ['best val loss: 0.3', rec({ loss: 0.3, val_loss: 0.3 })],
    // a data-split word heading the line names every metric on it (PyTorch's MNIST example, Ignite, timm)
    // a count out of a total with its percentage is the fraction (not the rounded 98); without it, nothing
    ['Test set: Average loss: 0.0527, Accuracy: 9832/10000 (98%)', rec({ loss: 0.0527, test_loss: 0.0527, Accuracy: 0.9832, test_accuracy: 0.9832 })],
    ['acc: 1/4 (25.0%), loss=1', rec({ acc: 0.25, loss: 1 })],
    ['acc: 3/10 loss=1', rec({ loss: 1 })],
    ['acc: 3/10 (x) loss=1', rec({ loss: 1 })],
    ['acc: 3/0 (0%) loss=1', rec({ loss: 1 })],
    ['acc: 3/10 (30%)x loss=1', rec({ loss: 1 })],
    [
      'Validation Results - Epoch[1] Avg accuracy: 0.91 Avg loss: 0.29',
      rec({ Epoch: 1, accuracy: 0.91, loss: 0.29, validation_accuracy: 0.91, validation_loss: 0.29 }, 1),
    ],
    ['Train Epoch: 1 [0/60000 (0%)]\tLoss: 2.302585', rec({ Epoch: 1, train_epoch: 1, Loss: 2.302585, train_loss: 2.302585 }, 1)],
    // timm's train lines: the epoch is the step (kept as `epoch`, not `Train`); the batch's loss, as printed first
    ['Train: 3 [ 100/1251 (  8%)]  Loss: 3.456 (3.512)', rec({ epoch: 3, Loss: 3.456, train_loss: 3.456 }, 3)],
    ['val: loss=0.3 acc=0.9', rec({ loss: 0.3, acc: 0.9, val_loss: 0.3, val_acc: 0.9 })],
    ['eval - loss=0.2', rec({ loss: 0.2, eval_loss: 0.2 })],
    ['Test set: val_loss: 0.3', rec({ val_loss: 0.3 })],
    ['testing: loss=1', rec({ loss: 1 })],
    ['Test 3 models: loss=1', rec({ loss: 1 })],
    ['val_loss: 0.3 acc: 0.9', rec({ val_loss: 0.3, acc: 0.9 })],
    ['Validation loss: 0.3', rec({ loss: 0.3, validation_loss: 0.3 })],
    // the key alone keeps the value printed under it alone; between qualified ones, the last wins
    ['loss: 0.5 - val loss: 0.4', rec({ loss: 0.5, val_loss: 0.4 })],
    ['acc: 0.9, Val acc: 0.8, Test acc: 0.7', rec({ acc: 0.9, val_acc: 0.8, test_acc: 0.7 })],
    ['Val Loss: 0.4, loss: 0.5, test loss: 0.3', rec({ Loss: 0.4, val_loss: 0.4, loss: 0.5, test_loss: 0.3 })],
    ['val loss: 0.4, test loss: 0.3', rec({ loss: 0.3, val_loss: 0.4, test_loss: 0.3 })],
    ['protest loss: 0.3', rec({ loss: 0.3 })],
    ['my_val loss: 0.3', rec({ loss: 0.3 })],
    ['iter 7/100 epoch=2 loss=1', rec({ iter: 7, epoch: 2, loss: 1 }, 2)],
    ['Epoch 3: done', undefined],
    ['Epoch 3:30 loss=1', rec({ loss: 1 })],
    ['Epoch 3/10x loss=1', rec({ loss: 1 })],
    ['Epochs 3: loss=1', rec({ loss: 1 })],
    ['best epoch 3 loss=1', rec({ loss: 1 })],
    // values that are not numbers
    ['time=3s id=3abc hex=0x1f v=1e', undefined],
    ['loss=0.5s acc=0.9', rec({ acc: 0.9 })],
    ['loss=inference acc=nano', undefined],
    ['time: 12:30:45', undefined],
    ['time: 12:30:45 loss=0.1', rec({ loss: 0.1 })],
    ['version=1.2.3 date: 2024-01-02 progress: 3/10 n: 1,234', undefined],
    ['a=1-b', undefined],
    ['a=1+2', undefined],
    ['lr=--0.1 x==2 y=- 3', undefined],
    // log text
    ['https://host:8080/x', undefined],
    ['http://localhost:6006/', undefined],
    ['Downloading https://example.org:443/models/resnet18.pth', undefined],
    ['ssh user@host:22', undefined],
    // top-k and threshold suffixes: retrieval (RecBole's `recall@10 : 0.2184`), timm's `Acc@1:`, COCO's mAP
    ['recall@10 : 0.2184    mrr@10 : 0.4124    ndcg@10 : 0.2573', rec({ 'recall@10': 0.2184, 'mrr@10': 0.4124, 'ndcg@10': 0.2573 })],
    ['epoch=3 val_acc@1=0.76 val_acc@5=0.93', rec({ epoch: 3, 'val_acc@1': 0.76, 'val_acc@5': 0.93 }, 3)],
    ["{'recall@10': 0.2184, 'P@5': 0.3}", rec({ 'recall@10': 0.2184, 'P@5': 0.3 })],
    ['mAP@0.5: 0.512 mAP@0.5:0.95: 0.331 mAP@.5=0.6', rec({ 'mAP@0.5': 0.512, 'mAP@0.5:0.95': 0.331, 'mAP@.5': 0.6 })],
    // timm's validation lines: the running average in parentheses (older timm's 4 decimals)
    ['Test: [ 195/195]  Loss:  0.8123 (0.9012)  Acc@1: 81.2500 (76.1240)', rec({ Loss: 0.9012, test_loss: 0.9012, 'Acc@1': 76.124, 'test_acc@1': 76.124 })],
    ['mail bob@10.0.0.1:22 acc@top1=0.5 a@1:2', undefined],
    ['Note: something', undefined],
    ['Epoch 3/10', undefined],
    ['Loading data from /data/x.csv (1797 rows)', undefined],
    ['Warning: loss is nan-ish', undefined],
    ['', undefined],
    ['     ', undefined],
    ['=3 :4 = 5', undefined],
    // remnants the launcher should have removed
    ['loss=0.5\r', rec({ loss: 0.5 })],
    ['loss=0.5\r\n', rec({ loss: 0.5 })],
    ['\u001b[32mloss=0.5\u001b[0m acc=1', rec({ loss: 0.5, acc: 1 })],
    ['\u001b[1;31mloss=0.5', rec({ loss: 0.5 })],
    ['\u0000loss=0.5\u0007acc=0.25\u0001', rec({ loss: 0.5, acc: 0.25 })],
    ['\ufffd\ufffdloss=0.5\ufffd acc=\ufffd1', rec({ loss: 0.5 })],
    ['é loss=0.5 µ=3', rec({ loss: 0.5 })],
  ];

  it.each(cases)('%j', (line, expected) => {
    expect(parseKeyValueLine(line)).toEqual(expected);
  });

  // Framework outputs and the text each new rule must leave alone.
  const frameworkCases: readonly Case[] = [
    // a step prefix ending in `,` and a blank (scikit-learn's MLPClassifier/MLPRegressor, verbose=True)
    ['Iteration 1, loss = 0.52339021', rec({ Iteration: 1, loss: 0.52339021 }, 1)],
    ['Iteration 200, loss = 0.01234567', rec({ Iteration: 200, loss: 0.01234567 }, 200)],
    ['step 7, val_loss: 0.3', rec({ step: 7, val_loss: 0.3 }, 7)],
    ['Iteration 1 of 10 done', undefined],
    ['Iteration 1 of 10 done, loss=0.5', rec({ loss: 0.5 })],
    ['Iteration 1, 2 and 3 done', undefined],
    ['Iteration 1,2 loss=0.5', rec({ loss: 0.5 })],
    ['Iteration 1,loss=0.5', rec({ loss: 0.5 })],
    ['Iteration 1,', undefined],
    ['Step 3, download the data', undefined],
    ['epochs 3, loss=0.5', rec({ loss: 0.5 })],
    // a step prefix ending in ` - ` (a hyphen between blanks: a separator, not a range or a sign)
    ['INFO:root:Epoch 5 - val_loss=0.42', rec({ Epoch: 5, val_loss: 0.42 }, 5)],
    ['Epoch 5 - loss: 0.5 - acc: 0.9', rec({ Epoch: 5, loss: 0.5, acc: 0.9 }, 5)],
    ['Epoch 5-6 loss=0.5', rec({ loss: 0.5 })],
    ['Epoch 5 -6 loss=0.5', rec({ loss: 0.5 })],
    ['Epoch 5 -', undefined],
    ['Step 3 - download the data', undefined],
    // `[N]` and a tab: XGBoost's and LightGBM's boosting round
    ['[0]\tvalidation_0-logloss:0.61734\tvalidation_1-logloss:0.62458', rec({ 'validation_0-logloss': 0.61734, 'validation_1-logloss': 0.62458 }, 0)],
    ['[99]\ttrain-rmse:0.51\teval-rmse:0.63', rec({ 'train-rmse': 0.51, 'eval-rmse': 0.63 }, 99)],
    ["[10]\tvalid_0's binary_logloss: 0.312345", rec({ binary_logloss: 0.312345, valid_0_binary_logloss: 0.312345 }, 10)],
    [
      "[20]\ttraining's binary_logloss: 0.25\tvalid_1's binary_logloss: 0.3\tvalid_1's auc: 0.91",
      rec({ binary_logloss: 0.3, training_binary_logloss: 0.25, valid_1_binary_logloss: 0.3, auc: 0.91, valid_1_auc: 0.91 }, 20),
    ],
    // at the line's start (as the libraries print it) or behind a logger's prefix (below), not mid-line
    ["INFO:lightgbm:[30]\tvalid_0's l2: 0.5", rec({ l2: 0.5, valid_0_l2: 0.5 }, 30)],
    [' [30]\tloss=0.5', rec({ loss: 0.5 })],
    ['loss=0.5 [30]\tacc=0.9', rec({ loss: 0.5, acc: 0.9 })],
    // a step key outranks the round
    ['[3]\tepoch=2 loss=1', rec({ epoch: 2, loss: 1 }, 2)],
    ['[12]', undefined],
    ['[12]\t', undefined],
    ['[12]\tdone', undefined],
    ['[12] loss=0.5', rec({ loss: 0.5 })],
    ['[12]: loss=0.5', rec({ loss: 0.5 })],
    ['[12]<stdout>: loss=0.5', rec({ loss: 0.5 })],
    ['x[12]\tloss=0.5', rec({ loss: 0.5 })],
    ['[1/3] Building wheel for torch', undefined],
    ['[1/3] loss=0.5', rec({ loss: 0.5 })],
    ['[INFO] 2024-01-02 12:30:45 loss=0.5', rec({ loss: 0.5 })],
    ['[INFO] 2024-01-02 12:30:45 Starting', undefined],
    ['[1234567890123456]\tloss=0.5', rec({ loss: 0.5 })],
    ['[]\tloss=0.5', rec({ loss: 0.5 })],
    // `N:` and a tab at the line's start: CatBoost's iteration
    [
      '0:\tlearn: 0.6788712\ttest: 0.6812374\tbest: 0.6812374 (0)\ttotal: 5.12ms\tremaining: 5.11s',
      rec({ learn: 0.6788712, test: 0.6812374, best: 0.6812374 }, 0),
    ],
    ['999:\tlearn: 0.1234567\ttotal: 1.2s\tremaining: 0us', rec({ learn: 0.1234567 }, 999)],
    ['0: /dev/sda1 used=30', rec({ used: 30 })],
    ['0: /dev/sda1', undefined],
    ['0:\t/dev/sda1', undefined],
    ['12:30:45\tloss=0.5', rec({ loss: 0.5 })],
    ['192.168.0.1:8080\tloss=0.5', rec({ loss: 0.5 })],
    [' 5:\tloss=0.5', rec({ loss: 0.5 })],
    ['x 5:\tloss=0.5', rec({ loss: 0.5 })],
    // a split word, the key and a number without a separator (nanoGPT, tutorials): the joined key only
    ['step 100: train loss 2.3456, val loss 2.4567', rec({ step: 100, train_loss: 2.3456, val_loss: 2.4567 }, 100)],
    ['epoch 3 | train loss 0.123 | val loss 0.234 | val acc 91.2%', rec({ epoch: 3, train_loss: 0.123, val_loss: 0.234, val_acc: 91.2 }, 3)],
    ['Train Loss 0.5; Val Loss 0.4', rec({ train_loss: 0.5, val_loss: 0.4 })],
    ['train loss 0.5 val loss 0.4', rec({ train_loss: 0.5, val_loss: 0.4 })],
    ['train loss 0.5\tval loss 0.4', rec({ train_loss: 0.5, val_loss: 0.4 })],
    ['(val loss 0.4)', rec({ val_loss: 0.4 })],
    ['val loss 0.4   ', rec({ val_loss: 0.4 })],
    ['val loss nan', rec({ val_loss: NaN })],
    ['test acc -inf, val acc 1e-3', rec({ test_acc: -Infinity, val_acc: 0.001 })],
    ['best val loss 0.3', rec({ val_loss: 0.3 })],
    ['val loss -0.5, val score .5, train gain +1', rec({ val_loss: -0.5, val_score: 0.5, train_gain: 1 })],
    ['val loss Infinity', rec({ val_loss: Infinity })],
    ['val loss info', undefined],
    ['val loss inference done', undefined],
    ['val loss nano', undefined],
    ['val loss /data/x 3', undefined],
    ['test loss 5 times lower', undefined],
    ['the val loss 5 is high', undefined],
    ['train 3 models', undefined],
    ['train for 5 epochs', undefined],
    ['val loss 3/10', undefined],
    ['val loss 1,234', undefined],
    ['test set 1, 2, 3', undefined],
    ['val loss 0.5s', undefined],
    ['val loss 2024-01-02', undefined],
    ['val loss 3: improved', undefined],
    ['val loss is 0.4', undefined],
    ['val loss in 5 epochs', undefined],
    ['protest loss 0.3', undefined],
    ['my_val loss 0.3', undefined],
    ['val  loss 0.3', undefined],
    ['val loss  0.3', undefined],
    ['Loss 0.3', undefined],
    ['loss 0.3, acc 0.9', undefined],
    // `owner's key: value` (LightGBM's validation sets): also the joined key, as printed
    ["model's accuracy: 0.9", rec({ accuracy: 0.9, model_accuracy: 0.9 })],
    ["valid_0's auc=0.9", rec({ auc: 0.9, valid_0_auc: 0.9 })],
    ["valid_0's auc 0.9", undefined],
    ["valid_0's  auc: 0.9", rec({ auc: 0.9 })],
    ["valid_0'S auc: 0.9", rec({ auc: 0.9 })],
    ["that's 3 of them", undefined],
    // an owner only names a pair that is read anyway
    ["it's done: 3 files", rec({ done: 3, it_done: 3 })],
    ["cv_agg's valid binary_logloss: 0.312 + 0.0123", rec({ binary_logloss: 0.312, valid_binary_logloss: 0.312 })],
    // ordinary text the new rules must leave alone
    ['Step 3: download the data', undefined],
    ['Connecting to 10.0.0.1:8080 at 12:30:45', undefined],
    ['Saved to /data/run 3/val loss 0.5.png', undefined],
    ['Downloaded 3 files in 5 s, 2 of them cached', undefined],
  ];

  it.each(frameworkCases)('%j', (line, expected) => {
    expect(parseKeyValueLine(line)).toEqual(expected);
  });

  // Pipe-separated prints, nanoGPT's bare `loss 2.3` after `iter N:`, a round behind a logger's prefix, xgb.cv's
  // mean+std, LightGBM's early-stopping summary; each with the text that must give nothing (or no step).
  const moreFrameworkCases: readonly Case[] = [
    // `Epoch N | ` / `Step N | ` gives the step on a line with a pair
    ['epoch 3 | train loss 0.512 | val loss 0.463', rec({ epoch: 3, train_loss: 0.512, val_loss: 0.463 }, 3)],
    ['Epoch 3 | Train Loss: 0.51 | Val Loss: 0.46', rec({ Epoch: 3, Loss: 0.46, train_loss: 0.51, val_loss: 0.46 }, 3)],
    ['Step 100 | loss=2.5 | lr=0.001', rec({ Step: 100, loss: 2.5, lr: 0.001 }, 100)],
    ['| Epoch 3 | loss 0.5 |', rec({ Epoch: 3, loss: 0.5 }, 3)],
    // fairseq's end-of-epoch summaries (through its logger): the epoch, then bare `key value` items
    [
      '2024-05-01 12:00:00 | INFO | train | epoch 001 | loss 9.456 | nll_loss 8.912 | ppl 481.6 | wps 14533.3 | ups 4.44 | lr 2.775e-05 | gnorm 2.091 | clip 0 | train_wall 48 | wall 52',
      rec({ epoch: 1, loss: 9.456, nll_loss: 8.912, ppl: 481.6, wps: 14533.3, ups: 4.44, lr: 2.775e-5, gnorm: 2.091, clip: 0, train_wall: 48, wall: 52 }, 1),
    ],
    [
      "2024-05-01 12:00:05 | INFO | valid | epoch 001 | valid on 'valid' subset | loss 8.2 | ppl 181.2 | num_updates 222 | best_loss 8.2",
      rec({ epoch: 1, loss: 8.2, ppl: 181.2, num_updates: 222, best_loss: 8.2 }, 1),
    ],
    ['Epoch 3 | 45 batches done', undefined],
    ['Step 3 | download the data', undefined],
    ['Epoch 3 | saw 5 files', undefined],
    ['Epoch 3 | loss 0.5s', undefined],
    ['Epoch 3 | batch 5/10 | loss 0.5', rec({ Epoch: 3, loss: 0.5 }, 3)],
    ['Epoch 3 |loss=0.5', rec({ loss: 0.5 })],
    ['Epoch 3 || loss=0.5', rec({ loss: 0.5 })],
    ['Epoch 3|loss 0.5', undefined],
    ['loss 0.5 | acc 0.9', undefined],
    ['loss 0.5 | Epoch 3 | acc 0.9', rec({ Epoch: 3, acc: 0.9 }, 3)],
    // nanoGPT's `iter N: loss …, time …ms, mfu …%`: a bare key and a number after a step prefix
    ['iter 100: loss 2.3456, time 20.31ms, mfu 5.12%', rec({ iter: 100, loss: 2.3456, mfu: 5.12 }, 100)],
    ['iter 0: loss 10.9854, time 29521.94ms, mfu -100.00%', rec({ iter: 0, loss: 10.9854, mfu: -100 }, 0)],
    ['step 2000: train loss 1.7648, val loss 1.8857', rec({ step: 2000, train_loss: 1.7648, val_loss: 1.8857 }, 2000)],
    ['Iteration 1, loss 0.52', rec({ Iteration: 1, loss: 0.52 }, 1)],
    ['iter 100: loss=2.3, lr 0.001', rec({ iter: 100, loss: 2.3, lr: 0.001 }, 100)],
    ['iter 100:\tloss 2.3\tmfu 5.1', rec({ iter: 100, loss: 2.3, mfu: 5.1 }, 100)],
    ['iter 100: time 20.31ms', undefined],
    ['iter 100 loss 2.3', rec({ iter: 100, loss: 2.3 }, 100)], // only words and numbers after the prefix (TensorFlow's tutorials' form)
    ['loss 2.3456, mfu 5.12%', undefined],
    ['Epoch 3: saw 5 files', undefined],
    ['Step 3: download 5 files', undefined],
    ['Epoch 3: the loss 0.5', undefined],
    ['iter 5: loss 2.5 after 3 epochs', undefined],
    ['iter 5: loss 3/10', undefined],
    ['iter 5: loss 1,234', undefined],
    ['iter 5: loss 0.5.', undefined],
    // the boosting round behind a logger's prefix (a library that logs through `logging`: lgb.register_logger)
    ["2024-05-01 12:00:00,123 INFO [10]\tvalid_0's auc: 0.91", rec({ auc: 0.91, valid_0_auc: 0.91 }, 10)],
    ['INFO:root:[10]\tvalid-auc:0.91', rec({ 'valid-auc': 0.91 }, 10)],
    ["2024-05-01 12:00:00,123 - lightgbm - INFO - [10]\tvalid_0's auc: 0.91", rec({ auc: 0.91, valid_0_auc: 0.91 }, 10)],
    ["[2024-05-01 12:00:00,123][__main__][INFO] - [20]\tvalid_0's l2: 0.5", rec({ l2: 0.5, valid_0_l2: 0.5 }, 20)],
    ['WARNING:xgboost:[30]\ttrain-rmse:0.51\teval-rmse:0.63', rec({ 'train-rmse': 0.51, 'eval-rmse': 0.63 }, 30)],
    // LightGBM's own log lines: no step (some have pairs, read as before)
    ['[LightGBM] [Info] Number of positive: 3140, number of negative: 3373', rec({ positive: 3140, negative: 3373 })],
    ['[LightGBM] [Info] Total Bins 6143', undefined],
    ['[LightGBM] [Info] Start training from score -0.071580', undefined],
    ['[LightGBM] [Info] [binary:BoostFromScore]: pavg=0.482113 -> initscore=-0.071580', rec({ pavg: 0.482113, initscore: -0.07158 })],
    ['[LightGBM] [Warning] No further splits with positive gain, best gain: -inf', rec({ gain: -Infinity })],
    ['Note: [10]\tloss=0.5', rec({ loss: 0.5 })],
    ['INFO [10] loss=0.5', rec({ loss: 0.5 })],
    ['INFO x[10]\tloss=0.5', rec({ loss: 0.5 })],
    ['INFO\t[10]\tloss=0.5', rec({ loss: 0.5 })],
    ['INFORMATION: [10]\tloss=0.5', rec({ loss: 0.5 })],
    ['info: [10]\tloss=0.5', rec({ loss: 0.5 })],
    ['INFO pid=3 [10]\tloss=0.5', rec({ pid: 3, loss: 0.5 })],
    ['INFO [1/3]\tloss=0.5', rec({ loss: 0.5 })],
    ['INFO []\tloss=0.5', rec({ loss: 0.5 })],
    ['INFO [a]\t[10]\tloss=0.5', rec({ loss: 0.5 })],
    ['INFO [10]\tdone', undefined],
    ['INFO [10]\t', undefined],
    // xgb.cv (verbose): `mean+std` per metric, the mean is the value; only on a line with a round
    ['[10]\ttrain-rmse:0.1234+0.0012\ttest-rmse:0.2345+0.0045', rec({ 'train-rmse': 0.1234, 'test-rmse': 0.2345 }, 10)],
    ['[0]\ttrain-auc:0.94310+0.00141\ttest-auc:0.93612+0.00612', rec({ 'train-auc': 0.9431, 'test-auc': 0.93612 }, 0)],
    ['[10]\ttrain-rmse:0.123400+0.001200\ttest-rmse:0.234500+0.004500', rec({ 'train-rmse': 0.1234, 'test-rmse': 0.2345 }, 10)],
    ['INFO:root:[10]\ttest-rmse:0.2345+0.0045', rec({ 'test-rmse': 0.2345 }, 10)],
    ['test-rmse:0.2345+0.0045', undefined],
    ['[3]\ttest-rmse:0.5+2', undefined],
    ['[3]\ttest-rmse:0.5+0.1x', undefined],
    ['[3]\ttest-rmse:0.5+0.1+0.2', undefined],
    ['[3]\ttest-rmse:0.5+0.1.2', undefined],
    ['[3]\ttest-rmse:0.5+0.1, acc=1+2', rec({ 'test-rmse': 0.5 }, 3)],
    // LightGBM's and XGBoost's early-stopping summaries: the text gives nothing, the reprinted best round its step
    ["Training until validation scores don't improve for 10 rounds", undefined],
    ['Early stopping, best iteration is:', undefined],
    ['Did not meet early stopping. Best iteration is:', undefined],
    ["[42]\tvalid_0's auc: 0.93", rec({ auc: 0.93, valid_0_auc: 0.93 }, 42)],
    ["Will train until validation_0-logloss hasn't improved in 10 rounds.", undefined],
    ['Stopping. Best iteration:', undefined],
  ];

  // loguru's prefix (`{time} | {level: <8} | {name}:{function}:{line} - {message}`) and logging's `file.py:42`: the
  // location is not a metric and the message after it starts fresh; `epoch 3 key=value` at a message's start gives the step.
  const loggerPrefixCases: readonly Case[] = [
    ['2024-01-02 12:34:56.789 | INFO     | train:main:42 - epoch 3 val_loss=0.25', rec({ epoch: 3, val_loss: 0.25 }, 3)],
    ['2024-01-02 12:34:56.789 | INFO     | train:main:42 - epoch=3 val_loss=0.25', rec({ epoch: 3, val_loss: 0.25 }, 3)],
    ['2024-01-02 12:34:56.789 | SUCCESS  | __main__:<module>:42 - epoch 3 val_loss=0.25', rec({ epoch: 3, val_loss: 0.25 }, 3)],
    ['2024-01-02 12:34:56.789 | INFO     | __main__:train_one_epoch:118 - Epoch 3: val_loss=0.25 acc=0.9', rec({ Epoch: 3, val_loss: 0.25, acc: 0.9 }, 3)],
    ['2024-01-02T12:34:56.789012+0000 | INFO | src.train:fit:88 - Epoch 3 | train_loss: 0.5 | val_loss: 0.4', rec({ Epoch: 3, train_loss: 0.5, val_loss: 0.4 }, 3)],
    ['12:34:56 | INFO | train:main:42 - step 100: loss 2.3, mfu 5.1%', rec({ step: 100, loss: 2.3, mfu: 5.1 }, 100)],
    ['2024-01-02 12:34:56 | train:main:42 - epoch 3 val_loss=0.25', rec({ epoch: 3, val_loss: 0.25 }, 3)],
    ['2024-01-02 12:34:56.789 | DEBUG    | train:epoch:42 - lr=0.1', rec({ lr: 0.1 })],
    ['2024-01-02 12:34:56.789 | INFO     | train:main:42 - val_loss: 0.25', rec({ val_loss: 0.25 })],
    ["2024-01-02 12:34:56.789 | INFO     | train:main:42 - [10]\tvalid_0's auc: 0.9", rec({ auc: 0.9, valid_0_auc: 0.9 }, 10)],
    ['2024-01-02 12:34:56.789 | INFO     | train:main:42 - loading data', undefined],
    ['[2024-01-02 12:34:56,789] INFO train.py:42 - epoch 3 val_loss=0.25', rec({ epoch: 3, val_loss: 0.25 }, 3)],
    ['[INFO|trainer.py:1234] 2024-01-02 12:34:56,789 >> epoch=3 loss=0.5', rec({ epoch: 3, loss: 0.5 }, 3)],
    // `epoch 3 key=value`: the step when the step key opens the message and a pair follows at once
    ['epoch 3 val_loss=0.25', rec({ epoch: 3, val_loss: 0.25 }, 3)],
    ['2024-01-02 12:34:56,789 - INFO - epoch 3 val_loss=0.25', rec({ epoch: 3, val_loss: 0.25 }, 3)],
    ['INFO:root:epoch 3 val_loss=0.25', rec({ epoch: 3, val_loss: 0.25 }, 3)],
    ['Step 3 lr=1e-3 loss=2', rec({ Step: 3, lr: 0.001, loss: 2 }, 3)],
    ['epoch 3 val loss=0.25', rec({ epoch: 3, loss: 0.25, val_loss: 0.25 }, 3)],
    // not a location, or not a step
    ['INFO epoch:3 - loss=0.5', rec({ epoch: 3, loss: 0.5 }, 3)],
    ['train:main:42 loss=0.5', rec({ main: 42, loss: 0.5 })],
    ['INFO train:main:4.2 loss=0.5', rec({ main: 4.2, loss: 0.5 })],
    ['epoch 3 of 10 loss=0.5', rec({ loss: 0.5 })],
    ['Training epoch 3 loss=0.5', rec({ loss: 0.5 })],
    ['epoch 3 loss 0.5 acc=1', rec({ acc: 1 })],
    ['epoch 3 loss=abc', undefined],
  ];

  it.each(loggerPrefixCases)('%j', (line, expected) => {
    expect(parseKeyValueLine(line)).toEqual(expected);
  });

  it.each(moreFrameworkCases)('%j', (line, expected) => {
    expect(parseKeyValueLine(line)).toEqual(expected);
  });

  // timm's train.py, as its train_one_epoch and validate print (recent versions; older ones print 4 decimals).
  const timmCases: readonly Case[] = [
    [
      'Train: 3 [ 100/1251 (  8%)]  Loss: 3.41 (3.50)  Time: 0.312s,  820.51/s  (0.315s,  812.33/s)  LR: 1.000e-03  Data: 0.010 (0.012)',
      rec({ epoch: 3, Loss: 3.41, LR: 0.001, Data: 0.01, train_loss: 3.41, train_lr: 0.001, train_data: 0.01 }, 3),
    ],
    [
      'Train: 0 [   0/1251 (  0%)]  Loss: 6.9200 (6.9200)  Time: 2.345s,  109.16/s  (2.345s,  109.16/s)  LR: 1.000e-05  Data: 1.234 (1.234)',
      rec({ epoch: 0, Loss: 6.92, LR: 0.00001, Data: 1.234, train_loss: 6.92, train_lr: 0.00001, train_data: 1.234 }, 0),
    ],
    ['Train: 12 [1250/1251 (100%)]  Loss: 2.10 (2.31)', rec({ epoch: 12, Loss: 2.1, train_loss: 2.1 }, 12)],
    [
      'Test: [   0/195]  Time: 0.512 (0.512)  Loss:   0.812 ( 0.812)  Acc@1:  80.469 ( 80.469)  Acc@5:  95.312 ( 95.312)',
      rec({ Time: 0.512, test_time: 0.512, Loss: 0.812, test_loss: 0.812, 'Acc@1': 80.469, 'test_acc@1': 80.469, 'Acc@5': 95.312, 'test_acc@5': 95.312 }),
    ],
    [
      'Test: [ 195/195]  Time: 0.101 (0.120)  Loss:   0.915 ( 0.901)  Acc@1:  76.250 ( 76.130)  Acc@5:  93.750 ( 92.862)',
      rec({ Time: 0.12, test_time: 0.12, Loss: 0.901, test_loss: 0.901, 'Acc@1': 76.13, 'test_acc@1': 76.13, 'Acc@5': 92.862, 'test_acc@5': 92.862 }),
    ],
    // the EMA model's validation: its own names only, so `Acc@1` and `test_acc@1` stay the model's
    [
      'Test (EMA): [ 195/195]  Time: 0.101 (0.120)  Loss:   0.880 ( 0.874)  Acc@1:  77.500 ( 76.902)  Acc@5:  94.000 ( 93.100)',
      rec({ test_ema_time: 0.12, test_ema_loss: 0.874, 'test_ema_acc@1': 76.902, 'test_ema_acc@5': 93.1 }),
    ],
    ['Test: [  50/195]  Loss:     nan (    nan)  Acc@1:   0.000 (  0.000)', rec({ Loss: Number.NaN, test_loss: Number.NaN, 'Acc@1': 0, 'test_acc@1': 0 })],
    // timm's validate.py: `Time: 0.312s (0.315s, 812.33/s)` has no average; the rest is read
    [
      'Test: [  10/196]  Time: 0.312s (0.315s, 812.33/s)  Loss:  0.8123 (0.9012)  Acc@1: 81.250 (76.124)  Acc@5: 95.312 (92.862)',
      rec({ Loss: 0.9012, test_loss: 0.9012, 'Acc@1': 76.124, 'test_acc@1': 76.124, 'Acc@5': 92.862, 'test_acc@5': 92.862 }),
    ],
    // the end of training: `metric` as any `key: value` (no step: `(epoch 3)` is none)
    ['*** Best metric: 76.13 (epoch 3)', rec({ metric: 76.13 })],
    // other Train/Test lines as before: no head, no averages
    ['Train: 3 loss=0.5', rec({ Train: 3, loss: 0.5, train_loss: 0.5 })],
    ['Train: 3 [100/1251]  Loss: 3.4 (3.5)', rec({ Train: 3, Loss: 3.4, train_loss: 3.4 })],
    ['Test: [3/10] loss=0.5', rec({ loss: 0.5, test_loss: 0.5 })],
    ['Test set: Average loss: 0.0527, Accuracy: 9832/10000 (98%)', rec({ loss: 0.0527, test_loss: 0.0527, Accuracy: 0.9832, test_accuracy: 0.9832 })],
    ['Testing: [ 3/10]  Loss: 0.5 (0.4)', rec({ Loss: 0.5 })],
    [' Test: [ 195/195]  Loss: 0.9 (0.8)', rec({ Loss: 0.9 })],
  ];

  it.each(timmCases)('%j', (line, expected) => {
    expect(parseKeyValueLine(line)).toEqual(expected);
  });

  it('keeps the step key in the values', () => {
    expect(parseKeyValueLine('step=5 loss=1')?.values).toHaveProperty('step', 5);
  });

  it('stores a `__proto__` key as an own value, not as the prototype', () => {
    const record = parseKeyValueLine('__proto__=1 loss=2');
    expect(record).toBeDefined();
    expect(Object.getPrototypeOf(record?.values)).toBe(Object.prototype);
    expect(Object.hasOwn(record?.values ?? {}, '__proto__')).toBe(true);
    expect(record?.values.loss).toBe(2);
  });

  it('reads the same keys on many lines (key cache) without mixing them up', () => {
    for (let k = 0; k < 2000; k++) {
      const name = `m${k % 700}`;
      expect(parseKeyValueLine(`${name}=${k} other_${name}=1`)?.values).toEqual({ [name]: k, [`other_${name}`]: 1 });
    }
  });

  it('caps the metrics of one line and skips very long keys', () => {
    const many = Array.from({ length: 3000 }, (_, k) => `k${k}=${k}`).join(' ');
    expect(Object.keys(parseKeyValueLine(many)?.values ?? {})).toHaveLength(1024);
    expect(parseKeyValueLine(`${'a'.repeat(300)}=1 b=2`)).toEqual(rec({ b: 2 }));
  });
});
