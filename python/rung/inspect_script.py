#!/usr/bin/env python3
"""Read a training script's command-line interface and metric prints WITHOUT running it.

    python3 -I inspect_script.py path/to/train.py
    python3 -I inspect_script.py --stdin path/to/train.py < source     # the editor's unsaved text

Zero dependencies, Python 3.8+. The script is parsed with ``ast`` only: nothing of it is executed or
imported (neither are its imports), so a script that deletes files at import time is safe to inspect.

Prints one JSON object on stdout (ASCII only) and exits 0:

    {"version": 1, "script": ..., "frameworks": ["argparse"], "arguments": [...], "metrics": [...],
     "imports": [...], "warnings": [...]}

or, when the script cannot be read or parsed, exits 1 with

    {"version": 1, "error": {"kind": "syntax" | "read" | "usage" | "internal", "message": ..., "line": N, "column": N}}

What is read:
- argparse: every ``<parser>.add_argument(...)`` with literal option strings (flags, dest, type, default,
  choices, help, nargs, action, required), ``set_defaults(...)``. With sub-commands (``add_subparsers()``), one
  is chosen (a name like train/fit/tune, else the most numeric options; said in ``warnings``) and given as
  ``subcommand``; its options are read (also through argument groups, ``parents=[...]`` and helper functions
  given the sub-parser), and the main parser's are marked ``beforeSubcommand`` (argparse reads them only there).
  A nested sub-command (``model`` then ``train``) is one candidate with its words in ``subcommandPath`` and
  ``subcommand`` ("model train"); each option's ``subcommandLevel`` says how many of the words come before it.
  Options declared in a loop over a literal dict or list (``for name, default in {...}.items():
  p.add_argument(f"--{name}", type=type(default), default=default)``) are read once per item, also in loops in loops,
  with an ``if``/``else`` or ``continue`` in the loop decided per item; options declared by a helper from its
  parameters (``def add(p, name, default): p.add_argument(f"--{name}", ...)``) once per call of it, with the call's
  arguments (see LoopUnroller); a loop over anything else is named in ``warnings`` and not read.
- argparse in the script's own modules: a parser built, or filled, by what the script takes from a local module
  (``from options import get_parser``, ``from utils.args import add_train_args``, ``from .args import add_args``,
  ``import config; config.parse()``, ``from opts import parser``) is read as if written in the script; the module must be
  a file beside the script or in the package around it, never an installed one (see ImportedOptions). Such options carry
  ``file`` (their ``line`` is in it), and ``warnings`` says which file they were read from.
- click: ``@click.option`` / ``@click.argument`` decorators (``click.Choice``, ``IntRange``/``FloatRange``,
  ``is_flag``, ``--x/--no-x``), also those a decorator function applies (in a loop, from a list of options, with
  ``functools.reduce``) and those applied to the command later (``train = click.option(...)(train)``, see
  ClickOptionSources); for a command of a group (``@cli.command()``, ``cli.add_command(fn)``, also in a loop), its name
  as ``subcommand`` (through nested groups: every group's name, its options between its name and the next) and the
  group's options as ``beforeSubcommand``, unless the ``if __name__ == "__main__":``
  block calls the command itself (then click takes no sub-command name).
- typer: the parameters of an ``@app.command()`` function (one named like training, else the most numeric
  options, else the first) or the function given to ``typer.run`` (plain defaults, ``typer.Option(...)``,
  ``Annotated[T, typer.Option(...)]``, ``Enum`` choices), also one registered with ``app.command()(fn)`` (in a loop
  too); with several commands or an ``@app.callback()``, its name as ``subcommand``; a command of a sub-app
  (``app.add_typer(model_app, name="model")``) as ``model <name>``. The options of the app's callback
  (``@app.callback()``, ``typer.Typer(callback=fn)``), and of each sub-app's on the way, are ``beforeSubcommand``.
- metrics: string templates with a value right after ``key=`` or ``key:`` (``Val Loss:`` and ``valid_0's auc:``
  give ``val_loss`` and ``valid_0_auc``), after a split word and a key (``val loss {v}``: ``val_loss``), or after a
  key that follows a step prefix (``iter {i}: loss {l}, mfu {m}%``: ``loss``, ``mfu``) (f-strings, ``%`` formats,
  ``str.format``, ``"key: " + str(x)``, ``print("key=", x)``, logging calls), keys of dicts passed to ``json.dumps``/``print``
  (also through a variable: ``m = {...}; m["k"] = v; print(json.dumps(m))``),
  and keyword names of ``rung.report(...)`` and tqdm's ``set_postfix(...)``; Keras' ``model.fit(...,
  validation_data=...)`` prints ``loss``, ``val_loss`` and the compiled metrics (``val_accuracy``); Lightning's
  ``self.log(name, v, prog_bar=True)`` shows ``name=v`` in its progress bar; fastai's ``learn.fit_one_cycle(...)``
  (and ``fit``, ``fine_tune``) prints a table of ``train_loss``, ``valid_loss`` and the learner's ``metrics=``.
- dataclass CLIs: the fields of the ``@dataclass`` classes given to ``HfArgumentParser((...))`` (with the
  usual TrainingArguments options), simple_parsing's ``add_arguments(Cls, ...)`` and ``tyro.cli(Cls)`` (dashed names);
  ``fire.Fire(fn)`` (or a dict of functions, or a class's ``__init__``): the function's parameters.
- nanoGPT's ``exec(open('configurator.py').read())`` (source ``configurator``): the int, float and text settings
  assigned at module level before it, set by ``--name=value`` words.
- without a parser: ``x = float(sys.argv[1])`` (source ``sys.argv``) and ``X = int(os.environ.get("X", "8"))``
  (source ``env``); Rung's helper, ``p = params(); lr = float(p.get("lr", 1e-3))`` or ``params()["lr"]`` (source
  ``rung``: passed in RUNG_PARAMS, not on the command line).
- XGBoost's ``evals=[(d, "eval")]`` (``eval-rmse``), LightGBM's ``valid_names`` (``valid_auc``), the Trainer's
  ``eval_loss`` and ``eval_<compute_metrics key>``; ``crossValidation`` when the script cross-validates.
- ``logged``, only when no metric is printed: the names the script logs without printing them (``wandb.log({...})``,
  Lightning's ``self.log`` without ``prog_bar=True``, TensorBoard's ``add_scalar``, MLflow's ``log_metric(s)``).
- Hydra: the ``@hydra.main(config_path=..., config_name=..., version_base=...)`` decorator (also ``from hydra import
  main``, under any alias), as ``hydra``: ``{"configPath", "configName", "versionBase", "line"}``, each key only when
  the decorator gives it (null for ``None``), and ``unknown`` naming those given as something other than a literal.
  The config files are YAML, which this reader does not parse (zero dependencies): Rung's TypeScript side reads them.
- absl flags (source ``absl``): ``flags.DEFINE_float("lr", 1e-3, "help")`` and ``DEFINE_integer``/``string``/``bool``/
  ``boolean``/``enum`` (``enum_values`` as choices)/``enum_class`` (member names)/``list``, positional or by keyword,
  through the flags module under any name (``absl.flags``, TF1's ``tf.app.flags``) or its functions imported
  (``from absl.flags import DEFINE_float``); a bool is ``--name`` / ``--noname``, ``DEFINE_multi_*`` a repeated option
  (action ``append``), ``lower_bound``/``upper_bound`` as ``min``/``max``, ``required=True`` and
  ``flags.mark_flag(s)_as_required(...)`` as required. Flags defined in another module are not read.
- LightningCLI (source ``lightning``): ``LightningCLI(Model, DataModule)`` (or ``model_class=``/``datamodule_class=``,
  also a subclass of LightningCLI or under another name): the ``__init__`` parameters of those classes (or of a base class
  of the same file) as ``--model.<name>`` and ``--data.<name>`` (dest ``model.<name>``; typed by annotation or default;
  booleans take ``=true|false``, lists are kept as text), and ``--trainer.max_epochs`` (its default from
  ``trainer_defaults={"max_epochs": N}``), with ``subcommand`` ``fit`` (none with ``run=False``). A class defined in a
  local module (``from model import LitModel``, beside the script or in its package) is read from that file (its
  options carry ``file``), and its ``self.log`` calls count as the script's metrics (with ``file`` too). ``subclass_mode_*=True`` and a
  ``LightningCLI()`` without a model class are named in ``warnings``.
- an Optuna objective (as ``optuna``, see OptunaObjective): the function given to ``<study>.optimize(...)`` (or named
  ``objective``) that calls ``<trial>.suggest_*``; each suggest call's name, type and literal range or choices, the
  ``if``/``elif``/``else`` branches on a categorical around it (``when``), ``trial.report`` in a ``for ... in range(N)``
  loop, ``should_prune``, ``create_study(direction=...)``, ``n_trials=`` and the returned variable's name.
- not read, but named in ``warnings``: Hydra's compose API (no ``@hydra.main``), jsonargparse, and absl flag kinds
  other than those above (ml_collections' ``config_flags``).

Defaults and choices are evaluated only when they are literals, arithmetic on literals, module-level
constants and their items (``DEFAULTS["lr"]``, also of ``dict(lr=...)``), ``int(...)``/``float(...)`` of those, ``range(...)``, or members of a module-level ``Enum``; anything else is reported as its source
text with ``hasDefault: true`` and ``default: null``.
"""

import ast
import copy
import json
import math
import os
import re
import sys
import tokenize

VERSION = 1

# Marks where a template has a runtime value (a NUL never occurs in real format strings).
HOLE = "\x00"

# A key followed by `=` or `:` and then a runtime value; the same key syntax Rung's metric parser reads.
# The key must start a token (not be glued to a letter, digit, `_`, `.`, `/` or `@` before it).
# A data-split word right before a key ("Val Loss:"), as the engine's key=value parser joins them (val_loss).
SPLIT_WORDS = r"(?:train|training|val|valid|validation|test|eval|dev)"
SPLIT_WORD_BEFORE = re.compile(r"(?:^|(?<=[^A-Za-z0-9_]))(" + SPLIT_WORDS + ") $", re.I)
# LightGBM's `valid_0's auc: 0.9`: the parser also reads valid_0_auc (the owner, `_`, the key, as printed).
OWNER_BEFORE = re.compile(r"(?<![A-Za-z0-9_./@])([A-Za-z_][A-Za-z0-9_./-]*)'s $")
METRIC_KEY = re.compile(r"(?<![A-Za-z0-9_./@])([A-Za-z_][A-Za-z0-9_./-]*)['\"]?\s*[=:]\s*" + HOLE)
# Where a value without `=`/`:` ends for the parser: the end, a tab, `,` (not before a number), `;`, `|`, a
# closing bracket (after optional spaces), or spaces and the next split word (`train loss 0.5 val loss 0.4`).
SPACED_VALUE_END = r"%?(?=\t|$| *(?:,(?! *[0-9" + HOLE + r"])|[;|)\]}]|$)| +" + SPLIT_WORDS + " )"
# "val loss {v:.3f}": a split word, a space, the key, a space and the value; the parser reads val_loss.
SPACED_METRIC = re.compile(r"(?<![A-Za-z0-9_])(" + SPLIT_WORDS + r") ([A-Za-z_][A-Za-z0-9_./-]*) " + HOLE + SPACED_VALUE_END, re.I)
# "iter {i}: ", "Epoch {e} | ", "Step {s}, ", "Epoch {e}/{n}": a step prefix, after which bare "loss {l}" reads.
STEP_PREFIX = re.compile(
    r"(?<![A-Za-z0-9_./@])(?:epoch|step|iteration|iter) (?:" + HOLE + r"|[0-9]+)"
    r"(?::(?=[ \t]|$)|,(?=[ \t])| [-|](?=[ \t])|/(?:" + HOLE + r"|[0-9]+)(?![A-Za-z0-9_]))",
    re.I,
)
# TensorFlow's tutorials' "Epoch {e} Loss {l:.4f} Accuracy {a:.4f}": after a step prefix that opens the message,
# only words each followed by a value to the end (as the engine reads them; "Epoch {e} of {n}" is no pair).
SPACED_PAIRS = re.compile(
    r"(?:^|[^A-Za-z0-9_ \t])[ \t]*(?:epoch|step|iteration|iter) (?:" + HOLE + r"|[0-9]+) +"
    r"((?:[A-Za-z_][A-Za-z0-9_./-]* +" + HOLE + r"%?[,;|]?(?: +|$))+)$",
    re.I,
)
LINE_SPLIT_WORD = re.compile(r"\s*(" + SPLIT_WORDS + r")(?: (?:set|results|result|metrics|stats|summary|scores|phase|epoch))?[ \t]*[:-](?=[ \t]|$)", re.I)
SPLIT_WORD_SET = {"train", "training", "val", "valid", "validation", "test", "eval", "dev"}
SPACED_PAIR = re.compile(r"([A-Za-z_][A-Za-z0-9_./-]*) +" + HOLE)
SPACED_STOP_WORDS = {"of", "in", "to", "at", "for", "from", "with", "on", "by", "after", "took", "is", "was", "and", "or", "out"}
BARE_METRIC = re.compile(r"(?<![A-Za-z0-9_./@])([A-Za-z_][A-Za-z0-9_./-]*) " + HOLE + SPACED_VALUE_END)

PERCENT_SPEC = re.compile(r"%(?:\([^)]*\))?[-+ #0]*(?:\*|\d+)?(?:\.(?:\*|\d+))?[hlL]?[diouxXeEfFgGcrsa%]")
FORMAT_FIELD = re.compile(r"\{\{|\}\}|\{[^{}]*\}")
# `train.py: {err}` is a message naming a file, not a metric.
FILE_NAME = re.compile(r"\.(?:py|pyw|ipynb|sh|txt|json|ya?ml|csv|tsv|log|cfg|ini|toml|pt|pth|pkl|ckpt|h5|npz|npy|onnx|bin)$", re.I)

LOGGING_METHODS = {"debug", "info", "warning", "warn", "error", "critical", "exception", "log", "success", "trace"}  # loguru adds success and trace
BUILTIN_TYPES = {"int": "int", "float": "float", "str": "str", "bool": "bool"}
PATH_TYPES = {"Path", "PurePath", "PosixPath", "FileType", "File", "open"}
MAX_TEXT = 200
# Environment variables a trial's process gets from Rung or the system, never a setting to tune: reading them
# (os.environ["RUNG_TRIAL_DIR"], os.environ.get("RUNG_BUDGET", "5")) is no option of the script.
RUNTIME_ENV = {"HOME", "USER", "LOGNAME", "PATH", "PWD", "TMPDIR", "SHELL", "LANG", "PYTHONPATH", "PYTHONUNBUFFERED", "CUDA_VISIBLE_DEVICES"}
RUNTIME_ENV_PREFIXES = ("RUNG_", "SLURM_")
# Option libraries the reader does not understand: (imported module, how the note names it).
UNREAD_OPTION_MODULES = (
    ("hydra", "Hydra (its config files and key=value overrides)"),
    ("jsonargparse", "jsonargparse"),
)
# Option libraries read only in their common forms: said when nothing was read from them.
PARTLY_READ_OPTION_MODULES = (("fire", "python-fire"), ("tyro", "tyro"), ("simple_parsing", "simple_parsing"))
HF_TRAINING_ARGUMENTS_CLASSES = {"TrainingArguments", "Seq2SeqTrainingArguments"}
# The TrainingArguments options most often tuned: (name, type, default or None when required, help).
HF_TRAINING_OPTIONS = (
    ("output_dir", "path", None, "where checkpoints go"),
    ("learning_rate", "float", 5e-5, "initial learning rate of AdamW"),
    ("weight_decay", "float", 0.0, "weight decay of AdamW"),
    ("warmup_ratio", "float", 0.0, "fraction of the steps spent warming up"),
    ("per_device_train_batch_size", "int", 8, "training batch size per device"),
    ("num_train_epochs", "float", 3.0, "number of training epochs"),
    ("seed", "int", 42, "random seed"),
)
# XGBoost's metric when eval_metric is not given, by objective (or its prefix).
XGB_DEFAULT_METRICS = {
    "reg": "rmse", "binary": "logloss", "binary:hinge": "error", "multi": "mlogloss", "count": "poisson-nloglik",
    "rank": "map", "survival:cox": "cox-nloglik", "reg:logistic": "rmse", "reg:gamma": "gamma-nloglik", "reg:tweedie": "tweedie-nloglik",
}
LGB_DEFAULT_METRICS = {
    "regression": "l2", "regression_l2": "l2", "l2": "l2", "mse": "l2", "regression_l1": "l1", "l1": "l1", "mae": "l1", "huber": "huber",
    "binary": "binary_logloss", "multiclass": "multi_logloss", "softmax": "multi_logloss", "multiclassova": "multi_logloss",
    "cross_entropy": "cross_entropy", "xentropy": "cross_entropy", "poisson": "poisson", "lambdarank": "ndcg", "rank_xendcg": "ndcg",
}
CROSS_VALIDATION_CALLS = {"cross_val_score", "cross_validate", "cross_val_predict", "GridSearchCV", "RandomizedSearchCV", "HalvingGridSearchCV"}
# argparse: the parser an option is declared on. MAIN is the main parser; a sub-command's scope is its name.
MAIN = ""
NESTED = "\x00nested"  # (unused since nested sub-commands are read; kept for readers of this module)
# Joins the names of a nested sub-command's path in a scope (`model` then `train`); shown with spaces.
PATH_SEP = "\x1f"
UNNAMED = "\x00unnamed"  # add_parser() with a name that is not a literal
GROUP_METHODS = ("add_argument_group", "add_mutually_exclusive_group")
# Words of a sub-command's name that say it trains (train, fit, fine-tune, train-model...).
TRAINING_WORDS = {"train", "training", "fit", "tune", "tuning", "finetune", "pretrain", "learn"}
# Words of a name that may well train (`run`, `experiment`): chosen after a training word, before other names.
RUNNING_WORDS = {"run", "main", "start", "launch", "exp", "experiment", "sweep", "search", "hpo", "optimize", "optimise"}
# One source line with its end, split as the tokenizer does (\r\n, \r or \n; not form feeds).
SOURCE_LINE = re.compile(r"[^\r\n]*(?:\r\n|\r|\n)|[^\r\n]+\Z")


class Unknown(Exception):
    """A value that is not a static literal."""


def clip(text):
    if text is None:
        return None
    text = " ".join(text.split())
    return text if len(text) <= MAX_TEXT else text[: MAX_TEXT - 1] + "\u2026"


def json_safe(value):
    """Values JSON can carry: non-finite floats and other exotic values are not representable."""
    if value is None or isinstance(value, (bool, str)):
        return value
    if isinstance(value, int):
        return value if abs(value) < 2 ** 53 else float(value)
    if isinstance(value, float):
        if not math.isfinite(value):
            raise Unknown()
        return value
    if isinstance(value, (list, tuple)):
        return [json_safe(v) for v in value]
    raise Unknown()


FASTAI_FITS = ("fit", "fit_one_cycle", "fine_tune", "fit_flat_cos", "fit_sgdr")


def dict_literal_keys(node, json_nesting, prefix="", depth=0):
    """The keys of a dict literal as Rung's parser names them: a nested dict's keys joined by dots in a JSON line
    (`json.dumps({"val": {"loss": v}})` prints `val.loss`), or as they are in a printed repr (`loss`)."""
    out = []
    for key, value in zip(node.keys, node.values):
        k = const_str(key) if key is not None else None
        if not k:
            continue
        if isinstance(value, ast.Dict) and depth < 8:
            out.extend(dict_literal_keys(value, json_nesting, prefix + k + "." if json_nesting else "", depth + 1))
        else:
            out.append(prefix + k)
    return out


def dotted(node):
    """`a.b.c` for a Name/Attribute chain, else None."""
    parts = []
    while isinstance(node, ast.Attribute):
        parts.append(node.attr)
        node = node.value
    if isinstance(node, ast.Name):
        parts.append(node.id)
        return ".".join(reversed(parts))
    return None


def last_name(node):
    """The last identifier of a Name/Attribute (`click.option` -> `option`), else None."""
    if isinstance(node, ast.Attribute):
        return node.attr
    if isinstance(node, ast.Name):
        return node.id
    return None


def const_str(node):
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value
    return None


def subscript_parts(node):
    """The elements inside `X[...]` (Python 3.8 wraps them in ast.Index)."""
    inner = node.slice
    if type(inner).__name__ == "Index":  # Python 3.8
        inner = inner.value  # type: ignore[attr-defined]
    if isinstance(inner, ast.Tuple):
        return list(inner.elts)
    return [inner]


class Inspector:
    def __init__(self, source, tree, filename):
        self.source = source
        self.tree = tree
        self.filename = filename
        self.constants = {}  # module-level NAME = literal
        self.enums = {}  # module-level Enum classes: name -> {member: value}
        self.arguments = []
        self.metrics = {}
        self.warnings = []
        self.frameworks = []
        self.imports = []
        self.click_names = set()  # names bound to click or its option/argument functions
        self.typer_names = set()
        self.subcommand = None  # the sub-command whose options were read (a click group's command), its words joined by spaces
        self.subcommand_path = None  # its words, when set with set_subcommand
        self.click_sources = None  # where click commands' options come from (ClickOptionSources), once click is read
        self.typer_registered = {}  # function name -> the `app.command(...)` call it is given to (`app.command()(fn)`)
        self.lines = None
        self.unroller = None  # see loop_unroller
        self.options_imported = []  # the script's own modules options were looked for in (see ImportedOptions)
        self.hydra = None  # the @hydra.main(...) decorator's arguments, see hydra_main
        self.optuna = None  # an Optuna objective function, see OptunaObjective
        self.logged = []  # names logged but never printed (wandb.log, add_scalar, mlflow.log_metric), see metric_prints
        self.lightning_modules = {}  # path -> ImportedModule: local modules LightningCLI's classes were read from
        self.lightning_imported = []  # the classes read from them (their self.log calls are the metrics)
        self.nodes = None  # see all_nodes  # the source split as ast.get_source_segment does, once (it splits on every call)

    # ------------------------------------------------------------------ helpers

    def loop_unroller(self):
        """The LoopUnroller of this script (argparse and click both use it), made once."""
        if self.unroller is None:
            self.unroller = LoopUnroller(self)
        return self.unroller

    def all_nodes(self):
        """Every node of the tree, walked once: the readers below each look at all of them."""
        if self.nodes is None:
            self.nodes = list(ast.walk(self.tree))
        return self.nodes

    def text(self, node):
        try:
            return clip(self.segment(node))
        except Exception:  # positions missing on synthetic nodes
            return None

    def segment(self, node):
        """ast.get_source_segment without splitting the whole source on every call (quadratic on big files)."""
        if getattr(node, "end_lineno", None) is None or getattr(node, "end_col_offset", None) is None:
            return None
        if self.lines is None:
            self.lines = SOURCE_LINE.findall(self.source)
        origin = getattr(node, ORIGIN, None)  # a node of an imported module is that file's text
        lines = origin.lines if origin is not None else self.lines
        first, last = node.lineno - 1, node.end_lineno - 1
        if first == last:
            return lines[first].encode()[node.col_offset : node.end_col_offset].decode()
        head = lines[first].encode()[node.col_offset :].decode()
        tail = lines[last].encode()[: node.end_col_offset].decode()
        return "".join([head] + lines[first + 1 : last] + [tail])

    def warn(self, message):
        if message not in self.warnings:
            self.warnings.append(message)

    def value(self, node, depth=0):
        """Statically evaluate a literal-ish expression, or raise Unknown."""
        if depth > 20:
            raise Unknown()
        if isinstance(node, ast.Constant):
            if isinstance(node.value, (bool, int, float, str)) or node.value is None:
                return node.value
            raise Unknown()
        if isinstance(node, ast.UnaryOp) and isinstance(node.op, (ast.USub, ast.UAdd)):
            v = self.value(node.operand, depth + 1)
            if isinstance(v, bool) or not isinstance(v, (int, float)):
                raise Unknown()
            return -v if isinstance(node.op, ast.USub) else v
        if isinstance(node, ast.BinOp):
            a = self.value(node.left, depth + 1)
            b = self.value(node.right, depth + 1)
            if isinstance(a, bool) or isinstance(b, bool) or not isinstance(a, (int, float)) or not isinstance(b, (int, float)):
                raise Unknown()
            try:
                if isinstance(node.op, ast.Add):
                    return a + b
                if isinstance(node.op, ast.Sub):
                    return a - b
                if isinstance(node.op, ast.Mult):
                    return a * b
                if isinstance(node.op, ast.Div):
                    return a / b
                if isinstance(node.op, ast.FloorDiv):
                    return a // b
                if isinstance(node.op, ast.Pow) and abs(b) <= 64 and abs(a) < 1e6:
                    return a ** b
            except (ArithmeticError, ValueError):
                raise Unknown()
            raise Unknown()
        if isinstance(node, (ast.List, ast.Tuple, ast.Set)):
            return [self.value(e, depth + 1) for e in node.elts]
        if isinstance(node, ast.Dict):
            if any(k is None for k in node.keys):
                raise Unknown()
            try:
                return {self.value(k, depth + 1): self.value(v, depth + 1) for k, v in zip(node.keys, node.values)}
            except TypeError:  # a tuple key reads as a list, which cannot be a key
                raise Unknown()
        if isinstance(node, ast.Subscript):
            # DEFAULTS["lr"], SIZES[0]: an item of a module-level constant.
            inner = node.slice
            if type(inner).__name__ == "Index":  # Python 3.8
                inner = inner.value  # type: ignore[attr-defined]
            container = self.value(node.value, depth + 1)
            key = self.value(inner, depth + 1)
            if isinstance(container, dict) and isinstance(key, (str, int, float)) and key in container:
                return container[key]
            if isinstance(container, list) and isinstance(key, int) and not isinstance(key, bool) and -len(container) <= key < len(container):
                return container[key]
            raise Unknown()
        if isinstance(node, ast.Name):
            if node.id in self.constants:
                return self.value(self.constants[node.id], depth + 1)
            raise Unknown()
        if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name):
            members = self.enums.get(node.value.id)
            if members is not None and node.attr in members:
                return members[node.attr]
            raise Unknown()
        if isinstance(node, ast.Call):
            fn = dotted(node.func)
            if fn == "range" and not node.keywords and 1 <= len(node.args) <= 3:
                bounds = [self.value(a, depth + 1) for a in node.args]
                if all(isinstance(b, int) and not isinstance(b, bool) for b in bounds):
                    r = range(*bounds)
                    if len(r) <= 1000:
                        return list(r)
            if fn in ("list", "tuple", "sorted", "set") and len(node.args) == 1 and not node.keywords:
                inner = node.args[0]
                if isinstance(inner, ast.Name) and inner.id in self.enums:
                    return list(self.enums[inner.id].values())
                v = self.value(inner, depth + 1)
                if isinstance(v, dict):
                    v = list(v.keys())
                if isinstance(v, list):
                    return sorted(v, key=repr) if fn in ("sorted", "set") else v
            if fn == "dict" and not node.args and all(k.arg for k in node.keywords):
                return {k.arg: self.value(k.value, depth + 1) for k in node.keywords}
            if fn in ("float", "int") and len(node.args) == 1 and not node.keywords:
                # float("1e-3"), int(1e5): a common way to write numbers
                v = self.value(node.args[0], depth + 1)
                try:
                    return float(v) if fn == "float" else int(v)
                except (TypeError, ValueError, OverflowError):
                    raise Unknown()
            if isinstance(node.func, ast.Attribute) and node.func.attr == "keys" and not node.args:
                v = self.value(node.func.value, depth + 1)
                if isinstance(v, dict):
                    return list(v.keys())
        raise Unknown()

    def try_value(self, node):
        """(True, json-safe value) or (False, None)."""
        try:
            return True, json_safe(self.value(node))
        except (Unknown, RecursionError):
            return False, None

    # ------------------------------------------------------------------ module facts

    def collect_module_facts(self):
        for stmt in self.tree.body:
            if isinstance(stmt, ast.Assign) and len(stmt.targets) == 1 and isinstance(stmt.targets[0], ast.Name):
                self.constants[stmt.targets[0].id] = stmt.value
            elif isinstance(stmt, ast.AnnAssign) and isinstance(stmt.target, ast.Name) and stmt.value is not None:
                self.constants[stmt.target.id] = stmt.value
            elif isinstance(stmt, ast.ClassDef):
                bases = {last_name(b) for b in stmt.bases}
                if bases & {"Enum", "StrEnum", "IntEnum"}:
                    members = {}
                    for item in stmt.body:
                        if isinstance(item, ast.Assign) and len(item.targets) == 1 and isinstance(item.targets[0], ast.Name):
                            ok, v = self.try_value(item.value)
                            if ok and isinstance(v, (str, int, float)):
                                members[item.targets[0].id] = v
                    self.enums[stmt.name] = members
        # A name rebound later (a loop variable, a parsed value) is not a constant.
        assigned = {}
        for node in self.all_nodes():
            if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Store):
                assigned[node.id] = assigned.get(node.id, 0) + 1
        for name in list(self.constants):
            if assigned.get(name, 0) > 1:
                del self.constants[name]
        for node in self.all_nodes():
            if getattr(node, ORIGIN, None) is not None:
                continue  # what an imported module's function imports is not the script's
            if isinstance(node, ast.Import):
                for alias in node.names:
                    top = alias.name.split(".")[0]
                    self.add_import(top)
                    if top == "click":
                        self.click_names.add(alias.asname or "click")
                    if top == "typer":
                        self.typer_names.add(alias.asname or "typer")
            elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                top = node.module.split(".")[0]
                self.add_import(top)
                for alias in node.names:
                    if top == "click":
                        self.click_names.add(alias.asname or alias.name)
                    if top == "typer":
                        self.typer_names.add(alias.asname or alias.name)

    def add_import(self, name):
        if name not in self.imports:
            self.imports.append(name)

    def add_framework(self, name):
        if name not in self.frameworks:
            self.frameworks.append(name)

    # ------------------------------------------------------------------ argparse

    def argparse_arguments(self):
        scopes = ParserScopes(self)
        calls = []  # the add_argument calls
        defaults = {}  # parser scope -> {dest: value node} from set_defaults(...)
        for node in self.all_nodes():
            if not isinstance(node, ast.Call) or not isinstance(node.func, ast.Attribute):
                continue
            if node.func.attr == "add_argument":
                calls.append(node)
            elif node.func.attr == "set_defaults":
                for scope in scopes.of_receiver(node):
                    defaults.setdefault(scope, {}).update((kw.arg, kw.value) for kw in node.keywords if kw.arg)
        if not calls:
            return
        self.add_framework("argparse")
        loops = self.loop_unroller()
        declared = []  # (order, add_argument call, its parsers, the argument or None, why it was skipped or None)
        for call in calls:
            made, notes = loops.declarations(call)
            declared.extend(([place(call)], call, scopes.of_receiver(call), None, why) for why in notes)
            for one, order in made:
                # The parser a copy declares its option on: a helper's parser parameter is read where the helper is called.
                receiver = one.func.value
                where = scopes.of_expr(receiver, getattr(receiver, CONTEXT, scopes.function_of.get(id(call))), 0)
                declared.append((order, call, where, self.argparse_argument(one), None))
        declared.sort(key=lambda d: d[0])
        options = [d[1:] for d in declared]  # (add_argument call, its parsers, the argument or None, why it was skipped or None)
        chosen = self.choose_argparse_subcommand(scopes, [(c, w, a) for c, w, a, _ in options])
        # The parsers the trial command goes through: the main one, then each sub-command of the chosen path.
        path = chosen.split(PATH_SEP) if chosen else []
        prefixes = [MAIN] + [PATH_SEP.join(path[: i + 1]) for i in range(len(path))]
        # A sub-command's namespace is copied over its parent's: the deepest defaults win.
        merged = {}
        for prefix in prefixes:
            merged.update(defaults.get(prefix, {}))
        for call, where, arg, why in options:
            levels = [i for i, prefix in enumerate(prefixes) if prefix in where]
            if not levels:
                continue  # an option of a sub-command the trial command does not run
            # Declared on several parsers of the path: given after the deepest name, that parser's value wins.
            level = max(levels)
            if arg is None:
                note = why or "skipped add_argument with option strings that are not literals (line %d)" % call.lineno
                origin = getattr(call, ORIGIN, None)
                # Its line is in the imported file: `(line 12)` becomes `(options.py line 12)`.
                self.warn(note.replace("(line ", "(%s line " % origin.name) if origin is not None else note)
                continue
            if level < len(path):
                arg["beforeSubcommand"] = True  # argparse reads a parser's options only before the next sub-command's name
            if len(path) > 1:
                arg["subcommandLevel"] = level  # how many sub-command names come before it on the command line
            if arg["dest"] in merged:
                self.apply_default(arg, merged[arg["dest"]])
            self.add_argument(arg)

    def choose_argparse_subcommand(self, scopes, options):
        """The sub-command a trial runs (see pick_command), said in warnings; None when there are no sub-commands."""
        names = scopes.command_names()
        if not names:
            if scopes.has_subcommands:
                self.warn("the script has argparse sub-commands whose names are not literals; their options are not read")
            return None

        def on_path(scope, name):
            return scope != MAIN and (scope == name or name.startswith(scope + PATH_SEP))

        # A nested command's options include its parent sub-commands' (`model --arch X train --lr Y`).
        per_command = {name: [arg for _, where, arg in options if arg is not None and any(on_path(s, name) for s in where)] for name in names}
        chosen, why = pick_command(names, per_command, scopes.aliases)
        self.set_subcommand(chosen.split(PATH_SEP))
        shown = [n.replace(PATH_SEP, " ") for n in names]
        others = [n for n in shown if n != self.subcommand]
        if not others:
            self.warn("the script has an argparse sub-command, %s: the command runs it" % self.subcommand)
        else:
            self.warn(
                "the script has argparse sub-commands (%s): the command runs %s (%s); the options of %s are not read"
                % (", ".join(shown), self.subcommand, why, ", ".join(others))
            )
        return chosen

    def set_subcommand(self, path):
        """The sub-command the trial command runs: its words in order (`["model", "train"]` for a nested one)."""
        self.subcommand_path = list(path)
        self.subcommand = " ".join(path)

    def argparse_argument(self, call):
        names = [const_str(a) for a in call.args]
        if not names or any(n is None for n in names) or any(isinstance(a, ast.Starred) for a in call.args):
            return None  # the caller says so when the option is one it reads
        kw = {k.arg: k.value for k in call.keywords if k.arg}
        positional = not names[0].startswith("-")
        flags = [] if positional else names
        if positional:
            dest = names[0]
        else:
            long_flags = [f for f in flags if f.startswith("--")]
            dest = (long_flags[0] if long_flags else flags[0]).lstrip("-").replace("-", "_")
        dest_node = kw.get("dest")
        if dest_node is not None and const_str(dest_node):
            dest = const_str(dest_node)
        arg = new_argument("argparse", flags, dest, call.lineno, positional)
        origin = getattr(call, ORIGIN, None)
        if origin is not None:
            arg["file"] = origin.name  # declared in an imported module: its line is in that file

        action = None
        action_node = kw.get("action")
        if action_node is not None:
            action = const_str(action_node)
            if action is None:
                name = last_name(action_node)
                action = "boolean_optional" if name == "BooleanOptionalAction" else "custom"
        arg["action"] = action or "store"
        if action in ("store_true", "store_false", "boolean_optional"):
            arg["type"] = "bool"
            arg["flag"] = True
            arg["hasDefault"] = True
            arg["default"] = action == "store_false" if action != "boolean_optional" else None
        elif action in ("store_const", "append_const", "count", "help", "version"):
            arg["flag"] = True

        if "type" in kw:
            arg["typeText"] = self.text(kw["type"])
            arg["type"] = self.type_of(kw["type"]) or arg["type"]
        if "default" in kw:
            self.apply_default(arg, kw["default"])
        if "choices" in kw:
            ok, choices = self.try_value(kw["choices"])
            if ok and isinstance(choices, list) and all(c is None or isinstance(c, (str, int, float, bool)) for c in choices):
                arg["choices"] = choices
            else:
                arg["choicesText"] = self.text(kw["choices"])
        if "help" in kw:
            ok, text = self.try_value(kw["help"])
            arg["help"] = clip(text) if ok and isinstance(text, str) else self.text(kw["help"])
        if "nargs" in kw:
            ok, nargs = self.try_value(kw["nargs"])
            arg["nargs"] = nargs if ok and isinstance(nargs, (str, int)) else self.text(kw["nargs"])
        if "required" in kw:
            ok, required = self.try_value(kw["required"])
            arg["required"] = bool(required) if ok else True
        elif positional:
            arg["required"] = arg["nargs"] not in ("?", "*")
        if "metavar" in kw:
            ok, metavar = self.try_value(kw["metavar"])
            if ok and isinstance(metavar, str):
                arg["metavar"] = metavar
        self.infer_type(arg, argparse_default_str=True)
        convert_text_default(arg)
        return arg

    def apply_default(self, arg, node):
        ok, value = self.try_value(node)
        arg["hasDefault"] = True
        arg["defaultText"] = self.text(node)
        arg["default"] = value if ok and (value is None or isinstance(value, (str, int, float, bool, list))) else None

    def type_of(self, node):
        """int/float/str/bool/path from a `type=` (or an annotation), else None."""
        if isinstance(node, ast.Call):  # argparse.FileType('r'), click.Path(...), click.Choice(...)
            node = node.func
        if isinstance(node, ast.Lambda):
            body = node.body
            if isinstance(body, ast.Call):
                return self.type_of(body.func)
            return None
        name = last_name(node)
        if name is None:
            return None
        if name in BUILTIN_TYPES:
            return BUILTIN_TYPES[name]
        if name in PATH_TYPES:
            return "path"
        lower = name.lower()
        if name in ("INT", "IntRange"):
            return "int"
        if name in ("FLOAT", "FloatRange"):
            return "float"
        if name in ("STRING", "UNPROCESSED"):
            return "str"
        if name == "BOOL":
            return "bool"
        if "bool" in lower:
            return "bool"
        if "float" in lower:
            return "float"
        if "int" in lower:
            return "int"
        if "path" in lower or "file" in lower or "dir" in lower:
            return "path"
        return None

    def infer_type(self, arg, argparse_default_str=False):
        """Fill a missing type from the default, then the choices."""
        if arg["type"] is not None:
            return
        for candidate in [arg["default"]] + list(arg["choices"] or []):
            # bool before int: True is an int in Python.
            for py_type, name in ((bool, "bool"), (int, "int"), (float, "float"), (str, "str")):
                if isinstance(candidate, py_type):
                    arg["type"] = name
                    return
        if argparse_default_str and not arg["flag"]:
            arg["type"] = "str"  # argparse passes the text on when there is no type=

    def add_argument(self, arg):
        if any(a["dest"] == arg["dest"] for a in self.arguments):
            if arg["action"] in ("store_const", "append_const"):
                return  # --adam/--sgd with one dest (a mutually exclusive group): an ordinary way to write a choice
            self.warn("argument %s is declared more than once; the first one is used" % arg["dest"])
            return
        self.arguments.append(arg)

    # ------------------------------------------------------------------ click

    def is_click(self, func, names):
        if isinstance(func, ast.Attribute) and func.attr in names:
            return dotted(func.value) in self.click_names
        return isinstance(func, ast.Name) and func.id in names and func.id in self.click_names

    def click_arguments(self):
        if not self.click_names:
            return
        sources = ClickOptionSources(self, self.loop_unroller())
        commands = []  # (function, its options: option calls and notes, see ClickOptionSources.of_function)
        for node in self.all_nodes():
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
                options = sources.of_function(node)
                if options:
                    commands.append((node, options))
        if not commands:
            return
        self.click_sources = sources
        commands.sort(key=lambda c: c[0].lineno)
        self.add_framework("click")
        groups = {fn.name: decorators for fn, decorators in commands if self.is_click_group(fn)}
        runnable = [c for c in commands if c[0].name not in groups] or commands
        registered = self.click_registered()
        called = self.main_calls()
        # `if __name__ == "__main__": train()` runs that command on its own, even when it belongs to a group:
        # click would take a sub-command name for an unexpected extra argument.
        direct = [c for c in runnable if called is not None and c[0].name in called]
        in_group = []  # (sub-command path, function, decorators, its groups from the outermost) of the commands a group runs by name
        for fn, decorators in runnable:
            path, chain = self.click_path(fn, registered)
            if path:
                in_group.append((" ".join(path), fn, decorators, chain))
        chain = []
        if direct:
            fn, decorators = direct[0]
        elif in_group:
            # Each command's options (and its groups'), to pick the one that trains; their warnings are only for the one read.
            options = {
                name: self.quietly(lambda c, d: [a for g in c for a in self.click_options(self.click_option_decorators(g))] + self.click_options(d), chain, decorators)
                for name, _, decorators, chain in in_group
            }
            chosen, why = pick_command(list(options), options)
            fn, decorators, chain, path = next((f, d, c, name.split(" ")) for name, f, d, c in in_group if name == chosen)
            self.set_subcommand(path)
            if len(options) > 1:
                self.warn(
                    "several click commands (%s): the command runs the sub-command %s (%s)"
                    % (", ".join(options), self.subcommand, why)
                )
        else:
            fn, decorators = runnable[0]
        if not self.subcommand and len(runnable) > 1:
            self.warn("several click commands (%s); the options of %s are read" % (", ".join(c[0].name for c in runnable), fn.name))
        # A group's own options go right after its name, before its sub-command's (click reads them there only).
        depth = len(self.subcommand_path or [])
        for level, group in enumerate(chain if self.subcommand else []):
            for arg in self.click_options(self.click_option_decorators(group)):
                arg["beforeSubcommand"] = True
                if depth > 1:
                    arg["subcommandLevel"] = level
                self.add_argument(arg)
        for arg in self.click_options(decorators):
            if depth > 1:
                arg["subcommandLevel"] = depth
            self.add_argument(arg)

    def click_option_decorators(self, fn):
        """fn's click options: option calls, and notes on those that could not be read (see ClickOptionSources)."""
        return self.click_sources.of_function(fn)

    def click_path(self, fn, registered):
        """The words a trial command gives to run fn through its groups (`["model", "train"]` for a command of the
        group `model` of the group `cli`), and those groups' functions from the outermost; ([], []) for a command
        of its own. A group made otherwise than by a decorated function ends the path."""
        functions = {n.name: n for n in self.tree.body if isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef))}
        name = self.click_subcommand(fn, registered)
        if name is None:
            return [], []
        path, chain, seen = [name], [], {fn.name}
        group = functions.get(self.click_group_of(fn, registered) or "")
        while group is not None and group.name not in seen and len(seen) < 20:
            seen.add(group.name)
            chain.insert(0, group)
            name = self.click_subcommand(group, registered)
            if name is None:
                break  # the outermost group: its name is the script's, not a word of the command
            path.insert(0, name)
            group = functions.get(self.click_group_of(group, registered) or "")
        return path, chain

    def click_options(self, decorators):
        """The arguments of option calls in the order click lists them (see ClickOptionSources.of_function); a note
        in their place says why some were skipped."""
        out = []
        for option in decorators:
            if isinstance(option, str):
                self.warn(option)
            else:
                arg = self.click_argument(option)
                if arg is not None:
                    out.append(arg)
        return out

    def quietly(self, read, *args):
        """read(*args) without keeping its warnings (they would be about a command that is not read)."""
        saved = list(self.warnings)
        try:
            return read(*args)
        finally:
            self.warnings = saved

    def is_click_group(self, fn):
        """Whether fn is a click group (`@click.group()`, `@cli.group()`): it needs a sub-command's name to run one."""
        for dec in fn.decorator_list:
            target = dec.func if isinstance(dec, ast.Call) else dec
            if last_name(target) == "group" and (isinstance(target, ast.Attribute) or target.id in self.click_names):
                return True
        return False

    def click_registered(self):
        """`<group>.add_command(fn[, "name"])`, also in a loop over commands: function name -> (group, the name given
        or None)."""
        found = {}
        for node in self.all_nodes():
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "add_command" and node.args:
                for one in self.loop_unroller().expand(node)[0] or []:
                    fn = dotted(one.args[0])
                    names = list(one.args[1:2]) + [k.value for k in one.keywords if k.arg == "name"]
                    if fn:
                        found[fn] = (dotted(one.func.value), const_str(names[0]) if names else None)
        return found

    def click_group_of(self, fn, registered):
        """The group fn is a command of: `@cli.command()`, or `cli.add_command(fn)`."""
        receiver = decorator_receiver(self.command_decorator(fn, ("command", "group")))
        if receiver and receiver not in self.click_names:
            return receiver
        return registered.get(fn.name, (None, None))[0]

    def click_subcommand(self, fn, registered):
        """The name a trial command must give when fn is a command of a click group (`@cli.command()`), else None."""
        dec = self.command_decorator(fn, ("command", "group"))
        if dec is not None and decorator_receiver(dec) not in self.click_names:
            return self.command_name(fn, dec)
        if fn.name in registered:  # @click.command() added to a group with cli.add_command(fn)
            return registered[fn.name][1] or self.command_name(fn, dec)
        return None  # @click.command(): a command of its own

    def main_calls(self):
        """What the `if __name__ == "__main__":` block calls (`train()`, `cli.main()`), also through the plain
        functions it calls (`main()` that calls `cli()`), by name; None when the script has no such block."""
        blocks = [s for s in self.tree.body if isinstance(s, ast.If) and is_main_test(s.test)]
        if not blocks:
            return None
        plain = {s.name: s for s in self.tree.body if isinstance(s, (ast.FunctionDef, ast.AsyncFunctionDef)) and not s.decorator_list}
        names = []

        def scan(statements, depth):
            for statement in statements:
                for node in ast.walk(statement):
                    if not isinstance(node, ast.Call):
                        continue
                    target = node.func
                    if isinstance(target, ast.Attribute) and target.attr in ("main", "__call__"):
                        target = target.value  # cli.main(standalone_mode=False)
                    name = target.id if isinstance(target, ast.Name) else None
                    if name and name not in names:
                        names.append(name)
                        if name in plain and depth < 2:
                            scan(plain[name].body, depth + 1)

        for block in blocks:
            scan(block.body, 0)
        return names

    def command_decorator(self, fn, kinds=("command",)):
        """fn's `@<x>.command(...)` decorator (or of another of `kinds`: `group` for click), else None."""
        for dec in fn.decorator_list:
            target = dec.func if isinstance(dec, ast.Call) else dec
            if isinstance(target, ast.Attribute) and target.attr in kinds:
                return dec
        return None

    def command_name(self, fn, dec):
        """The sub-command name of a click/typer command: given to the decorator, else the function's."""
        if isinstance(dec, ast.Call):
            for node in list(dec.args[:1]) + [k.value for k in dec.keywords if k.arg == "name"]:
                if const_str(node):
                    return const_str(node)
        return fn.name.lower().replace("_", "-")  # click's and typer's default name for the function

    def click_argument(self, call):
        is_argument = last_name(call.func) == "argument"
        decls = [const_str(a) for a in call.args]
        if not decls or any(d is None for d in decls):
            self.warn("skipped a click option whose names are not literals (line %d)" % call.lineno)
            return None
        kw = {k.arg: k.value for k in call.keywords if k.arg}
        flags = []
        secondary = False
        name = None
        for decl in decls:
            if decl.startswith("-"):
                for part in decl.split("/"):
                    part = part.strip()
                    if part:
                        flags.append(part)
                secondary = secondary or "/" in decl
            elif decl.isidentifier():
                name = decl
        if name is None:
            long_flags = [f for f in flags if f.startswith("--")]
            name = (long_flags[0] if long_flags else (flags[0] if flags else "arg")).lstrip("-").replace("-", "_").lower()
        arg = new_argument("click", [] if is_argument else flags, name, call.lineno, is_argument)
        if is_argument:
            arg["required"] = True
        if "type" in kw:
            self.click_type(arg, kw["type"])
        if "default" in kw:
            self.apply_default(arg, kw["default"])
        if "help" in kw:
            ok, text = self.try_value(kw["help"])
            arg["help"] = clip(text) if ok and isinstance(text, str) else self.text(kw["help"])
        for key in ("required", "is_flag", "multiple", "count"):
            if key in kw:
                ok, v = self.try_value(kw[key])
                v = bool(v) if ok else False
                if key == "required":
                    arg["required"] = v
                elif v and key == "is_flag":
                    arg["flag"] = True
                    arg["action"] = "store_true"
                    arg["type"] = arg["type"] or "bool"
                elif v and key == "multiple":
                    arg["action"] = "append"
                elif v and key == "count":
                    arg["flag"] = True
                    arg["action"] = "count"
                    arg["type"] = "int"
        if secondary:
            arg["flag"] = True
            arg["action"] = "boolean_optional"
            arg["type"] = "bool"
        if "nargs" in kw:
            ok, nargs = self.try_value(kw["nargs"])
            arg["nargs"] = nargs if ok else self.text(kw["nargs"])
        if arg["flag"] and not arg["hasDefault"]:
            arg["hasDefault"] = True
            arg["default"] = False if arg["type"] == "bool" else 0
        self.infer_type(arg)
        if arg["type"] is None and not arg["flag"]:
            arg["type"] = "str"  # click's default type
        convert_text_default(arg)
        return arg

    def click_type(self, arg, node):
        arg["typeText"] = self.text(node)
        if isinstance(node, ast.Call) and last_name(node.func) == "Choice" and node.args:
            ok, choices = self.try_value(node.args[0])
            if ok and isinstance(choices, list):
                arg["choices"] = choices
                arg["type"] = "str"
                return
            arg["choicesText"] = self.text(node.args[0])
        if isinstance(node, ast.Call) and last_name(node.func) in ("IntRange", "FloatRange"):
            bounds = list(node.args[:2])
            names = {k.arg: k.value for k in node.keywords if k.arg}
            for i, key in enumerate(("min", "max")):
                source = names.get(key, bounds[i] if i < len(bounds) else None)
                if source is not None:
                    ok, v = self.try_value(source)
                    if ok and isinstance(v, (int, float)) and not isinstance(v, bool):
                        arg[key] = v
        arg["type"] = self.type_of(node)

    # ------------------------------------------------------------------ typer

    def typer_arguments(self):
        if not self.typer_names:
            return
        functions = {}
        for node in self.all_nodes():
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
                functions.setdefault(node.name, node)
        commands = []
        for fn in functions.values():
            for dec in fn.decorator_list:
                target = dec.func if isinstance(dec, ast.Call) else dec
                if isinstance(target, ast.Attribute) and target.attr == "command":
                    commands.append(fn)
                    break
        # `app.command("fit")(train)`, also in a loop over functions: a command as if decorated.
        for node in self.all_nodes():
            if isinstance(node, ast.Call) and len(node.args) == 1 and isinstance(node.func, ast.Call) and last_name(node.func.func) == "command":
                for one in self.loop_unroller().expand(node)[0] or []:
                    fn = functions.get(last_name(one.args[0]) or "")
                    if fn is not None and isinstance(one.func.func, ast.Attribute) and self.typer_command_decorator(fn) is None:
                        self.typer_registered[fn.name] = one.func
                        commands.append(fn)
        for node in self.all_nodes():
            if isinstance(node, ast.Call) and last_name(node.func) == "run" and node.args:
                target = node.func
                if isinstance(target, ast.Attribute) and dotted(target.value) in self.typer_names or (
                    isinstance(target, ast.Name) and target.id in self.typer_names
                ):
                    fn = functions.get(last_name(node.args[0]) or "")
                    if fn is not None and fn not in commands:
                        commands.append(fn)
        if not commands:
            return
        commands.sort(key=lambda f: f.lineno)
        self.add_framework("typer")
        # `app.add_typer(model_app, name="model")`: model_app's commands are run as `model <command>`.
        prefixes = self.typer_prefixes()
        by_name = {}
        for f in commands:
            prefix = prefixes.get(decorator_receiver(self.typer_command_decorator(f)) or "", [])
            by_name[" ".join(prefix + [self.command_name(f, self.typer_command_decorator(f))])] = f
        chosen, why = pick_command(list(by_name), {name: self.typer_options(f) for name, f in by_name.items()})
        fn = by_name[chosen]
        decorator = self.typer_command_decorator(fn)
        if decorator is not None and " " in chosen:
            self.set_subcommand(chosen.split(" "))  # a command of a sub-app is always named, with the sub-app's name
        # An app with several commands, or with a callback, runs a command only when it is named.
        callbacks = self.typer_callbacks(functions)
        if decorator is not None and not self.subcommand and (len(commands) > 1 or callbacks or prefixes):
            self.set_subcommand([self.command_name(fn, decorator)])
        if len(commands) > 1:
            self.warn(
                "several typer commands (%s); the options of %s are read%s (%s)"
                % (
                    ", ".join(f.name for f in commands),
                    fn.name,
                    " and the command runs the sub-command %s" % self.subcommand if self.subcommand else "",
                    why,
                )
            )
        depth = len(self.subcommand_path or [])
        if decorator is not None and self.subcommand:
            # The options of the callbacks of the command's app and of the apps above it: each app's go right after its
            # name (the script's, for the main app), before the next name, as click reads a group's options.
            for level, app in enumerate(self.typer_apps_above(decorator_receiver(decorator))):
                callback = callbacks.get(app)
                for arg in self.typer_options(callback) if callback is not None and callback is not fn else []:
                    arg["beforeSubcommand"] = True
                    if depth > 1:
                        arg["subcommandLevel"] = level
                    self.add_argument(arg)
        for arg in self.typer_options(fn):
            self.add_argument(arg)

    def typer_command_decorator(self, fn):
        """fn's `@app.command(...)`, or the `app.command(...)` it is registered with (`app.command()(fn)`)."""
        return self.command_decorator(fn) or self.typer_registered.get(fn.name)

    def typer_callbacks(self, functions):
        """App name -> its callback, the function of its app-level options: `@app.callback()`, `typer.Typer(callback=f)`
        or `app.add_typer(sub, callback=f)` (an app name of "" when the decorator's app is not a name)."""
        found = {}
        for fn in functions.values():
            for dec in fn.decorator_list:
                target = dec.func if isinstance(dec, ast.Call) else dec
                if isinstance(target, ast.Attribute) and target.attr == "callback":
                    found.setdefault(dotted(target.value) or "", fn)
        for node in self.all_nodes():
            if isinstance(node, ast.Assign) and isinstance(node.value, ast.Call) and last_name(node.value.func) == "Typer":
                app, call = dotted(node.targets[0]), node.value
            elif isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "add_typer" and node.args:
                app, call = dotted(node.args[0]), node
            else:
                continue
            for kw in call.keywords:
                if kw.arg == "callback" and app and last_name(kw.value) in functions:
                    found.setdefault(app, functions[last_name(kw.value)])
        return found

    def typer_apps_above(self, app):
        """The apps a command of `app` is run through, the main app first: [app] for a command of the main app,
        ["app", "model_app"] for one of a sub-app added with `app.add_typer(model_app, name="model")`."""
        parents = self.typer_parents()
        chain = [app]
        while chain[0] in parents and parents[chain[0]][0] not in chain and len(chain) < 20:
            chain.insert(0, parents[chain[0]][0])
        return chain

    def typer_parents(self):
        """Sub-app name -> (the app it is added to, the name that runs it), for `app.add_typer(sub, name="model")`."""
        edges = {}
        for node in self.all_nodes():
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "add_typer" and node.args:
                child = dotted(node.args[0])
                names = [k.value for k in node.keywords if k.arg == "name"]
                name = const_str(names[0]) if names else None
                if child and name:
                    edges[child] = (dotted(node.func.value), name)
        return edges

    def typer_prefixes(self):
        """App name -> the words that run its commands: `app.add_typer(model_app, name="model")` gives model_app
        ["model"] (and its own sub-apps ["model", ...]). A sub-app added without a literal name is left out."""
        edges = self.typer_parents()
        prefixes = {}
        for child in edges:
            path, app, seen = [], child, set()
            while app in edges and app not in seen:
                seen.add(app)
                parent, name = edges[app]
                path.insert(0, name)
                app = parent
            prefixes[child] = path
        return prefixes

    def typer_options(self, fn):
        """The options and arguments of a typer command, from its parameters."""
        params = list(fn.args.posonlyargs) + list(fn.args.args) if hasattr(fn.args, "posonlyargs") else list(fn.args.args)
        positional_defaults = [None] * (len(params) - len(fn.args.defaults)) + list(fn.args.defaults)
        pairs = list(zip(params, positional_defaults)) + list(zip(fn.args.kwonlyargs, fn.args.kw_defaults))
        return [arg for arg in (self.typer_parameter(param, default) for param, default in pairs) if arg is not None]

    def typer_call(self, node):
        """(kind, call) when node is typer.Option(...)/typer.Argument(...)."""
        if isinstance(node, ast.Call):
            name = last_name(node.func)
            if name in ("Option", "Argument"):
                return name, node
        return None, None

    def typer_parameter(self, param, default):
        annotation = param.annotation
        info_kind, info = None, None
        if isinstance(annotation, ast.Subscript) and last_name(annotation.value) == "Annotated":
            parts = subscript_parts(annotation)
            annotation = parts[0] if parts else None
            for extra in parts[1:]:
                info_kind, info = self.typer_call(extra)
                if info is not None:
                    break
        if annotation is not None and last_name(annotation) == "Context":
            return None
        default_kind, default_call = self.typer_call(default)
        if default_call is not None:
            info_kind, info = default_kind, default_call
            default = None
            args = list(default_call.args)
            if args:
                default, decl_nodes = args[0], args[1:]  # old style: typer.Option(default, "--name")
            else:
                decl_nodes = []
        else:
            decl_nodes = list(info.args) if info is not None else []
        kw = {k.arg: k.value for k in info.keywords if k.arg} if info is not None else {}
        if "default" in kw:
            default = kw["default"]
        required = default is None or (isinstance(default, ast.Constant) and default.value is Ellipsis)
        positional = info_kind == "Argument" or (info_kind is None and default is None)
        decls = [const_str(d) for d in decl_nodes]
        flags = []
        for decl in decls:
            if decl and decl.startswith("-"):
                flags.extend(p.strip() for p in decl.split("/") if p.strip())
        name = param.arg
        arg = new_argument("typer", [], name, param.lineno, positional)
        arg["required"] = required
        inner = annotation
        if isinstance(inner, ast.Subscript) and last_name(inner.value) in ("Optional", "Union"):
            inner = subscript_parts(inner)[0]
        if isinstance(inner, ast.BinOp):  # float | None
            inner = inner.left
        if isinstance(inner, ast.Subscript) and last_name(inner.value) in ("List", "list", "Tuple", "tuple", "Sequence"):
            arg["action"] = "append"
            inner = subscript_parts(inner)[0]
        if inner is not None:
            arg["typeText"] = self.text(annotation)
            enum_name = last_name(inner)
            if enum_name in self.enums:
                arg["choices"] = list(self.enums[enum_name].values())
                arg["type"] = "str"
            else:
                arg["type"] = self.type_of(inner)
        if not required:
            self.apply_default(arg, default)
        if "help" in kw:
            ok, text = self.try_value(kw["help"])
            arg["help"] = clip(text) if ok and isinstance(text, str) else self.text(kw["help"])
        for key in ("min", "max"):
            if key in kw:
                ok, v = self.try_value(kw[key])
                if ok and isinstance(v, (int, float)) and not isinstance(v, bool):
                    arg[key] = v
        if not positional:
            if not flags:
                dashed = "--" + name.replace("_", "-")
                flags = [dashed, "--no-" + name.replace("_", "-")] if arg["type"] == "bool" else [dashed]
            if arg["type"] == "bool":
                arg["flag"] = True
                arg["action"] = "boolean_optional"
            arg["flags"] = flags
        self.infer_type(arg)
        return arg

    def say_imported_options(self, imported):
        """Names the files options were read from: `options.py (get_parser)`."""
        for origin in imported:
            if any(a.get("file") == origin.name for a in self.arguments):
                self.warn("read options from %s (%s)" % (origin.name, ", ".join(origin.used)))

    # ------------------------------------------------------------------ options Rung does not read

    def unread_option_sources(self):
        """Says when options come from a library the reader does not understand (so "no arguments" is explained)."""
        found = []
        for module, what in UNREAD_OPTION_MODULES:
            if module in self.imports and not (module == "hydra" and self.hydra is not None):
                found.append(what)
        for module, what in PARTLY_READ_OPTION_MODULES:
            if module in self.imports and not any(a["source"] in (module, "fire", "tyro", "simple_parsing") for a in self.arguments):
                found.append(what)
        for node in self.all_nodes():
            if isinstance(node, ast.Call):
                name = last_name(node.func)
                if name == "HfArgumentParser" and not any(a["source"] == "hf" for a in self.arguments) and "HfArgumentParser (dataclass fields)" not in found:
                    found.append("HfArgumentParser (dataclass fields)")
                elif name and name.startswith("DEFINE_") and "absl" in self.imports and "absl" not in self.frameworks and "absl flags" not in found:
                    found.append("absl flags")
        for what in found:
            self.warn("the script takes options from %s, which Rung does not read: add those parameters by hand" % what)
        if not found and not self.arguments:
            parses = [
                n
                for n in self.all_nodes()
                if isinstance(n, ast.Call) and isinstance(n.func, ast.Attribute) and n.func.attr in ("parse_args", "parse_known_args")
            ]
            local = any(isinstance(n, ast.Call) and last_name(n.func) == "ArgumentParser" for n in self.all_nodes())
            if parses and not local:
                # args = get_parser().parse_args() with get_parser imported: the options are in another file.
                where = ", ".join("%s (%s)" % (m.name, ", ".join(m.used)) for m in self.options_imported)
                self.warn(
                    "the script parses its arguments (line %d) but declares none in this file: its parser is built in %s"
                    % (parses[0].lineno, "%s, where none were found" % where if where else "an imported module, which is not read")
                )

    # ------------------------------------------------------------------ Hydra

    def hydra_main(self):
        """The arguments of ``@hydra.main(...)``: where the config is. Only the decorator is read (its YAML is not)."""
        modules, functions = set(), set()  # names bound to the hydra module, and to hydra.main itself
        for node in self.all_nodes():
            if getattr(node, ORIGIN, None) is not None:
                continue
            if isinstance(node, ast.Import):
                for alias in node.names:
                    if alias.name == "hydra":
                        modules.add(alias.asname or "hydra")
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module in ("hydra", "hydra.main"):
                for alias in node.names:
                    if alias.name == "main":
                        functions.add(alias.asname or "main")
        if not modules and not functions:
            return
        for node in self.all_nodes():
            if getattr(node, ORIGIN, None) is not None or not isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
                continue
            for deco in node.decorator_list:
                call = deco if isinstance(deco, ast.Call) else None
                func = call.func if call is not None else deco
                is_main = (isinstance(func, ast.Attribute) and func.attr == "main" and isinstance(func.value, ast.Name) and func.value.id in modules) or (
                    isinstance(func, ast.Name) and func.id in functions
                )
                if not is_main:
                    continue
                # hydra.main(config_path, config_name, version_base): positional or by keyword.
                given = {}
                if call is not None:
                    for name, arg in zip(("config_path", "config_name", "version_base"), call.args):
                        given[name] = arg
                    for kw in call.keywords:
                        if kw.arg in ("config_path", "config_name", "version_base"):
                            given[kw.arg] = kw.value
                info = {"line": deco.lineno}
                unknown = []
                for name, key in (("config_path", "configPath"), ("config_name", "configName"), ("version_base", "versionBase")):
                    if name not in given:
                        continue
                    try:
                        value = self.value(given[name])
                    except Unknown:
                        value = Unknown
                    if value is None or isinstance(value, str):
                        info[key] = value
                    else:
                        unknown.append(name)
                if unknown:
                    info["unknown"] = unknown
                self.hydra = info
                self.add_framework("hydra")
                return

    # ------------------------------------------------------------------ metrics

    def template(self, node):
        """A string template with HOLE where runtime values go, or None."""
        if isinstance(node, ast.JoinedStr):
            out = []
            for part in node.values:
                if isinstance(part, ast.Constant) and isinstance(part.value, str):
                    out.append(part.value)
                else:
                    out.append(HOLE)
            return "".join(out)
        if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add):
            # "val_acc: " + str(acc): a string joined with runtime values.
            parts = [const_str(side) if const_str(side) is not None else self.template(side) for side in (node.left, node.right)]
            if any(p is not None for p in parts):
                return "".join(HOLE if p is None else p for p in parts)
            return None
        if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Mod):
            fmt = const_str(node.left)
            if fmt is not None:
                return PERCENT_SPEC.sub(lambda m: "%" if m.group(0) == "%%" else HOLE, fmt)
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "format":
            fmt = const_str(node.func.value)
            if fmt is not None:
                return FORMAT_FIELD.sub(lambda m: {"{{": "{", "}}": "}"}.get(m.group(0), HOLE), fmt)
        return None

    def add_metric(self, name, node, text):
        if FILE_NAME.search(name):
            return
        if name not in self.metrics:
            self.metrics[name] = {"name": name, "line": getattr(node, "lineno", 0), "text": clip(text)}
            origin = getattr(node, ORIGIN, None)
            if origin is not None:
                self.metrics[name]["file"] = origin.name  # a LightningModule read from a module beside the script

    def scan_template(self, template, node):
        found = []  # (position, name): the names in the order they are printed
        for match in METRIC_KEY.finditer(template):
            name = match.group(1)
            # "Val Loss: {v}": Rung's parser also reads it as val_loss (a data-split word, a space, the key);
            # the bare "Loss" would be the same key for train and validation, so only the joined name counts.
            # "valid_0's auc: {v}" likewise: valid_0_auc names the set.
            split = SPLIT_WORD_BEFORE.search(template, 0, match.start())
            owner = OWNER_BEFORE.search(template, 0, match.start())
            if owner:
                name = f"{owner.group(1)}_{name}"
            elif split:
                name = f"{split.group(1).lower()}_{name.lower()}"
            found.append((match.start(), name))
        for match in SPACED_METRIC.finditer(template):
            found.append((match.start(), f"{match.group(1).lower()}_{match.group(2).lower()}"))
        prefix = STEP_PREFIX.search(template)
        if prefix:
            # nanoGPT's "iter {i}: loss {l:.4f}, time {t:.2f}ms, mfu {m:.2f}%": loss and mfu (not time: "ms").
            # The key is the first thing after the prefix, or follows `,` `;` `|` and blanks, or a tab.
            for match in BARE_METRIC.finditer(template, prefix.end()):
                start = match.start()
                if start == 0 or template[start - 1] not in " \t":
                    continue
                before = template[prefix.end() : start].rstrip(" \t")
                if template[start - 1] == "\t" or before == "" or before[-1] in ",;|":
                    found.append((start, match.group(1)))
        heading = LINE_SPLIT_WORD.match(template)
        if heading:
            # "Test set: Average loss: {l}" (PyTorch's MNIST example): a split word heading the line names its
            # metrics too, as the engine reads them (test_loss).
            split = heading.group(1).lower()
            found = [
                (at, name if name.lower() == split or name.lower() in ("epoch", "step", "iteration", "iter") or name.lower().split("_")[0] in SPLIT_WORD_SET else f"{split}_{name.lower()}")
                for at, name in found
            ]
        pairs = SPACED_PAIRS.search(template.rstrip())
        if pairs:
            names = [(pairs.start(1) + m.start(), m.group(1)) for m in SPACED_PAIR.finditer(pairs.group(1))]
            if not any(name.lower() in SPACED_STOP_WORDS for _, name in names):
                found.extend(f for f in names if f not in found)
        text = self.text(node) or template.replace(HOLE, "{}")
        for _, name in sorted(found, key=lambda f: f[0]):
            self.add_metric(name, node, text)

    def dict_keys_by_name(self):
        """Literal keys of dicts built in variables: `m = {"val_loss": v}`, `m = dict(val_loss=v)`, `m["val_acc"] = a`."""
        keys = {}
        for node in self.all_nodes():
            if isinstance(node, ast.Assign):
                for target in node.targets:
                    if isinstance(target, ast.Name) and isinstance(node.value, ast.Dict):
                        # {"loss": "mse"} is a setting, not a metric: keys with a text/bool/None literal value are skipped
                        found = [
                            const_str(k)
                            for k, v in zip(node.value.keys, node.value.values)
                            if k is not None and not (isinstance(v, ast.Constant) and not isinstance(v.value, (int, float)))
                        ]
                    elif isinstance(target, ast.Name) and isinstance(node.value, ast.Call) and dotted(node.value.func) == "dict":
                        found = [k.arg for k in node.value.keywords if k.arg]
                    elif isinstance(target, ast.Subscript) and isinstance(target.value, ast.Name):
                        inner = target.slice
                        if type(inner).__name__ == "Index":  # Python 3.8
                            inner = inner.value  # type: ignore[attr-defined]
                        found = [const_str(inner)]
                        target = target.value
                    else:
                        continue
                    names = keys.setdefault(target.id, [])
                    names.extend(k for k in found if k and k not in names)
        return keys

    def metric_prints(self):
        unprinted = []  # keys of dicts given to wandb.log(...) and the like
        dict_keys = self.dict_keys_by_name()
        # Help texts are shown by --help, never printed by a run: `help="model architecture: " + " | ".join(names)`
        # names no metric.
        help_texts = set()
        for node in self.all_nodes():
            if isinstance(node, ast.Call):
                for kw in node.keywords:
                    if kw.arg in ("help", "description", "epilog", "usage", "metavar"):
                        help_texts.update(id(n) for n in ast.walk(kw.value))
        for node in self.all_nodes():
            if id(node) in help_texts:
                continue
            tpl = self.template(node)
            if tpl is not None:
                self.scan_template(tpl, node)
                continue
            if not isinstance(node, ast.Call):
                continue
            fn = last_name(node.func)
            if fn == "print" or (fn == "write" and dotted(node.func) in ("sys.stdout.write", "sys.stderr.write", "tqdm.write")):
                # print("val_loss=", x, "acc:", y): the pieces are joined by spaces.
                pieces = [const_str(a) if const_str(a) is not None else HOLE for a in node.args if not isinstance(a, ast.Starred)]
                if len(pieces) > 1:
                    self.scan_template(" ".join(pieces), node)
            if fn in LOGGING_METHODS and isinstance(node.func, ast.Attribute) and node.args:
                # logger.info("val_loss=%.4f", x): %-style with lazy arguments.
                fmt_index = 1 if fn == "log" else 0
                if len(node.args) > fmt_index:
                    fmt = const_str(node.args[fmt_index])
                    if fmt is not None and len(node.args) > fmt_index + 1:
                        if "loguru" in self.imports and FORMAT_FIELD.search(fmt) and not PERCENT_SPEC.search(fmt):
                            # loguru's logger.info("epoch {} val_loss={:.4f}", e, v): str.format-style with lazy arguments.
                            self.scan_template(FORMAT_FIELD.sub(lambda m: {"{{": "{", "}}": "}"}.get(m.group(0), HOLE), fmt), node)
                        else:
                            self.scan_template(PERCENT_SPEC.sub(lambda m: "%" if m.group(0) == "%%" else HOLE, fmt), node)
            if fn in ("dumps", "print", "set_postfix") or fn in LOGGING_METHODS:
                # logging's log(level, msg): a dict first is wandb.log/run.log/accelerator.log, which print nothing.
                if fn == "log" and node.args and isinstance(node.args[0], ast.Dict):
                    keys = [const_str(k) for k in node.args[0].keys if k is not None]
                    unprinted.extend(k for k in keys if k and k not in unprinted)
                for a in node.args[1:] if fn == "log" else node.args:
                    if isinstance(a, ast.Dict):
                        for k in dict_literal_keys(a, fn == "dumps"):
                            self.add_metric(k, node, self.text(node))
                    elif isinstance(a, ast.Name) and fn in ("dumps", "print"):
                        # metrics = {"val_loss": v}; metrics["val_acc"] = a; print(json.dumps(metrics))
                        for k in dict_keys.get(a.id, []):
                            self.add_metric(k, node, self.text(node))
            # PyTorch Lightning: self.log("val_loss", v, prog_bar=True) shows `val_loss=0.21` in the progress bar;
            # without prog_bar it goes to the loggers only.
            if fn in ("log", "log_dict") and dotted(node.func) in ("self.log", "self.log_dict") and node.args:
                kw = {k.arg: k.value for k in node.keywords if k.arg}
                ok, shown = self.try_value(kw["prog_bar"]) if "prog_bar" in kw else (True, False)
                names = [const_str(node.args[0])] if fn == "log" else [const_str(k) for k in getattr(node.args[0], "keys", []) if k is not None]
                for name in names:
                    if name and ok and shown is True:
                        self.add_metric(name, node, self.text(node))
                    elif name and name not in unprinted:
                        unprinted.append(name)
            # TensorBoard's writer.add_scalar("Loss/val", v, step) and MLflow's log_metric("val_loss", v) /
            # log_metrics({...}) (MlflowClient's log_metric(run_id, key, v) too): they write files, not stdout.
            if isinstance(node.func, ast.Attribute) and fn in ("add_scalar", "log_metric") and node.args:
                key = const_str(node.args[0])
                if fn == "log_metric" and len(node.args) > 2 and const_str(node.args[1]) is not None:
                    key = const_str(node.args[1])  # MlflowClient().log_metric(run_id, key, value)
                if key and key not in unprinted:
                    unprinted.append(key)
            if isinstance(node.func, ast.Attribute) and fn == "log_metrics" and node.args and isinstance(node.args[0], ast.Dict):
                for k in node.args[0].keys:
                    key = const_str(k) if k is not None else None
                    if key and key not in unprinted:
                        unprinted.append(key)
            # rung.report(val_loss=...), and tqdm's bar.set_postfix(val_loss=...), shown as `val_loss=0.21`.
            if fn in ("report", "set_postfix") and node.keywords:
                for kw in node.keywords:
                    if kw.arg and not (fn == "set_postfix" and kw.arg in ("ordered_dict", "refresh")):
                        self.add_metric(kw.arg, node, self.text(node))
        self.keras_fit_metrics()
        self.boosting_metrics()
        self.hf_trainer_metrics()
        self.fastai_metrics()
        if unprinted and not self.metrics:  # said only when it explains why no metric was found
            # The names go out as `logged` too: the proposal picks its placeholder metric among them.
            self.logged = unprinted
            self.warn(
                "%s %s logged with .log(...) (wandb, Lightning without prog_bar=True and the like), TensorBoard's add_scalar or MLflow's log_metric, which print nothing Rung can read: print %s too"
                % (", ".join(unprinted[:5]) + (", ..." if len(unprinted) > 5 else ""), "is" if len(unprinted) == 1 else "are", "it" if len(unprinted) == 1 else "them")
            )

    def keras_fit_metrics(self):
        """Keras' model.fit(..., validation_data=...) prints `loss: 0.69 - val_loss: 0.70` (and compiled metrics) each epoch."""
        if not {"keras", "tensorflow", "tf_keras"} & set(self.imports):
            return
        compiled = []
        fits = []
        for node in self.all_nodes():
            if not isinstance(node, ast.Call) or not isinstance(node.func, ast.Attribute):
                continue
            kw = {k.arg: k.value for k in node.keywords if k.arg}
            if node.func.attr == "compile" and "metrics" in kw:
                ok, names = self.try_value(kw["metrics"])
                if ok and isinstance(names, list):
                    compiled.extend(n for n in names if isinstance(n, str) and n not in compiled)
            elif node.func.attr == "fit" and ({"validation_data", "validation_split"} & set(kw)):
                ok, verbose = self.try_value(kw["verbose"]) if "verbose" in kw else (True, 1)
                if not (ok and verbose == 0):
                    fits.append(node)
        for node in fits:
            for name in ["loss"] + compiled:
                self.add_metric(name, node, self.text(node))
                self.add_metric("val_" + name, node, self.text(node))

    def fastai_metrics(self):
        """fastai's learn.fit/fit_one_cycle/fine_tune print a table: `epoch train_loss valid_loss <metrics> time`."""
        if not any(i == "fastai" or i.startswith("fastai.") for i in self.imports):
            return
        learners = []
        fits = []
        for node in self.all_nodes():
            if not isinstance(node, ast.Call):
                continue
            name = last_name(node.func)
            if name in FASTAI_FITS and isinstance(node.func, ast.Attribute):
                fits.append(node)
            elif name and (name == "Learner" or name.endswith("_learner")):
                learners.append(node)
        if not fits:
            return
        names = []
        for node in learners:
            for k in node.keywords:
                if k.arg != "metrics":
                    continue
                items = k.value.elts if isinstance(k.value, (ast.List, ast.Tuple)) else [k.value]
                for item in items:
                    # accuracy, error_rate (functions: their name); F1Score(), RocAuc() (classes: snake case).
                    target = item.func if isinstance(item, ast.Call) else item
                    label = last_name(target)
                    if label and isinstance(item, ast.Call):
                        label = re.sub(r"(?<=[a-z0-9])(?=[A-Z])", "_", label).lower()
                    if label and label not in names:
                        names.append(label)
        for name in ["valid_loss"] + names + ["train_loss"]:
            self.add_metric(name, fits[0], self.text(fits[0]))

    # ------------------------------------------------------------------ dataclass CLIs (HfArgumentParser, simple_parsing, tyro)

    def dataclasses(self):
        """Module- and function-level classes decorated with @dataclass: name -> ClassDef."""
        found = {}
        for node in self.all_nodes():
            if isinstance(node, ast.ClassDef):
                for dec in node.decorator_list:
                    target = dec.func if isinstance(dec, ast.Call) else dec
                    if last_name(target) == "dataclass":
                        found.setdefault(node.name, node)
        return found

    def annotation_info(self, annotation):
        """(type, choices, is_list) of a type annotation: Optional/`X | None` unwrapped, Literal and Enum as choices."""
        inner = annotation
        for _ in range(3):
            if isinstance(inner, ast.Subscript) and last_name(inner.value) in ("Optional", "Union", "Annotated"):
                inner = subscript_parts(inner)[0]
            elif isinstance(inner, ast.BinOp) and isinstance(inner.op, ast.BitOr):
                inner = inner.left if not (isinstance(inner.left, ast.Constant) and inner.left.value is None) else inner.right
        is_list = False
        if isinstance(inner, ast.Subscript) and last_name(inner.value) in ("List", "list", "Tuple", "tuple", "Sequence"):
            is_list = True
            inner = subscript_parts(inner)[0]
        if isinstance(inner, ast.Subscript) and last_name(inner.value) == "Literal":
            ok, choices = self.try_value(ast.List(elts=subscript_parts(inner), ctx=ast.Load()))
            if ok and choices and all(isinstance(c, (str, int, float, bool)) for c in choices):
                kinds = {type(c) for c in choices}
                return ({bool: "bool", int: "int", float: "float"}.get(kinds.pop(), "str") if len(kinds) == 1 else "str"), choices, is_list
        name = last_name(inner) if inner is not None else None
        if name in self.enums:
            return "str", list(self.enums[name].values()), is_list
        return (self.type_of(inner) if inner is not None else None), None, is_list

    def dataclass_fields(self, cls, classes, source, depth=0):
        """The options a dataclass CLI makes of cls's fields (base dataclasses of the file first)."""
        out = []
        if depth > 5:
            return out
        for base in cls.bases:
            if last_name(base) in classes and classes[last_name(base)] is not cls:
                out.extend(self.dataclass_fields(classes[last_name(base)], classes, source, depth + 1))
        body = cls.body
        for i, stmt in enumerate(body):
            if not (isinstance(stmt, ast.AnnAssign) and isinstance(stmt.target, ast.Name)):
                continue
            if last_name(stmt.annotation.value if isinstance(stmt.annotation, ast.Subscript) else stmt.annotation) in ("ClassVar", "InitVar"):
                continue
            name = stmt.target.id
            if name.startswith("_"):
                continue
            value, help_node, factory = stmt.value, None, False
            if isinstance(value, ast.Call) and last_name(value.func) == "field":
                kw = {k.arg: k.value for k in value.keywords if k.arg}
                factory = "default_factory" in kw
                value = kw.get("default")
                meta = kw.get("metadata")
                if isinstance(meta, ast.Dict):
                    for k, v in zip(meta.keys, meta.values):
                        if k is not None and const_str(k) == "help":
                            help_node = v
            if help_node is None and i + 1 < len(body) and isinstance(body[i + 1], ast.Expr) and const_str(body[i + 1].value) is not None:
                help_node = body[i + 1].value  # tyro and simple_parsing read the docstring under a field as its help
            type_name, choices, is_list = self.annotation_info(stmt.annotation)
            if type_name is None and last_name(stmt.annotation) in classes:
                self.warn("the fields of the nested dataclass %s (%s) are not read" % (last_name(stmt.annotation), name))
                continue
            dashed = name.replace("_", "-") if source == "tyro" else name
            arg = new_argument(source, ["--" + dashed], name, stmt.lineno, False)
            arg["typeText"] = self.text(stmt.annotation)
            arg["type"] = type_name
            arg["choices"] = choices
            if is_list:
                arg["nargs"] = "+"
            if value is not None:
                self.apply_default(arg, value)
            elif factory:
                arg["hasDefault"] = True
            else:
                arg["required"] = True
            if help_node is not None:
                ok, text = self.try_value(help_node)
                arg["help"] = clip(text) if ok and isinstance(text, str) else self.text(help_node)
            if type_name == "bool" and source == "tyro":
                arg["flags"] = ["--" + dashed, "--no-" + dashed]  # tyro's bools are flags: --x / --no-x
                arg["flag"] = True
                arg["action"] = "store_true" if arg["default"] is False else "boolean_optional"
            self.infer_type(arg)
            convert_text_default(arg)
            out.append(arg)
        return out

    def dataclass_arguments(self):
        classes = self.dataclasses()
        read = []  # (source, [class names]) in the order found
        for node in self.all_nodes():
            if not isinstance(node, ast.Call):
                continue
            fn = last_name(node.func)
            if fn == "HfArgumentParser" and node.args:
                first = node.args[0]
                names = [last_name(e) for e in first.elts] if isinstance(first, (ast.Tuple, ast.List)) else [last_name(first)]
                read.append(("hf", [n for n in names if n]))
            elif fn == "add_arguments" and node.args and "simple_parsing" in self.imports:
                read.append(("simple_parsing", [last_name(node.args[0])]))
            elif fn in ("parse", "parse_known_args") and node.args and dotted(node.func) and dotted(node.func).startswith("simple_parsing"):
                read.append(("simple_parsing", [last_name(node.args[0])]))
            elif fn == "cli" and node.args and "tyro" in self.imports:
                read.append(("tyro", [last_name(node.args[0])]))
        functions = {n.name: n for n in self.all_nodes() if isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef))}
        for source, names in read:
            self.add_framework(source)
            for name in names:
                if name in classes:
                    for arg in self.dataclass_fields(classes[name], classes, source):
                        self.add_argument(arg)
                elif source == "tyro" and name in functions:
                    for arg in self.function_options(functions[name], "tyro"):
                        self.add_argument(arg)
                elif source == "hf" and name in HF_TRAINING_ARGUMENTS_CLASSES:
                    for arg in self.hf_training_arguments():
                        self.add_argument(arg)
                elif name:
                    self.warn("the options of %s come from a class that is not defined in this file; add them by hand" % name)

    def hf_training_arguments(self):
        """The TrainingArguments options people tune most (the class is in transformers, not in the script)."""
        self.warn(
            "the Trainer prints eval_loss and the other eval_* metrics only when it evaluates during training: "
            "add --eval_strategy epoch to the command (--evaluation_strategy before transformers 4.41)"
        )
        out = []
        for name, type_name, default, text in HF_TRAINING_OPTIONS:
            arg = new_argument("hf", ["--" + name], name, 0, False)
            arg.update(type=type_name, help=text + " (transformers' TrainingArguments)")
            if default is None:
                arg["required"] = True
            else:
                arg.update(hasDefault=True, default=default, defaultText=repr(default))
            out.append(arg)
        # `if training_args.do_train: trainer.train()` (the transformers examples' run_glue.py and the like): without
        # --do_train and --do_eval such a script neither trains nor prints eval_loss. Both are off by default, so a
        # script that reads them is given them: a required on/off flag, passed as is.
        reads = {}
        for node in self.all_nodes():
            if isinstance(node, ast.Attribute) and node.attr in ("do_train", "do_eval") and isinstance(node.ctx, ast.Load):
                reads.setdefault(node.attr, node.lineno)
        for name in ("do_train", "do_eval"):
            if name in reads:
                arg = new_argument("hf", ["--" + name], name, reads[name], False)
                arg.update(
                    type="bool", action="store_true", flag=True, required=True,
                    help="the script %s only when it is given (transformers' TrainingArguments)" % ("trains" if name == "do_train" else "evaluates"),
                )
                out.append(arg)
        return out

    # ------------------------------------------------------------------ nanoGPT's configurator

    def configurator_arguments(self):
        """nanoGPT's `exec(open('configurator.py').read())`: it sets the module-level settings assigned before it from
        `--name=value` words (literal_eval'd, of the default's type). Each int, float or text setting is an option; a
        True/False one is not tuned (`--x=true` is no Python literal, and the type must match)."""
        if self.arguments:
            return
        at = None
        for i, stmt in enumerate(self.tree.body):
            call = stmt.value if isinstance(stmt, ast.Expr) else None
            if isinstance(call, ast.Call) and last_name(call.func) == "exec" and call.args:
                inner = call.args[0]  # open('configurator.py').read()
                if isinstance(inner, ast.Call) and isinstance(inner.func, ast.Attribute) and inner.func.attr == "read":
                    opened = inner.func.value
                    if isinstance(opened, ast.Call) and last_name(opened.func) == "open" and opened.args:
                        path = const_str(opened.args[0])
                        if path is not None and path.replace("\\", "/").split("/")[-1] == "configurator.py":
                            at = i
                            break
        if at is None:
            return
        bools = []
        for stmt in self.tree.body[:at]:
            if not (isinstance(stmt, ast.Assign) and len(stmt.targets) == 1 and isinstance(stmt.targets[0], ast.Name)):
                continue
            name = stmt.targets[0].id
            if name.startswith("_") or not isinstance(stmt.value, (ast.Constant, ast.UnaryOp, ast.BinOp)):
                continue
            ok, value = self.try_value(stmt.value)
            if not ok or value is None or isinstance(value, (list, dict, tuple)):
                continue
            if isinstance(value, bool):
                bools.append(name)
                continue
            arg = new_argument("configurator", ["--" + name], name, stmt.lineno, False)
            arg.update(
                type="int" if isinstance(value, int) else "float" if isinstance(value, float) else "str",
                hasDefault=True, default=value, defaultText=self.text(stmt.value),
            )
            self.add_argument(arg)
        if self.arguments:
            self.add_framework("configurator")
            self.warn(
                "the settings are the module-level values before exec(open('configurator.py').read()), which sets them from "
                "--name=value words of the same type (a float must be written with a point)"
                + ("; True/False ones are not tuned: %s" % ", ".join(bools) if bools else "")
            )

    # ------------------------------------------------------------------ python-fire

    def fire_arguments(self):
        """fire.Fire(fn): fn's parameters are options (`--lr=0.1`); fire.Fire({"train": fn}) and fire.Fire() name a command."""
        if "fire" not in self.imports:
            return
        functions = {n.name: n for n in self.tree.body if isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef))}
        classes = {n.name: n for n in self.tree.body if isinstance(n, ast.ClassDef)}
        for node in self.all_nodes():
            if not (isinstance(node, ast.Call) and last_name(node.func) == "Fire"):
                continue
            target, candidates = None, {}
            if node.args and isinstance(node.args[0], ast.Dict):
                candidates = {const_str(k): functions.get(last_name(v) or "") for k, v in zip(node.args[0].keys, node.args[0].values) if k is not None and const_str(k)}
            elif node.args and last_name(node.args[0]) in functions:
                target = functions[last_name(node.args[0])]
            elif node.args and last_name(node.args[0]) in classes:
                init = next((s for s in classes[last_name(node.args[0])].body if isinstance(s, ast.FunctionDef) and s.name == "__init__"), None)
                target = init
                if init is None:
                    self.warn("fire.Fire(%s): its options are not read" % last_name(node.args[0]))
                    continue
                methods = [s.name for s in classes[last_name(node.args[0])].body if isinstance(s, ast.FunctionDef) and not s.name.startswith("_")]
                self.warn("fire.Fire(%s) also takes a method name (%s): add it to the command" % (last_name(node.args[0]), ", ".join(methods)))
            elif not node.args:
                candidates = {n: f for n, f in functions.items() if not n.startswith("_") and n != "main"} or dict(functions)
            candidates = {k: v for k, v in candidates.items() if v is not None}
            if target is None and candidates:
                options = {name: self.quietly(self.function_options, fn, "fire") for name, fn in candidates.items()}
                if len(candidates) == 1 and node.args:
                    name = next(iter(candidates))
                else:
                    name, why = pick_command(list(options), options)
                    self.warn("fire commands (%s): the command runs %s (%s)" % (", ".join(options), name, why))
                self.subcommand = name
                target = candidates[name]
            if target is None:
                self.warn("the script takes options from python-fire, but what fire.Fire is given is not read: add those parameters by hand")
                continue
            self.add_framework("fire")
            for arg in self.function_options(target, "fire"):
                self.add_argument(arg)
            return

    def function_options(self, fn, source):
        """Options of a function's parameters with defaults (fire, tyro): `--name=value`; bools are flags."""
        params = list(getattr(fn.args, "posonlyargs", [])) + list(fn.args.args)
        defaults = [None] * (len(params) - len(fn.args.defaults)) + list(fn.args.defaults)
        out = []
        for param, default in list(zip(params, defaults)) + list(zip(fn.args.kwonlyargs, fn.args.kw_defaults)):
            if param.arg in ("self", "cls"):
                continue
            dashed = param.arg.replace("_", "-") if source == "tyro" else param.arg
            arg = new_argument(source, ["--" + dashed], param.arg, param.lineno, False)
            if param.annotation is not None:
                arg["typeText"] = self.text(param.annotation)
                arg["type"], arg["choices"], is_list = self.annotation_info(param.annotation)
                if is_list:
                    arg["nargs"] = "+"
            if default is None:
                arg["required"] = True
            else:
                self.apply_default(arg, default)
            self.infer_type(arg)
            if arg["type"] == "bool":
                # fire: --name sets True, --noname False; tyro: --name / --no-name.
                off = "--no" + param.arg if source == "fire" else "--no-" + dashed
                arg.update(flag=True, flags=["--" + dashed, off], action="store_true" if arg["default"] is False else "boolean_optional")
            out.append(arg)
        return out

    # ------------------------------------------------------------------ absl flags

    def absl_define_calls(self):
        """The `DEFINE_*(...)` calls of absl flags: through the flags module under any name (`flags.DEFINE_float`,
        `absl.flags.DEFINE_float`, TF1's `tf.app.flags.DEFINE_float`) or imported from it (`from absl.flags import
        DEFINE_float`)."""
        modules, functions = {"absl.flags"}, {}  # functions: local name -> DEFINE_ name
        for node in self.all_nodes():
            if isinstance(node, ast.ImportFrom) and node.module == "absl":
                modules.update(a.asname or a.name for a in node.names if a.name == "flags")
            elif isinstance(node, ast.ImportFrom) and node.module == "absl.flags":
                functions.update((a.asname or a.name, a.name) for a in node.names if a.name.startswith("DEFINE_"))
            elif isinstance(node, ast.Import):
                modules.update(a.asname for a in node.names if a.name == "absl.flags" and a.asname)
            elif isinstance(node, ast.Assign) and dotted(node.value) in modules:
                modules.update(t.id for t in node.targets if isinstance(t, ast.Name))  # `F = flags` (not `FLAGS = flags.FLAGS`)
        for node in self.all_nodes():
            if not isinstance(node, ast.Call):
                continue
            func = node.func
            if isinstance(func, ast.Attribute) and func.attr.startswith("DEFINE_"):
                receiver = dotted(func.value) or ""
                # ml_collections' config_flags.DEFINE_config_file / DEFINE_config_dict (flax's and Google's examples).
                if receiver in modules or receiver.endswith(".flags") or receiver.split(".")[-1] == "config_flags":
                    yield func.attr[len("DEFINE_") :], node
            elif isinstance(func, ast.Name) and func.id in functions:
                yield functions[func.id][len("DEFINE_") :], node

    def absl_arguments(self):
        """absl flags: `flags.DEFINE_float("lr", 1e-3, "help")` and its kinds, as `--lr=value` options; a bool is
        `--name` / `--noname` (on/off, as fire's); `DEFINE_multi_*` is repeated (`--x=1 --x=2`, as argparse's append)."""
        if "absl" not in self.imports and "tensorflow" not in self.imports:
            return
        found = {}
        for kind, call in self.absl_define_calls():
            arg = self.absl_flag(kind, call)
            if arg is not None and arg["dest"] not in found:
                found[arg["dest"]] = arg
        if not found:
            return
        self.add_framework("absl")
        # flags.mark_flag_as_required("data_dir"), flags.mark_flags_as_required(["a", "b"]): no default to keep.
        for node in self.all_nodes():
            if isinstance(node, ast.Call) and last_name(node.func) in ("mark_flag_as_required", "mark_flags_as_required") and node.args:
                ok, names = self.try_value(node.args[0])
                for name in names if ok and isinstance(names, list) else [names] if ok else []:
                    if name in found:
                        found[name]["required"] = True
        for arg in found.values():
            self.add_argument(arg)

    def absl_flag(self, kind, call):
        """One absl flag's option, or None (a kind that is no option: DEFINE_alias, DEFINE_flag; a name not literal)."""
        multi = kind.startswith("multi_")
        base = kind[len("multi_") :] if multi else kind
        # The positional parameters of DEFINE_<base>(name, default, [enum_values / enum_class,] help).
        names = ["name", "default", "enum_values", "help"] if base == "enum" else ["name", "default", "enum_class", "help"] if base == "enum_class" else ["name", "default", "help"]
        given = dict(zip(names, call.args))
        given.update((k.arg, k.value) for k in call.keywords if k.arg)
        name = const_str(given["name"]) if "name" in given else None
        if base in ("config_file", "config_dict", "config_dataclass") and name is not None:
            # `--config=configs/default.py --config.learning_rate=0.1`: the values are in a Python file (or the
            # script) this reader does not evaluate. The file option is kept (a placeholder when it is required).
            self.warn(
                "--%s is an ml_collections config (config_flags.DEFINE_%s): its values are not read; tune them with "
                "--%s.<key>={%s.<key>} words in the command and parameters named %s.<key> (e.g. --%s.learning_rate={%s.learning_rate})"
                % (name, base, name, name, name, name, name)
            )
            if base != "config_file":
                return None
            arg = new_argument("absl", ["--" + name], name, call.lineno, False)
            arg["type"] = "path"
            arg["typeText"] = "DEFINE_" + kind
            default = given.get("default")
            if default is not None and not (isinstance(default, ast.Constant) and default.value is None):
                self.apply_default(arg, default)
            return arg
        types = {"float": "float", "integer": "int", "string": "str", "bool": "bool", "boolean": "bool", "enum": "str", "enum_class": "str", "list": "str", "spaceseplist": "str"}
        if name is None or base not in types:
            if name is None and base in types:
                self.warn("skipped an absl DEFINE_%s whose name is not a literal (line %d)" % (kind, call.lineno))
            return None
        arg = new_argument("absl", ["--" + name], name, call.lineno, False)
        arg["type"] = types[base]
        arg["typeText"] = "DEFINE_" + kind
        default = given.get("default")
        if default is not None:
            self.apply_default(arg, default)
        if base == "enum":
            ok, choices = self.try_value(given["enum_values"]) if "enum_values" in given else (False, None)
            if ok and isinstance(choices, list) and all(isinstance(c, str) for c in choices):
                arg["choices"] = choices
        elif base == "enum_class":
            # Given by member name on the command line (`--opt=adam`); the default is a member or its name.
            cls = last_name(given["enum_class"]) if "enum_class" in given else None
            if cls in self.enums:
                arg["choices"] = list(self.enums[cls])
                if isinstance(default, ast.Attribute) and last_name(default.value) == cls:
                    arg["default"] = default.attr
        elif base in ("list", "spaceseplist") and isinstance(arg["default"], list):
            # One word of comma- (or space-) separated values: kept as text.
            arg["default"] = ("," if base == "list" else " ").join(str(v) for v in arg["default"])
        if "help" in given:
            ok, text = self.try_value(given["help"])
            arg["help"] = clip(text) if ok and isinstance(text, str) else self.text(given["help"])
        for key, bound in (("min", "lower_bound"), ("max", "upper_bound")):
            ok, v = self.try_value(given[bound]) if bound in given else (False, None)
            if ok and isinstance(v, (int, float)) and not isinstance(v, bool):
                arg[key] = v
        if "required" in given:
            ok, required = self.try_value(given["required"])
            arg["required"] = bool(required) if ok else True
        if arg["hasDefault"] and arg["default"] is None and arg["defaultText"] == "None":
            arg["hasDefault"] = False  # absl's usual "no default": None
        if multi:
            arg["action"] = "append"
            if arg["default"] is not None and not isinstance(arg["default"], list):
                arg["default"] = [arg["default"]]  # a single default stands for a list of one
        elif arg["type"] == "bool":
            # absl's booleans: --name sets true, --noname false (--name=true|false works too).
            off_by_default = arg["default"] is False
            arg.update(flag=True, flags=["--" + name, "--no" + name], action="store_true" if off_by_default else "boolean_optional")
        convert_text_default(arg)
        return arg

    # ------------------------------------------------------------------ LightningCLI

    def lightning_cli_arguments(self):
        """`LightningCLI(Model, DataModule)`: the `__init__` parameters of the model and datamodule classes are
        `--model.<name>` and `--data.<name>` options of the `fit` sub-command, and `--trainer.max_epochs` the epochs."""
        if not {"lightning", "pytorch_lightning"} & set(self.imports):
            return
        names = {"LightningCLI"}
        for node in self.all_nodes():
            if isinstance(node, ast.ImportFrom) and node.module and node.module.split(".")[0] in ("lightning", "pytorch_lightning"):
                names.update(a.asname for a in node.names if a.name == "LightningCLI" and a.asname)
        for node in self.all_nodes():  # class MyCLI(LightningCLI): a subclass takes the same arguments
            if isinstance(node, ast.ClassDef) and any(last_name(b) in names for b in node.bases):
                names.add(node.name)
        call = next((n for n in self.all_nodes() if isinstance(n, ast.Call) and last_name(n.func) in names and getattr(n, ORIGIN, None) is None), None)
        if call is None:
            return
        self.add_framework("lightning")
        kw = {k.arg: k.value for k in call.keywords if k.arg}
        ok, run = self.try_value(kw["run"]) if "run" in kw else (True, True)
        if ok and run is False:
            self.warn("LightningCLI(run=False): the script runs the trainer itself, so the command has no sub-command (fit)")
        else:
            self.set_subcommand(["fit"])  # LightningCLI's sub-commands: fit, validate, test, predict
        given = {"model": call.args[0] if call.args else kw.get("model_class"), "data": call.args[1] if len(call.args) > 1 else kw.get("datamodule_class")}
        for prefix, key in (("model", "subclass_mode_model"), ("data", "subclass_mode_data")):
            node = given[prefix]
            ok, subclass_mode = self.try_value(kw[key]) if key in kw else (True, False)
            if node is None:
                if prefix == "model":
                    self.warn("LightningCLI is given no model class (it is chosen with --model=... or a config file): the model's options are not read")
                continue
            if subclass_mode is not False:
                self.warn("LightningCLI(%s=True): the %s class is chosen on the command line, so its options are not read" % (key, prefix))
                continue
            found = self.lightning_class(node)
            if found is None:
                self.warn("the options of %s (--%s.*) are not read: its class is neither in the script nor in a module beside it" % (self.text(node), prefix))
                continue
            for arg in self.lightning_init_options(found, prefix):
                self.add_argument(arg)
        # The epochs: --trainer.max_epochs, with its default from trainer_defaults={"max_epochs": N} (else Lightning's: 1000).
        epochs = new_argument("lightning", ["--trainer.max_epochs"], "trainer.max_epochs", call.lineno, False)
        epochs.update(type="int", help="the Trainer's max_epochs")
        try:
            defaults = self.value(kw["trainer_defaults"]) if "trainer_defaults" in kw else None
        except (Unknown, RecursionError):
            defaults = None
        value = defaults.get("max_epochs") if isinstance(defaults, dict) else None
        if isinstance(value, int) and not isinstance(value, bool):
            epochs.update(hasDefault=True, default=value, defaultText=str(value))
        self.add_argument(epochs)
        if "parser_kwargs" in kw and "default_config_files" in (self.text(kw["parser_kwargs"]) or ""):
            self.warn("LightningCLI reads default config files (parser_kwargs): their values, which override the defaults in the code, are not read")

    def lightning_class(self, node):
        """The ClassDef a LightningCLI class argument names: in the script, or in a local module it is imported from
        (`from model import LitModel`, `import model; model.LitModel`), parsed here; None when neither."""
        name = last_name(node)
        for stmt in self.all_nodes():
            if isinstance(stmt, ast.ClassDef) and stmt.name == name and getattr(stmt, ORIGIN, None) is None:
                return stmt
        resolver = ImportedOptions(self)
        if resolver.folder is None:
            return None
        path = None
        if isinstance(node, ast.Attribute):  # model.LitModel after `import model`
            path = resolver.resolve(dotted(node.value) or "", 0, resolver.folder)
        else:
            for stmt in self.all_nodes():
                if isinstance(stmt, ast.ImportFrom) and any((a.asname or a.name) == name for a in stmt.names):
                    original = next(a.name for a in stmt.names if (a.asname or a.name) == name)
                    path = resolver.resolve(stmt.module, stmt.level, resolver.folder)
                    name = original
                    break
        module = self.lightning_modules.get(path) if path else None
        if path and module is None:
            module = resolver.load(path, declares_options=False)  # a model's file declares no parser
            if module is None:
                return None
            for inner in ast.walk(module.tree):
                setattr(inner, ORIGIN, module)  # its text and lines are that file's
            self.lightning_modules[path] = module
        found = module.top.get(name, [None])[0] if module is not None else None
        if not isinstance(found, ast.ClassDef):
            return None
        self.warn("read the options of %s from %s" % (name, module.name))
        self.lightning_imported.append(found)
        return found

    def lightning_init_options(self, cls, prefix, depth=0):
        """`--<prefix>.<name>` options of a class's `__init__` parameters; without its own `__init__`, its base's
        (a base class of the same file)."""
        init = next((s for s in cls.body if isinstance(s, ast.FunctionDef) and s.name == "__init__"), None)
        if init is None:
            origin = getattr(cls, ORIGIN, None)
            classes = {n: d[0] for n, d in origin.top.items() if isinstance(d[0], ast.ClassDef)} if origin else {n.name: n for n in self.tree.body if isinstance(n, ast.ClassDef)}
            base = next((classes[last_name(b)] for b in cls.bases if last_name(b) in classes), None)
            return self.lightning_init_options(base, prefix, depth + 1) if base is not None and depth < 5 else []
        out = []
        for arg in self.function_options(init, "lightning"):
            # jsonargparse takes every value as --model.name=value, booleans too (true/false): no on/off flags.
            arg.update(dest="%s.%s" % (prefix, arg["dest"]), flags=["--%s.%s" % (prefix, arg["dest"])], flag=False, action="store")
            if arg["nargs"] is not None:
                # A list is one YAML value there (--model.sizes=[64,32]): kept as its text, not tuned value by value.
                arg.update(nargs=None, type="str", default=arg["defaultText"])
            origin = getattr(cls, ORIGIN, None)
            if origin is not None:
                arg["file"] = origin.name
            convert_text_default(arg)
            out.append(arg)
        return out

    # ------------------------------------------------------------------ sys.argv and environment variables

    def conversion(self, node):
        """(inner, type) for int(x)/float(x)/str(x)/bool(x) (x itself and None otherwise)."""
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id in BUILTIN_TYPES and len(node.args) == 1:
            return node.args[0], BUILTIN_TYPES[node.func.id]
        return node, None

    def argv_index(self, node):
        """i for `sys.argv[i]` (an int literal >= 1), else None."""
        if isinstance(node, ast.Subscript) and dotted(node.value) in ("sys.argv", "argv"):
            inner = node.slice
            if type(inner).__name__ == "Index":  # Python 3.8
                inner = inner.value  # type: ignore[attr-defined]
            if isinstance(inner, ast.Constant) and isinstance(inner.value, int) and not isinstance(inner.value, bool) and inner.value >= 1:
                return inner.value
        return None

    def env_read(self, node):
        """(NAME, default node or None) for os.environ.get("NAME", d), os.getenv("NAME", d), os.environ["NAME"]."""
        if isinstance(node, ast.Call) and dotted(node.func) in ("os.environ.get", "os.getenv", "environ.get", "getenv") and node.args:
            name = const_str(node.args[0])
            default = node.args[1] if len(node.args) > 1 else next((k.value for k in node.keywords if k.arg == "default"), None)
            return (name, default) if name else None
        if isinstance(node, ast.Subscript) and dotted(node.value) in ("os.environ", "environ"):
            inner = node.slice
            if type(inner).__name__ == "Index":  # Python 3.8
                inner = inner.value  # type: ignore[attr-defined]
            if const_str(inner):
                return const_str(inner), None
        return None

    def positional_and_env_arguments(self):
        """`lr = float(sys.argv[1])` and `LR = float(os.environ.get("LR", "1e-3"))`: options of scripts without a parser."""
        if self.arguments or any(f in self.frameworks for f in ("argparse", "click", "typer")):
            return
        argv, env = {}, {}
        for node in self.all_nodes():
            if not (isinstance(node, ast.Assign) and len(node.targets) == 1 and isinstance(node.targets[0], ast.Name)):
                continue
            target = node.targets[0].id
            value, fallback = node.value, None
            if isinstance(value, ast.IfExp):  # float(sys.argv[1]) if len(sys.argv) > 1 else 0.01
                value, fallback = value.body, value.orelse
            inner, type_name = self.conversion(value)
            index = self.argv_index(inner)
            read = self.env_read(inner)
            if read is not None and (read[0] in RUNTIME_ENV or read[0].startswith(RUNTIME_ENV_PREFIXES)):
                if read[0] == "RUNG_BUDGET":
                    self.warn("the script reads $RUNG_BUDGET: Rung sets it to the trial's budget, which is 1 unless the study file sets budget: N or a scheduler's max_budget")
                continue
            if index is not None and index not in argv:
                arg = new_argument("sys.argv", [], target, node.lineno, True)
                arg.update(type=type_name, metavar=target.upper(), argvIndex=index)
                if fallback is not None:
                    self.apply_default(arg, fallback)
                else:
                    arg["required"] = True
                argv[index] = arg
            elif read is not None and read[0] not in env:
                name, default = read
                if default is None:
                    default = fallback
                arg = new_argument("env", [], target, node.lineno, False)
                arg.update(type=type_name, env=name)
                if default is not None:
                    self.apply_default(arg, default)
                else:
                    arg["required"] = True
                self.infer_type(arg)
                convert_text_default(arg)
                env[name] = arg
        if argv:
            self.add_framework("sys.argv")
            indexes = sorted(argv)
            if indexes != list(range(1, len(indexes) + 1)):
                self.warn("the script reads sys.argv at %s: only the arguments before the first gap are read" % ", ".join(map(str, indexes)))
            for i in indexes:
                if i != len([a for a in self.arguments if a["source"] == "sys.argv"]) + 1:
                    break
                arg = argv[i]
                arg["type"] = arg["type"] or "str"  # sys.argv items are text unless converted
                convert_text_default(arg)
                self.add_argument(arg)
        if env:
            self.add_framework("env")
            for arg in env.values():
                self.add_argument(arg)

    def rung_params_arguments(self):
        """`p = params(); lr = float(p.get("lr", 1e-3))` (Rung's helper, `from rung import params`): the names
        read from it, passed by Rung in RUNG_PARAMS, not on the command line."""
        if self.arguments:
            return
        names = set()
        for node in self.all_nodes():
            if isinstance(node, ast.ImportFrom) and node.module == "rung":
                names.update(a.asname or a.name for a in node.names if a.name == "params")

        def is_params_call(n):
            return isinstance(n, ast.Call) and not n.args and ((isinstance(n.func, ast.Name) and n.func.id in names) or dotted(n.func) == "rung.params")

        holders = set()
        for node in self.all_nodes():
            if isinstance(node, ast.Assign) and len(node.targets) == 1 and isinstance(node.targets[0], ast.Name) and is_params_call(node.value):
                holders.add(node.targets[0].id)
        if not names and not holders:
            return

        def read(n):
            """(name, default node or None) for p.get("name", d), p["name"], params().get(...), params()["name"]."""
            if isinstance(n, ast.Call) and isinstance(n.func, ast.Attribute) and n.func.attr == "get" and n.args:
                owner = n.func.value
            elif isinstance(n, ast.Subscript):
                owner = n.value
            else:
                return None
            if not (is_params_call(owner) or (isinstance(owner, ast.Name) and owner.id in holders)):
                return None
            if isinstance(n, ast.Call):
                name = const_str(n.args[0])
                return (name, n.args[1] if len(n.args) > 1 else None) if name else None
            inner = n.slice
            if type(inner).__name__ == "Index":  # Python 3.8
                inner = inner.value  # type: ignore[attr-defined]
            return (const_str(inner), None) if const_str(inner) else None

        found = {}
        for node in self.all_nodes():
            inner, type_name = self.conversion(node)
            got = read(inner) if type_name is not None else read(node)
            if got is None:
                continue
            name, default = got
            arg = found.get(name)
            if arg is None:
                arg = new_argument("rung", [], name, getattr(node, "lineno", 0), False)
                found[name] = arg
            if type_name is not None and arg["type"] is None:
                arg["type"] = type_name
            if default is not None and not arg["hasDefault"]:
                self.apply_default(arg, default)
        if found:
            self.add_framework("rung")
            for arg in found.values():
                # Never required: Rung passes every tuned one; a read without a default is the script's to handle.
                self.infer_type(arg)
                convert_text_default(arg)
                self.add_argument(arg)

    # ------------------------------------------------------------------ what libraries print

    def dict_value(self, node, key):
        """The literal value of `key` in a dict given as a literal or a variable bound to one (params = {...})."""
        dicts = [node] if isinstance(node, ast.Dict) else []
        if isinstance(node, ast.Name):
            dicts = [n.value for n in self.all_nodes() if isinstance(n, ast.Assign) and isinstance(n.value, ast.Dict) and any(isinstance(t, ast.Name) and t.id == node.id for t in n.targets)]
        if isinstance(node, ast.Call) and dotted(node.func) == "dict":
            for k in node.keywords:
                if k.arg == key:
                    ok, v = self.try_value(k.value)
                    return v if ok else None
        for d in dicts:
            for k, v in zip(d.keys, d.values):
                if k is not None and const_str(k) == key:
                    ok, value = self.try_value(v)
                    return value if ok else None
        return None

    def boosting_metrics(self):
        """XGBoost prints `[10]\teval-rmse:0.5` for evals=[(d, "eval")]; LightGBM `[10]\tvalid's auc: 0.9` (valid_auc)."""
        imports = set(self.imports)
        for node in self.all_nodes():
            if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr in ("train", "fit")):
                continue
            kw = {k.arg: k.value for k in node.keywords if k.arg}
            owner = dotted(node.func.value) or ""
            if "xgboost" in imports and node.func.attr == "train" and "evals" in kw:
                params = node.args[0] if node.args else kw.get("params")
                names = []
                if isinstance(kw["evals"], (ast.List, ast.Tuple)):
                    for e in kw["evals"].elts:
                        if isinstance(e, ast.Tuple) and len(e.elts) == 2 and const_str(e.elts[1]):
                            names.append(const_str(e.elts[1]))
                ok, verbose = self.try_value(kw["verbose_eval"]) if "verbose_eval" in kw else (True, True)
                self.boosting_names(node, names, self.xgb_metrics(params), "%s-%s", ok and verbose is False, "verbose_eval")
            elif "lightgbm" in imports and node.func.attr == "train" and "valid_sets" in kw and owner in ("lgb", "lightgbm", "lgbm"):
                params = node.args[0] if node.args else kw.get("params")
                sets = kw["valid_sets"].elts if isinstance(kw["valid_sets"], (ast.List, ast.Tuple)) else []
                ok, names = self.try_value(kw["valid_names"]) if "valid_names" in kw else (False, None)
                if not (ok and isinstance(names, list)):
                    names = ["valid_%d" % i for i in range(len(sets))]
                train = node.args[1] if len(node.args) > 1 else kw.get("train_set")
                # A valid set that is the training set itself is named "training".
                names = ["training" if train is not None and dotted(s) and dotted(s) == dotted(train) and "valid_names" not in kw else n for s, n in zip(sets, names)] + names[len(sets):]
                logs = any(isinstance(n, ast.Call) and last_name(n.func) == "log_evaluation" for n in ast.walk(kw.get("callbacks", ast.Constant(None))))
                silent = not logs and "verbose_eval" not in kw
                self.boosting_names(node, [n for n in names if isinstance(n, str)], self.lgb_metrics(params), "%s_%s", silent, "callbacks=[lgb.log_evaluation()]")
            elif node.func.attr == "fit" and "eval_set" in kw and ({"xgboost", "lightgbm"} & imports):
                count = len(kw["eval_set"].elts) if isinstance(kw["eval_set"], (ast.List, ast.Tuple)) else 1
                model = self.constructor_of(node.func.value)
                model_kw = {k.arg: k.value for k in model.keywords if k.arg} if model is not None else {}
                metric_node = kw.get("eval_metric", model_kw.get("eval_metric"))
                ok, metric = self.try_value(metric_node) if metric_node is not None else (False, None)
                metrics = metric if ok and isinstance(metric, list) else [metric] if ok and isinstance(metric, str) else []
                kind = last_name(model.func) if model is not None else ""
                if kind.startswith("LGBM"):
                    if not metrics:
                        metrics = ["binary_logloss" if "Classifier" in kind else "l2"]
                    logs = any(isinstance(n, ast.Call) and last_name(n.func) == "log_evaluation" for n in ast.walk(kw.get("callbacks", ast.Constant(None))))
                    self.boosting_names(node, ["valid_%d" % i for i in range(count)], metrics, "%s_%s", not logs and "verbose" not in kw, "callbacks=[lgb.log_evaluation()]")
                elif kind.startswith("XGB"):
                    if not metrics:
                        metrics = ["logloss" if "Classifier" in kind else "rmse"]
                    ok, verbose = self.try_value(kw["verbose"]) if "verbose" in kw else (True, True)
                    self.boosting_names(node, ["validation_%d" % i for i in range(count)], metrics, "%s-%s", ok and verbose is False, "verbose=True")

    def boosting_names(self, node, sets, metrics, form, silent, how):
        if silent:
            self.warn("the boosting library's evaluation results are not printed (line %d): pass %s" % (node.lineno, how))
            return
        # The last set and metric are the ones early stopping watches: list them first.
        for s in reversed(sets):
            for m in reversed(metrics):
                self.add_metric(form % (s, m), node, self.text(node))

    def constructor_of(self, expr):
        """The call that made `model` in `model.fit(...)` (`model = XGBRegressor(...)`), or the call itself."""
        if isinstance(expr, ast.Call):
            return expr
        name = dotted(expr)
        made = [n.value for n in self.all_nodes() if isinstance(n, ast.Assign) and isinstance(n.value, ast.Call) and any(dotted(t) == name for t in n.targets)]
        return made[-1] if made else None

    def xgb_metrics(self, params):
        value = self.dict_value(params, "eval_metric") if params is not None else None
        if isinstance(value, str):
            return [value]
        if isinstance(value, list) and all(isinstance(v, str) for v in value) and value:
            return value
        objective = self.dict_value(params, "objective") if params is not None else None
        if not isinstance(objective, str):
            return ["rmse"]
        return [XGB_DEFAULT_METRICS.get(objective, XGB_DEFAULT_METRICS.get(objective.split(":")[0], "rmse"))]

    def lgb_metrics(self, params):
        for key in ("metric", "metrics", "metric_types"):
            value = self.dict_value(params, key) if params is not None else None
            if isinstance(value, str):
                return [m.strip() for m in value.split(",") if m.strip()]
            if isinstance(value, list) and value and all(isinstance(v, str) for v in value):
                return value
        objective = self.dict_value(params, "objective") if params is not None else None
        return [LGB_DEFAULT_METRICS.get(objective if isinstance(objective, str) else "regression", "l2")]

    def hf_trainer_metrics(self):
        """transformers' Trainer prints `{'eval_loss': 0.4, 'eval_accuracy': 0.9, 'epoch': 1.0}` when it evaluates."""
        for node in self.all_nodes():
            if not (isinstance(node, ast.Call) and last_name(node.func) in ("Trainer", "Seq2SeqTrainer", "SFTTrainer")):
                continue
            kw = {k.arg: k.value for k in node.keywords if k.arg}
            if "eval_dataset" not in kw:
                continue
            self.add_metric("eval_loss", node, self.text(node))
            fn_name = last_name(kw["compute_metrics"]) if "compute_metrics" in kw else None
            for fn in self.all_nodes():
                if isinstance(fn, (ast.FunctionDef, ast.AsyncFunctionDef)) and fn.name == fn_name:
                    for ret in ast.walk(fn):
                        if isinstance(ret, ast.Return) and isinstance(ret.value, ast.Dict):
                            for k in ret.value.keys:
                                if k is not None and const_str(k):
                                    self.add_metric("eval_" + const_str(k), node, self.text(node))

    def cross_validates(self):
        """Whether the script scores by cross-validation (its printed score is then a validation score)."""
        return any(isinstance(n, ast.Call) and last_name(n.func) in CROSS_VALIDATION_CALLS for n in self.all_nodes())

    # ------------------------------------------------------------------ run

    def run(self):
        # The option readers see the functions the script uses from its own modules as if written in it; the metric
        # readers see the script alone (an imported module's prints are not the training loop's).
        own_body = self.tree.body
        imported = ImportedOptions(self).splice()
        self.collect_module_facts()
        self.argparse_arguments()
        self.click_arguments()
        self.typer_arguments()
        self.dataclass_arguments()
        self.fire_arguments()
        self.absl_arguments()
        self.lightning_cli_arguments()
        self.positional_and_env_arguments()
        self.rung_params_arguments()
        self.configurator_arguments()
        self.hydra_main()
        if imported:
            self.tree.body = own_body
            self.nodes = None
            self.say_imported_options(imported)
        self.options_imported = imported
        self.unread_option_sources()
        if self.lightning_imported:
            # A LightningModule's self.log(...) calls are the metrics, also when its class is in a module beside the script.
            self.tree.body = own_body + self.lightning_imported
            self.nodes = None
        self.metric_prints()
        self.tree.body = own_body
        self.nodes = None
        try:
            self.optuna = OptunaObjective(self).read()
        except Exception as exc:  # noqa: BLE001 - an odd objective must never cost the rest of what was read
            self.optuna = None
            self.warn("skipped reading an Optuna objective (%s: %s)" % (type(exc).__name__, clip(str(exc))))
        return {
            "version": VERSION,
            "script": self.filename,
            "python": "%d.%d.%d" % sys.version_info[:3],
            "frameworks": self.frameworks,
            "arguments": self.arguments,
            "metrics": sorted(self.metrics.values(), key=lambda m: m["line"]),
            "imports": self.imports,
            "warnings": self.warnings,
            **({"subcommand": self.subcommand} if self.subcommand else {}),
            **({"subcommandPath": self.subcommand_path} if self.subcommand and self.subcommand_path and len(self.subcommand_path) > 1 else {}),
            **({"crossValidation": True} if self.cross_validates() else {}),
            **({"logged": self.logged} if self.logged else {}),
            **({"hydra": self.hydra} if self.hydra is not None else {}),
            **({"optuna": self.optuna} if self.optuna is not None else {}),
        }


# ---------------------------------------------------------------------------------------------- Optuna objectives

OPTUNA_SUGGESTS = {
    "suggest_float": "float", "suggest_int": "int", "suggest_categorical": "categorical",
    "suggest_uniform": "float", "suggest_loguniform": "float", "suggest_discrete_uniform": "float",
}
# Names a returned variable has that say nothing of what it measures.
BLAND_RETURN_NAMES = {"result", "results", "res", "ret", "out", "output", "value", "val", "obj", "objective", "y", "f", "fx", "r", "v", "x", "metric", "metrics", "m"}


class OptunaObjective:
    """An Optuna objective function (``def objective(trial): ... trial.suggest_float(...)``) read statically.

    The objective is the function given to ``<study>.optimize(...)`` (by name, through ``lambda t: f(t, ...)``,
    ``functools.partial(f, ...)`` or an instance of a class with ``__call__``), else one named ``objective``. Its
    ``suggest_*`` calls give the parameters, with exact bounds when they are literals (or module constants); an
    ``if``/``elif``/``else`` on a variable assigned from ``suggest_categorical`` (``==``, ``!=``, ``in``, ``not in``, a
    bare truth test) makes the parameters inside it conditional (``when``). Functions of the script the trial is passed
    to (``define_model(trial)``) are read as if inline. ``trial.report(v, step)`` in a ``for`` loop over ``range(N)``
    gives the number of steps; ``create_study(direction=...)`` and ``optimize(n_trials=...)`` the goal and the trial count.
    """

    MAX_DEPTH = 6

    def __init__(self, inspector):
        self.inspector = inspector
        self.tree = inspector.tree
        self.functions = {}  # name -> FunctionDef (module level and nested; the first one wins)
        self.classes = {}
        for node in ast.walk(self.tree):
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
                self.functions.setdefault(node.name, node)
            elif isinstance(node, ast.ClassDef):
                self.classes.setdefault(node.name, node)
        self.params = []  # in order of appearance
        self.by_name = {}
        self.notes = []
        self.reports = []  # {"line", "loop": N or None}
        self.prunes = False
        self.methods = {}  # id(call) -> the __call__ method of a class instance given to optimize
        self.int_vars = {}  # variable -> (parameter, its literal high) for `n = trial.suggest_int("n", 1, 3)`
        self.loop_vars = {}  # loop variable -> (its possible values, what bounds them) inside `for i in range(...)`

    def note(self, message):
        if message not in self.notes:
            self.notes.append(message)

    def value(self, node):
        try:
            return True, json_safe(self.inspector.value(node))
        except (Unknown, RecursionError):
            return False, None

    def text(self, node):
        return self.inspector.text(node) or "?"

    # ---- finding the objective

    def suggests_in(self, fn):
        """The names fn's parameters are used as trials by (`<p>.suggest_*(...)`)."""
        names = {a.arg for a in fn.args.args + fn.args.kwonlyargs + getattr(fn.args, "posonlyargs", [])}
        used = set()
        for node in ast.walk(fn):
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr in OPTUNA_SUGGESTS:
                if isinstance(node.func.value, ast.Name) and node.func.value.id in names:
                    used.add(node.func.value.id)
        return used

    def trial_param(self, fn, index=0):
        params = getattr(fn.args, "posonlyargs", []) + fn.args.args
        if params and params[0].arg in ("self", "cls") and index == 0 and len(params) > 1:
            index = 1
        return params[index].arg if 0 <= index < len(params) else None

    def optimize_calls(self):
        return [
            n for n in ast.walk(self.tree)
            if isinstance(n, ast.Call) and isinstance(n.func, ast.Attribute) and n.func.attr == "optimize" and (n.args or any(k.arg == "func" for k in n.keywords))
        ]

    def resolve_callable(self, node):
        """(function name, index of the trial among its arguments, expression text or None, note or None)."""
        if isinstance(node, ast.Name) and node.id in self.functions:
            return node.id, 0, None, None
        if isinstance(node, ast.Attribute) and node.attr in self.functions:
            return node.attr, 0, self.text(node), None
        if isinstance(node, ast.Lambda) and len(node.args.args) == 1 and isinstance(node.body, ast.Call):
            t = node.args.args[0].arg
            call = node.body
            if isinstance(call.func, ast.Name) and call.func.id in self.functions:
                for i, a in enumerate(call.args):
                    if isinstance(a, ast.Name) and a.id == t:
                        return call.func.id, i, self.text(node), None
                for k in call.keywords:
                    if isinstance(k.value, ast.Name) and k.value.id == t and k.arg:
                        fn = self.functions[call.func.id]
                        names = [a.arg for a in fn.args.args]
                        return call.func.id, names.index(k.arg) if k.arg in names else 0, self.text(node), None
        if isinstance(node, ast.Call) and last_name(node.func) == "partial" and node.args and isinstance(node.args[0], ast.Name) and node.args[0].id in self.functions:
            return node.args[0].id, len(node.args) - 1, self.text(node), None
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id in self.classes:
            method = self.call_method(self.classes[node.func.id])
            if method is not None:
                # optimize(Objective(data)): run as `lambda trial: Objective(data)(trial)`, the instance made per trial.
                self.methods[id(node)] = method
                return id(node), 1, "lambda trial: %s(trial)" % self.text(node), None
            return None, 0, None, "the objective is an instance of the class %s, which has no __call__(self, trial) Rung can read" % node.func.id
        return None, 0, None, "the objective given to optimize (%s) is not a function of the script Rung can follow" % self.text(node)

    def call_method(self, cls):
        for item in cls.body:
            if isinstance(item, (ast.FunctionDef, ast.AsyncFunctionDef)) and item.name == "__call__" and len(item.args.args) >= 2:
                return item
        return None

    def find(self):
        """(FunctionDef, trial name, how, expression, the optimize call or None), or None."""
        for call in self.optimize_calls():
            target = call.args[0] if call.args else next(k.value for k in call.keywords if k.arg == "func")
            name, index, expr, why = self.resolve_callable(target)
            if name is None:
                if why:
                    self.note(why)
                continue
            fn = self.methods[name] if isinstance(name, int) else self.functions[name]
            trial = self.trial_param(fn, index)
            if trial is not None and trial in self.suggests_in(fn) or (trial is not None and self.passes_trial(fn, trial)):
                return fn, trial, "optimize", expr, call
        # Not given to optimize (or given through something not followed): a function named objective, as Optuna's
        # docs name it. Any other function that suggests is taken for a library helper (suggest_space(trial, space)).
        methods = {id(item) for cls in self.classes.values() for item in cls.body}
        named = [fn for fn in self.functions.values() if id(fn) not in methods and fn.name == "objective" and fn.args.args]
        chosen = named[0] if named else None
        if chosen is None:
            return None
        trial = self.trial_param(chosen)
        if trial is None:
            return None
        if trial not in self.suggests_in(chosen) and not self.passes_trial(chosen, trial):
            return None
        calls = self.optimize_calls()
        return chosen, trial, "name", None, calls[0] if len(calls) == 1 else None

    def passes_trial(self, fn, trial, depth=0):
        """fn gives `trial` to a function of the script that suggests (define_model(trial))."""
        if depth > self.MAX_DEPTH:
            return False
        for node in ast.walk(fn):
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id in self.functions:
                for i, a in enumerate(node.args):
                    if isinstance(a, ast.Name) and a.id == trial:
                        callee = self.functions[node.func.id]
                        inner = self.trial_param(callee, i)
                        if callee is not fn and inner is not None and (inner in self.suggests_in(callee) or self.passes_trial(callee, inner, depth + 1)):
                            return True
        return False

    # ---- the suggest calls

    def read(self):
        found = self.find()
        if found is None:
            return None
        fn, trial, how, expr, optimize = found
        self.walk(fn.body, trial, {}, {}, None, 0, set())
        info = {"function": fn.name, "line": fn.lineno, "how": how, "trial": trial, "parameters": self.params}
        if fn.name == "__call__" and expr is not None:
            info["function"] = expr[len("lambda trial: "):-len("(trial)")].split("(")[0] + ".__call__"
        if expr is not None:
            info["expression"] = expr
            free = self.free_names(expr_node_of(optimize)) if optimize is not None else []
            main_only = [n for n in free if n not in self.module_names()]
            if main_only:
                self.note(
                    "optimize is given %s, which uses %s, made only in the script's `if __name__ == \"__main__\":` block: the runner loads the script without running that block, so make %s at the module's top level"
                    % (expr, ", ".join(main_only), "them" if len(main_only) > 1 else "it")
                )
        if optimize is not None and self.runs_on_load(optimize):
            self.note(
                "study.optimize(...) (line %d) is at the module's top level, so it runs whenever the script is loaded, also in each Rung trial: put it under `if __name__ == \"__main__\":`"
                % optimize.lineno
            )
        study = self.study_of(optimize) if optimize is not None else self.only_study()
        if study is not None:
            for kw in study.keywords:
                if kw.arg == "direction":
                    d = self.direction(kw.value)
                    if d:
                        info["direction"] = d
                elif kw.arg == "directions":
                    if isinstance(kw.value, (ast.List, ast.Tuple)):
                        info["directions"] = [self.direction(e) or "?" for e in kw.value.elts]
                    else:
                        info["directions"] = ["?"]
        if optimize is not None:
            given = [k.value for k in optimize.keywords if k.arg == "n_trials"] or optimize.args[1:2]
            if given:
                ok, n = self.value(given[0])
                if ok and isinstance(n, int) and not isinstance(n, bool) and n > 0:
                    info["nTrials"] = n
        reports = [r for r in self.reports]
        if reports:
            loops = [r["loop"] for r in reports if r["loop"] is not None]
            info["reports"] = {"line": reports[0]["line"], "steps": max(loops) if loops else None}
        if self.prunes:
            info["prunes"] = True
        returned = self.returned_name(fn)
        if returned:
            info["returned"] = returned
        info["notes"] = self.notes
        return info

    def runs_on_load(self, call):
        for stmt in self.tree.body:
            if isinstance(stmt, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)) or (isinstance(stmt, ast.If) and is_main_test(stmt.test)):
                continue
            if any(n is call for n in ast.walk(stmt)):
                return True
        return False

    def direction(self, node):
        s = const_str(node)
        if s is None and isinstance(node, ast.Attribute):
            s = node.attr
        s = (s or "").lower()
        return s if s in ("minimize", "maximize") else None

    def study_of(self, optimize):
        receiver = optimize.func.value
        if isinstance(receiver, ast.Call) and last_name(receiver.func) == "create_study":
            return receiver
        name = dotted(receiver)
        if name is not None:
            for node in ast.walk(self.tree):
                if isinstance(node, ast.Assign) and isinstance(node.value, ast.Call) and last_name(node.value.func) == "create_study":
                    if any(dotted(t) == name for t in node.targets):
                        return node.value
        return self.only_study()

    def only_study(self):
        studies = [n for n in ast.walk(self.tree) if isinstance(n, ast.Call) and last_name(n.func) == "create_study"]
        return studies[0] if len(studies) == 1 else None

    def module_names(self):
        """Names the module binds outside its `if __name__ == "__main__":` block (what a loaded module has)."""
        names = set(dir(__builtins__)) if not isinstance(__builtins__, dict) else set(__builtins__)
        for stmt in self.tree.body:
            if isinstance(stmt, ast.If) and is_main_test(stmt.test):
                continue
            for node in ast.walk(stmt):
                if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
                    names.add(node.name)
                elif isinstance(node, ast.Name) and isinstance(node.ctx, ast.Store):
                    names.add(node.id)
                elif isinstance(node, (ast.Import, ast.ImportFrom)):
                    for alias in node.names:
                        names.add((alias.asname or alias.name).split(".")[0])
        return names

    def free_names(self, node):
        if node is None:
            return []
        bound = set()
        if isinstance(node, ast.Lambda):
            bound = {a.arg for a in node.args.args}
        out = []
        for n in ast.walk(node):
            if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Load) and n.id not in bound and n.id not in out:
                out.append(n.id)
        return out

    def returned_name(self, fn):
        names = []
        for stmt in fn.body:
            for node in ast.walk(stmt):
                if isinstance(node, ast.Return) and node.value is not None:
                    v = node.value
                    if isinstance(v, ast.Call) and isinstance(v.func, ast.Attribute) and v.func.attr in ("mean", "item", "max", "min") and not v.args:
                        v = v.func.value
                    name = v.id if isinstance(v, ast.Name) else (v.attr if isinstance(v, ast.Attribute) else None)
                    names.append(name)
        names = [n for n in names if n is not None]
        if names and all(n == names[0] for n in names) and names[0].lower() not in BLAND_RETURN_NAMES and re.match(r"^[A-Za-z][A-Za-z0-9_]*$", names[0]):
            return names[0]
        return None

    def walk(self, body, trial, when, cats, loop, depth, seen):
        """Reads the statements of body. when: parent -> allowed values; cats: variable -> (parameter, choices)."""
        for stmt in body:
            if isinstance(stmt, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
                continue
            if isinstance(stmt, ast.If):
                self.calls(stmt.test, trial, when, cats, loop, depth, seen)
                body_when, else_when = dict(when), dict(when)
                for parent, yes in self.branch(stmt.test, cats, True):
                    body_when = restrict(body_when, parent, yes)
                for parent, no in self.branch(stmt.test, cats, False):
                    else_when = restrict(else_when, parent, no)
                body_cats, else_cats = dict(cats), dict(cats)
                self.walk(stmt.body, trial, body_when, body_cats, loop, depth, seen)
                self.walk(stmt.orelse, trial, else_when, else_cats, loop, depth, seen)
                # A variable a branch assigns from suggest_categorical keeps its meaning after the if (unless the
                # branches disagree): `if model != "a": act = trial.suggest_categorical(...)`, then `if act == ...`.
                for key in set(body_cats) | set(else_cats) | set(cats):
                    mine = [c.get(key) for c in (body_cats, else_cats) if key in c or key in cats]
                    if mine and all(m is not None and m == mine[0] for m in mine):
                        cats[key] = mine[0]
                    else:
                        cats.pop(key, None)  # reassigned in a branch, or the branches disagree
                continue
            if isinstance(stmt, (ast.For, ast.AsyncFor)):
                self.calls(stmt.iter, trial, when, cats, loop, depth, seen)
                steps = self.range_length(stmt.iter)
                indexes = self.loop_indexes(stmt)
                if indexes is not None:
                    self.loop_vars[stmt.target.id] = indexes
                self.walk(stmt.body, trial, when, cats, steps if steps is not None else loop, depth, seen)
                if indexes is not None:
                    self.loop_vars.pop(stmt.target.id, None)
                self.walk(stmt.orelse, trial, when, cats, loop, depth, seen)
                continue
            if isinstance(stmt, ast.While):
                self.calls(stmt.test, trial, when, cats, loop, depth, seen)
                self.walk(stmt.body, trial, when, cats, loop, depth, seen)
                self.walk(stmt.orelse, trial, when, cats, loop, depth, seen)
                continue
            if isinstance(stmt, (ast.With, ast.AsyncWith)):
                for item in stmt.items:
                    self.calls(item.context_expr, trial, when, cats, loop, depth, seen)
                self.walk(stmt.body, trial, when, cats, loop, depth, seen)
                continue
            if isinstance(stmt, ast.Try) or type(stmt).__name__ == "TryStar":
                for part in (stmt.body, *[h.body for h in stmt.handlers], stmt.orelse, stmt.finalbody):
                    self.walk(part, trial, when, cats, loop, depth, seen)
                continue
            if type(stmt).__name__ == "Match":
                self.calls(stmt.subject, trial, when, cats, loop, depth, seen)
                for case in stmt.cases:
                    self.walk(case.body, trial, when, cats, loop, depth, seen)
                continue
            self.calls(stmt, trial, when, cats, loop, depth, seen)
            if isinstance(stmt, (ast.Assign, ast.AnnAssign)):
                value = stmt.value
                targets = stmt.targets if isinstance(stmt, ast.Assign) else [stmt.target]
                if isinstance(value, ast.Call) and self.is_suggest(value, trial) and value.func.attr == "suggest_int":
                    p = self.by_name.get(self.param_name(value))
                    for t in targets:
                        if isinstance(t, ast.Name) and p is not None and isinstance(p.get("high"), int):
                            self.int_vars[t.id] = (p["name"], p["high"])
                if isinstance(value, ast.Call) and self.is_suggest(value, trial) and value.func.attr == "suggest_categorical":
                    name = self.param_name(value)
                    p = self.by_name.get(name) if name is not None else None
                    if p is not None and p["type"] == "categorical":
                        for t in targets:
                            if isinstance(t, ast.Name):
                                cats[t.id] = (name, p["choices"])
                else:
                    for t in targets:
                        if isinstance(t, ast.Name):
                            cats.pop(t.id, None)

    def is_suggest(self, call, trial):
        return isinstance(call.func, ast.Attribute) and call.func.attr in OPTUNA_SUGGESTS and isinstance(call.func.value, ast.Name) and call.func.value.id == trial

    def param_name(self, call):
        nodes = call.args[:1] + [k.value for k in call.keywords if k.arg == "name"]
        if not nodes:
            return None
        ok, v = self.value(nodes[0])
        return v if ok and isinstance(v, str) else None

    def calls(self, node, trial, when, cats, loop, depth, seen):
        """The suggest, report and should_prune calls in one statement or expression (not in nested bodies)."""
        for n in ast.walk(node):
            if not isinstance(n, ast.Call):
                continue
            if self.is_suggest(n, trial):
                self.suggest(n, when)
            elif isinstance(n.func, ast.Attribute) and isinstance(n.func.value, ast.Name) and n.func.value.id == trial:
                if n.func.attr == "report":
                    self.reports.append({"line": n.lineno, "loop": loop})
                elif n.func.attr == "should_prune":
                    self.prunes = True
            elif isinstance(n.func, ast.Name) and n.func.id in self.functions and depth < self.MAX_DEPTH:
                for i, a in enumerate(n.args):
                    if isinstance(a, ast.Name) and a.id == trial:
                        callee = self.functions[n.func.id]
                        inner = self.trial_param(callee, i)
                        if inner is not None and callee.name not in seen:
                            self.walk(callee.body, inner, when, {}, loop, depth + 1, seen | {callee.name})

    def loop_indexes(self, stmt):
        """For `for i in range(n_layers)` (n_layers from suggest_int, or a literal): i's possible values, and why."""
        it = stmt.iter
        if not (isinstance(stmt.target, ast.Name) and isinstance(it, ast.Call) and isinstance(it.func, ast.Name) and it.func.id == "range" and 1 <= len(it.args) <= 2):
            return None
        start = 0
        if len(it.args) == 2:
            ok, start = self.value(it.args[0])
            if not ok or not isinstance(start, int) or isinstance(start, bool):
                return None
        stop_node = it.args[-1]
        why = None
        ok, stop = self.value(stop_node)
        if not (ok and isinstance(stop, int) and not isinstance(stop, bool)):
            if isinstance(stop_node, ast.Name) and stop_node.id in self.int_vars:
                param, stop = self.int_vars[stop_node.id]
                why = "%s), at most range(%d" % (param, stop)
            else:
                return None
        values = list(range(start, stop))
        return (values, why) if 0 < len(values) <= 32 else None

    def expand_name(self, node):
        """The names of `f"n_units_l{i}"` for each value of an enclosing loop's i: [(name, why)] or None."""
        if not isinstance(node, ast.JoinedStr):
            return None
        holes = [v for v in node.values if isinstance(v, ast.FormattedValue)]
        if len(holes) != 1 or not isinstance(holes[0].value, ast.Name) or holes[0].value.id not in self.loop_vars:
            return None
        if holes[0].conversion not in (-1, None) or holes[0].format_spec is not None:
            return None
        values, why = self.loop_vars[holes[0].value.id]
        names = []
        for v in values:
            text = "".join(str(v) if isinstance(part, ast.FormattedValue) else str(part.value) for part in node.values)
            names.append(text)
        return names, why

    def range_length(self, node):
        """N for `range(N)`, `range(a, N)`: the steps of a loop (its last step is below N)."""
        if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == "range" and 1 <= len(node.args) <= 3):
            return None
        ok, stop = self.value(node.args[0] if len(node.args) == 1 else node.args[1])
        if ok and isinstance(stop, int) and not isinstance(stop, bool) and stop > 0:
            return stop
        return None

    def branch(self, test, cats, taken):
        """[(parameter, values)] that hold where `test` is true (taken) or false: `a and b` restricts its body by both,
        `a or b` its else branch by both; one test on a categorical either way (see condition)."""
        if isinstance(test, ast.BoolOp) and isinstance(test.op, (ast.And, ast.Or)):
            if isinstance(test.op, ast.And) == taken:
                return [r for part in test.values for r in self.branch(part, cats, taken)]
            conds = [self.condition(part, cats) for part in test.values]
            if conds and all(c is not None for c in conds) and len({c[0] for c in conds}) == 1:
                values = [v for c in conds for v in (c[1] if taken else c[2])]
                return [(conds[0][0], values)]  # `a == "x" or a == "y"`: either, on one parameter
            return []
        if isinstance(test, ast.UnaryOp) and isinstance(test.op, ast.Not) and isinstance(test.operand, ast.BoolOp):
            return self.branch(test.operand, cats, not taken)
        cond = self.condition(test, cats)
        return [] if cond is None else [(cond[0], cond[1] if taken else cond[2])]

    def categorical_of(self, node, cats):
        """(parameter, choices) for a categorical's variable, or a suggest_categorical call written in the test."""
        if isinstance(node, ast.Name) and node.id in cats:
            return cats[node.id]
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "suggest_categorical":
            p = self.by_name.get(self.param_name(node))
            if p is not None and p["type"] == "categorical":
                return p["name"], p["choices"]
        return None

    def condition(self, test, cats):
        """(parameter, values where true, values where false) for a test on a categorical's variable, else None."""
        found = self.categorical_of(test, cats)
        if found is not None:
            name, choices = found
            return name, [c for c in choices if c], [c for c in choices if not c]
        if isinstance(test, ast.UnaryOp) and isinstance(test.op, ast.Not):
            inner = self.condition(test.operand, cats)
            return (inner[0], inner[2], inner[1]) if inner else None
        if not (isinstance(test, ast.Compare) and len(test.ops) == 1):
            return None
        left, right, op = test.left, test.comparators[0], test.ops[0]
        if self.categorical_of(right, cats) is not None and isinstance(op, (ast.Eq, ast.NotEq)):
            left, right = right, left
        found = self.categorical_of(left, cats)
        if found is None:
            return None
        name, choices = found
        ok, v = self.value(right)
        if not ok:
            return None
        if isinstance(op, (ast.Eq, ast.Is)):
            yes = [c for c in choices if c == v]
        elif isinstance(op, (ast.NotEq, ast.IsNot)):
            yes = [c for c in choices if c != v]
        elif isinstance(op, (ast.In, ast.NotIn)) and isinstance(v, list):
            yes = [c for c in choices if c in v] if isinstance(op, ast.In) else [c for c in choices if c not in v]
        else:
            return None
        return name, yes, [c for c in choices if c not in yes]

    def suggest(self, call, when):
        kind_word = call.func.attr
        kind = OPTUNA_SUGGESTS[kind_word]
        name = self.param_name(call)
        line = call.lineno
        first = call.args[0] if call.args else None
        expanded = self.expand_name(first) if name is None and first is not None else None
        if expanded is not None:
            names, why = expanded
            self.note(
                "line %d: %s is suggested in a loop%s: proposed as %s; Rung sends them all, the objective reads those it needs"
                % (line, self.text(first), " over range(%s)" % why if why else "", ", ".join(names))
            )
            for each in names:
                self.suggest_named(call, kind_word, kind, each, line, when)
            return
        if name is None:
            self.note("line %d: %s with a name that is not a literal (%s): not read; add its parameter(s) to the study file by hand" % (line, kind_word, self.text(first) if first is not None else "?"))
            return
        self.suggest_named(call, kind_word, kind, name, line, when)

    def suggest_named(self, call, kind_word, kind, name, line, when):
        p = {"name": name, "type": kind, "line": line}
        positional = ["low", "high"]
        if kind_word == "suggest_int":
            positional = ["low", "high", "step", "log"]
        elif kind_word == "suggest_discrete_uniform":
            positional = ["low", "high", "q"]
        elif kind == "categorical":
            positional = ["choices"]
        given = dict(zip(positional, call.args[1:]))
        for k in call.keywords:
            if k.arg:
                given[k.arg] = k.value
        if kind == "categorical":
            ok, choices = self.value(given["choices"]) if "choices" in given else (False, None)
            if not ok or not isinstance(choices, list) or not choices or any(isinstance(c, list) or c is None for c in choices):
                self.note(
                    "line %d: the choices of %s (%s) are not a list of numbers, text or true/false (None, nested lists and computed lists are not read): add them to the study file by hand"
                    % (line, name, self.text(given.get("choices", call)))
                )
                return
            p["choices"] = choices
        else:
            guesses = []
            for bound in ("low", "high"):
                ok, v = self.value(given[bound]) if bound in given else (False, None)
                if ok and isinstance(v, (int, float)) and not isinstance(v, bool):
                    p[bound] = v
                else:
                    guesses.append("%s=%s" % (bound, self.text(given[bound]) if bound in given else "?"))
            log = kind_word == "suggest_loguniform"
            if "log" in given:
                ok, v = self.value(given["log"])
                log = bool(v) if ok else False
            if log:
                p["log"] = True
            step_node = given.get("q", given.get("step"))
            if step_node is not None:
                ok, v = self.value(step_node)
                if ok and isinstance(v, (int, float)) and not isinstance(v, bool) and v > 0 and not (kind == "int" and v == 1):
                    p["step"] = v
            if guesses:
                p["guessed"] = guesses
        if when:
            p["when"] = {k: list(v) for k, v in when.items()}
        old = self.by_name.get(name)
        if old is None:
            self.by_name[name] = p
            self.params.append(p)
            return
        # The same name suggested again (in another branch): one parameter, active where either is.
        same = all(old.get(k) == p.get(k) for k in ("type", "low", "high", "log", "step", "choices"))
        if not same:
            self.note("line %d: %s is suggested again with another range or choices (first at line %d): the first is proposed" % (line, name, old["line"]))
        ow, nw = old.get("when"), p.get("when")
        if ow is None:
            return
        if nw is not None and list(ow) == list(nw) and len(ow) == 1:
            parent = next(iter(ow))
            old["when"] = {parent: ow[parent] + [v for v in nw[parent] if v not in ow[parent]]}
        else:
            old.pop("when", None)


def restrict(when, parent, values):
    out = dict(when)
    out[parent] = [v for v in out[parent] if v in values] if parent in out else list(values)
    return out


def expr_node_of(optimize):
    if optimize is None:
        return None
    return optimize.args[0] if optimize.args else next((k.value for k in optimize.keywords if k.arg == "func"), None)


# Set on every node of a definition read from an imported module: the ImportedModule it comes from, and the place
# (line, column) in the script that uses it, which orders its declarations among the script's (see place).
ORIGIN = "_rung_origin"
ANCHOR = "_rung_anchor"


def place(node):
    """Where node is, for ordering declarations: in an imported module, after the place in the script that uses it."""
    return getattr(node, ANCHOR, ()) + (node.lineno, node.col_offset)


class ImportedModule:
    """A local module the script takes its options from: its file (named relative to the script's folder), its tree
    and its text. Shared, not copied, by the copies LoopUnroller makes of its nodes."""

    def __init__(self, path, name, tree, source):
        self.path = path
        self.name = name
        self.tree = tree
        self.lines = SOURCE_LINE.findall(source)
        self.used = []  # the names the script (or another module read) takes from it, as said in the notes
        self.top = {}  # name -> its top-level def, class or assignments
        for stmt in tree.body:
            if isinstance(stmt, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
                self.top.setdefault(stmt.name, [stmt])
            elif isinstance(stmt, (ast.Assign, ast.AnnAssign)):
                for target in stmt.targets if isinstance(stmt, ast.Assign) else [stmt.target]:
                    for name in bound_names(target):
                        self.top.setdefault(name, []).append(stmt)

    def __deepcopy__(self, memo):
        return self


class ImportedOptions:
    """The option declarations a script takes from its own modules (`from options import get_parser`, `from
    utils.args import add_train_args`, `from .args import add_args`, `import config; config.parse()`, `from opts import
    parser`), added to its tree so that every reader (argparse's helpers and parser parameters above all) follows them
    as if written in the script.

    A module is read only when it is a file under the script's folder, or under the folders above it while they are
    packages (at most MAX_PACKAGE_LEVELS up): installed modules are never read, and nothing is imported or run. What is
    added: the functions and classes the script uses from it, with the functions, classes and constants of that module
    they use (and, MAX_DEPTH modules deep, those they import from local modules in turn); for a module-level object
    (`from opts import parser`), the module's top-level statements. A module that cannot be read or parsed is a note.
    """

    MAX_FILES = 8  # whose options are read
    MAX_FILES_LOOKED_AT = 64  # read to see whether they have any
    MAX_BYTES = 1_000_000
    MAX_DEPTH = 2  # the script's modules, and the local modules those import from
    MAX_PACKAGE_LEVELS = 3
    MAX_STATEMENTS = 2000  # added in all: a bound on the work, whatever the modules

    def __init__(self, inspector):
        self.inspector = inspector
        self.modules = {}  # real path -> ImportedModule, or None when it cannot be read
        self.added = []  # the statements added to the script's tree
        self.added_ids = set()  # ids of the original statements added (each once)
        self.imports_cache = {}  # (id of a module's tree, its folder) -> imports_of it
        self.script_names = set()  # names the script defines: an added definition must not shadow them
        self.taken = set()  # those, and the names added so far
        script = inspector.filename
        self.folder = os.path.dirname(os.path.abspath(script)) if script and script != "-" else None

    def splice(self):
        """Adds the definitions the script uses from its local modules to the end of its tree; the modules read."""
        if self.folder is None or not os.path.isdir(self.folder):
            return []
        tree = self.inspector.tree
        self.script_names = {name for stmt in tree.body for name in defined_names(stmt)}
        self.taken = set(self.script_names)
        try:
            self.take_from(tree, tree, self.folder, None, 0, None)
        except (RecursionError, MemoryError, ValueError):
            self.inspector.warn("the modules the script imports its options from are nested too deeply to follow")
        if self.added:
            tree.body = tree.body + self.added
            self.inspector.nodes = None
        return [m for m in self.modules.values() if m is not None and m.used]

    def roots(self, folder):
        """The folders an absolute import is looked up in: folder, then those above while folder is in a package."""
        found = [folder]
        while len(found) <= self.MAX_PACKAGE_LEVELS and os.path.isfile(os.path.join(found[-1], "__init__.py")):
            above = os.path.dirname(found[-1])
            if above == found[-1]:
                break
            found.append(above)
        return found

    def resolve(self, module, level, folder):
        """The file of a local module (`a.b` -> a/b.py or a/b/__init__.py) imported from a file in folder, else None."""
        if level > 0:
            base = folder
            for _ in range(level - 1):
                base = os.path.dirname(base)
                if not os.path.isfile(os.path.join(base, "__init__.py")):
                    return None  # `from ..x import y` beyond the top package
            if base not in self.roots(folder):
                return None
            roots = [base]
        else:
            roots = self.roots(folder)
        parts = module.split(".") if module else []
        for root in roots:
            stem = os.path.join(root, *parts) if parts else root
            for path in (stem + ".py", os.path.join(stem, "__init__.py")):
                if parts or path.endswith("__init__.py"):
                    real = os.path.realpath(path)
                    if os.path.isfile(real) and self.is_local(real):
                        return real
        return None

    def is_local(self, real):
        """Whether a file is under the folders modules are looked up in (not a link out to installed packages)."""
        for root in self.roots(self.folder):
            inside = os.path.realpath(root) + os.sep
            if real.startswith(inside) and not {"site-packages", "dist-packages"} & set(real.split(os.sep)):
                return True
        return False

    def load(self, path, declares_options=True):
        """The ImportedModule of a file, read and parsed once; None when it cannot be read (said in the notes) or, with
        `declares_options`, declares no parser (a model, a data loader: skipped by its text, without parsing it)."""
        if path in self.modules:
            return self.modules[path]
        self.modules[path] = None
        if path == os.path.realpath(self.inspector.filename) or len(self.modules) > self.MAX_FILES_LOOKED_AT:
            return None  # the script itself (`from train import ...` in train.py) is already read
        name = os.path.relpath(path, self.folder).replace(os.sep, "/")
        try:
            if os.path.getsize(path) > self.MAX_BYTES:
                self.inspector.warn("skipped %s, which the script imports: it is larger than 1 MB" % name)
                return None
            with tokenize.open(path) as f:
                source = f.read()
            if declares_options and not any(word in source for word in OPTION_CALLS) and os.path.basename(path) != "__init__.py":
                return None  # (a package's __init__.py is read for what it re-exports: `from .args import add_args`)
            self.modules[path] = ImportedModule(path, name, ast.parse(source, filename=path), source)
        except SyntaxError as exc:
            self.inspector.warn("skipped %s, which the script imports: it does not parse (line %s: %s)" % (name, exc.lineno, exc.msg))
        except (OSError, UnicodeDecodeError, LookupError, ValueError, RecursionError, MemoryError) as exc:
            self.inspector.warn("skipped %s, which the script imports: it cannot be read (%s)" % (name, exc))
        return self.modules[path]

    def imports_of(self, tree, folder):
        """What a file takes from local modules: ({local name: (module, name in it)}, {dotted alias: module})."""
        key = (id(tree), folder)
        if key not in self.imports_cache:
            self.imports_cache[key] = self.find_imports(tree, folder)
        return self.imports_cache[key]

    def find_imports(self, tree, folder):
        names, aliases = {}, {}
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom):
                for alias in node.names:
                    if alias.name == "*":
                        continue
                    local = alias.asname or alias.name
                    # `from utils import args` takes a module when utils/args.py exists, else a name of utils.
                    submodule = self.resolve(".".join(p for p in (node.module, alias.name) if p), node.level, folder)
                    if submodule is not None:
                        aliases[local] = submodule
                        continue
                    path = self.resolve(node.module, node.level, folder)
                    if path is not None:
                        names[local] = (path, alias.name)
            elif isinstance(node, ast.Import):
                for alias in node.names:
                    path = self.resolve(alias.name, 0, folder)
                    if path is not None:
                        aliases[alias.asname or alias.name] = path
        return names, aliases

    def take_from(self, tree, imports, folder, module_of_tree, depth, anchor):
        """Adds what `tree` (the script when module_of_tree is None, else a definition added from that module) uses from
        the local modules `imports` (the tree of its file, in folder) imports."""
        if depth >= self.MAX_DEPTH:
            return
        names, aliases = self.imports_of(imports, folder)
        if not names and not aliases:
            return
        # A name in a type annotation (`def hook(parser: Parser)`) is not one the script runs.
        annotations = {id(n) for a in annotations_of(tree) for n in ast.walk(a)}
        for node in ast.walk(tree):
            if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Load) and node.id in names and id(node) not in annotations:
                path, name = names[node.id]
                self.take(path, name, node.id, depth, anchor or (node.lineno, node.col_offset))
            elif isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
                # `config.parse()`, `utils.args.add_args(p)`: read as a call of the function by its name.
                path = aliases.get(dotted(node.func.value) or "")
                if path is not None and self.take(path, node.func.attr, node.func.attr, depth, anchor or (node.lineno, node.col_offset)):
                    node.func = ast.copy_location(ast.Name(id=node.func.attr, ctx=ast.Load()), node.func)
                    if module_of_tree is not None:
                        setattr(node.func, ORIGIN, module_of_tree)
                        setattr(node.func, ANCHOR, anchor)

    def take(self, path, name, local, depth, anchor):
        """Adds the definition of `name` in the module at path, as `local`; whether it was added (or already was)."""
        module = self.load(path)
        if module is None or len(self.added) > self.MAX_STATEMENTS:
            return False
        if name not in module.top:
            # Re-exported (`from .args import add_args` in utils/__init__.py): read where it is defined.
            names, _ = self.imports_of(module.tree, os.path.dirname(module.path))
            if name in names and depth + 1 < self.MAX_DEPTH:
                return self.take(names[name][0], names[name][1], local, depth + 1, anchor)
            return False
        if not declares_options(module, module.top[name]):
            return False  # a model, a data loader: nothing of the options (and their env reads and prints are not the script's)
        if not module.used and sum(1 for m in self.modules.values() if m is not None and m.used) >= self.MAX_FILES:
            self.inspector.warn("skipped %s: the options of at most %d imported files are read" % (module.name, self.MAX_FILES))
            return False
        if name not in module.used:
            module.used.append(name)
        statements = module.top[name]
        if isinstance(statements[0], (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            if local in self.taken:
                return local == name and id(statements[0]) in self.added_ids
            self.add(statements[0], module, local, depth, anchor)
        else:
            # A module-level object (`parser = ArgumentParser()`, then `parser.add_argument(...)` below it): the module's
            # top-level statements declare its options, as they run when the script imports it.
            for stmt in module.tree.body:
                if not isinstance(stmt, (ast.Import, ast.ImportFrom, ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)) and not (
                    isinstance(stmt, ast.If) and is_main_test(stmt.test)
                ):
                    if not set(defined_names(stmt)) & self.script_names:
                        self.add(stmt, module, None, depth, anchor)
        return True

    def add(self, stmt, module, local, depth, anchor):
        """Adds a copy of a statement of module (renamed to local), then what it uses of its module and its imports."""
        if id(stmt) in self.added_ids:
            return
        self.added_ids.add(id(stmt))
        added = copy.deepcopy(stmt)
        if local is not None:
            added.name = local
        for node in ast.walk(added):
            setattr(node, ORIGIN, module)
            setattr(node, ANCHOR, anchor)
        self.taken.update(defined_names(added))
        self.added.append(added)
        # The functions, classes and constants of its own module it uses, by name (a helper, a base class, DEFAULTS).
        for node in ast.walk(added):
            if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Load) and node.id in module.top and node.id not in self.taken:
                for definition in module.top[node.id]:
                    self.add(definition, module, None, depth, anchor)
        self.take_from(added, module.tree, os.path.dirname(module.path), module, depth + 1, anchor)


def annotations_of(tree):
    """The type annotations in tree: of parameters, of returns, of annotated assignments."""
    for node in ast.walk(tree):
        if isinstance(node, ast.arg) and node.annotation is not None:
            yield node.annotation
        elif isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)) and node.returns is not None:
            yield node.returns
        elif isinstance(node, ast.AnnAssign):
            yield node.annotation


def defined_names(stmt):
    """The names a top-level statement binds."""
    if isinstance(stmt, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
        return [stmt.name]
    if isinstance(stmt, ast.Assign):
        return [n for t in stmt.targets for n in bound_names(t)]
    if isinstance(stmt, ast.AnnAssign):
        return list(bound_names(stmt.target))
    return []


# Calls that make or fill an argparse parser: a definition without one (through its module's own helpers) is not read.
OPTION_CALLS = {"ArgumentParser", "add_argument", "add_argument_group", "set_defaults", "parse_args", "parse_known_args"}


def declares_options(module, statements, seen=None):
    """Whether statements of module (a definition, or a module-level object's assignments: then the module's top-level
    statements) declare argparse options, themselves or through the module's functions and classes they use."""
    seen = set() if seen is None else seen
    if any(isinstance(s, (ast.Assign, ast.AnnAssign)) for s in statements):
        statements = [s for s in module.tree.body if not isinstance(s, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef))]
    for stmt in statements:
        if id(stmt) in seen:
            continue
        seen.add(id(stmt))
        for node in ast.walk(stmt):
            if isinstance(node, ast.Call) and last_name(node.func) in OPTION_CALLS:
                return True
            if isinstance(node, ast.Name) and node.id in module.top and len(seen) < 200:
                used = [d for d in module.top[node.id] if isinstance(d, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef))]
                if used and declares_options(module, used, seen):
                    return True
    return False


class Loop:
    """A `for` statement, or one `for` of a comprehension: what it binds, what it iterates over, the conditions an
    item must meet (a comprehension's `if`s) and the loop around it."""

    def __init__(self, node, target, iterable, conditions, outer):
        self.node = node  # the `for` statement or the comprehension: its line, and the function it is in
        self.target = target
        self.iter = iterable
        self.conditions = conditions
        self.outer = outer


class Guard:
    """The branch of an `if` a statement is in: its test, whether the statement runs when it holds, the one around it."""

    def __init__(self, test, holds, outer):
        self.test = test
        self.holds = holds
        self.outer = outer


COMPREHENSIONS = (ast.ListComp, ast.SetComp, ast.GeneratorExp, ast.DictComp)
# Set on an argument put in place of a helper's parameter: the function whose names it reads (see LoopUnroller.bind_call).
CONTEXT = "_rung_context"
# In a binding of loop names: the index of the item of each loop (not a name: it has a space).
ITEM_INDEXES = "item indexes"


def loaded_names(node):
    return {n.id for n in ast.walk(node) if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Load)}


def bound_names(target):
    return {n.id for n in ast.walk(target) if isinstance(n, ast.Name)}


def parameter_names(fn):
    args = fn.args
    rest = [a for a in (args.vararg, args.kwarg) if a is not None]
    return [a.arg for a in list(getattr(args, "posonlyargs", [])) + list(args.args) + list(args.kwonlyargs) + rest]


def receiver_root(node):
    """`p` for `p.add_argument`, `p.add_argument_group("x").add_argument`, `self.parser.add_argument`; else None."""
    while isinstance(node, (ast.Attribute, ast.Call, ast.Subscript)):
        node = node.func if isinstance(node, ast.Call) else node.value
    return node.id if isinstance(node, ast.Name) else None


class LoopUnroller:
    """Options declared in loops and helpers, made literal before they are read.

    Loops: `for name, default in {"lr": 1e-3, ...}.items(): p.add_argument(f"--{name}", type=type(default),
    default=default)`, `for k in ["lr", "momentum"]: p.add_argument("--" + k, type=float)`, comprehensions
    (`[click.option(f"--{n}") for n in NAMES]`), and loops in loops (`for group in GROUPS.values(): for name, default in
    group.items(): ...`: the inner loop's items may come from the outer loop's). A loop's items are read when they are
    literals: a dict or a list/tuple in the loop header, or a name bound to one (a module-level constant, or assigned once
    in the same function), through `.items()`, `.keys()`, `.values()`, `list()`, `sorted()`, `reversed()`, `dict(...)`,
    `range(...)`, `enumerate(...)` and `zip(...)` of literal lists. Each item (each combination, for nested loops) gives a
    copy of the declaration with the loop's names replaced by the item's parts (see Substitute, which then folds option
    strings built from them to literals).

    Helpers (`def add(p, name, default): p.add_argument(f"--{name}", default=default)`): a declaration that uses its
    function's parameters is read once per call of that function, with the call's arguments in place of the parameters;
    a call in a loop, or in another such helper, is unrolled the same way first (see declarations).

    What cannot be read this way (a loop over values only known when the script runs) is skipped with a note: nothing
    is guessed.
    """

    MAX_ITEMS = 200  # copies of one declaration, all its loops and helper calls together
    MAX_DEPTH = 8  # loops in loops, helpers called by helpers, names bound to names
    MAX_HELPER_CALLS = 5000  # helper calls followed in the whole script: a bound on the work, whatever the script

    def __init__(self, inspector):
        self.inspector = inspector
        self.loop_of = {}  # id(node) -> the innermost Loop whose body (or comprehension) it is in
        self.function_of = {}  # id(node) -> the innermost function whose body it is in
        self.guard_of = {}  # id(node) -> the innermost Guard (branch of an `if`) it is in, within its function
        self.position = {}  # id(node) -> the index of the statement it is in, in the body of its innermost `for`
        self.assigned = {}  # (id of a function or of None, name) -> the values assigned to it there
        self.calls = {}  # name -> the calls of a function or method of that name
        self.functions = {}  # name -> the first function (not method) defined with that name (module-level ones first)
        self.methods = set()  # ids of the functions defined in a class
        self.helper_calls = 0  # followed so far (see MAX_HELPER_CALLS)
        self.index(inspector.tree)
        for node in inspector.all_nodes():
            if isinstance(node, ast.ClassDef):
                self.methods.update(id(s) for s in node.body if isinstance(s, (ast.FunctionDef, ast.AsyncFunctionDef)))
        for node in inspector.all_nodes():
            if isinstance(node, (ast.Assign, ast.AnnAssign)) and getattr(node, "value", None) is not None:
                targets = node.targets if isinstance(node, ast.Assign) else [node.target]
                for target in targets:
                    if isinstance(target, ast.Name):
                        self.assigned.setdefault((id(self.function_of.get(id(node))), target.id), []).append(node.value)
            elif isinstance(node, ast.Call) and last_name(node.func):
                self.calls.setdefault(last_name(node.func), []).append(node)
            elif isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)) and id(node) not in self.methods:
                self.functions.setdefault(node.name, node)

    def index(self, tree):
        """Fills loop_of, function_of, guard_of and position (without recursion: a script may nest expressions deeply)."""
        stack = [(tree, None, None, None, None)]
        while stack:
            node, loop, fn, guard, position = stack.pop()
            for child, child_loop, child_fn, child_guard, child_position in self.children(node, loop, fn, guard, position):
                for table, value in ((self.loop_of, child_loop), (self.function_of, child_fn), (self.guard_of, child_guard), (self.position, child_position)):
                    if value is not None:
                        table[id(child)] = value
                stack.append((child, child_loop, child_fn, child_guard, child_position))

    @staticmethod
    def children(node, loop, fn, guard, position):
        """node's children, each with the loop, the function and the branch it runs in, and its statement's index in
        the body of its loop."""
        if isinstance(node, (ast.For, ast.AsyncFor)):
            inner = Loop(node, node.target, node.iter, [], loop)
            out = [(node.target, loop, fn, guard, position), (node.iter, loop, fn, guard, position)]
            body_guard = guard
            for i, statement in enumerate(node.body):
                out.append((statement, inner, fn, body_guard, i))
                if isinstance(statement, ast.If) and statement.body and isinstance(statement.body[-1], ast.Continue):
                    body_guard = Guard(statement.test, False, body_guard)  # `if k == "seed": continue`: what follows runs when it does not hold
            return out + [(s, loop, fn, guard, position) for s in node.orelse]
        if isinstance(node, ast.If):
            return (
                [(node.test, loop, fn, guard, position)]
                + [(s, loop, fn, Guard(node.test, True, guard), position) for s in node.body]
                + [(s, loop, fn, Guard(node.test, False, guard), position) for s in node.orelse]
            )
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            # Its body runs when it is called, not once per item of a loop around the definition; its decorators and
            # defaults run where it is defined.
            body = {id(s) for s in node.body}
            outside = [(c, loop, fn, guard, position) for c in ast.iter_child_nodes(node) if id(c) not in body]
            return outside + [(s, None, node, None, None) for s in node.body]
        if isinstance(node, COMPREHENSIONS):
            out, current = [], loop
            for generator in node.generators:
                out.append((generator.iter, current, fn, guard, position))  # the first `for`'s items are read outside it
                current = Loop(node, generator.target, generator.iter, generator.ifs, current)
                out.append((generator.target, current, fn, guard, position))
                out.extend((c, current, fn, guard, position) for c in generator.ifs)
            results = [node.key, node.value] if isinstance(node, ast.DictComp) else [node.elt]
            return out + [(r, current, fn, guard, position) for r in results]
        return [(c, loop, fn, guard, position) for c in ast.iter_child_nodes(node)]

    # ------------------------------------------------------------------ loops

    def expand(self, node, binding=None, depth=0):
        """([copies], None): node once per item of the loops around it whose names it uses (once per combination of
        items for nested loops), with the names of `binding` (a helper's parameters) replaced too; node itself when it
        uses none. (None, why) when the items of such a loop cannot be read."""
        copies, why = self.expand_in_order(node, binding, depth)
        return (None, why) if copies is None else ([c for c, _ in copies], None)

    def expand_in_order(self, node, binding=None, depth=0):
        """expand's copies, each with its place in the order the script makes them: [(line, column) of the outermost
        loop, (index of the item,) of each loop, (line, column) of node]."""
        here = [place(node)]
        loops = self.loops_used(node)
        if not loops and not binding:
            return [(node, here)], None
        bindings, why = self.unroll(loops, [dict(binding or {})], depth, node)
        if bindings is None:
            return None, why
        start = [place(loops[0].node)] if loops else []
        # An item for which the branch the declaration is in is not taken declares nothing
        # (`if isinstance(default, bool): store_true... else: type=type(default)`).
        return [
            (Substitute(b).visit(copy.deepcopy(node)), start + [(i,) for i in b.get(ITEM_INDEXES, ())] + here)
            for b in bindings
            if self.branch_taken(node, b)
        ], None

    def branch_taken(self, node, binding):
        """False when an `if` around node (or a `continue` before it) folds, with the binding's values, to the branch
        node is not in; True otherwise, also when a test cannot be evaluated (nothing is guessed: node is read)."""
        guard, seen = self.guard_of.get(id(node)), 0
        while guard is not None and seen < 50:
            folded = Substitute(binding).visit(copy.deepcopy(guard.test))
            if isinstance(folded, ast.Constant) and bool(folded.value) != guard.holds:
                return False
            guard, seen = guard.outer, seen + 1
        return True

    def loops_used(self, node):
        """The loops around node whose names it uses, directly, through the items of an inner one, or through an
        assignment in a loop's body before it (`default = spec["default"]`); outermost first."""
        needed = loaded_names(node)
        chain = []
        inside, loop, seen = node, self.loop_of.get(id(node)), 0
        while loop is not None and seen < 50:
            for assignment in reversed(self.assignments_before(loop, inside)):
                if bound_names(assignment.targets[0]) & needed:
                    needed |= loaded_names(assignment.value)
            if bound_names(loop.target) & needed:
                chain.insert(0, loop)
                needed |= loaded_names(loop.iter)
                for condition in loop.conditions:
                    needed |= loaded_names(condition)
            inside, loop, seen = loop.node, loop.outer, seen + 1
        return chain

    def assignments_before(self, loop, inside):
        """The plain assignments (`x = ...`, `a, b = ...`) in a `for` loop's body before the statement that holds
        `inside` (a node, or an inner loop)."""
        if not isinstance(loop.node, (ast.For, ast.AsyncFor)) or id(inside) not in self.position:
            return []
        return [s for s in loop.node.body[: self.position[id(inside)]] if isinstance(s, ast.Assign) and len(s.targets) == 1]

    def unroll(self, loops, bindings, depth=0, node=None):
        """Every combination of the loops' items, as `bindings` extended with the names each loop binds (an inner loop's
        items read with the outer loops' names in place) and those its body assigns before node, or (None, why)."""
        if len(loops) > self.MAX_DEPTH or depth > self.MAX_DEPTH:
            return None, "skipped the options declared in loops nested more than %d deep (line %d)" % (self.MAX_DEPTH, loops[-1].node.lineno if loops else 0)
        for loop in loops:
            what = clip(self.inspector.text(loop.iter)) or "its items"
            line = loop.node.lineno
            extended = []
            for binding in bindings:
                iterable = Substitute(binding).visit(copy.deepcopy(loop.iter)) if binding else loop.iter
                items = self.items(iterable, self.function_of.get(id(loop.node)), depth + 1)
                if items is None:
                    return None, "skipped the options declared in a loop over %s (line %d): its items are not literals, so their names and defaults are unknown; add them by hand" % (what, line)
                for index, item in enumerate(items):
                    bound = dict(binding)
                    bound[ITEM_INDEXES] = binding.get(ITEM_INDEXES, ()) + (index,)
                    if not self.bind(loop.target, item, bound):
                        return None, "skipped the options declared in a loop over %s (line %d): its items do not unpack into %s" % (what, line, clip(self.inspector.text(loop.target)))
                    self.bind_assignments(loop, loops, node, bound)
                    kept = self.holds(loop.conditions, bound)
                    if kept is None:
                        return None, "skipped the options declared in a loop over %s (line %d): its condition cannot be evaluated for each item" % (what, line)
                    if kept:
                        extended.append(bound)
                if len(extended) > self.MAX_ITEMS:
                    return None, "skipped the options declared in a loop over %s (line %d): more than %d items" % (what, line, self.MAX_ITEMS)
            bindings = extended
        return bindings, None

    def bind_assignments(self, loop, loops, node, binding):
        """Adds to binding what loop's body assigns before node (or before the next loop of `loops` that holds it),
        with the item's values in place; a value that is not a tuple cannot be unpacked and leaves its names out."""
        if node is None:
            return
        inner = loops.index(loop) + 1
        inside = loops[inner].node if inner < len(loops) else node
        while id(inside) in self.loop_of and self.loop_of[id(inside)] is not loop:
            inside = self.loop_of[id(inside)].node  # the statement of loop's body that holds node: through loops not in `loops`
        for assignment in self.assignments_before(loop, inside):
            value = Substitute(binding).visit(copy.deepcopy(assignment.value))
            target = assignment.targets[0]
            if not self.bind(target, value, binding):
                for name in bound_names(target):
                    binding.pop(name, None)

    @staticmethod
    def holds(conditions, binding):
        """Whether an item passes a comprehension's `if`s; None when one does not fold to a literal."""
        for condition in conditions:
            folded = Substitute(binding).visit(copy.deepcopy(condition))
            if not isinstance(folded, ast.Constant):
                return None
            if not folded.value:
                return False
        return True

    def bind(self, target, item, binding):
        if isinstance(target, ast.Name):
            binding[target.id] = item
            return True
        if isinstance(target, (ast.Tuple, ast.List)) and isinstance(item, (ast.Tuple, ast.List)) and len(target.elts) == len(item.elts):
            return all(self.bind(t, v, binding) for t, v in zip(target.elts, item.elts))
        return False

    def bound_value(self, name, fn):
        """The one value `name` is assigned in fn, else at module level; None when unknown or assigned more than once."""
        bound = self.assigned.get((id(fn), name)) if fn is not None else None
        if bound is None:
            bound = self.assigned.get((id(None), name))
        return bound[0] if bound is not None and len(bound) == 1 else None

    def items(self, expr, fn, depth):
        """The loop's items as expression nodes (a dict's `.items()` as 2-tuples), or None when not literal."""
        if depth > self.MAX_DEPTH:
            return None
        if isinstance(expr, (ast.List, ast.Tuple, ast.Set)):
            return None if any(isinstance(e, ast.Starred) for e in expr.elts) else list(expr.elts)
        if isinstance(expr, ast.Dict):
            return None if any(k is None for k in expr.keys) else list(expr.keys)
        if isinstance(expr, (ast.ListComp, ast.SetComp, ast.GeneratorExp)):
            return self.comprehension_items(expr, depth)
        if isinstance(expr, ast.Name):
            value = self.bound_value(expr.id, fn)
            return None if value is None else self.items(value, fn, depth + 1)  # unknown, or rebound: which value the loop sees is not clear
        if isinstance(expr, ast.Call):
            func = expr.func
            if isinstance(func, ast.Attribute) and not expr.args and not expr.keywords and func.attr in ("items", "keys", "values"):
                pairs = self.dict_pairs(func.value, fn, depth + 1)
                if pairs is None:
                    return None
                if func.attr == "keys":
                    return [k for k, _ in pairs]
                if func.attr == "values":
                    return [v for _, v in pairs]
                return [ast.Tuple(elts=[k, v], ctx=ast.Load()) for k, v in pairs]
            name = dotted(func)
            if name in ("list", "tuple", "sorted", "reversed") and len(expr.args) == 1 and not expr.keywords:
                inner = self.items(expr.args[0], fn, depth + 1)
                if inner is not None and name == "reversed":
                    inner = inner[::-1]
                if inner is not None and name == "sorted":
                    keys = [self.literal(e) for e in inner]
                    if any(k is None for k in keys):
                        return None
                    inner = [e for _, e in sorted(zip(keys, inner), key=lambda pair: repr(pair[0]))]
                return inner
            if name == "dict":
                pairs = self.dict_pairs(expr, fn, depth + 1)
                return None if pairs is None else [k for k, _ in pairs]
            if name == "range" and not expr.keywords:
                ok, bounds = self.inspector.try_value(expr)  # range(...) of literal ints evaluates to a list
                if ok and isinstance(bounds, list):
                    return [ast.Constant(value=v) for v in bounds]
                return None
            if name == "enumerate" and len(expr.args) == 1 and not expr.keywords:
                inner = self.items(expr.args[0], fn, depth + 1)
                return None if inner is None else [ast.Tuple(elts=[ast.Constant(value=i), e], ctx=ast.Load()) for i, e in enumerate(inner)]
            if name == "zip" and expr.args and not expr.keywords:
                columns = [self.items(a, fn, depth + 1) for a in expr.args]
                if any(c is None for c in columns):
                    return None
                return [ast.Tuple(elts=list(row), ctx=ast.Load()) for row in zip(*columns)]
        return None

    def comprehension_items(self, expr, depth):
        """A comprehension's values, one per combination of its `for`s' items (only one written in the script: its
        loops are known by where its parts are)."""
        loops, loop = [], self.loop_of.get(id(expr.elt))
        while loop is not None and loop.node is expr:
            loops.insert(0, loop)
            loop = loop.outer
        if not loops:
            return None
        bindings, _ = self.unroll(loops, [{}], depth + 1)
        return None if bindings is None else [Substitute(b).visit(copy.deepcopy(expr.elt)) for b in bindings]

    def dict_pairs(self, expr, fn, depth):
        """[(key node, value node)] of a literal dict (`{...}`, `dict(a=1)`, or a name bound to one), else None."""
        if depth > self.MAX_DEPTH:
            return None
        if isinstance(expr, ast.Dict):
            return None if any(k is None for k in expr.keys) else list(zip(expr.keys, expr.values))
        if isinstance(expr, ast.Call) and dotted(expr.func) == "dict" and not expr.args and all(k.arg for k in expr.keywords):
            return [(ast.Constant(value=k.arg), k.value) for k in expr.keywords]
        if isinstance(expr, ast.Name):
            value = self.bound_value(expr.id, fn)
            return None if value is None else self.dict_pairs(value, fn, depth + 1)
        return None

    def literal(self, node):
        """A sort key for an item: its value when literal (a `.items()` pair: its key first), else None."""
        if isinstance(node, ast.Tuple) and node.elts:
            return self.literal(node.elts[0])
        ok, v = self.inspector.try_value(node)
        return v if ok and isinstance(v, (str, int, float)) else None

    # ------------------------------------------------------------------ helpers

    def declarations(self, call, depth=0, callers=()):
        """The declarations an option call (`p.add_argument(...)`) makes: a copy per item of the loops around it (see
        expand) and, when it uses parameters of the function it is in (a helper: `def add(p, name, default):
        p.add_argument(f"--{name}", default=default)`), a copy per call of that function with the call's arguments in
        place; a call in a loop, or in another such helper, is unrolled first.

        Returns ([(copy, order)], notes): `order` sorts the copies where the outermost call that makes each is (the order
        in which the script runs them, mostly); the notes say what could not be read."""
        fn = self.function_of.get(id(call))
        used = self.helper_parameters(call, fn)
        sites = self.calls_of(fn) if used else []
        sites = sorted((s for s in sites if self.function_of.get(id(s)) not in callers + (fn,)), key=lambda s: (s.lineno, s.col_offset))
        self.helper_calls += len(sites)
        if not sites or depth >= self.MAX_DEPTH or self.helper_calls > self.MAX_HELPER_CALLS:
            # Not a helper, or one never called here: read as written (ParserScopes still follows its parser parameter).
            copies, why = self.expand_in_order(call)
            return (copies, []) if copies is not None else ([], [why])
        found, notes = [], []
        for site in sites:
            made, site_notes = self.declarations(site, depth + 1, callers + (fn,))
            notes.extend(site_notes)
            for site_copy, site_order in made:
                binding = self.bind_call(fn, site_copy, self.function_of.get(id(site)))
                if binding is None or not used <= set(binding):
                    notes.append(
                        "skipped the options %s() declares (line %d) when called at line %d: the call's arguments cannot be matched to its parameters; add them by hand"
                        % (fn.name, call.lineno, site.lineno)
                    )
                    continue
                copies, why = self.expand_in_order(call, binding, depth + 1)
                if copies is None:
                    notes.append(why)
                    continue
                found.extend((c, site_order + order) for c, order in copies)
                if len(found) > self.MAX_ITEMS:
                    return found[: self.MAX_ITEMS], notes + ["read only the first %d options that %s() declares (line %d)" % (self.MAX_ITEMS, fn.name, call.lineno)]
        return found, notes

    def calls_of(self, fn):
        """The calls of fn: `add(...)` for a function, `<x>.add(...)` for a method (by name: `self`'s class is not known)."""
        method = id(fn) in self.methods
        return [c for c in self.calls.get(fn.name, []) if isinstance(c.func, ast.Attribute if method else ast.Name)]

    def helper_parameters(self, call, fn):
        """The parameters of fn that the call's arguments (not its receiver: ParserScopes follows that one) or the items
        of its loops use."""
        if fn is None:
            return set()
        used = set()
        for node in list(call.args) + [k.value for k in call.keywords]:
            used |= loaded_names(node)
        for loop in self.loops_used(call):
            used |= loaded_names(loop.iter)
            used -= bound_names(loop.target)
        return used & (set(parameter_names(fn)) - {"self", "cls"})

    def bind_call(self, fn, call, caller):
        """fn's parameters -> the expressions a call of it gives them (its defaults for the others); None when the call
        passes `*args`/`**kwargs` or more arguments than fn takes. Each argument is marked with the function it is read
        in (CONTEXT), so that a parser passed down keeps its sub-command."""
        args = fn.args
        positional = [a.arg for a in list(getattr(args, "posonlyargs", [])) + list(args.args)]
        binding = {}
        for name, default in zip(positional[len(positional) - len(args.defaults) :], args.defaults):
            binding[name] = default
        for param, default in zip(args.kwonlyargs, args.kw_defaults):
            if default is not None:
                binding[param.arg] = default
        if positional[:1] in (["self"], ["cls"]) and isinstance(call.func, ast.Attribute):
            positional = positional[1:]  # self.add(p, ...): the method's first parameter is not in the call
        if any(isinstance(a, ast.Starred) for a in call.args) or any(k.arg is None for k in call.keywords):
            return None
        if len(call.args) > len(positional) and args.vararg is None:
            return None
        named = set(positional) | {a.arg for a in args.kwonlyargs}
        if any(k.arg not in named for k in call.keywords) and args.kwarg is None:
            return None
        given = list(zip(positional, call.args)) + [(k.arg, k.value) for k in call.keywords if k.arg in named]
        # `def add(p, *flags, **kwargs): p.add_argument(*flags, **kwargs)`: the rest, as a tuple and a dict (which
        # Substitute spreads back into the call that passes them on).
        if args.vararg is not None:
            given.append((args.vararg.arg, ast.Tuple(elts=list(call.args[len(positional) :]), ctx=ast.Load())))
        if args.kwarg is not None:
            rest = [k for k in call.keywords if k.arg not in named]
            given.append((args.kwarg.arg, ast.Dict(keys=[ast.Constant(value=k.arg) for k in rest], values=[k.value for k in rest])))
        for name, value in given:
            binding[name] = self.in_context(value, caller)
        return binding

    def in_context(self, value, caller):
        """A copy of an argument, marked with the function it is read in; a name bound there once to a literal dict or
        list is replaced by it (the helper reads its items, and cannot see the caller's names), and a comprehension by
        the list of its values (a copy of it could not be unrolled: its loops are known by where its parts are)."""
        if isinstance(value, ast.Name):
            bound = self.bound_value(value.id, caller)
            if isinstance(bound, (ast.Dict, ast.List, ast.Tuple, ast.Set) + COMPREHENSIONS) or (isinstance(bound, ast.Call) and dotted(bound.func) == "dict"):
                value = bound
        if isinstance(value, (ast.ListComp, ast.SetComp, ast.GeneratorExp)):
            values = self.comprehension_items(value, 0)
            if values is not None:
                value = ast.copy_location(ast.List(elts=values, ctx=ast.Load()), value)
        value = copy.deepcopy(value)
        if not hasattr(value, CONTEXT):
            setattr(value, CONTEXT, caller)
        return value


class ClickOptionSources:
    """The click options of a command, wherever they are declared: its `@click.option(...)` lines, and also

    - a decorator that adds options: a shared option (`lr_option = click.option(...)`, `@lr_option`), a function that
      applies them (`def common(f): for name, d in HP.items(): f = click.option(f"--{name}", default=d)(f); return f`), a
      factory given a list of them (`@add_options(OPTIONS)` with `for o in reversed(options): f = o(f)` or
      `functools.reduce(lambda f, o: o(f), options, f)`), or one that makes one (`def float_option(name, d): return
      click.option(...)`, `@float_option("lr", 1e-3)`);
    - options applied to the command by name later (`train = click.option(...)(train)`, also in a loop).

    Loops, comprehensions and helper arguments are unrolled by LoopUnroller; what it cannot read becomes a note.
    """

    MAX_DEPTH = 8

    def __init__(self, inspector, loops):
        self.inspector = inspector
        self.loops = loops
        self.applied_later = {}  # function name -> the `<applier>(name)` calls of `name = <applier>(name)` outside functions
        for node in inspector.all_nodes():
            if (
                isinstance(node, ast.Assign)
                and len(node.targets) == 1
                and isinstance(node.targets[0], ast.Name)
                and isinstance(node.value, ast.Call)
                and len(node.value.args) == 1
                and not node.value.keywords
                and isinstance(node.value.args[0], ast.Name)
                and node.value.args[0].id == node.targets[0].id
                and loops.function_of.get(id(node)) is None
            ):
                self.applied_later.setdefault(node.targets[0].id, []).append(node.value)

    def is_option(self, node):
        return isinstance(node, ast.Call) and self.inspector.is_click(node.func, ("option", "argument"))

    def of_function(self, fn):
        """fn's options in the order click lists them: option calls, and notes (text) on those that could not be read."""
        applied = []  # in the order they are applied to the function: its decorators bottom-up
        for decorator in reversed(fn.decorator_list):
            applied.extend([decorator] if self.is_option(decorator) else self.applied(decorator, 0, ()))
        later = []  # applied by name after the definition, in the order they run
        for application in sorted(self.applied_later.get(fn.name, []), key=lambda c: (c.lineno, c.col_offset)):
            copies, why = self.loops.expand(application)
            for one in copies or []:
                later.extend(self.applied(one.func, 0, ()))
            if copies is None:
                later.append(why)
        # click lists a function's options in the reverse order they are applied (top-down as written); one applied to
        # a command already made (`@click.command()` above) is appended to its list.
        if self.inspector.command_decorator(fn, ("command", "group")) is not None:
            return applied[::-1] + later
        return (applied + later)[::-1]

    def applied(self, expr, depth, helpers):
        """The options `expr`, applied to a function, adds to it, in the order it applies them."""
        if depth > self.MAX_DEPTH:
            return []
        if self.is_option(expr):
            return [expr]
        if isinstance(expr, ast.Call):
            if dotted(expr.func) in ("reduce", "functools.reduce") and len(expr.args) >= 2:
                return self.sequence(expr.args[1], depth + 1, helpers)  # reduce(lambda f, o: o(f), options, fn)
            if isinstance(expr.func, ast.Call):  # make_decorator(...)(fn)
                return self.applied(expr.func, depth + 1, helpers)
            helper = self.function(expr.func)
            if helper is None or helper in helpers:
                return []
            binding = self.loops.bind_call(helper, expr, None) or {}
            return self.body(helper, binding, depth + 1, helpers + (helper,))
        if isinstance(expr, ast.Name):
            helper = self.function(expr)
            if helper is not None:
                return [] if helper in helpers else self.body(helper, {}, depth + 1, helpers + (helper,))
            value = self.loops.bound_value(expr.id, None)  # a module-level name: `lr_option = click.option(...)`
            return [] if value is None else self.applied(value, depth + 1, helpers)
        return []

    def function(self, node):
        return self.loops.functions.get(node.id) if isinstance(node, ast.Name) else None

    def sequence(self, expr, depth, helpers):
        """The options of a list of decorators (`[click.option(...), ...]`, a name bound to one, a comprehension), applied
        one after the other."""
        items = self.loops.items(expr, None, 0)
        if items is None:
            return ["skipped the click options applied from %s (line %d): they are not literals; add them by hand" % (clip(self.inspector.text(expr)), expr.lineno)]
        out = []
        for item in items:
            out.extend(self.applied(item, depth + 1, helpers))
        return out

    def body(self, helper, binding, depth, helpers):
        """The options a decorator function (or a factory of decorators or options) applies, in the order it applies
        them: its `click.option(...)` calls and what it applies by name (`f = option(f)` in a loop over a list of them,
        `reduce(...)`, other such functions), with `binding`'s arguments in place of its parameters."""
        calls = [n for statement in helper.body for n in ast.walk(statement) if isinstance(n, ast.Call) and not isinstance(n.func, ast.Call)]
        found = []  # (the order the body applies it in, an option call or a note)
        for call in calls:
            option = self.is_option(call)
            if not option and not isinstance(call.func, ast.Name) and dotted(call.func) != "functools.reduce":
                continue
            copies, why = self.loops.expand_in_order(call, binding)
            if copies is None:
                # Said only for an option, or for what a loop over unknown items applies (`for o in get_options(): f = o(f)`).
                loop_names = set().union(*(bound_names(loop.target) for loop in self.loops.loops_used(call)))
                if option or (isinstance(call.func, ast.Name) and call.func.id in loop_names):
                    found.append(([(call.lineno, call.col_offset)], why))
                continue
            for one, order in copies:
                found.extend((order, entry) for entry in ([one] if option else self.applied(one, depth + 1, helpers)))
        found.sort(key=lambda f: f[0])  # stable: what one call applies keeps its order
        return [entry for _, entry in found]


class Substitute(ast.NodeTransformer):
    """Replaces a loop's names by an item's parts (or a helper's parameters by a call's arguments), then folds what
    became literal: strings built with f-strings, `+`, `%`, `.format()`, `.replace()`, `.lower()`, `.upper()`,
    `.strip()`, `type(<literal>)`, and the tests that pick a branch for an item (`==`, `in`, `is None`, `<`, `not`,
    `and`/`or`, `isinstance(<literal>, T)`, `type(<literal>) is T`, `.startswith()`); `*args` and `**kwargs` that
    became a literal tuple and dict are spread into the call."""

    def __init__(self, binding):
        self.binding = binding

    @staticmethod
    def spread(call):
        args = []
        for a in call.args:
            args.extend(a.value.elts if isinstance(a, ast.Starred) and isinstance(a.value, (ast.Tuple, ast.List)) else [a])
        keywords = []
        for k in call.keywords:
            if k.arg is None and isinstance(k.value, ast.Dict) and all(const_str(key) for key in k.value.keys):
                keywords.extend(ast.keyword(arg=const_str(key), value=value) for key, value in zip(k.value.keys, k.value.values))
            else:
                keywords.append(k)
        call.args, call.keywords = args, keywords

    def visit_Name(self, node):
        if isinstance(node.ctx, ast.Load) and node.id in self.binding:
            item = copy.deepcopy(self.binding[node.id])
            return item if hasattr(item, "lineno") else ast.copy_location(item, node)  # a node made here has no position
        return node

    def visit_JoinedStr(self, node):
        self.generic_visit(node)
        parts = []
        for value in node.values:
            if isinstance(value, ast.Constant) and isinstance(value.value, str):
                parts.append(value.value)
            elif isinstance(value, ast.FormattedValue) and value.format_spec is None and value.conversion in (-1, 115) and isinstance(value.value, ast.Constant) and isinstance(value.value.value, (str, int, float)) and not isinstance(value.value.value, bool):
                parts.append(str(value.value.value))
            else:
                return node
        return ast.copy_location(ast.Constant(value="".join(parts)), node)

    BUILTIN_TYPES = {"bool": bool, "int": int, "float": float, "str": str, "list": list, "tuple": tuple, "dict": dict}

    def visit_Compare(self, node):
        self.generic_visit(node)
        sides = [node.left] + list(node.comparators)
        if len(node.ops) == 1 and isinstance(node.ops[0], (ast.Is, ast.IsNot, ast.Eq, ast.NotEq)) and all(isinstance(n, ast.Name) and n.id in self.BUILTIN_TYPES for n in sides):
            # `type(default) is bool`, once type(<literal>) is folded to a type's name
            same = node.left.id == node.comparators[0].id
            return ast.copy_location(ast.Constant(value=same if isinstance(node.ops[0], (ast.Is, ast.Eq)) else not same), node)
        if len(node.ops) == 1 and isinstance(node.ops[0], (ast.Is, ast.IsNot)) and all(isinstance(n, ast.Constant) for n in sides) and any(n.value is None for n in sides):
            none = node.left.value is None and node.comparators[0].value is None
            return ast.copy_location(ast.Constant(value=none if isinstance(node.ops[0], ast.Is) else not none), node)
        if len(node.ops) == 1 and isinstance(node.ops[0], (ast.Lt, ast.LtE, ast.Gt, ast.GtE)) and all(isinstance(n, ast.Constant) and isinstance(n.value, (int, float)) for n in sides):
            a, b = node.left.value, node.comparators[0].value
            result = {ast.Lt: a < b, ast.LtE: a <= b, ast.Gt: a > b, ast.GtE: a >= b}[type(node.ops[0])]
            return ast.copy_location(ast.Constant(value=result), node)
        if len(node.ops) == 1 and isinstance(node.ops[0], (ast.Eq, ast.NotEq)) and all(isinstance(n, ast.Constant) for n in sides):
            equal = node.left.value == node.comparators[0].value
            return ast.copy_location(ast.Constant(value=equal if isinstance(node.ops[0], ast.Eq) else not equal), node)
        if len(node.ops) == 1 and isinstance(node.ops[0], (ast.In, ast.NotIn)) and isinstance(node.left, ast.Constant):
            # `name in ("lr", "wd")`: a comprehension's condition on an item
            try:
                found = node.left.value in ast.literal_eval(node.comparators[0])
            except (ValueError, TypeError, SyntaxError):
                return node
            return ast.copy_location(ast.Constant(value=found if isinstance(node.ops[0], ast.In) else not found), node)
        return node

    def visit_BoolOp(self, node):
        # `help or f"{name} (default {default})"` with help=None: the first value that decides
        self.generic_visit(node)
        for i, value in enumerate(node.values):
            if not isinstance(value, ast.Constant):
                rest = node.values[i:]
                return node if i == 0 else rest[0] if len(rest) == 1 else ast.copy_location(ast.BoolOp(op=node.op, values=rest), node)
            last = i == len(node.values) - 1
            if last or (bool(value.value) if isinstance(node.op, ast.Or) else not value.value):
                return value
        return node

    def visit_UnaryOp(self, node):
        self.generic_visit(node)
        if isinstance(node.op, ast.Not) and isinstance(node.operand, ast.Constant):
            return ast.copy_location(ast.Constant(value=not node.operand.value), node)
        return node

    def visit_IfExp(self, node):
        # `0.9 if k == "momentum" else 0.2`: the branch the item takes
        self.generic_visit(node)
        if isinstance(node.test, ast.Constant) and isinstance(node.test.value, bool):
            return node.body if node.test.value else node.orelse
        return node

    def visit_BinOp(self, node):
        self.generic_visit(node)
        left, right = node.left, node.right
        if isinstance(left, ast.Constant) and isinstance(left.value, str):
            if isinstance(node.op, ast.Add) and isinstance(right, ast.Constant) and isinstance(right.value, str):
                return ast.copy_location(ast.Constant(value=left.value + right.value), node)
            if isinstance(node.op, ast.Mod) and isinstance(right, ast.Constant) and isinstance(right.value, (str, int, float)) and "%" in left.value:
                try:
                    return ast.copy_location(ast.Constant(value=left.value % (right.value,)), node)
                except (TypeError, ValueError):
                    return node
        return node

    def visit_Call(self, node):
        self.generic_visit(node)
        self.spread(node)
        func = node.func
        args = node.args
        if isinstance(func, ast.Name) and func.id == "isinstance" and len(args) == 2 and not node.keywords and isinstance(args[0], ast.Constant):
            # isinstance(default, bool) for a literal default: which branch an item takes
            names = args[1].elts if isinstance(args[1], ast.Tuple) else [args[1]]
            if all(isinstance(n, ast.Name) and n.id in self.BUILTIN_TYPES for n in names):
                found = isinstance(args[0].value, tuple(self.BUILTIN_TYPES[n.id] for n in names))
                return ast.copy_location(ast.Constant(value=found), node)
            return node
        if isinstance(func, ast.Name) and func.id == "type" and len(args) == 1 and not node.keywords and isinstance(args[0], ast.Constant):
            value = args[0].value
            for py_type in (bool, int, float, str):  # bool before int: True is an int
                if isinstance(value, py_type):
                    return ast.copy_location(ast.Name(id=py_type.__name__, ctx=ast.Load()), node)
            return node
        if (
            isinstance(func, ast.Attribute)
            and isinstance(func.value, ast.Constant)
            and isinstance(func.value.value, str)
            and not node.keywords
            and all(isinstance(a, ast.Constant) and isinstance(a.value, (str, int, float)) for a in args)
        ):
            text, values = func.value.value, [a.value for a in args]
            try:
                if func.attr == "format":
                    return ast.copy_location(ast.Constant(value=text.format(*values)), node)
                if func.attr == "replace" and len(values) == 2 and all(isinstance(v, str) for v in values):
                    return ast.copy_location(ast.Constant(value=text.replace(values[0], values[1])), node)
                if func.attr in ("lower", "upper", "strip") and not values:
                    return ast.copy_location(ast.Constant(value=getattr(text, func.attr)()), node)
                if func.attr in ("startswith", "endswith") and len(values) == 1 and isinstance(values[0], str):
                    return ast.copy_location(ast.Constant(value=getattr(text, func.attr)(values[0])), node)
            except (IndexError, KeyError, ValueError):
                return node
        return node


class ParserScopes:
    """Which argparse parser a call is made on: the main parser (MAIN) or a sub-command (its name).

    Receivers are followed by name: parsers made by `add_parser("train")`, argument groups of those, parsers
    given in `parents=[...]`, and a helper's parameter (`def add_model_args(p): p.add_argument(...)`) through
    every call of the helper. A receiver that cannot be followed is the main parser (as it always was).
    """

    MAX_DEPTH = 12

    def __init__(self, inspector):
        self.bindings = {}  # dotted name -> [(call, function or None)] for each `name = <call>`
        self.function_of = {}  # id(node) -> the innermost function around it
        self.calls = {}  # function name -> calls of a function (or method) of that name
        self.parent_uses = {}  # id(parser call) -> [(call, function)] that list it in parents=[...]
        self.parser_calls = []  # add_parser() calls, in source order
        self.has_subcommands = False
        self.nested = False
        self.aliases = {}  # sub-command name -> its aliases=[...]
        nodes = inspector.all_nodes()
        for node in nodes:  # outer functions come first in a breadth-first walk: inner ones overwrite them
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
                for inner in ast.walk(node):
                    if inner is not node:
                        self.function_of[id(inner)] = node
        for node in nodes:
            if isinstance(node, ast.Assign) and isinstance(node.value, ast.Call):
                for target in node.targets:
                    name = dotted(target)
                    if name:
                        self.bindings.setdefault(name, []).append((node.value, self.function_of.get(id(node))))
            elif isinstance(node, ast.Call):
                name = last_name(node.func)
                if name:
                    self.calls.setdefault(name, []).append(node)
                if name in ("add_subparsers", "add_parser") and isinstance(node.func, ast.Attribute):
                    self.has_subcommands = True
                    if name == "add_parser":
                        self.parser_calls.append(node)
        self.parser_calls.sort(key=lambda c: (c.lineno, c.col_offset))
        for node in nodes:
            if isinstance(node, ast.Call):
                for kw in node.keywords:
                    if kw.arg == "parents" and isinstance(kw.value, (ast.List, ast.Tuple)):
                        fn = self.function_of.get(id(node))
                        for parent in kw.value.elts:
                            for definition, _ in self.definitions(parent, fn, 0):
                                self.parent_uses.setdefault(id(definition), []).append((node, fn))

    def of_receiver(self, call):
        """The scopes of the parser `call` (`<receiver>.add_argument(...)`) is made on."""
        return self.of_expr(call.func.value, self.function_of.get(id(call)), 0)

    def definitions(self, expr, fn, depth):
        """The calls that made what `expr` names in function fn: [(call, its function)]; [] when unknown."""
        if isinstance(expr, ast.Call):
            return [(expr, fn)]
        name = dotted(expr)
        if name is None or depth > self.MAX_DEPTH:
            return []
        bound = self.bindings.get(name, [])
        local = [b for b in bound if b[1] is fn]
        if local:
            return [local[-1]]
        if fn is not None and isinstance(expr, ast.Name):
            found = self.through_parameter(name, fn, depth)
            if found is not None:
                return found
        module = [b for b in bound if b[1] is None]
        if module:
            return [module[-1]]
        return [bound[-1]] if bound else []  # e.g. self.parser bound in __init__, used in another method

    def through_parameter(self, name, fn, depth):
        """What callers of fn pass as its parameter `name`; None when it is not a parameter."""
        params = [a.arg for a in getattr(fn.args, "posonlyargs", [])] + [a.arg for a in fn.args.args]
        if name not in params + [a.arg for a in fn.args.kwonlyargs]:
            return None
        index = params.index(name) if name in params else None
        found = []
        for call in self.calls.get(fn.name, []):
            caller = self.function_of.get(id(call))
            position = index
            if position is not None and params[:1] in (["self"], ["cls"]) and isinstance(call.func, ast.Attribute):
                position -= 1  # self.add_args(p): the method's first parameter is not in the call
            passed = [k.value for k in call.keywords if k.arg == name]
            if not passed and position is not None and 0 <= position < len(call.args):
                passed = [call.args[position]]
            for expr in passed:
                found.extend(self.definitions(expr, caller, depth + 1))
        return found

    def of_expr(self, expr, fn, depth):
        if depth > self.MAX_DEPTH:
            return {MAIN}
        scopes = set()
        for call, where in self.definitions(expr, fn, depth):
            method = last_name(call.func)
            if method == "add_parser":
                base = {self.command_scope(call, where, depth + 1)}
            elif method in GROUP_METHODS and isinstance(call.func, ast.Attribute):
                base = self.of_expr(call.func.value, where, depth + 1)
            else:
                base = {MAIN}  # ArgumentParser(...), or a parser from a function Rung does not follow
            users = self.parent_uses.get(id(call), [])
            if users:
                # A parser given in parents=[...]: its options are declared on the parsers that list it.
                base = base - {MAIN}
                for user, user_fn in users:
                    base |= self.of_expr(user, user_fn, depth + 1)  # the user may be a parent itself
            scopes |= base
        return scopes or {MAIN}

    def command_scope(self, call, fn, depth):
        """The sub-command an add_parser() call makes: its path (`train`, or `model` PATH_SEP `train` for a
        sub-command of the sub-command `model`), or UNNAMED."""
        owner = set()
        if isinstance(call.func, ast.Attribute):
            for subparsers, where in self.definitions(call.func.value, fn, depth):
                if last_name(subparsers.func) == "add_subparsers" and isinstance(subparsers.func, ast.Attribute):
                    owner |= self.of_expr(subparsers.func.value, where, depth + 1)
        nodes = list(call.args[:1]) + [k.value for k in call.keywords if k.arg == "name"]
        name = const_str(nodes[0]) if nodes else None
        if not name:
            return UNNAMED
        parents = sorted(s for s in owner if s not in (MAIN, UNNAMED, NESTED))
        if parents:
            self.nested = True
            return parents[0] + PATH_SEP + name
        if owner and MAIN not in owner:
            return UNNAMED  # a sub-command of a sub-command whose name is not a literal
        return name

    def command_names(self):
        """The sub-commands a trial can run, with literal names, in source order: paths (`model` PATH_SEP `train`)
        of the sub-commands that have no sub-commands of their own."""
        names = []
        for call in self.parser_calls:
            scope = self.command_scope(call, self.function_of.get(id(call)), 0)
            if scope in (NESTED, UNNAMED) or scope in names:
                continue
            names.append(scope)
            aliases = [k.value for k in call.keywords if k.arg == "aliases"]
            if aliases and isinstance(aliases[0], (ast.List, ast.Tuple)):
                self.aliases[scope] = [a for a in (const_str(e) for e in aliases[0].elts) if a]
        return [n for n in names if not any(other.startswith(n + PATH_SEP) for other in names)]


def decorator_receiver(dec):
    """`cli` for `@cli.command()` or `@cli.command`; None without a decorator."""
    if dec is None:
        return None
    target = dec.func if isinstance(dec, ast.Call) else dec
    return dotted(target.value) if isinstance(target, ast.Attribute) else None


def is_main_test(test):
    """`__name__ == "__main__"`, either way round."""
    if not (isinstance(test, ast.Compare) and len(test.ops) == 1 and isinstance(test.ops[0], ast.Eq)):
        return False
    sides = [test.left, test.comparators[0]]
    return any(isinstance(s, ast.Name) and s.id == "__name__" for s in sides) and any(const_str(s) == "__main__" for s in sides)


def looks_like_training(name, words=TRAINING_WORDS):
    return any(word in words for word in re.split(r"[^a-z0-9]+", name.lower()))


def pick_command(names, options, aliases=None):
    """The sub-command a trial should run, and why: one whose name (or alias) says it trains, else the one with
    the most numeric options (hyperparameters), then the most options, then the first declared."""

    def numeric(name):
        return sum(1 for a in options.get(name, []) if a["type"] in ("int", "float") and not a["positional"] and not a["flag"])

    def training(name, words=TRAINING_WORDS):
        return any(looks_like_training(n, words) for n in [name] + list((aliases or {}).get(name, [])))

    def tier(name):
        return 0 if training(name) else 1 if training(name, RUNNING_WORDS) else 2

    chosen = min(names, key=lambda n: (tier(n), -numeric(n), -len(options.get(n, [])), names.index(n)))
    if training(chosen):
        why = "its name looks like training"
    elif tier(chosen) == 1:
        why = "none is named like training; its name says it runs something: check that it is the one that trains"
    elif numeric(chosen) > 0:
        why = "none is named like training; it has the most numeric options: check that it is the one that trains"
    elif options.get(chosen):
        why = "none is named like training; it has the most options: check that it is the one that trains"
    else:
        why = "the first one: none is named like training or has options"
    return chosen, why


def new_argument(source, flags, dest, line, positional):
    return {
        "source": source,
        "flags": list(flags),
        "dest": dest,
        "positional": positional,
        "type": None,
        "typeText": None,
        "action": "store",
        "flag": False,
        "hasDefault": False,
        "default": None,
        "defaultText": None,
        "choices": None,
        "help": None,
        "nargs": None,
        "required": False,
        "line": line,
    }


def convert_text_default(arg):
    """argparse (and click) pass a text default through type=: `type=float, default="1e-3"` is 0.001."""
    d = arg["default"]
    if isinstance(d, str) and arg["type"] in ("int", "float"):
        try:
            value = int(d) if arg["type"] == "int" else float(d)
        except ValueError:
            return
        if arg["type"] == "float" and not math.isfinite(value):
            return
        arg["default"] = value


def emit(obj):
    sys.stdout.write(json.dumps(obj, ensure_ascii=True, allow_nan=False))
    sys.stdout.write("\n")
    sys.stdout.flush()


def fail(kind, message, line=None, column=None):
    error = {"kind": kind, "message": message}
    if line is not None:
        error["line"] = line
    if column is not None:
        error["column"] = column
    emit({"version": VERSION, "error": error})
    return 1


def main(argv):
    if sys.version_info < (3, 8):
        return fail("python", "Python 3.8 or newer is needed to read the script (this is %d.%d)" % sys.version_info[:2])
    args = argv[1:]
    from_stdin = False
    if args[:1] == ["--stdin"]:
        from_stdin = True
        args = args[1:]
    if len(args) != 1:
        return fail("usage", "usage: inspect_script.py [--stdin] SCRIPT.py")
    filename = args[0]
    try:
        if from_stdin:
            source = sys.stdin.buffer.read().decode("utf-8-sig")
        else:
            with tokenize.open(filename) as f:  # honours a PEP 263 coding line
                source = f.read()
    except (OSError, SyntaxError, UnicodeDecodeError, LookupError) as exc:
        return fail("read", "cannot read %s: %s" % (filename, exc))
    try:
        tree = ast.parse(source, filename=filename)
    except SyntaxError as exc:
        # The version matters: a script written for a newer Python (3.12 f-strings, match) fails on an older one.
        version = "Python %d.%d" % sys.version_info[:2]
        return fail("syntax", "%s: %s; read as %s" % (type(exc).__name__, exc.msg, version), exc.lineno, exc.offset)
    except (ValueError, RecursionError, MemoryError) as exc:
        return fail("syntax", "cannot parse %s: %s" % (filename, exc))
    try:
        result = Inspector(source, tree, filename).run()
    except RecursionError:
        return fail("internal", "the script is nested too deeply to inspect")
    emit(result)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
