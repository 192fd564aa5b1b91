"""Run an Optuna objective function as one Rung trial, without changing the script.

    python3 -m rung.optuna_objective path/to/script.py objective [--metric NAME]
    python3 -m rung.optuna_objective path/to/script.py "lambda trial: objective(trial, X, y)"

Zero dependencies, Python 3.8+; Optuna itself is neither needed nor imported (the user's script may import it).

The script is loaded as a module named after it (``train`` for train.py, or ``__rung_objective__`` when that name is
taken), not ``__main__``, so its ``if __name__ == "__main__": study.optimize(...)`` block does not run; its folder
comes first on ``sys.path`` and ``sys.argv[0]`` is the script, as with ``python script.py``. The named function is
called once with a trial object that answers like Optuna's ``Trial``: each ``suggest_*`` call returns the value Rung
chose for that name (from ``RUNG_PARAMS``), ``trial.report(value, step)`` prints a Rung report at that step, one
higher when the first is 0 (Rung counts steps done; so Rung's scheduler can stop a losing trial, by ending its
process), ``should_prune()`` is always False. The returned number is reported as the metric (``value`` unless
``--metric`` says otherwise) at the last reported step. An ``optuna.TrialPruned`` raised by the objective ends the
trial with exit code 0 after the reports it made.
"""

import importlib.util
import math
import os
import sys
from typing import Any, Dict, List, Optional, Sequence

from rung import params as _rung_params
from rung import report as _rung_report

__all__ = ["RungTrial", "ParameterMissing", "main"]

USAGE = "usage: python3 -m rung.optuna_objective SCRIPT.py FUNCTION|EXPRESSION [--metric NAME]"
MODULE_NAME = "__rung_objective__"


class ParameterMissing(KeyError):
    """The objective suggested a parameter the study file does not define."""

    def __str__(self) -> str:  # KeyError would show the message quoted
        return str(self.args[0]) if self.args else ""


class RungTrial:
    """A stand-in for ``optuna.trial.Trial`` whose values come from Rung (``RUNG_PARAMS``)."""

    def __init__(self, values: Dict[str, Any], metric: str = "value", number: int = 0) -> None:
        self._values = dict(values)
        self._metric = metric
        self.number = number
        self._params: Dict[str, Any] = {}
        self._distributions: Dict[str, Dict[str, Any]] = {}
        self._user_attrs: Dict[str, Any] = {}
        self._system_attrs: Dict[str, Any] = {}
        self._steps: List[Any] = []
        self._step_offset: Optional[int] = None

    # ---- values

    def _value(self, name: str, kind: str, spec: Dict[str, Any]) -> Any:
        if not isinstance(name, str):
            raise TypeError("rung: a parameter name must be a string, got %r" % (name,))
        if name not in self._values:
            have = ", ".join(sorted(self._values)) or "none"
            raise ParameterMissing(
                "rung: the objective suggests %s %r, but Rung did not send it: the study file's parameters lack %r"
                " (or its when: makes it inactive for this trial). Parameters sent: %s. Add it to parameters: in the study file"
                " (e.g. `rung propose` the script again)." % (kind, name, name, have)
            )
        self._distributions[name] = dict(spec, kind=kind)
        value = self._values[name]
        self._params[name] = value
        return value

    def suggest_float(self, name: str, low: float, high: float, *, step: Optional[float] = None, log: bool = False) -> float:
        value = self._value(name, "float", {"low": low, "high": high, "step": step, "log": log})
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            raise TypeError("rung: parameter %r is %r in the study file, but the objective suggests a float" % (name, value))
        return float(value)

    def suggest_int(self, name: str, low: int, high: int, step: int = 1, log: bool = False) -> int:
        value = self._value(name, "int", {"low": low, "high": high, "step": step, "log": log})
        if isinstance(value, bool) or not isinstance(value, (int, float)) or (isinstance(value, float) and not value.is_integer()):
            raise TypeError("rung: parameter %r is %r in the study file, but the objective suggests an int" % (name, value))
        return int(value)

    def suggest_categorical(self, name: str, choices: Sequence[Any]) -> Any:
        value = self._value(name, "categorical", {"choices": list(choices)})
        # The choice object itself (Optuna returns an element of choices): 1 and 1.0, True and 1 kept apart.
        for choice in choices:
            if choice == value and type(choice) is type(value):
                self._params[name] = choice
                return choice
        for choice in choices:
            if choice == value:
                self._params[name] = choice
                return choice
        raise ValueError(
            "rung: parameter %r is %r in the study file, which is not one of the objective's choices %r" % (name, value, list(choices))
        )

    # Optuna's deprecated forms (removed in Optuna 4 but still common in scripts).
    def suggest_uniform(self, name: str, low: float, high: float) -> float:
        return self.suggest_float(name, low, high)

    def suggest_loguniform(self, name: str, low: float, high: float) -> float:
        return self.suggest_float(name, low, high, log=True)

    def suggest_discrete_uniform(self, name: str, low: float, high: float, q: float) -> float:
        return self.suggest_float(name, low, high, step=q)

    # ---- reports

    def report(self, value: float, step: int) -> None:
        """Prints a Rung report of the metric at ``step``; Rung's scheduler may then end the process.

        Optuna's steps count from 0 (its pruners assume so: ``for epoch in range(N): trial.report(v, epoch)``),
        Rung's count the steps done, as ``{budget}`` and ``max_budget`` do. So when the first report is at step 0
        every step is reported one higher: ``range(N)``'s last report is at step N, the proposal's ``max_budget``.
        """
        if self._step_offset is None:
            self._step_offset = 1 if step == 0 else 0
        shifted = step + self._step_offset
        _rung_report(step=shifted, **{self._metric: value})
        self._steps.append(shifted)

    def should_prune(self) -> bool:
        """Always False: Rung stops a losing trial itself, by ending its process after a report."""
        return False

    # ---- attributes

    def set_user_attr(self, key: str, value: Any) -> None:
        self._user_attrs[key] = value

    def set_system_attr(self, key: str, value: Any) -> None:
        self._system_attrs[key] = value

    @property
    def user_attrs(self) -> Dict[str, Any]:
        return dict(self._user_attrs)

    @property
    def system_attrs(self) -> Dict[str, Any]:
        return dict(self._system_attrs)

    @property
    def params(self) -> Dict[str, Any]:
        """The parameters suggested so far, as Optuna's ``trial.params``."""
        return dict(self._params)

    @property
    def distributions(self) -> Dict[str, Dict[str, Any]]:
        """What each suggest call asked for (plain dicts: Optuna's distribution classes are not imported)."""
        return {k: dict(v) for k, v in self._distributions.items()}

    @property
    def last_step(self) -> Optional[Any]:
        return self._steps[-1] if self._steps else None

    def __repr__(self) -> str:
        return "RungTrial(number=%d, params=%r)" % (self.number, self._params)


def _number(trial_id: Optional[str]) -> int:
    if not trial_id:
        return 0
    digits = ""
    for ch in reversed(trial_id):
        if not ch.isdigit():
            break
        digits = ch + digits
    return int(digits) if digits else 0


def _is_pruned(exc: BaseException) -> bool:
    """``optuna.TrialPruned`` (or ``optuna.exceptions.TrialPruned``) by class name: Optuna need not be installed."""
    return any(cls.__name__ == "TrialPruned" for cls in type(exc).__mro__)


def load_script(script: str) -> Any:
    """Loads ``script`` as a module not named ``__main__``, with its folder first on sys.path."""
    path = os.path.abspath(script)
    folder = os.path.dirname(path)
    if sys.path and sys.path[0] in ("", os.getcwd()) and sys.path[0] != folder:
        sys.path[0] = folder  # `python -m` put the working folder first; `python script.py` puts the script's
    elif folder not in sys.path[:1]:
        sys.path.insert(0, folder)
    sys.argv = [path]
    name = _module_name(path)
    spec = importlib.util.spec_from_file_location(name, path)
    if spec is None or spec.loader is None:
        raise ImportError("cannot load %s as a Python module" % script)
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module  # pickling, dataclasses and typing look the module up by name
    spec.loader.exec_module(module)
    return module


def _module_name(path: str) -> str:
    """The script's own name (``train`` for train.py) when importing that name finds this very file, so that worker
    processes (multiprocessing's spawn, joblib) can import what they are sent from it; else ``__rung_objective__``."""
    stem = os.path.splitext(os.path.basename(path))[0]
    if not stem.isidentifier() or stem in sys.modules:
        return MODULE_NAME
    try:
        found = importlib.util.find_spec(stem)
    except (ImportError, ValueError):
        return MODULE_NAME
    origin = getattr(found, "origin", None)
    if origin and os.path.abspath(origin) == path:
        return stem
    return MODULE_NAME


def _usage(message: str) -> int:
    print("rung.optuna_objective: %s\n%s" % (message, USAGE), file=sys.stderr)
    return 2


def main(argv: Optional[List[str]] = None) -> int:
    args = list(sys.argv[1:] if argv is None else argv)
    metric = "value"
    rest: List[str] = []
    i = 0
    while i < len(args):
        a = args[i]
        if a == "--metric" and i + 1 < len(args):
            metric = args[i + 1]
            i += 2
            continue
        if a.startswith("--metric="):
            metric = a[len("--metric="):]
            i += 1
            continue
        if a in ("-h", "--help"):
            print(USAGE)
            return 0
        rest.append(a)
        i += 1
    if len(rest) != 2:
        return _usage("give the script and the name of its objective function")
    script, function = rest
    if not os.path.isfile(script):
        return _usage("no such script: %s" % script)
    if metric == "" or metric in ("step", "epoch"):
        return _usage("--metric needs a name other than step and epoch")
    values = _rung_params()
    module = load_script(script)
    objective: Any = module
    if not all(part.isidentifier() for part in function.split(".")):
        # What the script gives optimize when it is no plain name: `lambda trial: objective(trial, X, y)`,
        # `functools.partial(objective, X=X)`, evaluated among the script's module-level names.
        try:
            objective = eval(compile(function, "<objective>", "eval"), vars(module))  # noqa: S307 - the study file's own text
        except Exception as exc:  # noqa: BLE001
            print("rung.optuna_objective: cannot evaluate %r in %s: %s: %s" % (function, script, type(exc).__name__, exc), file=sys.stderr)
            return 2
        function_parts: List[str] = []
    else:
        function_parts = function.split(".")
    for part in function_parts:  # `objective`, or `obj.method`
        if not hasattr(objective, part):
            names = sorted(n for n, v in vars(module).items() if callable(v) and not n.startswith("_"))
            print(
                "rung.optuna_objective: %s has no %r; its functions and classes: %s" % (script, function, ", ".join(names) or "none"),
                file=sys.stderr,
            )
            return 2
        objective = getattr(objective, part)
    if not callable(objective):
        print("rung.optuna_objective: %s in %s is not callable" % (function, script), file=sys.stderr)
        return 2
    trial = RungTrial(values, metric=metric, number=_number(os.environ.get("RUNG_TRIAL_ID")))
    try:
        result = objective(trial)
    except ParameterMissing as exc:
        print(str(exc), file=sys.stderr)
        return 1
    except Exception as exc:  # noqa: BLE001 - Optuna's TrialPruned, by name
        if _is_pruned(exc):
            print("rung.optuna_objective: the objective raised TrialPruned; the trial ends with its reports so far", file=sys.stderr)
            return 0
        raise
    if isinstance(result, (tuple, list)):
        print(
            "rung.optuna_objective: the objective returned %d values (a multi-objective study); Rung tunes one metric:"
            " return one number, or report the others with rung.report(...) and pick one as the study's metric" % len(result),
            file=sys.stderr,
        )
        return 1
    if result is None:
        print("rung.optuna_objective: the objective returned None; it must return the number to optimize", file=sys.stderr)
        return 1
    try:
        number = float(result)
    except (TypeError, ValueError):
        print("rung.optuna_objective: the objective returned %r, not a number" % (result,), file=sys.stderr)
        return 1
    if trial.last_step is not None:
        _rung_report(step=trial.last_step, **{metric: result})
    else:
        _rung_report(**{metric: result})
    if not math.isfinite(number):
        print("rung.optuna_objective: the objective returned %r" % (result,), file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
