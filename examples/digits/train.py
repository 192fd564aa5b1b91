#!/usr/bin/env python3
"""Rung example: a scikit-learn MLPClassifier on the 8x8 digits data set, trained epoch by epoch.

    python3 train.py --lr=0.001 --hidden=64 --layers=2 --optimizer=adam --epochs 15

The digits data ship with scikit-learn (no download). A fixed stratified 75/25 split is standardized
with the training split's statistics; every epoch is one `partial_fit` pass over the shuffled training
split, after which the script prints (flushed)

    epoch=N train_loss=... val_loss=... val_acc=...

where val_loss is the log loss on the validation split and train_loss is the model's own training loss
(cross-entropy plus the L2 penalty). A run whose weights become non-finite prints `val_loss=nan` and
exits with status 1.

Checkpoints: when RUNG_TRIAL_DIR is set, `$RUNG_TRIAL_DIR/checkpoint.pkl` (a pickle of the model, which
holds the optimizer state, and the epoch) is written after every epoch. With RUNG_RESUME=1 and a
checkpoint of the same configuration, training continues from the next epoch; the epoch shuffles depend
only on (seed, epoch), so a resumed curve equals an uninterrupted one.
"""

import argparse
import math
import os
import pickle
import sys
import warnings

import numpy as np
from sklearn.datasets import load_digits
from sklearn.exceptions import ConvergenceWarning
from sklearn.metrics import accuracy_score, log_loss
from sklearn.model_selection import train_test_split
from sklearn.neural_network import MLPClassifier
from sklearn.preprocessing import StandardScaler

SPLIT_SEED = 0  # the train/val split is fixed; --seed only changes initialization and shuffling


def integer(text):
    """An int flag that also accepts '32.0' (some tools render integers as floats)."""
    value = float(text)
    if not value.is_integer():
        raise argparse.ArgumentTypeError(f"expected an integer, got {text!r}")
    return int(value)


def parse_args(argv=None):
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--lr", type=float, default=1e-3, help="learning_rate_init (default 1e-3)")
    p.add_argument("--hidden", type=integer, default=64, help="units per hidden layer (default 64)")
    p.add_argument("--layers", type=integer, default=1, choices=[1, 2, 3], help="hidden layers (default 1)")
    p.add_argument("--alpha", type=float, default=1e-4, help="L2 penalty (default 1e-4)")
    p.add_argument("--batch_size", "--batch-size", type=integer, default=32, help="mini-batch size (default 32)")
    p.add_argument("--optimizer", choices=["adam", "sgd"], default="adam", help="solver (default adam)")
    p.add_argument("--momentum", type=float, default=0.9, help="Nesterov momentum, sgd only (default 0.9)")
    p.add_argument("--epochs", type=integer, default=15, help="epochs to train to (Rung's budget)")
    p.add_argument("--seed", type=integer, default=0, help="initialization / shuffling seed (default 0)")
    args = p.parse_args(argv)
    if args.lr <= 0:
        p.error("--lr must be > 0")
    if args.hidden < 1 or args.batch_size < 1:
        p.error("--hidden and --batch_size must be >= 1")
    if args.alpha < 0:
        p.error("--alpha must be >= 0")
    if not 0 <= args.momentum <= 1:
        p.error("--momentum must be in [0, 1]")
    return args


def config_of(args):
    config = {k: getattr(args, k) for k in ("lr", "hidden", "layers", "alpha", "batch_size", "optimizer", "seed")}
    if args.optimizer == "sgd":
        config["momentum"] = args.momentum
    return config


def load_data():
    X, y = load_digits(return_X_y=True)
    X_train, X_val, y_train, y_val = train_test_split(
        X, y, test_size=0.25, stratify=y, random_state=SPLIT_SEED
    )
    scaler = StandardScaler().fit(X_train)
    return scaler.transform(X_train), scaler.transform(X_val), y_train, y_val


def save_checkpoint(path, state):
    tmp = f"{path}.tmp-{os.getpid()}"
    with open(tmp, "wb") as f:
        pickle.dump(state, f)
    os.replace(tmp, path)  # atomic: a kill mid-write never leaves a torn checkpoint


def load_checkpoint(path, config):
    try:
        with open(path, "rb") as f:
            state = pickle.load(f)
    except FileNotFoundError:
        return None
    except Exception as err:  # a checkpoint from something else: start over rather than crash
        print(f"train.py: unreadable checkpoint {path} ({err}); starting fresh", file=sys.stderr)
        return None
    if state.get("config") != config:
        print(f"train.py: checkpoint {path} is for another configuration; starting fresh", file=sys.stderr)
        return None
    return state


def fmt(x):
    return f"{x:.6g}" if math.isfinite(x) else "nan"


def main():
    args = parse_args()
    warnings.filterwarnings("ignore", category=ConvergenceWarning)
    np.seterr(all="ignore")  # overflow on divergence is reported below as val_loss=nan

    X_train, X_val, y_train, y_val = load_data()
    classes = np.unique(y_train)
    config = config_of(args)

    model = MLPClassifier(
        hidden_layer_sizes=(args.hidden,) * args.layers,
        solver=args.optimizer,
        learning_rate_init=args.lr,
        alpha=args.alpha,
        batch_size=args.batch_size,
        momentum=args.momentum,
        shuffle=False,  # we shuffle per epoch ourselves (sklearn would reuse one order every call)
        random_state=args.seed,
    )
    epoch = 0

    trial_dir = os.environ.get("RUNG_TRIAL_DIR")
    ckpt_path = os.path.join(trial_dir, "checkpoint.pkl") if trial_dir else None
    if ckpt_path and os.environ.get("RUNG_RESUME") == "1":
        state = load_checkpoint(ckpt_path, config)
        if state is not None:
            model, epoch = state["model"], state["epoch"]
            print(f"train.py: resumed from {ckpt_path} at epoch {epoch}", file=sys.stderr)
            if epoch >= args.epochs and state.get("last"):
                print(state["last"], flush=True)  # already this far: repeat the last report
                return 0
    if ckpt_path:
        os.makedirs(trial_dir, exist_ok=True)

    for epoch in range(epoch + 1, args.epochs + 1):
        order = np.random.default_rng([args.seed, epoch]).permutation(len(y_train))
        try:
            if hasattr(model, "coefs_"):
                model.partial_fit(X_train[order], y_train[order])
            else:
                model.partial_fit(X_train[order], y_train[order], classes=classes)
            proba = model.predict_proba(X_val)
            diverged = not np.isfinite(proba).all() or not math.isfinite(model.loss_)
        except ValueError as err:  # "Solver produced non-finite parameter weights"
            print(f"train.py: {err}", file=sys.stderr)
            diverged = True
        if diverged:
            print(f"epoch={epoch} train_loss=nan val_loss=nan val_acc=nan", flush=True)
            print(f"train.py: diverged at epoch {epoch} (lr {args.lr} is too high)", file=sys.stderr)
            return 1
        val_loss = log_loss(y_val, proba, labels=classes)
        val_acc = accuracy_score(y_val, classes[proba.argmax(axis=1)])
        line = f"epoch={epoch} train_loss={fmt(model.loss_)} val_loss={fmt(val_loss)} val_acc={val_acc:.4f}"
        print(line, flush=True)
        if ckpt_path:
            save_checkpoint(ckpt_path, {"version": 1, "config": config, "epoch": epoch, "model": model, "last": line})
    return 0


if __name__ == "__main__":
    sys.exit(main())
