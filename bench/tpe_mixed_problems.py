"""
`npm run bench:tpe-mixed`: Rung's `tpe` at 100 trials against Optuna 3.1's default TPESampler at 100 trials on
conditional, categorical, integer and mixed search spaces that are NOT in the shared harness (../shared/bench has
two such problems, `classifier` and `intcat`), so that the TPE target ("median final regret over >= 10 seeds at
100 trials no worse than Optuna's TPE on at least 80 % of the problems") is also seen on spaces of that kind that
the TPE defaults were not chosen on.

The 12 problems are deterministic synthetic stand-ins for real tuning surfaces (validation errors of 0.05-0.5):
a model choice whose branches have 1 to 4 parameters, two-level nested conditions (model -> optimizer ->
optimizer options), a 16-way architecture choice with family structure, ints with step and log, an optimizer x
learning-rate interaction, boolean flags (one of them the parent of a condition), a mostly-categorical
preprocessing pipeline, a 10-D int space with coupled parameters, a noisy mixed training objective
(non-negative hash noise, so no observation lies below f_opt), a layer-count condition with per-layer widths,
LightGBM-like boosting types with their own options, and a small fully discrete space (336 configs). Each
problem's optimum is given with the point that attains it; `--check` searches each space (random draws plus
coordinate descent over every parameter) and confirms that nothing below f_opt is found.

Both engines are driven by the shared harness's own loop (benchlib/harness.py `run_one`, which validates every
proposed config against the space): Rung as `node <cli> ask-tell` over the JSON-lines protocol (hpo-jsonl/1, one
process per run), Optuna in-process with its default TPESampler(seed) through benchlib/engine_optuna.py, both
from the same space JSON (PROTOCOL.md's format, conditions included). `--methods` picks what runs: `tpe` (Rung
tpe, default options), `auto` (Rung's default sampler; the init's sampler options carry `trials`, as a study
file's `trials:` would) and `optuna` (Optuna's TPE).

    /usr/bin/python3 bench/tpe_mixed_problems.py [--cli dist/cli.js] [--seeds 10] [--first-seed 0] [--trials 100]
        [--problems a,b] [--methods tpe,auto,optuna] [--option 'tpe={"multivariate": false}'] [--jobs 2]
        [--bench-dir ../shared/bench] [--json out.json] [--check]

Needs Debian's python3-optuna for the Optuna side (`--methods tpe,auto` runs without it). Not a test: no
thresholds, nothing here runs in CI.
"""
import argparse
import itertools
import json
import math
import os
import random
import statistics
import sys
from concurrent.futures import ProcessPoolExecutor

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
DEFAULT_BENCH = os.path.join(os.path.dirname(REPO), 'shared', 'bench')


def _bench_dir():
    return os.environ.get('RUNG_SHARED_BENCH', DEFAULT_BENCH)


def _import_benchlib(bench_dir):
    if bench_dir not in sys.path:
        sys.path.insert(0, bench_dir)
    import benchlib.harness  # noqa: F401  (stdlib only: no Optuna needed for Rung's side)


# ------------------------------------------------------------------ helpers ----
def l10(x):
    return math.log10(x)


def l2(x):
    return math.log2(x)


def sat(q, scale=0.4):
    """A penalty that grows like q near the optimum and saturates at `scale` (a bad config is still a model)."""
    return scale * (1.0 - math.exp(-q / scale))


def cat(name, choices, **cond):
    return dict({'name': name, 'type': 'categorical', 'choices': list(choices)}, **_cond(cond))


def _numeric(kind, name, low, high, log, step, cond):
    p = {'name': name, 'type': kind, 'low': low, 'high': high}
    if log:
        p['log'] = True
    if step is not None:
        p['step'] = step
    return dict(p, **_cond(cond))


def flt(name, low, high, log=False, step=None, **cond):
    return _numeric('float', name, low, high, log, step, cond)


def integer(name, low, high, log=False, step=None, **cond):
    return _numeric('int', name, low, high, log, step, cond)


def _cond(cond):
    if not cond:
        return {}
    (parent, values), = cond.items()
    return {'condition': {'parent': parent, 'values': list(values)}}


# ----------------------------------------------------------------- problems ----
PROBLEMS = {}


def problem(name, space, f_opt, x_opt, description):
    def wrap(fn):
        PROBLEMS[name] = {'space': {'params': space}, 'fn': fn, 'f_opt': f_opt, 'x_opt': x_opt, 'description': description}
        return fn
    return wrap


# 1. Which model: branches with 1 (logreg, knn), 3 (svm) and 4 (gbm, mlp) parameters. The easy branches are
#    wide and mediocre; the best one (gbm) has a learning-rate x n_estimators ridge.
@problem('model_choice', [
    cat('model', ['logreg', 'knn', 'svm', 'gbm', 'mlp']),
    flt('logreg_C', 1e-4, 1e4, log=True, model=['logreg']),
    integer('knn_k', 1, 200, log=True, model=['knn']),
    flt('svm_C', 1e-3, 1e3, log=True, model=['svm']),
    flt('svm_gamma', 1e-5, 10.0, log=True, model=['svm']),
    cat('svm_kernel', ['rbf', 'linear', 'poly'], model=['svm']),
    integer('gbm_n_estimators', 10, 2000, log=True, model=['gbm']),
    flt('gbm_lr', 1e-3, 1.0, log=True, model=['gbm']),
    integer('gbm_max_depth', 1, 12, model=['gbm']),
    flt('gbm_subsample', 0.4, 1.0, step=0.05, model=['gbm']),
    flt('mlp_lr', 1e-5, 1e-1, log=True, model=['mlp']),
    integer('mlp_width', 16, 1024, log=True, model=['mlp']),
    integer('mlp_layers', 1, 6, model=['mlp']),
    flt('mlp_dropout', 0.0, 0.6, model=['mlp']),
], 0.055, {'model': 'gbm', 'gbm_n_estimators': 500, 'gbm_lr': 10 ** 1.7 / 500, 'gbm_max_depth': 5, 'gbm_subsample': 0.75},
    'model choice; branches of 1, 3 and 4 params; best branch gbm (lr x n_estimators ridge), knn/logreg easy traps')
def model_choice(p):
    m = p['model']
    if m == 'logreg':
        return 0.12 + sat(0.004 * (l10(p['logreg_C']) - 0.5) ** 2)
    if m == 'knn':
        return 0.10 + sat(0.01 * (l2(p['knn_k']) - 4) ** 2)
    if m == 'svm':
        u, v = l10(p['svm_C']), l10(p['svm_gamma'])
        k = p['svm_kernel']
        if k == 'linear':
            return 0.11 + sat(0.004 * u * u)
        if k == 'poly':
            return 0.09 + sat(0.02 * (u - 1) ** 2 + 0.02 * (v + 2) ** 2)
        a, b = u - 1, v + 2.5
        return 0.075 + sat(0.02 * a * a + 0.02 * b * b + 0.015 * a * b)
    if m == 'gbm':
        t = l10(p['gbm_n_estimators']) + l10(p['gbm_lr']) - 1.7
        q = (0.03 if t < 0 else 0.012) * t * t + 0.003 * (p['gbm_max_depth'] - 5) ** 2 + 0.3 * (p['gbm_subsample'] - 0.75) ** 2
        return 0.055 + sat(q)
    layers = p['mlp_layers']
    q = (0.03 * (l10(p['mlp_lr']) + 3.2) ** 2 + 0.006 * (l2(p['mlp_width']) - 8) ** 2 + 0.004 * (layers - 3) ** 2
         + 0.2 * (p['mlp_dropout'] - 0.2 - 0.05 * (layers - 3)) ** 2)
    return 0.058 + sat(q)


# 2. Two-level nested conditions: model -> optimizer -> the optimizer's own options (a boolean among them).
@problem('nested_optimizer', [
    cat('model', ['tree', 'nn']),
    integer('tree_depth', 1, 20, model=['tree']),
    integer('tree_min_leaf', 1, 128, log=True, model=['tree']),
    flt('nn_lr', 1e-5, 1.0, log=True, model=['nn']),
    cat('nn_batch', [16, 32, 64, 128, 256], model=['nn']),
    cat('nn_optimizer', ['sgd', 'adam', 'rmsprop'], model=['nn']),
    flt('sgd_momentum', 0.0, 0.99, nn_optimizer=['sgd']),
    cat('sgd_nesterov', [True, False], nn_optimizer=['sgd']),
    flt('adam_beta1', 0.5, 0.999, nn_optimizer=['adam']),
    flt('adam_eps', 1e-10, 1e-4, log=True, nn_optimizer=['adam']),
    flt('rms_rho', 0.8, 0.999, nn_optimizer=['rmsprop']),
], 0.07, {'model': 'nn', 'nn_lr': 1e-3, 'nn_batch': 64, 'nn_optimizer': 'adam', 'adam_beta1': 0.9, 'adam_eps': 1e-8},
    'two-level nested conditions (model -> optimizer -> options); sgd has an lr x momentum ridge')
def nested_optimizer(p):
    if p['model'] == 'tree':
        return 0.15 + sat(0.002 * (p['tree_depth'] - 8) ** 2 + 0.005 * (l2(p['tree_min_leaf']) - 3) ** 2)
    a = l10(p['nn_lr'])
    q = 0.0015 * (l2(p['nn_batch']) - 6) ** 2
    o = p['nn_optimizer']
    if o == 'sgd':
        m = p['sgd_momentum']
        e = a - l10(1 - m)          # effective step size lr / (1 - momentum)
        base = 0.08 if p['sgd_nesterov'] else 0.085
        q += 0.03 * (e + 0.5) ** 2 + 0.05 * max(0.0, 0.85 - m) ** 2
    elif o == 'adam':
        base = 0.07
        q += 0.03 * (a + 3) ** 2 + 0.2 * (p['adam_beta1'] - 0.9) ** 2 + 0.002 * (l10(p['adam_eps']) + 8) ** 2
    else:
        base = 0.078
        q += 0.03 * (a + 3.5) ** 2 + 0.5 * (p['rms_rho'] - 0.95) ** 2
    return base + sat(q)


# 3. A 16-way categorical with structure: four families x four sizes; each family has its own best learning
#    rate and weight decay, and the number of epochs it needs grows with the size.
ARCHS = [f'{fam}_{size}' for fam in ('resnet', 'vgg', 'effnet', 'vit') for size in ('s', 'm', 'l', 'xl')]
ARCH_BASE = {'resnet_s': 0.09, 'resnet_m': 0.08, 'resnet_l': 0.075, 'resnet_xl': 0.078,
             'vgg_s': 0.12, 'vgg_m': 0.115, 'vgg_l': 0.11, 'vgg_xl': 0.112,
             'effnet_s': 0.085, 'effnet_m': 0.072, 'effnet_l': 0.068, 'effnet_xl': 0.07,
             'vit_s': 0.14, 'vit_m': 0.1, 'vit_l': 0.09, 'vit_xl': 0.095}
FAM_LR = {'resnet': -1.0, 'vgg': -2.0, 'effnet': -2.5, 'vit': -3.5}
FAM_WD = {'resnet': -4.0, 'vgg': -3.5, 'effnet': -5.0, 'vit': -1.5}
AUG = {'none': 0.02, 'flip': 0.01, 'randaug': 0.0, 'autoaug': 0.002}


@problem('arch16', [
    cat('arch', ARCHS),
    flt('lr', 1e-5, 1.0, log=True),
    flt('weight_decay', 1e-6, 1e-1, log=True),
    integer('epochs', 10, 200, step=10),
    cat('augment', ['none', 'flip', 'randaug', 'autoaug']),
], 0.068, {'arch': 'effnet_l', 'lr': 10 ** -2.5, 'weight_decay': 1e-5, 'epochs': 120, 'augment': 'randaug'},
    '16 architectures (4 families x 4 sizes) whose best lr / weight decay / epochs depend on the family and size')
def arch16(p):
    fam, size = p['arch'].split('_')
    k = ('s', 'm', 'l', 'xl').index(size)
    aug = AUG[p['augment']] * (2.0 if fam == 'vit' else 1.0)   # transformers need augmentation more
    q = (0.03 * (l10(p['lr']) - FAM_LR[fam]) ** 2 + 0.004 * (l10(p['weight_decay']) - FAM_WD[fam]) ** 2
         + 1e-6 * (p['epochs'] - (60 + 30 * k)) ** 2)
    return ARCH_BASE[p['arch']] + aug + sat(q)


# 4. Integers only, with steps and log scales; hidden width's best value depends on the depth, min_samples' on
#    num_leaves.
@problem('int_steplog', [
    integer('batch_size', 8, 1024, log=True),
    integer('hidden', 32, 1024, step=32),
    integer('n_layers', 1, 8),
    integer('epochs', 10, 300, step=10),
    integer('num_leaves', 2, 1024, log=True),
    integer('min_samples', 1, 200, log=True),
    integer('max_bin', 16, 512, step=16),
], 0.1, {'batch_size': 48, 'hidden': 320, 'n_layers': 4, 'epochs': 150, 'num_leaves': 64, 'min_samples': 8, 'max_bin': 208},
    '7 ints (3 log, 3 stepped); hidden x n_layers and min_samples x num_leaves interactions')
def int_steplog(p):
    L = p['n_layers']
    q = (0.004 * (l2(p['batch_size']) - l2(48)) ** 2
         + 0.02 * (l2(p['hidden']) - l2(64 * (L + 1))) ** 2 + 0.002 * (L - 4) ** 2
         + 1e-5 * (p['epochs'] - 150) ** 2
         + 0.003 * (l2(p['num_leaves']) - 6) ** 2 + 0.006 * (l2(p['min_samples']) + 0.5 * l2(p['num_leaves']) - 6) ** 2
         + 0.0003 * ((p['max_bin'] - 208) / 16) ** 2)
    return 0.1 + sat(q)


# 5. The optimizer shifts the best learning rate (and weight decay) by orders of magnitude; the batch size
#    shifts it again (linear scaling for SGD-like optimizers, square-root for adaptive ones).
OPT_BASE = {'sgd': 0.11, 'momentum': 0.095, 'nesterov': 0.093, 'adam': 0.092, 'adamw': 0.088,
            'rmsprop': 0.1, 'adagrad': 0.12, 'lamb': 0.09}
OPT_LR = {'sgd': -0.7, 'momentum': -1.5, 'nesterov': -1.5, 'adam': -3.2, 'adamw': -3.0,
          'rmsprop': -3.6, 'adagrad': -1.8, 'lamb': -2.2}
OPT_WD = {'sgd': -4.0, 'momentum': -4.0, 'nesterov': -4.0, 'adam': -5.5, 'adamw': -2.0,
          'rmsprop': -4.5, 'adagrad': -4.5, 'lamb': -2.5}


@problem('optimizer_lr', [
    cat('optimizer', list(OPT_BASE)),
    flt('lr', 1e-6, 1.0, log=True),
    cat('batch_size', [16, 32, 64, 128, 256, 512, 1024]),
    flt('weight_decay', 1e-7, 1e-1, log=True),
    flt('warmup_frac', 0.0, 0.3),
], 0.088, {'optimizer': 'adamw', 'lr': 1e-3, 'batch_size': 128, 'weight_decay': 1e-2, 'warmup_frac': 0.1},
    '8 optimizers whose best lr / weight decay differ by orders of magnitude; batch size shifts the best lr')
def optimizer_lr(p):
    o = p['optimizer']
    adaptive = o in ('adam', 'adamw', 'rmsprop', 'adagrad', 'lamb')
    shift = (0.5 if adaptive else 1.0) * l10(p['batch_size'] / 128)
    q = (0.05 * (l10(p['lr']) - OPT_LR[o] - shift) ** 2 + 0.004 * (l10(p['weight_decay']) - OPT_WD[o]) ** 2
         + 0.003 * (l2(p['batch_size']) - 7) ** 2 + 0.2 * (p['warmup_frac'] - (0.1 if adaptive else 0.0)) ** 2)
    return OPT_BASE[o] + sat(q)


# 6. Boolean flags with interactions (mixup helps only with augmentation, warmup only with a cosine schedule),
#    one flag the parent of a condition (dropout rate only when dropout is on), and batch norm moving the best lr.
@problem('bool_flags', [
    cat('batchnorm', [True, False]),
    cat('use_dropout', [True, False]),
    flt('dropout', 0.05, 0.6, use_dropout=[True]),
    cat('augment', [True, False]),
    cat('mixup', [True, False]),
    cat('label_smoothing', [True, False]),
    cat('cosine', [True, False]),
    cat('warmup', [True, False]),
    cat('ema', [True, False]),
    cat('bias_decay', [True, False]),
    flt('lr', 1e-4, 1e-1, log=True),
], 0.2 - 0.02 - 0.01 - 0.015 - 0.01 - 0.004 - 0.006 - 0.003 - 0.002,
    {'batchnorm': True, 'use_dropout': True, 'dropout': 0.3, 'augment': True, 'mixup': True, 'label_smoothing': True,
     'cosine': True, 'warmup': True, 'ema': True, 'bias_decay': False, 'lr': 10 ** -1.3},
    '9 booleans with interactions, one the parent of a condition; batch norm moves the best lr')
def bool_flags(p):
    f = 0.2
    f -= 0.02 if p['batchnorm'] else 0.0
    if p['use_dropout']:
        f += -0.01 + 0.1 * (p['dropout'] - 0.3) ** 2
    f -= 0.015 if p['augment'] else 0.0
    f += (-0.01 if p['augment'] else 0.005) if p['mixup'] else 0.0
    f -= 0.004 if p['label_smoothing'] else 0.0
    f -= 0.006 if p['cosine'] else 0.0
    f += (-0.003 if p['cosine'] else 0.002) if p['warmup'] else 0.0
    f -= 0.002 if p['ema'] else 0.0
    f += 0.003 if p['bias_decay'] else 0.0
    a_star = -2.0 + (0.7 if p['batchnorm'] else 0.0)
    return f + sat(0.03 * (l10(p['lr']) - a_star) ** 2)


# 7. Mostly categorical: a tabular preprocessing pipeline whose choices interact with the model (scaling matters
#    only for logistic regression, target encoding suits trees, ...); n_features is active with a selector.
IMPUTER = {'mean': 0.004, 'median': 0.002, 'most_frequent': 0.009, 'knn': 0.0}
SCALER = {'logreg': {'none': 0.05, 'standard': 0.004, 'minmax': 0.008, 'robust': 0.002, 'quantile': 0.0},
          'rf': {'none': 0.0, 'standard': 0.0, 'minmax': 0.0, 'robust': 0.0, 'quantile': 0.001},
          'gbm': {'none': 0.0, 'standard': 0.0, 'minmax': 0.0, 'robust': 0.0, 'quantile': 0.002}}
ENCODER = {'logreg': {'onehot': 0.0, 'ordinal': 0.03, 'target': 0.006, 'hashing': 0.012},
           'rf': {'onehot': 0.01, 'ordinal': 0.003, 'target': 0.0, 'hashing': 0.008},
           'gbm': {'onehot': 0.008, 'ordinal': 0.002, 'target': 0.0, 'hashing': 0.006}}
SELECTOR = {'logreg': {'none': 0.01, 'kbest': 0.004, 'l1': 0.0, 'tree': 0.003},
            'rf': {'none': 0.0, 'kbest': 0.006, 'l1': 0.008, 'tree': 0.003},
            'gbm': {'none': 0.002, 'kbest': 0.005, 'l1': 0.006, 'tree': 0.0}}
BALANCE = {'logreg': {'none': 0.02, 'smote': 0.006, 'undersample': 0.012, 'class_weight': 0.0},
           'rf': {'none': 0.015, 'smote': 0.004, 'undersample': 0.01, 'class_weight': 0.0},
           'gbm': {'none': 0.012, 'smote': 0.0, 'undersample': 0.009, 'class_weight': 0.002}}
NFEAT = {'10': 0.02, '20': 0.008, '50': 0.0, '100': 0.003, 'all': 0.006}
MODEL_BASE = {'logreg': 0.15, 'rf': 0.135, 'gbm': 0.128}


@problem('pipeline_cat', [
    cat('imputer', list(IMPUTER)),
    cat('scaler', ['none', 'standard', 'minmax', 'robust', 'quantile']),
    cat('encoder', ['onehot', 'ordinal', 'target', 'hashing']),
    cat('selector', ['none', 'kbest', 'l1', 'tree']),
    cat('n_features', list(NFEAT), selector=['kbest', 'l1', 'tree']),
    cat('balancing', ['none', 'smote', 'undersample', 'class_weight']),
    cat('model', list(MODEL_BASE)),
    flt('logreg_C', 1e-3, 1e3, log=True, model=['logreg']),
    integer('tree_depth', 2, 16, model=['rf', 'gbm']),
], 0.128, {'imputer': 'knn', 'scaler': 'standard', 'encoder': 'target', 'selector': 'tree', 'n_features': '50',
           'balancing': 'smote', 'model': 'gbm', 'tree_depth': 6},
    'mostly categorical preprocessing pipeline (7 categoricals, 3840+ combos) with model interactions')
def pipeline_cat(p):
    m = p['model']
    sel = p['selector']
    f = (MODEL_BASE[m] + IMPUTER[p['imputer']] + SCALER[m][p['scaler']] + ENCODER[m][p['encoder']]
         + SELECTOR[m][sel] + BALANCE[m][p['balancing']])
    if sel != 'none':
        f += NFEAT[p['n_features']] * (0.5 if m != 'logreg' else 1.0)
    if m == 'logreg':
        f += sat(0.004 * (l10(p['logreg_C']) - 0.5) ** 2)
    else:
        f += sat(0.001 * (p['tree_depth'] - (6 if m == 'gbm' else 12)) ** 2)
    return f


# 8. Ten integers (log, stepped and plain) of a boosted-trees-like model, coupled in pairs (depth with leaves,
#    rounds with early stopping, ...): a sum of squares in the encoded coordinates, 0 at the optimum.
INT10 = [  # name, low, high, log, step, optimum
    ('n_estimators', 10, 5000, True, None, 800),
    ('max_depth', 1, 16, False, None, 7),
    ('min_child_weight', 1, 256, True, None, 6),
    ('max_leaves', 8, 512, False, 8, 96),
    ('max_bin', 16, 1024, True, None, 200),
    ('early_stopping', 5, 200, False, 5, 50),
    ('num_parallel_tree', 1, 10, False, None, 3),
    ('max_cat_to_onehot', 1, 64, True, None, 4),
    ('interaction_depth', 1, 5, False, None, 2),
    ('min_split_gain_x100', 0, 100, False, None, 10),
]


def _unit(v, lo, hi, log):
    return (math.log(v) - math.log(lo)) / (math.log(hi) - math.log(lo)) if log else (v - lo) / (hi - lo)


INT10_W = [1.2, 0.8, 0.6, 0.7, 0.4, 0.5, 0.6, 0.3, 0.5, 0.4]
INT10_PAIRS = [(0, 5, 1.0, -1), (1, 3, 1.5, -1), (2, 9, 0.6, +1), (4, 7, 0.4, -1), (6, 0, 0.5, +1), (8, 1, 0.6, -1)]


@problem('int10', [integer(n, lo, hi, log=log, step=step) for n, lo, hi, log, step, _ in INT10], 0.1,
         {n: opt for n, _, _, _, _, opt in INT10},
         '10 ints (3 log, 2 stepped) coupled in pairs: a sum of squares in the unit encoding')
def int10(p):
    z = [_unit(p[n], lo, hi, log) - _unit(opt, lo, hi, log) for n, lo, hi, log, _, opt in INT10]
    q = sum(w * zi * zi for w, zi in zip(INT10_W, z))
    q += sum(c * (z[i] + s * z[j]) ** 2 for i, j, c, s in INT10_PAIRS)
    return 0.1 + sat(0.5 * q)


# 9. A noisy mixed training objective: the mean is a smooth function of optimizer, lr, batch size, dropout,
#    weight decay, augmentation and label smoothing; the noise is 0.01·|N| from the shared harness's hash noise
#    (SPEC.md §0), so every observation lies at or above the mean and f_opt is the mean's minimum.
NOISY_SALT = 0x7E5A0001


@problem('noisy_train', [
    cat('optimizer', ['sgd', 'adam', 'adamw']),
    flt('lr', 1e-5, 1.0, log=True),
    integer('batch_size', 16, 512, log=True),
    flt('dropout', 0.0, 0.7),
    flt('weight_decay', 1e-6, 1e-2, log=True),
    cat('augment', [True, False]),
    flt('label_smoothing', 0.0, 0.3, step=0.05),
], 0.08, {'optimizer': 'sgd', 'lr': 10 ** -1.1, 'batch_size': 128, 'dropout': 0.3, 'weight_decay': 1e-4, 'augment': True,
          'label_smoothing': 0.1},
    'noisy mixed training objective (non-negative hash noise, sd-scale 0.01)')
def noisy_train_mean(p):
    o = p['optimizer']
    b = l2(p['batch_size'])
    a_star = {'sgd': -1.1, 'adam': -3.0, 'adamw': -2.8}[o] + 0.3 * (b - 7) / 3.3219
    wn = (l10(p['weight_decay']) + 6) / 4
    r = 0.6 * wn + 0.4 * p['dropout'] / 0.7
    r_star = {'sgd': 0.3 + 0.4 * 0.3 / 0.7, 'adam': 0.3, 'adamw': 0.55}[o]
    base = {'sgd': 0.08, 'adam': 0.09, 'adamw': 0.085}[o] + (0.0 if p['augment'] else 0.012)
    q = (0.06 * (l10(p['lr']) - a_star) ** 2 + 0.004 * (b - 7) ** 2 + 0.15 * (r - r_star) ** 2
         + 0.2 * (p['label_smoothing'] - (0.1 if p['augment'] else 0.05)) ** 2)
    return base + sat(q)


def noisy_train(p):
    from benchlib import hashnoise
    from benchlib.space import hash_key
    h = hashnoise.hash_values(NOISY_SALT, hash_key(PROBLEMS['noisy_train']['space'], p))
    return noisy_train_mean(p) + 0.01 * abs(hashnoise.normal_ih4(h))


PROBLEMS['noisy_train']['fn'] = noisy_train
PROBLEMS['noisy_train']['mean'] = noisy_train_mean


# 10. Define-by-run layer widths: n_layers (a categorical of numbers) enables units_1..units_5; the best widths
#     form a funnel that depends on the depth, and deeper nets want a smaller lr and more dropout.
LAYERS_BASE = {1: 0.12, 2: 0.09, 3: 0.075, 4: 0.078, 5: 0.085}
ACT = {'relu': 0.0, 'gelu': -0.003, 'tanh': 0.01, 'selu': 0.004}


@problem('layers_cond', [
    cat('n_layers', [1, 2, 3, 4, 5]),
    *[integer(f'units_{i}', 8, 1024, log=True, n_layers=list(range(i, 6))) for i in range(1, 6)],
    cat('activation', list(ACT)),
    flt('lr', 1e-5, 1e-1, log=True),
    flt('dropout', 0.0, 0.5),
], 0.072, {'n_layers': 3, 'units_1': 512, 'units_2': 256, 'units_3': 128, 'activation': 'gelu', 'lr': 1e-3, 'dropout': 0.2},
    'n_layers (categorical of numbers) enables per-layer widths (int log); funnel optimum depends on depth')
def layers_cond(p):
    L = p['n_layers']
    q = sum(0.003 * (l2(p[f'units_{i}']) - (10 - i + (1 if L <= 2 else 0))) ** 2 for i in range(1, L + 1))
    q += 0.03 * (l10(p['lr']) + 3 + 0.25 * (L - 3)) ** 2 + 0.15 * (p['dropout'] - 0.05 * L - 0.05) ** 2
    return LAYERS_BASE[L] + ACT[p['activation']] + sat(q)


# 11. LightGBM-like: three boosting types, each with its own options, over shared parameters with a learning
#     rate x rounds ridge whose position depends on the boosting type, and leaves x min_data coupling.
@problem('lgbm_boosting', [
    cat('boosting', ['gbdt', 'dart', 'goss']),
    integer('num_leaves', 4, 1024, log=True),
    flt('learning_rate', 1e-3, 0.5, log=True),
    integer('n_rounds', 50, 3000, log=True),
    flt('feature_fraction', 0.3, 1.0, step=0.1),
    integer('min_data_in_leaf', 1, 500, log=True),
    flt('lambda_l2', 1e-8, 10.0, log=True),
    flt('bagging_fraction', 0.4, 1.0, step=0.05, boosting=['gbdt']),
    integer('bagging_freq', 0, 10, boosting=['gbdt']),
    flt('drop_rate', 0.01, 0.5, log=True, boosting=['dart']),
    flt('skip_drop', 0.0, 0.9, boosting=['dart']),
    flt('top_rate', 0.05, 0.5, boosting=['goss']),
    flt('other_rate', 0.05, 0.5, boosting=['goss']),
], 0.082, {'boosting': 'dart', 'num_leaves': 32, 'learning_rate': 10 ** 1.2 / 400, 'n_rounds': 400, 'feature_fraction': 0.7,
           'min_data_in_leaf': 16, 'lambda_l2': 1e-2, 'drop_rate': 0.1, 'skip_drop': 0.5},
    'boosting types with their own options (conditional) over 6 shared params; lr x rounds ridge per type')
def lgbm_boosting(p):
    bt = p['boosting']
    t = l10(p['learning_rate']) + l10(p['n_rounds']) - {'gbdt': 1.6, 'dart': 1.2, 'goss': 1.5}[bt]
    q = ((0.03 if t < 0 else 0.015) * t * t + 0.004 * (l2(p['num_leaves']) - 5) ** 2
         + 0.004 * (l2(p['num_leaves']) - 5 + 0.5 * (l2(p['min_data_in_leaf']) - 4)) ** 2
         + 0.1 * (p['feature_fraction'] - 0.7) ** 2 + 0.001 * (l10(p['lambda_l2']) + 2) ** 2)
    if bt == 'gbdt':
        base = 0.085
        q += 0.004 if p['bagging_freq'] == 0 else 0.2 * (p['bagging_fraction'] - 0.8) ** 2 + 0.0005 * (p['bagging_freq'] - 5) ** 2
    elif bt == 'dart':
        base = 0.082
        q += 0.05 * (l10(p['drop_rate']) + 1) ** 2 + 0.05 * (p['skip_drop'] - 0.5) ** 2
    else:
        base = 0.088
        q += 0.3 * (p['top_rate'] - 0.2) ** 2 + 0.3 * (p['other_rate'] - 0.1) ** 2
    return base + sat(q)


# 12. A small fully discrete space (336 configs): the lr as a categorical of numbers, as many scripts write it.
LRS = [1e-4, 3e-4, 1e-3, 3e-3, 1e-2, 3e-2, 1e-1]


@problem('small_discrete', [
    cat('optimizer', ['sgd', 'adam', 'rmsprop']),
    cat('lr', LRS),
    cat('batch_size', [32, 64, 128, 256]),
    integer('n_layers', 1, 4),
], None, None, 'fully discrete, 3 x 7 x 4 x 4 = 336 configs; lr a categorical of numbers whose best depends on the optimizer')
def small_discrete(p):
    o = p['optimizer']
    a_star = {'sgd': -1.2, 'adam': -3.1, 'rmsprop': -3.4}[o] + 0.25 * (l2(p['batch_size']) - 7)
    base = {'sgd': 0.092, 'adam': 0.09, 'rmsprop': 0.094}[o]
    return base + sat(0.04 * (l10(p['lr']) - a_star) ** 2 + 0.004 * (p['n_layers'] - 3) ** 2 + 0.002 * (l2(p['batch_size']) - 6.5) ** 2)


def _enumerate(space):
    """Every config of a small fully discrete space (ints enumerated, categoricals by choice)."""
    params = space['params']
    values = [p['choices'] if p['type'] == 'categorical' else list(range(p['low'], p['high'] + 1, p.get('step', 1))) for p in params]
    for combo in itertools.product(*values):
        yield {p['name']: v for p, v in zip(params, combo)}


def _finish_small_discrete():
    entry = PROBLEMS['small_discrete']
    best = min(_enumerate(entry['space']), key=small_discrete)
    entry['f_opt'], entry['x_opt'] = small_discrete(best), best


_finish_small_discrete()


# ------------------------------------------------------------------ running ----
def make_problem(name):
    from benchlib.problems import Synthetic
    e = PROBLEMS[name]
    return Synthetic(name, e['space'], e['fn'], e['f_opt'], e['x_opt'], 100, e['description'], tags=('mixed',))


def run_one(task):
    bench_dir, cli, label, name, seed, trials, options = task
    _import_benchlib(bench_dir)
    from benchlib.harness import run_one as harness_run
    problem = make_problem(name)
    if label == 'optuna':
        from benchlib.engine_optuna import OptunaEngine
        engine, method = OptunaEngine('tpe'), 'tpe'
    else:
        from benchlib.engine_external import ExternalEngine
        method = 'tpe' if label == 'tpe' else 'default'
        opts = dict(options)
        if label == 'auto':
            # A study file's `trials:` reaches `auto` as its `trials` option; ask-tell's init does not pass it.
            opts = {'sampler': dict({'trials': trials}, **opts.get('sampler', {}))}
        engine = ExternalEngine(['node', cli, 'ask-tell'], method=method, options=opts)
    res = harness_run(problem, engine, seed, trials, label, method, record_params=True)
    fin = res['final']
    out = {'label': label, 'problem': name, 'seed': seed, 'regret': fin['regret'], 'n_invalid': fin['n_invalid'],
           'n_trials': fin['n_trials'], 'engine_s': fin['engine_s'], 'stop_reason': fin['stop_reason']}
    if 'mean' in PROBLEMS[name]:
        # Noisy problem: also the noise-free value of the incumbent (best observed config).
        best = min((t for t in res['trials'] if t['state'] == 'complete'), key=lambda t: t['value'], default=None)
        out['incumbent_mean_regret'] = None if best is None else PROBLEMS[name]['mean'](best['params']) - PROBLEMS[name]['f_opt']
    distinct = {json.dumps(t['params'], sort_keys=True) for t in res['trials'] if t['state'] == 'complete'}
    out['distinct'] = len(distinct)
    return out


def check_problems(names, draws=20000, seed=0):
    """Confirms each f_opt: x_opt attains it, and random draws + coordinate descent find nothing lower."""
    from benchlib.space import check_assignment, validate_space
    rng = random.Random(seed)

    def draw_param(p):
        if p['type'] == 'categorical':
            return rng.choice(p['choices'])
        lo, hi = p['low'], p['high']
        if p['type'] == 'int':
            if p.get('log'):
                return min(hi, max(lo, int(round(math.exp(rng.uniform(math.log(lo - 0.4999), math.log(hi + 0.4999)))))))
            return lo + p.get('step', 1) * rng.randrange((hi - lo) // p.get('step', 1) + 1)
        if p.get('step'):
            return lo + p['step'] * rng.randrange(int(round((hi - lo) / p['step'])) + 1)
        return math.exp(rng.uniform(math.log(lo), math.log(hi))) if p.get('log') else rng.uniform(lo, hi)

    def values_of(p):
        if p['type'] == 'categorical':
            return list(p['choices'])
        lo, hi = p['low'], p['high']
        if p['type'] == 'int':
            return list(range(lo, hi + 1, p.get('step', 1)))
        if p.get('step'):
            return [lo + k * p['step'] for k in range(int(round((hi - lo) / p['step'])) + 1)]
        if p.get('log'):
            return [math.exp(math.log(lo) + (math.log(hi) - math.log(lo)) * k / 400) for k in range(401)]
        return [lo + (hi - lo) * k / 400 for k in range(401)]

    def complete(space, cfg):
        """Drops inactive params and draws newly active ones."""
        out = {}
        for p in space['params']:
            c = p.get('condition')
            if c and not (c['parent'] in out and out[c['parent']] in c['values']):
                continue
            out[p['name']] = cfg[p['name']] if p['name'] in cfg else draw_param(p)
        return out

    ok_all = True
    for name in names:
        e = PROBLEMS[name]
        space, f = e['space'], e.get('mean', e['fn'])
        validate_space(space)
        errs = check_assignment(space, e['x_opt'])
        at_opt = f(e['x_opt'])
        samples = sorted(((f(c), i, c) for i, c in enumerate(complete(space, {}) for _ in range(draws))), key=lambda t: t[:2])
        best = samples[0][0]
        for _, _, start in samples[:10]:
            cfg, val = dict(start), f(start)
            for _round in range(6):
                improved = False
                for p in space['params']:
                    if p['name'] not in cfg:
                        continue
                    for v in values_of(p):
                        cand = complete(space, dict(cfg, **{p['name']: v}))
                        fv = f(cand)
                        if fv < val - 1e-15:
                            cfg, val, improved = cand, fv, True
                if not improved:
                    break
            best = min(best, val)
        ok = not errs and abs(at_opt - e['f_opt']) < 1e-9 and best >= e['f_opt'] - 1e-9
        ok_all &= ok
        print(f'{name}: f_opt {e["f_opt"]:.6g}, f(x_opt) {at_opt:.6g}{" " + str(errs) if errs else ""}, '
              f'best found by search {best:.6g} -> {"ok" if ok else "MISMATCH"}')
    return ok_all


def fmt(v):
    return '—' if v is None else f'{v:.3g}'


def main():
    parser = argparse.ArgumentParser(description=__doc__.split('\n\n')[0])
    parser.add_argument('--cli', default='dist/cli.js')
    parser.add_argument('--seeds', type=int, default=10)
    parser.add_argument('--first-seed', type=int, default=0, help='seeds first-seed .. first-seed + seeds - 1')
    parser.add_argument('--trials', type=int, default=100)
    parser.add_argument('--problems', help=f'comma-separated (default all: {", ".join(PROBLEMS)})')
    parser.add_argument('--methods', default='tpe,auto,optuna', help='comma-separated of tpe, auto, optuna')
    parser.add_argument('--option', action='append', default=[],
                        help="LABEL=JSON sampler options for Rung's tpe or auto, e.g. 'tpe={\"multivariate\": false}'")
    parser.add_argument('--jobs', type=int, default=2)
    parser.add_argument('--bench-dir', default=_bench_dir(), help='the shared harness (its benchlib is imported)')
    parser.add_argument('--json', help='write every run\'s result here')
    parser.add_argument('--check', action='store_true', help='verify each problem\'s f_opt by search and exit')
    args = parser.parse_args()
    bench_dir = os.path.abspath(args.bench_dir)
    if not os.path.isdir(os.path.join(bench_dir, 'benchlib')):
        parser.error(f'no benchlib under {bench_dir} (the shared harness; set --bench-dir or RUNG_SHARED_BENCH)')
    _import_benchlib(bench_dir)
    names = [n for n in (args.problems or ','.join(PROBLEMS)).split(',') if n]
    unknown = [n for n in names if n not in PROBLEMS]
    if unknown:
        parser.error(f'unknown problems {unknown}; known: {", ".join(PROBLEMS)}')
    if args.check:
        sys.exit(0 if check_problems(names) else 1)
    methods = [m for m in args.methods.split(',') if m]
    bad = [m for m in methods if m not in ('tpe', 'auto', 'optuna')]
    if bad:
        parser.error(f'unknown methods {bad}')
    options = {}
    for o in args.option:
        label, _, text = o.partition('=')
        options[label] = {'sampler': json.loads(text)}
    cli = os.path.abspath(args.cli)
    tasks = [(bench_dir, cli, m, n, s, args.trials, options.get(m, {})) for m in methods for n in names for s in range(args.first_seed, args.first_seed + args.seeds)]
    with ProcessPoolExecutor(args.jobs) as pool:
        results = list(pool.map(run_one, tasks))
    if args.json:
        with open(args.json, 'w') as fh:
            json.dump(results, fh, indent=1)

    def med(label, name, key='regret'):
        vals = [r[key] for r in results if r['label'] == label and r['problem'] == name and r.get(key) is not None]
        return statistics.median(vals) if vals else None

    rung = [m for m in methods if m != 'optuna']
    head = ' | '.join(f'Rung {m} @{args.trials}' for m in rung)
    has_optuna = 'optuna' in methods
    cols = f'| problem | {head} |' + (f' Optuna tpe @{args.trials} | ' + ' | '.join(f'{m} ≤ Optuna' for m in rung) + ' |' if has_optuna else '')
    print(cols)
    print('|' + '---|' * (cols.count('|') - 1))
    met = {m: 0 for m in rung}
    for name in names:
        cells = [fmt(med(m, name)) for m in rung]
        line = f'| {name} | ' + ' | '.join(cells) + ' |'
        if has_optuna:
            o = med('optuna', name)
            line += f' {fmt(o)} |'
            for m in rung:
                g = med(m, name)
                ok = g is not None and o is not None and g <= o
                met[m] += ok
                line += f' {"yes" if ok else "no"} ({g / o:.2g}) |' if o else (' yes |' if ok else ' no |')
        print(line)
    invalid = sum(r['n_invalid'] for r in results)
    print(f'\n{args.seeds} seeds, {args.trials} trials; invalid configs proposed: {invalid}')
    if has_optuna:
        for m in rung:
            print(f'Rung {m} no worse than Optuna on {met[m]} of {len(names)} problems')
    if 'noisy_train' in names:
        print('noisy_train, noise-free regret of the incumbent: ' + ', '.join(
            f'{m} {fmt(med(m, "noisy_train", "incumbent_mean_regret"))}' for m in methods))


if __name__ == '__main__':
    main()
