"""
`rung ask-tell` against hand-written problems that use every corner of hpo-jsonl/1 and its search-space format
that the 15 shipped benchmark problems do not (../shared/bench/PROTOCOL.md): maximize; int with step and log;
float with step; categoricals of numbers, booleans and a mix; conditions three levels deep, on boolean and
numeric parents; fidelity ranges other than 1..81 (min 0, 10..200, 3..4, min = max); one-point and tiny
discrete spaces that run out; bounds from 1e-8 to 1e300; objectives that fail (NaN); budgets of 0-5 trials.

Where bench/fuzz_ask_tell.py checks that random sessions stay valid, this checks behaviour:
  - every proposal lies in the space (the fuzzer's checks) and an int is a JSON integer, not 3.0;
  - `maximize f` gives the very same proposals, prunes and max_steps as `minimize -f` (seed for seed), and
    its best value is above what a minimizer of f would find;
  - a multi-fidelity ask's max_step is a whole step in [fidelity min, max] (at least 1), prunes come only
    at or after the fidelity min, and the harness's way of reporting (steps from 1 whatever the fidelity
    min, run_external.py) and the protocol's (steps from min) both work;
  - a run with pause/resume ends with at least one complete trial and no trial left paused when the budget
    is spent, the sampler is exhausted, or the harness stops adding trials;
  - a discrete space of n configs ends with `{"done": true}` after n trials with samplers that never repeat
    a config (grid, tpe), and every sampler copes with a one-config space;
  - failed trials (NaN objective, told `failed` with null) never break a sampler or scheduler;
  - a malformed init is a one-line `{"error": ...}` reply, not a stack trace.

    /usr/bin/python3 bench/protocol_audit.py [--cli dist/cli.js] [--only NAME,...] [--seeds 3] [-v]

Prints one line per failed check and a summary; exits 1 if any check failed. Standard library only.
"""
import argparse
import json
import math
import os
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from fuzz_ask_tell import Engine, SessionFailed, params_problem  # noqa: E402

SAMPLERS = ['tpe', 'tpe_mv', 'gp', 'cmaes', 'evolution', 'random', 'sobol', 'grid', 'auto', 'bohb']
SCHEDULERS = ['asha', 'asha_promotion', 'hyperband', 'hyperband_promotion', 'hyperband_sync', 'sha', 'median']
CLI = 'dist/cli.js'
VERBOSE = False
FAILURES = []


def fail(scenario, message):
    FAILURES.append('%s: %s' % (scenario, message))
    print('FAIL %s: %s' % (scenario, message), flush=True)


# ---------------------------------------------------------------------------------------------------------
# Spaces


def p_float(name, low, high, **kw):
    return dict({'name': name, 'type': 'float', 'low': low, 'high': high}, **kw)


def p_int(name, low, high, **kw):
    return dict({'name': name, 'type': 'int', 'low': low, 'high': high}, **kw)


def p_cat(name, choices, **kw):
    return dict({'name': name, 'type': 'categorical', 'choices': choices}, **kw)


def cond(parent, *values):
    return {'condition': {'parent': parent, 'values': list(values)}}


# Everything the format allows that problems.json does not use, in one space.
KITCHEN_SINK = {'params': [
    p_float('lr', 1e-8, 1e-1, log=True),
    p_int('units', 8, 1024, log=True, step=1),
    p_int('width', -10, 50, step=6),
    p_float('frac', 0.1, 0.7, step=0.2),
    p_float('wide', -1e6, 1e6),
    p_float('tiny', 1e-300, 1e300, log=True),
    p_cat('scale', [0.001, 0.01, 0.1, 1]),
    p_cat('flag', [True, False]),
    p_cat('mixed', [1, '1', True, 2.5]),
    p_cat('only', ['x']),
    p_int('fixed', 7, 7),
    p_float('pinned', 0.25, 0.25),
    p_cat('model', ['a', 'b', 'c']),
    p_cat('sub', ['p', 'q'], **cond('model', 'a', 'b')),
    p_cat('subsub', [3, 4, 5], **cond('sub', 'q')),
    p_float('leaf', 1e-3, 1e3, log=True, **cond('subsub', 4, 5)),
    p_int('leaf_int', 1, 9, step=2, **cond('subsub', 5)),
    p_float('on_flag', 0.0, 1.0, step=0.125, **cond('flag', True)),
    p_int('on_scale', 1, 100, log=True, **cond('scale', 0.1, 1)),
    p_float('on_mixed', -1.0, 1.0, **cond('mixed', True, '1')),
]}

CONTINUOUS2 = {'params': [p_float('x', -2.0, 3.0), p_float('y', 1e-4, 1e2, log=True)]}
TINY4 = {'params': [p_cat('c', ['a', 'b']), p_int('i', 0, 2, step=2)]}
ONE_POINT = {'params': [p_cat('c', ['only']), p_int('i', 3, 3), p_float('f', 0.5, 0.5)]}


def sink_objective(params):
    """Smooth in the numeric params, a penalty per categorical choice; the optimum is inside the space."""
    v = (math.log10(params['lr']) + 4) ** 2 + (math.log2(params['units']) - 6) ** 2 / 4
    v += ((params['width'] - 14) / 30) ** 2 + (params['frac'] - 0.3) ** 2 + (params['wide'] / 1e6 - 0.2) ** 2
    v += (math.log10(params['tiny']) / 300) ** 2
    v += {0.001: 0.3, 0.01: 0.0, 0.1: 0.2, 1: 0.5}[params['scale']]
    v += 0.0 if params['flag'] is True else 0.1
    v += {'a': 0.2, 'b': 0.0, 'c': 0.3}[params['model']]
    if 'leaf' in params:
        v += (math.log10(params['leaf']) - 1) ** 2 / 10
    if 'on_flag' in params:
        v += (params['on_flag'] - 0.5) ** 2
    return v


def quad2(params):
    return (params['x'] - 0.7) ** 2 + (math.log10(params['y']) - 0.5) ** 2


# ---------------------------------------------------------------------------------------------------------
# One run, the harness's side


class Run:
    """Result of one session: the trace (for mirror comparisons), the trials, the end."""

    def __init__(self):
        self.trace = []
        self.trials = {}
        self.end = None
        self.init_reply = None
        self.seconds = 0.0

    def best(self, sign):
        values = [t['value'] for t in self.trials.values() if t['state'] == 'complete' and t['value'] is not None]
        if not values:
            return None
        return max(values) if sign < 0 else min(values)


def strict_ints(space, params):
    for p in space['params']:
        if p['type'] == 'int' and p['name'] in params:
            v = params[p['name']]
            if not isinstance(v, int) or isinstance(v, bool):
                return '%s=%r is not a JSON integer' % (p['name'], v)
    return None


def drive(method, space, objective, seed=0, max_trials=20, direction='minimize', fidelity=None,
          report_from='min', curve=None, fail_every=0, options=None, argv=(), timeout=120):
    """Runs one session like run_external.py does and returns a Run; protocol breaches raise SessionFailed.

    objective(params) -> final value (or NaN); for multi-fidelity, curve(params, step) -> value at a step.
    report_from: 'min' reports from the fidelity min (PROTOCOL.md), 'harness' from last_step + 1 with
    last_step starting at 0 (benchlib/harness.py), i.e. from step 1 whatever the min.
    fail_every: every n-th new trial's objective is NaN (told failed with null; multi-fidelity: at its 2nd step).
    """
    run = Run()
    t0 = time.monotonic()
    engine = Engine(['node', CLI, 'ask-tell', *argv], timeout)
    try:
        problem = {'name': 'audit', 'kind': 'multifidelity' if fidelity else 'single', 'direction': direction,
                   'space': space}
        if fidelity:
            problem['fidelity'] = {'name': 'epoch', 'min': fidelity[0], 'max': fidelity[1], 'type': 'int'}
        run.init_reply = engine.expect_ok({'op': 'init', 'protocol': 'hpo-jsonl/1', 'problem': problem, 'seed': seed,
                                           'max_trials': max_trials, 'method': method, 'options': options or {}})
        n_new = 0
        for _ in range(max_trials * 10 + 10):
            ask = engine.request({'op': 'ask'})
            run.trace.append(('ask', ask))
            if ask.get('done') is True:
                run.end = 'done'
                break
            tid = ask['trial']
            if ask.get('resume'):
                t = run.trials.get(repr(tid))
                if t is None or t['state'] != 'paused':
                    raise SessionFailed('resume of trial %r that is not paused' % (tid,))
                params = t['params']
            else:
                if repr(tid) in run.trials:
                    raise SessionFailed('trial id %r reused' % (tid,))
                if n_new >= max_trials:
                    engine.expect_ok({'op': 'tell', 'trial': tid, 'state': 'failed', 'value': None})
                    run.end = 'max_trials'
                    break
                params = ask.get('params')
                problem_text = params_problem(space, params) or strict_ints(space, params)
                if problem_text:
                    raise SessionFailed('bad params %s: %s' % (json.dumps(params), problem_text))
                if not fidelity and ('max_step' in ask or 'resume' in ask):
                    raise SessionFailed('single-fidelity ask with max_step/resume: %s' % json.dumps(ask))
                n_new += 1
                t = {'params': params, 'state': 'running', 'value': None, 'last_step': None, 'index': n_new,
                     'segments': []}
                run.trials[repr(tid)] = t
            if not fidelity:
                v = objective(params)
                if fail_every and t['index'] % fail_every == 0:
                    v = float('nan')
                ok = math.isfinite(v)
                t['state'], t['value'] = ('complete', v) if ok else ('failed', None)
                engine.expect_ok({'op': 'tell', 'trial': tid, 'state': t['state'], 'value': t['value']})
                run.trace.append(('tell', t['state']))
                if n_new >= max_trials:
                    run.end = 'max_trials'
                    break
                continue
            lo, hi = fidelity
            ms = ask.get('max_step', hi)
            if not isinstance(ms, int) or isinstance(ms, bool) or not max(lo, 1) <= ms <= hi:
                raise SessionFailed('max_step %r is not a whole step in [%r, %r]' % (ms, max(lo, 1), hi))
            if t['last_step'] is None:
                start = lo if report_from == 'min' and lo >= 1 else 1
            else:
                start = t['last_step'] + 1
            if ms < start:
                raise SessionFailed('trial %r asked to run to %d but it is at step %d' % (tid, ms, start - 1))
            t['segments'].append(ms)
            state = None
            for step in range(start, ms + 1):
                if fail_every and t['index'] % fail_every == 0 and step >= start + 1:
                    state = 'failed'
                    break
                v = curve(params, step)
                rep = engine.request({'op': 'report', 'trial': tid, 'step': step, 'value': v})
                run.trace.append(('report', tid, step, rep.get('prune')))
                t['last_step'], t['value'] = step, v
                if rep.get('prune') is True:
                    if step < lo:
                        raise SessionFailed('pruned trial %r at step %d, before the fidelity min %d' % (tid, step, lo))
                    state = 'pruned'
                    break
            if state is None:
                state = 'complete' if t['last_step'] >= hi else 'paused'
            t['state'] = state
            value = None if state == 'failed' else t['value']
            t['value'] = value
            engine.expect_ok({'op': 'tell', 'trial': tid, 'state': state, 'value': value})
            run.trace.append(('tell', state))
            if n_new >= max_trials and not any(x['state'] == 'paused' for x in run.trials.values()):
                run.end = 'max_trials'
                break
        else:
            run.end = 'guard'
        engine.shut_down()
    finally:
        engine.close()
    run.seconds = time.monotonic() - t0
    return run


def attempt(scenario, fn, *args, **kw):
    """drive() that turns a breach into a failure line; returns the Run or None."""
    try:
        return drive(*args, **kw)
    except SessionFailed as e:
        fail(scenario, str(e)[:1500])
    except Exception as e:  # noqa: BLE001 - an unexpected reply shape is the engine's failure too
        fail(scenario, '%s: %s' % (type(e).__name__, e))
    return None


# ---------------------------------------------------------------------------------------------------------
# Scenarios


def s_sink(seeds):
    """Every sampler on the kitchen-sink space, with failing trials and both directions."""
    for method in SAMPLERS:
        for seed in range(seeds):
            for direction in ('minimize', 'maximize'):
                name = 'sink %s seed %d %s' % (method, seed, direction)
                run = attempt(name, None, method, KITCHEN_SINK, sink_objective, seed=seed, max_trials=30,
                              direction=direction, fail_every=7)
                if run and VERBOSE:
                    print('  %s: %d trials, end %s, %.1fs' % (name, len(run.trials), run.end, run.seconds))
                if run and run.end != 'max_trials':
                    fail(name, 'ended %s after %d trials, expected max_trials' % (run.end, len(run.trials)))


def proposals(run):
    out = []
    for item in run.trace:
        if item[0] == 'ask':
            out.append(json.dumps(item[1], sort_keys=True))
        elif item[0] == 'report':
            out.append('report %s %s %s' % item[1:])
    return out


def s_mirror(seeds):
    """maximize f == minimize -f, proposal for proposal (single- and multi-fidelity)."""
    neg = lambda p: -quad2(p)  # noqa: E731
    for method in SAMPLERS:
        for seed in range(seeds):
            name = 'mirror %s seed %d' % (method, seed)
            up = attempt(name, None, method, CONTINUOUS2, neg, seed=seed, max_trials=25, direction='maximize')
            down = attempt(name, None, method, CONTINUOUS2, quad2, seed=seed, max_trials=25, direction='minimize')
            if up and down:
                if proposals(up) != proposals(down):
                    fail(name, 'maximize -f and minimize f propose differently')
                if up.best(-1) is None or abs(up.best(-1) + down.best(1)) > 1e-12:
                    fail(name, 'best of maximize %r != -(best of minimize %r)' % (up.best(-1), down.best(1)))
    curve_min = lambda p, s: quad2(p) + 1.0 / s  # noqa: E731
    curve_max = lambda p, s: -curve_min(p, s)  # noqa: E731
    for sched in SCHEDULERS:
        for sampler in ('random', 'tpe'):
            method = '%s_%s' % (sampler, sched)
            for seed in range(seeds):
                name = 'mirror %s seed %d' % (method, seed)
                kw = dict(seed=seed, max_trials=27, fidelity=(1, 27))
                up = attempt(name, None, method, CONTINUOUS2, None, direction='maximize', curve=curve_max, **kw)
                down = attempt(name, None, method, CONTINUOUS2, None, direction='minimize', curve=curve_min, **kw)
                if up and down and proposals(up) != proposals(down):
                    fail(name, 'maximize -f and minimize f propose/prune differently')


def s_direction(seeds):
    """A maximize run ends high: better than the median random point, and its prunes hit the low curves."""
    f = lambda p: -quad2(p)  # noqa: E731
    for method in ('tpe', 'gp', 'cmaes', 'evolution', 'auto'):
        wins = 0
        for seed in range(seeds):
            name = 'direction %s seed %d' % (method, seed)
            run = attempt(name, None, method, CONTINUOUS2, f, seed=seed, max_trials=40, direction='maximize')
            if not run:
                continue
            values = [t['value'] for t in run.trials.values()]
            first, last = values[:10], values[-10:]
            if sorted(last)[5] > sorted(first)[5]:
                wins += 1
        if wins < (seeds + 1) // 2:
            fail('direction %s' % method, 'the last 10 trials of a maximize run beat the first 10 in only %d of %d seeds' % (wins, seeds))
    # Multi-fidelity maximize: the trials that reach the end are the high ones.
    curve = lambda p, s: -quad2(p) - 1.0 / s  # noqa: E731
    for method in ('random_asha', 'random_hyperband', 'random_median', 'random_sha', 'random_hyperband_sync'):
        for seed in range(seeds):
            name = 'direction %s seed %d' % (method, seed)
            run = attempt(name, None, method, CONTINUOUS2, None, seed=seed, max_trials=30, direction='maximize',
                          fidelity=(1, 27), curve=curve)
            if not run:
                continue
            done = [-quad2(t['params']) for t in run.trials.values() if t['state'] == 'complete']
            stopped = [-quad2(t['params']) for t in run.trials.values() if t['state'] == 'pruned']
            if not done:
                fail(name, 'no trial completed')
            elif stopped and sorted(done)[len(done) // 2] < sorted(stopped)[len(stopped) // 2]:
                fail(name, 'completed trials (median %.3g) are worse than pruned ones (median %.3g) on a maximize problem'
                     % (sorted(done)[len(done) // 2], sorted(stopped)[len(stopped) // 2]))


def s_fidelity(seeds):
    """Fidelity ranges other than 1..81, with steps reported from the min and, as run_external.py does, from 1."""
    curve = lambda p, s: quad2(p) + 5.0 / (s + 1)  # noqa: E731
    ranges = [(10, 200), (0, 10), (0, 1), (3, 4), (1, 2), (5, 5), (2, 100), (100, 1000)]
    for lo, hi in ranges:
        for sched in SCHEDULERS + ['bohb']:
            method = sched if sched == 'bohb' else 'tpe_%s' % sched
            for report_from in ('min', 'harness'):
                for seed in range(seeds):
                    name = 'fidelity %d..%d %s from-%s seed %d' % (lo, hi, method, report_from, seed)
                    run = attempt(name, None, method, CONTINUOUS2, None, seed=seed, max_trials=20,
                                  fidelity=(lo, hi), report_from=report_from, curve=curve, fail_every=9)
                    if not run:
                        continue
                    check_mf_end(name, run, hi)
                    segs = sorted({s for t in run.trials.values() for s in t['segments']})
                    if VERBOSE:
                        states = {}
                        for t in run.trials.values():
                            states[t['state']] = states.get(t['state'], 0) + 1
                        print('  %s: max_steps %s states %s end %s' % (name, segs, states, run.end))


def check_mf_end(name, run, hi):
    states = {}
    for t in run.trials.values():
        states[t['state']] = states.get(t['state'], 0) + 1
    if not states.get('complete'):
        fail(name, 'no trial reached the fidelity max %d; states %s, end %s' % (hi, states, run.end))


def s_budgets(seeds):
    """max_trials 0-5 with every sampler and (multi-fidelity) every scheduler."""
    curve = lambda p, s: quad2(p) + 1.0 / s  # noqa: E731
    for n in range(0, 6):
        for method in SAMPLERS:
            for seed in range(seeds):
                name = 'budget %d %s seed %d' % (n, method, seed)
                run = attempt(name, None, method, CONTINUOUS2, quad2, seed=seed, max_trials=n)
                if run and len(run.trials) != n:
                    fail(name, '%d trials run, expected %d (end %s)' % (len(run.trials), n, run.end))
        for sched in SCHEDULERS:
            method = 'random_%s' % sched
            for seed in range(seeds):
                name = 'budget %d %s seed %d' % (n, method, seed)
                run = attempt(name, None, method, CONTINUOUS2, None, seed=seed, max_trials=n, fidelity=(1, 27),
                              curve=curve)
                if run and n > 0:
                    check_mf_end(name, run, 27)


def s_exhaust(seeds):
    """Discrete spaces smaller than the budget: no repeats where promised, `done` at the end, no crash."""
    curve = lambda p, s: (0 if p['c'] == 'a' else 1) + p['i'] + 1.0 / s  # noqa: E731
    obj = lambda p: (0 if p['c'] == 'a' else 1) + p['i']  # noqa: E731
    for method in SAMPLERS:
        for seed in range(seeds):
            name = 'exhaust %s seed %d' % (method, seed)
            run = attempt(name, None, method, TINY4, obj, seed=seed, max_trials=10)
            if not run:
                continue
            configs = [json.dumps(t['params'], sort_keys=True) for t in run.trials.values()]
            if method in ('grid', 'tpe', 'tpe_mv'):
                if len(set(configs)) != len(configs) or len(configs) != 4 or run.end != 'done':
                    fail(name, '%d trials (%d distinct), end %s; expected the 4 configs then done'
                         % (len(configs), len(set(configs)), run.end))
            if VERBOSE:
                print('  %s: %d trials (%d distinct), end %s' % (name, len(configs), len(set(configs)), run.end))
            name = 'one-point %s seed %d' % (method, seed)
            run = attempt(name, None, method, ONE_POINT, lambda p: 1.0, seed=seed, max_trials=5)
            if run and VERBOSE:
                print('  %s: %d trials, end %s' % (name, len(run.trials), run.end))
    for sched in SCHEDULERS:
        for sampler in ('grid', 'tpe'):
            method = '%s_%s' % (sampler, sched)
            for seed in range(seeds):
                name = 'exhaust %s seed %d' % (method, seed)
                run = attempt(name, None, method, TINY4, None, seed=seed, max_trials=10, fidelity=(1, 27),
                              curve=curve)
                if run:
                    check_mf_end(name, run, 27)
                    if VERBOSE:
                        states = {}
                        for t in run.trials.values():
                            states[t['state']] = states.get(t['state'], 0) + 1
                        print('  %s: %s end %s' % (name, states, run.end))


def s_allfail(seeds):
    """Every objective is NaN: told failed with null, the engine goes on proposing valid configs."""
    nan = lambda p: float('nan')  # noqa: E731
    for method in SAMPLERS:
        for seed in range(seeds):
            name = 'all-fail %s seed %d' % (method, seed)
            run = attempt(name, None, method, KITCHEN_SINK, nan, seed=seed, max_trials=25)
            if run and run.end != 'max_trials':
                fail(name, 'ended %s after %d trials' % (run.end, len(run.trials)))
    for sched in SCHEDULERS:
        name = 'all-fail random_%s' % sched
        run = attempt(name, None, 'random_%s' % sched, CONTINUOUS2, None, max_trials=20, fidelity=(1, 9),
                      curve=lambda p, s: quad2(p), fail_every=1)
        if run and len(run.trials) != 20:
            fail(name, '%d trials, expected 20 (end %s)' % (len(run.trials), run.end))


def s_errors(_seeds):
    """Bad inits: one {"error"} line each, naming the problem, no stack trace; the engine stays up."""
    bad = [
        ('float step with log', {'params': [p_float('x', 0.1, 1.0, log=True, step=0.1)]}, None, 'exclusive'),
        ('int step not integer', {'params': [p_int('n', 0, 10, step=2.5)]}, None, 'int step'),
        ('step not dividing', {'params': [p_float('x', 0.0, 1.0, step=0.3)]}, None, 'multiple of step'),
        ('log with low 0', {'params': [p_float('x', 0.0, 1.0, log=True)]}, None, 'log'),
        ('parent listed later', {'params': [p_float('x', 0, 1, **cond('c', 'a')), p_cat('c', ['a'])]}, None, 'earlier'),
        ('parent not categorical', {'params': [p_int('n', 0, 3), p_float('x', 0, 1, **cond('n', 1))]}, None, 'categorical'),
        ('condition value not a choice', {'params': [p_cat('c', ['a']), p_float('x', 0, 1, **cond('c', 'b'))]}, None, 'choices'),
        ('empty choices', {'params': [p_cat('c', [])]}, None, 'non-empty'),
        ('duplicate name', {'params': [p_int('n', 0, 3), p_int('n', 0, 3)]}, None, 'duplicate'),
        ('low > high', {'params': [p_float('x', 2.0, 1.0)]}, None, 'low'),
        ('fidelity max < min', CONTINUOUS2, (5, 2), 'fidelity'),
    ]
    for label, space, fidelity, needle in bad:
        engine = Engine(['node', CLI, 'ask-tell'], 30)
        try:
            problem = {'name': 'bad', 'kind': 'multifidelity' if fidelity else 'single', 'space': space}
            if fidelity:
                problem['fidelity'] = {'name': 'epoch', 'min': fidelity[0], 'max': fidelity[1], 'type': 'int'}
            msg = {'op': 'init', 'protocol': 'hpo-jsonl/1', 'problem': problem, 'seed': 0, 'max_trials': 5,
                   'method': 'tpe_asha' if fidelity else 'tpe', 'options': {}}
            engine.proc.stdin.write(json.dumps(msg) + '\n')
            engine.proc.stdin.flush()
            reply = json.loads(engine.proc.stdout.readline())
            err = reply.get('error')
            if not isinstance(err, str) or needle not in err or '\n' in err or '    at ' in err:
                fail('error %s' % label, 'reply %r' % (reply,))
            engine.proc.stdin.write(json.dumps({'op': 'ask'}) + '\n')
            engine.proc.stdin.flush()
            again = json.loads(engine.proc.stdout.readline())
            if 'error' not in again:
                fail('error %s' % label, 'ask after a failed init answered %r' % (again,))
            engine.shut_down()
            if '    at ' in engine.stderr_tail(4000):
                fail('error %s' % label, 'stack trace on stderr: %s' % engine.stderr_tail(600))
        except (SessionFailed, ValueError, OSError) as e:
            fail('error %s' % label, str(e))
        finally:
            engine.close()


SCENARIOS = {
    'sink': s_sink, 'mirror': s_mirror, 'direction': s_direction, 'fidelity': s_fidelity,
    'budgets': s_budgets, 'exhaust': s_exhaust, 'allfail': s_allfail, 'errors': s_errors,
}


def main(argv=None):
    global CLI, VERBOSE
    ap = argparse.ArgumentParser(description='Behaviour checks of rung ask-tell on unusual protocol problems.')
    ap.add_argument('--cli', default=CLI)
    ap.add_argument('--only', default=','.join(SCENARIOS))
    ap.add_argument('--seeds', type=int, default=2)
    ap.add_argument('-v', '--verbose', action='store_true')
    a = ap.parse_args(argv)
    CLI, VERBOSE = a.cli, a.verbose
    if not os.path.isfile(CLI):
        ap.error('%s not found: run `npm run build` first' % CLI)
    t0 = time.monotonic()
    for name in a.only.split(','):
        t1 = time.monotonic()
        SCENARIOS[name](a.seeds)
        print('scenario %s: %.1f s' % (name, time.monotonic() - t1), flush=True)
    print('protocol_audit: %d failed checks, %.1f s' % (len(FAILURES), time.monotonic() - t0))
    return 1 if FAILURES else 0


if __name__ == '__main__':
    sys.exit(main())
