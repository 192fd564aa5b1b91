"""Report metrics to Rung and read the trial's settings. Zero dependencies, Python 3.8+.

Rung puts this folder on ``PYTHONPATH`` for every trial, so a training script only needs::

    from rung import report, params

    lr = params().get("lr", 1e-3)
    for epoch in range(1, epochs + 1):
        ...
        report(step=epoch, val_loss=val_loss, acc=acc)

``report`` prints one line, ``@@rung {json}``, that Rung reads unambiguously (no need to invent a
print format). Scripts that already print ``key=value`` pairs or JSON lines don't need this module.
"""

import json
import math
import numbers
import os
import sys
from typing import Any, Dict, Optional, Union

__all__ = ["report", "params", "trial_id", "trial_dir", "budget", "is_resume", "TAG"]
__version__ = "0.1.0"

#: The marker Rung looks for; the JSON object follows it after one space.
TAG = "@@rung"

Number = Union[int, float]


def _to_number(name: str, value: Any) -> Number:
    """Return ``value`` as an int or float, or raise TypeError naming the metric.

    ints and floats pass as they are (bools become 0/1); numpy and torch scalars, Decimal and the like
    go through ``int()`` (integral types) or ``float()``.
    """
    if isinstance(value, bool):
        return int(value)
    if isinstance(value, (int, float)):
        return value
    try:
        if isinstance(value, numbers.Integral):
            return int(value)
        if isinstance(value, numbers.Real) or hasattr(value, "__float__"):
            return float(value)
    except (TypeError, ValueError) as exc:
        raise TypeError("rung.report: %s must be a number, got %r (%s)" % (name, value, exc)) from None
    raise TypeError("rung.report: %s must be a number, got %s" % (name, type(value).__name__))


def report(step: Optional[Number] = None, **metrics: Any) -> None:
    """Report metrics for one step of the current trial.

    Prints ``@@rung {"step": ..., "name": value, ...}`` to stdout and flushes it at once, so Rung sees
    it while the script runs (and can stop an unpromising trial early).

    Args:
        step: the step (usually the epoch) the metrics belong to. When omitted, Rung takes the step from
            an ``epoch``/``step``/``iteration``/``iter`` metric, else counts the reports.
        **metrics: metric values: ints, floats, or scalars with ``__float__`` (numpy, torch). NaN and
            infinities are allowed; Rung records them as failed values, never as a best.

    Raises:
        TypeError: when a value is not a number (e.g. a string or a list).
        ValueError: when nothing is given at all.

    Example:
        >>> report(step=3, val_loss=0.214, acc=0.93)  # doctest: +SKIP
        @@rung {"step": 3, "val_loss": 0.214, "acc": 0.93}
    """
    payload: Dict[str, Number] = {}
    if step is not None:
        payload["step"] = _to_number("step", step)
    for name, value in metrics.items():
        payload[name] = _to_number(name, value)
    if not payload:
        raise ValueError("rung.report: give at least one metric, e.g. report(step=1, loss=0.5)")
    # allow_nan (the default) writes NaN/Infinity/-Infinity, which Rung's parser reads back;
    # ensure_ascii keeps the line printable whatever the console's encoding.
    line = TAG + " " + json.dumps(payload, allow_nan=True, ensure_ascii=True)
    out = sys.stdout
    if out is not None:  # pythonw and some daemons have no stdout
        print(line, file=out, flush=True)


def params() -> Dict[str, Any]:
    """The trial's hyperparameters, from the ``RUNG_PARAMS`` environment variable (JSON).

    Returns an empty dict when the script runs outside Rung (the variable is absent or empty).

    Raises:
        ValueError: when ``RUNG_PARAMS`` is set but is not a JSON object.
    """
    raw = os.environ.get("RUNG_PARAMS", "")
    if raw.strip() == "":
        return {}
    value = json.loads(raw)
    if not isinstance(value, dict):
        raise ValueError("RUNG_PARAMS is not a JSON object: %r" % (raw[:200],))
    return value


def trial_id() -> Optional[str]:
    """The trial's id (``RUNG_TRIAL_ID``), or None outside Rung."""
    return os.environ.get("RUNG_TRIAL_ID") or None


def trial_dir() -> str:
    """The trial's own folder (``RUNG_TRIAL_DIR``), kept across promotions: put checkpoints here.

    Outside Rung this is the current working directory.
    """
    return os.environ.get("RUNG_TRIAL_DIR") or os.getcwd()


def budget() -> Optional[Number]:
    """The trial's current budget (``RUNG_BUDGET``): an int when integral (``"9"``, ``"9.0"``), else a float.

    None when absent (outside Rung), empty or not a number. Under Rung it is always set: 1 when the study file
    sets no budget (``budget:`` or ``scheduler.max_budget``), so ``budget() or 10`` does not fall back then.
    """
    raw = os.environ.get("RUNG_BUDGET", "").strip()
    if raw == "":
        return None
    try:
        return int(raw)
    except ValueError:
        pass
    try:
        value = float(raw)
    except ValueError:
        return None
    if math.isfinite(value) and value.is_integer():
        return int(value)
    return value


def is_resume() -> bool:
    """True when Rung resumed this trial (``RUNG_RESUME`` is ``"1"``): load the checkpoint from :func:`trial_dir`."""
    return os.environ.get("RUNG_RESUME") == "1"
