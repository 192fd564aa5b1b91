#!/usr/bin/env node
// Rung demo training script: a tiny one-hidden-layer MLP (tanh), trained by mini-batch gradient
// descent in plain JavaScript, fitting a noisy quadratic function of 6 inputs. Needs only Node 20.
//
//   node train.mjs --lr=0.01 --optimizer=momentum --momentum=0.9 --epochs 20
//
// Flags (`--name=value` or `--name value`):
//   --lr             learning rate                      (default 0.01)
//   --batch_size     mini-batch size                    (default 32)
//   --weight_decay   L2 penalty added to the gradient   (default 0)
//   --optimizer      sgd | momentum | adam              (default adam)
//   --momentum       heavy-ball momentum, optimizer=momentum only (default 0.9)
//   --hidden         hidden units                       (default 32)
//   --epochs         number of epochs (Rung's budget)   (default 20)
//   --seed           weight-init / shuffling seed; the data set itself is fixed (default 0)
//
// Output: one line per epoch, `epoch=N train_loss=... val_loss=...` (mean squared error on the
// standardized target; predicting the mean scores about 1.0, the noise floor is about 0.02).
// A run whose loss becomes non-finite prints `val_loss=nan` for that epoch and exits with status 1.
//
// Checkpoints: when RUNG_TRIAL_DIR is set, `$RUNG_TRIAL_DIR/checkpoint.json` (weights, optimizer
// state, shuffling PRNG state, epoch) is written after every epoch. With RUNG_RESUME=1 and a
// checkpoint of the same configuration, training continues from the next epoch, and the curve is the
// same as one uninterrupted run.

import fs from 'node:fs';
import path from 'node:path';

// ---------------------------------------------------------------- flags
const DEFAULTS = {
  lr: 0.01,
  batch_size: 32,
  weight_decay: 0,
  optimizer: 'adam',
  momentum: 0.9,
  hidden: 32,
  epochs: 20,
  seed: 0,
};
const INT_FLAGS = new Set(['batch_size', 'hidden', 'epochs', 'seed']);
const OPTIMIZERS = ['sgd', 'momentum', 'adam'];

function usage(message) {
  if (message) process.stderr.write(`train.mjs: ${message}\n`);
  process.stderr.write(
    'usage: node train.mjs [--lr X] [--batch_size N] [--weight_decay X] ' +
      '[--optimizer sgd|momentum|adam] [--momentum X] [--hidden N] [--epochs N] [--seed N]\n',
  );
  process.exit(message ? 2 : 0);
}

function parseArgs(argv) {
  const opts = { ...DEFAULTS };
  for (let i = 0; i < argv.length; i++) {
    const token = argv[i];
    if (token === '--help' || token === '-h') usage();
    if (!token.startsWith('--')) usage(`unexpected argument ${JSON.stringify(token)}`);
    let name = token.slice(2);
    let raw;
    const eq = name.indexOf('=');
    if (eq >= 0) {
      raw = name.slice(eq + 1);
      name = name.slice(0, eq);
    } else {
      if (i + 1 >= argv.length) usage(`--${name} needs a value`);
      raw = argv[++i];
    }
    name = name.replaceAll('-', '_');
    if (!(name in DEFAULTS)) usage(`unknown flag --${name}`);
    if (name === 'optimizer') {
      if (!OPTIMIZERS.includes(raw)) usage(`--optimizer must be one of ${OPTIMIZERS.join(', ')}`);
      opts.optimizer = raw;
      continue;
    }
    const value = Number(raw);
    if (raw.trim() === '' || !Number.isFinite(value)) usage(`--${name} expects a number, got ${JSON.stringify(raw)}`);
    if (INT_FLAGS.has(name) && !Number.isInteger(value)) usage(`--${name} expects an integer, got ${raw}`);
    opts[name] = value;
  }
  if (opts.lr <= 0) usage('--lr must be > 0');
  if (opts.batch_size < 1) usage('--batch_size must be >= 1');
  if (opts.hidden < 1) usage('--hidden must be >= 1');
  if (opts.epochs < 0) usage('--epochs must be >= 0');
  if (opts.weight_decay < 0) usage('--weight_decay must be >= 0');
  if (opts.momentum < 0 || opts.momentum >= 1) usage('--momentum must be in [0, 1)');
  return opts;
}

// ---------------------------------------------------------------- seeded PRNG (mulberry32)
class Rng {
  constructor(seed) {
    this.state = seed >>> 0;
  }
  next() {
    this.state = (this.state + 0x6d2b79f5) >>> 0;
    let t = this.state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }
  normal() {
    // Box-Muller; 1 - u keeps the log argument in (0, 1].
    const u = 1 - this.next();
    const v = this.next();
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
  }
}

// ---------------------------------------------------------------- data (fixed, independent of --seed)
const DIM = 6;
const N_TRAIN = 384;
const N_VAL = 192;
const DATA_SEED = 20240607;
const NOISE = 0.15;

function makeData() {
  const rng = new Rng(DATA_SEED);
  // y = x'Ax + b'x + noise with a fixed random symmetric A and vector b.
  const A = [];
  for (let i = 0; i < DIM; i++) A.push(new Float64Array(DIM));
  for (let i = 0; i < DIM; i++) {
    for (let j = i; j < DIM; j++) {
      const a = (i === j ? 0.6 : 0.35) * rng.normal();
      A[i][j] = a;
      A[j][i] = a;
    }
  }
  const b = Array.from({ length: DIM }, () => 0.5 * rng.normal());
  const n = N_TRAIN + N_VAL;
  const X = new Float64Array(n * DIM);
  const Y = new Float64Array(n);
  for (let s = 0; s < n; s++) {
    const x = X.subarray(s * DIM, (s + 1) * DIM);
    for (let i = 0; i < DIM; i++) x[i] = rng.normal();
    let y = 0;
    for (let i = 0; i < DIM; i++) {
      y += b[i] * x[i];
      for (let j = 0; j < DIM; j++) y += x[i] * A[i][j] * x[j];
    }
    Y[s] = y + NOISE * rng.normal();
  }
  // Standardize the target with the training split's statistics.
  let mean = 0;
  for (let s = 0; s < N_TRAIN; s++) mean += Y[s];
  mean /= N_TRAIN;
  let variance = 0;
  for (let s = 0; s < N_TRAIN; s++) variance += (Y[s] - mean) ** 2;
  const sd = Math.sqrt(variance / N_TRAIN);
  for (let s = 0; s < n; s++) Y[s] = (Y[s] - mean) / sd;
  return {
    train: { X: X.subarray(0, N_TRAIN * DIM), Y: Y.subarray(0, N_TRAIN), n: N_TRAIN },
    val: { X: X.subarray(N_TRAIN * DIM), Y: Y.subarray(N_TRAIN), n: N_VAL },
  };
}

// ---------------------------------------------------------------- model: DIM -> hidden (tanh) -> 1
// All parameters live in one flat vector: W1 (hidden x DIM), b1 (hidden), w2 (hidden), b2 (1).
function layout(hidden) {
  const W1 = 0;
  const b1 = W1 + hidden * DIM;
  const w2 = b1 + hidden;
  const b2 = w2 + hidden;
  return { W1, b1, w2, b2, size: b2 + 1 };
}

function initParams(hidden, rng) {
  const L = layout(hidden);
  const p = new Float64Array(L.size);
  const s1 = 1 / Math.sqrt(DIM);
  const s2 = 1 / Math.sqrt(hidden);
  for (let k = 0; k < hidden * DIM; k++) p[L.W1 + k] = s1 * rng.normal();
  for (let k = 0; k < hidden; k++) p[L.w2 + k] = s2 * rng.normal();
  return p;
}

/** Adds the gradient of the mean squared error over `idx` to `grad`; returns the batch's summed loss. */
function lossAndGrad(p, hidden, data, idx, grad) {
  const L = layout(hidden);
  const h = new Float64Array(hidden);
  const scale = 2 / idx.length;
  let total = 0;
  for (const s of idx) {
    const xo = s * DIM;
    let out = p[L.b2];
    for (let j = 0; j < hidden; j++) {
      let z = p[L.b1 + j];
      const wo = L.W1 + j * DIM;
      for (let i = 0; i < DIM; i++) z += p[wo + i] * data.X[xo + i];
      h[j] = Math.tanh(z);
      out += p[L.w2 + j] * h[j];
    }
    const err = out - data.Y[s];
    total += err * err;
    if (!grad) continue;
    const g = scale * err;
    grad[L.b2] += g;
    for (let j = 0; j < hidden; j++) {
      grad[L.w2 + j] += g * h[j];
      const gz = g * p[L.w2 + j] * (1 - h[j] * h[j]);
      grad[L.b1 + j] += gz;
      const wo = L.W1 + j * DIM;
      for (let i = 0; i < DIM; i++) grad[wo + i] += gz * data.X[xo + i];
    }
  }
  return total;
}

function meanSquaredError(p, hidden, data) {
  const all = Array.from({ length: data.n }, (_, s) => s);
  return lossAndGrad(p, hidden, data, all, null) / data.n;
}

// ---------------------------------------------------------------- optimizers
function newOptState(size) {
  return { step: 0, m: new Float64Array(size), v: new Float64Array(size) };
}

function applyUpdate(opts, p, grad, st) {
  const { lr, weight_decay: wd } = opts;
  st.step += 1;
  if (opts.optimizer === 'sgd') {
    for (let k = 0; k < p.length; k++) p[k] -= lr * (grad[k] + wd * p[k]);
  } else if (opts.optimizer === 'momentum') {
    const mu = opts.momentum;
    for (let k = 0; k < p.length; k++) {
      st.m[k] = mu * st.m[k] + grad[k] + wd * p[k];
      p[k] -= lr * st.m[k];
    }
  } else {
    const b1 = 0.9;
    const b2 = 0.999;
    const c1 = 1 - b1 ** st.step;
    const c2 = 1 - b2 ** st.step;
    for (let k = 0; k < p.length; k++) {
      const g = grad[k] + wd * p[k];
      st.m[k] = b1 * st.m[k] + (1 - b1) * g;
      st.v[k] = b2 * st.v[k] + (1 - b2) * g * g;
      p[k] -= (lr * (st.m[k] / c1)) / (Math.sqrt(st.v[k] / c2) + 1e-8);
    }
  }
}

// ---------------------------------------------------------------- checkpoints
const CONFIG_KEYS = ['lr', 'batch_size', 'weight_decay', 'optimizer', 'momentum', 'hidden', 'seed'];

function configOf(opts) {
  const c = Object.fromEntries(CONFIG_KEYS.map((k) => [k, opts[k]]));
  if (opts.optimizer !== 'momentum') delete c.momentum;
  return c;
}

function saveCheckpoint(file, ckpt) {
  const tmp = `${file}.tmp-${process.pid}`;
  fs.writeFileSync(tmp, JSON.stringify(ckpt));
  fs.renameSync(tmp, file); // atomic: a kill mid-write never leaves a torn checkpoint
}

function loadCheckpoint(file, opts) {
  let ckpt;
  try {
    ckpt = JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch (err) {
    if (err.code === 'ENOENT') return null;
    process.stderr.write(`train.mjs: unreadable checkpoint ${file} (${err.message}); starting fresh\n`);
    return null;
  }
  if (JSON.stringify(ckpt.config) !== JSON.stringify(configOf(opts))) {
    process.stderr.write(`train.mjs: checkpoint ${file} is for another configuration; starting fresh\n`);
    return null;
  }
  return ckpt;
}

// ---------------------------------------------------------------- training
function fmt(x) {
  return Number.isFinite(x) ? x.toPrecision(6) : 'nan';
}

function main() {
  const opts = parseArgs(process.argv.slice(2));
  const data = makeData();
  const rng = new Rng(opts.seed * 0x9e3779b1 + 1);
  let params = initParams(opts.hidden, rng);
  let opt = newOptState(params.length);
  let epoch = 0;

  const dir = process.env.RUNG_TRIAL_DIR;
  const ckptFile = dir ? path.join(dir, 'checkpoint.json') : null;
  if (ckptFile && process.env.RUNG_RESUME === '1') {
    const ckpt = loadCheckpoint(ckptFile, opts);
    if (ckpt) {
      epoch = ckpt.epoch;
      params = Float64Array.from(ckpt.params);
      opt = { step: ckpt.opt.step, m: Float64Array.from(ckpt.opt.m), v: Float64Array.from(ckpt.opt.v) };
      rng.state = ckpt.rngState >>> 0;
      process.stderr.write(`train.mjs: resumed from ${ckptFile} at epoch ${epoch}\n`);
      if (epoch >= opts.epochs && ckpt.last) {
        // Already trained this far: report the last epoch again so the caller sees the metric.
        console.log(ckpt.last);
        return;
      }
    }
  }
  if (ckptFile) fs.mkdirSync(dir, { recursive: true });

  const order = Array.from({ length: data.train.n }, (_, s) => s);
  const grad = new Float64Array(params.length);
  for (epoch += 1; epoch <= opts.epochs; epoch++) {
    // Fisher-Yates shuffle of 0..n-1 with the seeded PRNG (so an epoch depends only on the PRNG
    // state, which the checkpoint keeps), then mini-batches.
    for (let s = 0; s < order.length; s++) order[s] = s;
    for (let s = order.length - 1; s > 0; s--) {
      const r = Math.floor(rng.next() * (s + 1));
      [order[s], order[r]] = [order[r], order[s]];
    }
    let trainTotal = 0;
    for (let start = 0; start < order.length; start += opts.batch_size) {
      const idx = order.slice(start, start + opts.batch_size);
      grad.fill(0);
      trainTotal += lossAndGrad(params, opts.hidden, data.train, idx, grad);
      applyUpdate(opts, params, grad, opt);
    }
    const trainLoss = trainTotal / data.train.n; // running mean over the epoch, as most loops print it
    const valLoss = meanSquaredError(params, opts.hidden, data.val);
    const line = `epoch=${epoch} train_loss=${fmt(trainLoss)} val_loss=${fmt(valLoss)}`;
    console.log(line);
    if (!Number.isFinite(valLoss) || !Number.isFinite(trainLoss)) {
      process.stderr.write(`train.mjs: diverged at epoch ${epoch} (loss is not finite; lr ${opts.lr} is too high)\n`);
      process.exitCode = 1;
      return;
    }
    if (ckptFile) {
      saveCheckpoint(ckptFile, {
        version: 1,
        config: configOf(opts),
        epoch,
        params: Array.from(params),
        opt: { step: opt.step, m: Array.from(opt.m), v: Array.from(opt.v) },
        rngState: rng.state,
        last: line,
      });
    }
  }
}

main();
