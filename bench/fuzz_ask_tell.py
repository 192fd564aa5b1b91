"""
`npm run fuzz:ask-tell`: a robustness fuzzer for `rung ask-tell`, the engine's JSON-lines server for the
shared benchmark harness (protocol hpo-jsonl/1: ../shared/bench/PROTOCOL.md; server: src/engine/askTell/).

Each session starts one engine process and drives it like the harness would, with everything random but
drawn from the session's seed:
  - a search space of 1-7 parameters: floats and ints, plain, log-scaled or stepped, including degenerate
    ranges (low == high, a 1e-9 wide float range, a step grid of one point); categoricals of strings,
    numbers, booleans or a mix; parameters conditional on an earlier categorical, nested;
  - a method (sampler, sampler_scheduler or shortcut) from METHODS, a direction, a max_trials of 1-60 and,
    for methods with a scheduler, a fidelity range (min 0-2, width 0-81);
  - the harness's side: random objective values (including 0, 1, 1e9 and -1e-9), 8% failed trials, every
    step reported, pruned trials told `pruned`, trials that stop at max_step told `paused` and run on when
    resumed, and the harness's end rule (a new trial after max_trials new ones is told `failed`).
It fails a session when the engine
  - suggests params outside the space: a missing active or a present inactive parameter, a number out of
    [low, high] (the harness's tolerance, 1e-12 relative), off its step grid, a non-integer int, a
    categorical value that is not one of the choices with the same JSON type (True is not 1);
  - reuses a trial id, resumes a trial that is not paused, or resumes to a max_step not past its last step;
  - answers a multi-fidelity ask with a max_step outside [fidelity min, max], or a single-fidelity ask with
    max_step or resume;
  - answers with {"error": ...}, a malformed reply, no reply, or does not exit (status 0) after shutdown;
  - takes longer than --timeout seconds for the whole session (the engine is killed then).
The ask loop stops after 8 asks per max_trials (a guard, not a failure).

    /usr/bin/python3 bench/fuzz_ask_tell.py [--cli dist/cli.js] [--start 0] [--sessions 200]
                                            [--methods tpe,gp_asha,...] [--timeout 120]
                                            [--engine-cmd "CMD ..."]

Build first (`npm run build`; `npm run fuzz:ask-tell` does both). Prints one line per failing session
(method, seed, max_trials, fidelity, the problem) with the command that replays it alone, then a summary
line; exits 1 if any session failed, 2 on bad arguments. A session depends only on its seed (and the
engine): `--start SEED --sessions 1` replays it with the same --methods, or with --methods set to the
failing method alone (the method is drawn from its own random stream, the rest never depends on the list).

--engine-cmd runs that command (split like a shell line, no shell) instead of `node <cli> ask-tell`:
another engine, or a deliberately broken one (test/cli/fuzzAskTell.test.ts uses fakes to check that the
checks and the timeout fire).

--methods takes any method names the server understands (a name with asha, hyperband, median, sha or
bohb in it gets a multi-fidelity problem).

Time (sessions run one after the other, one engine process at a time; 2-core development machine):
50 sessions 16 s, 100 sessions 38 s, so the default 200 about 75 s. Most sessions take 0.1-0.4 s; gp
sessions with many trials take up to about 6 s (the summary line names the slowest session).

Standard library only. Not part of CI's full run (`npm test`), which runs only a 12-session smoke run and
fake-engine checks of it (test/cli/fuzzAskTell.test.ts); run it by hand after changing the ask-tell server,
a sampler, a scheduler or the space code.
"""
import argparse
import json
import math
import os
import random
import shlex
import subprocess
import sys
import tempfile
import threading
import time

# Samplers alone, sampler_scheduler pairs and shortcuts, as `init.method` names them (src/engine/askTell/methods.ts).
METHODS = [
    'tpe', 'gp', 'cmaes', 'evolution', 'random', 'sobol', 'grid', 'auto', 'tpe_mv',
    'bohb', 'tpe_asha', 'tpe_hyperband', 'random_median', 'tpe_asha_promotion', 'tpe_sha',
    'tpe_hyperband_sync', 'bohb_asha', 'gp_asha', 'cmaes_hyperband', 'evolution_median', 'auto_asha',
]
SCHEDULER_WORDS = ('asha', 'hyperband', 'median', 'sha', 'bohb')
SHUTDOWN_WAIT_S = 10  # PROTOCOL.md: the harness kills the engine 10 s after shutdown


class SessionFailed(Exception):
    """The engine broke a rule; the message says which."""


def is_multifidelity(method):
    """Methods with a scheduler get a multi-fidelity problem (a fidelity range, per-step reports)."""
    return any(word in method for word in SCHEDULER_WORDS)


# ---------------------------------------------------------------------------------------------------------
# Random problems


def random_float(r, name):
    kind = r.random()
    if kind < 0.3:
        low = r.choice([1e-6, 1e-3, 0.5, 2.0])
        return {'name': name, 'type': 'float', 'low': low, 'high': low * r.choice([1, 10, 1e4]), 'log': True}
    if kind < 0.5:
        low = r.choice([-1.0, 0.0, 0.5])
        step = r.choice([0.05, 0.1, 0.25, 1.0])
        return {'name': name, 'type': 'float', 'low': low, 'high': low + step * r.randint(0, 8), 'step': step}
    low = r.uniform(-10, 10)
    return {'name': name, 'type': 'float', 'low': low, 'high': low + r.choice([0, 1e-9, 1, 100])}


def random_int(r, name):
    kind = r.random()
    if kind < 0.3:
        low = r.randint(1, 10)
        return {'name': name, 'type': 'int', 'low': low, 'high': low * r.choice([1, 2, 100]), 'log': True}
    if kind < 0.5:
        low = r.randint(-5, 5)
        step = r.randint(1, 4)
        return {'name': name, 'type': 'int', 'low': low, 'high': low + step * r.randint(0, 5), 'step': step}
    low = r.randint(-5, 5)
    return {'name': name, 'type': 'int', 'low': low, 'high': low + r.randint(0, 20)}


def random_categorical(r, name):
    pool = r.choice([['a', 'b', 'c', 'd'], [1, 2, 3.5], [True, False], ['x'], ['a', 1, True]])
    return {'name': name, 'type': 'categorical', 'choices': pool[:r.randint(1, len(pool))]}


def random_space(r):
    """1-7 parameters; about a third of those after a categorical depend on an earlier categorical."""
    params = []
    categoricals = []
    for i in range(r.randint(1, 7)):
        make = r.choice([random_float, random_float, random_int, random_categorical])
        param = make(r, 'p%d' % i)
        if categoricals and r.random() < 0.35:
            parent = r.choice(categoricals)
            values = parent['choices'][:r.randint(1, len(parent['choices']))]
            param['condition'] = {'parent': parent['name'], 'values': values}
        params.append(param)
        if param['type'] == 'categorical':
            categoricals.append(param)
    return {'params': params}


def random_session(seed, methods):
    """Everything a session needs but the engine's answers; the method has its own stream (see the docstring)."""
    r = random.Random(seed)
    method = random.Random('method-%d' % seed).choice(methods)
    space = random_space(r)
    low = r.choice([0, 1, 1, 2])
    fidelity = (low, low + r.choice([0, 1, 5, 27, 81])) if is_multifidelity(method) else None
    problem = {'name': 'fuzz', 'kind': 'multifidelity' if fidelity else 'single',
               'direction': r.choice(['minimize', 'maximize']), 'space': space}
    if fidelity:
        problem['fidelity'] = {'name': 'epoch', 'min': fidelity[0], 'max': fidelity[1], 'type': 'int'}
    return {'seed': seed, 'method': method, 'problem': problem, 'fidelity': fidelity,
            'max_trials': r.randint(1, 60), 'rng': r}


# ---------------------------------------------------------------------------------------------------------
# Checks on suggested params


def same_json_value(a, b):
    """Equality as JSON sees it: booleans are not numbers (True != 1), 1 == 1.0."""
    if isinstance(a, bool) or isinstance(b, bool):
        return isinstance(a, bool) and isinstance(b, bool) and a == b
    return a == b


def is_number(v):
    return isinstance(v, (int, float)) and not isinstance(v, bool)


def is_active(param, params):
    """Active iff unconditional, or its parent is present (so active) with one of the condition's values."""
    condition = param.get('condition')
    if condition is None:
        return True
    parent = condition['parent']
    return parent in params and any(same_json_value(params[parent], v) for v in condition['values'])


def value_problem(param, v):
    """What is wrong with one active parameter's value, or None."""
    name = param['name']
    if param['type'] == 'categorical':
        return None if any(same_json_value(v, c) for c in param['choices']) else '%s=%r not in choices %r' % (name, v, param['choices'])
    if not is_number(v) or not math.isfinite(v):
        return '%s=%r is not a finite number' % (name, v)
    if param['type'] == 'int' and v != int(v):
        return '%s=%r is not an integer' % (name, v)
    low, high = param['low'], param['high']
    tolerance = 1e-12 * max(1.0, abs(low), abs(high))
    if not low - tolerance <= v <= high + tolerance:
        return '%s=%r outside [%r, %r]' % (name, v, low, high)
    step = param.get('step')
    if step:
        k = (v - low) / step
        if abs(k - round(k)) > 1e-6:
            return '%s=%r off the step grid %r + k*%r' % (name, v, low, step)
    return None


def params_problem(space, params):
    """The first thing wrong with a suggestion (in space order), or None."""
    if not isinstance(params, dict):
        return 'params is not an object: %r' % (params,)
    known = {p['name'] for p in space['params']}
    unknown = sorted(set(params) - known)
    if unknown:
        return 'unknown parameters %s' % unknown
    for param in space['params']:
        name = param['name']
        if not is_active(param, params):
            if name in params:
                return '%s is inactive but present' % name
            continue
        if name not in params:
            return '%s is active but missing' % name
        problem = value_problem(param, params[name])
        if problem:
            return problem
    return None


# ---------------------------------------------------------------------------------------------------------
# The engine process


class Engine:
    """One engine child. request() sends one line and returns the reply; a watchdog kills the child after
    `timeout` seconds, which ends the session (its readline sees end of file) instead of hanging the fuzzer.
    stderr goes to a temporary file, so a chatty engine cannot block on a full pipe."""

    def __init__(self, command, timeout):
        self.timeout = timeout
        self.timed_out = False
        self.stderr = tempfile.TemporaryFile()
        self.proc = subprocess.Popen(command, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=self.stderr,
                                     text=True, encoding='utf-8')
        self.watchdog = threading.Timer(timeout, self._kill_hung)
        self.watchdog.daemon = True
        self.watchdog.start()

    def _kill_hung(self):
        self.timed_out = True
        self.proc.kill()

    def stderr_tail(self, chars=800):
        self.stderr.seek(0)
        return self.stderr.read().decode('utf-8', 'replace')[-chars:]

    def _no_reply(self, message):
        if self.timed_out:
            return 'no reply to %s: session timeout (%g s), engine killed' % (message['op'], self.timeout)
        self.proc.wait()
        return 'no reply to %s: engine exited with status %s; stderr: %s' % (message['op'], self.proc.returncode, self.stderr_tail())

    def request(self, message):
        try:
            self.proc.stdin.write(json.dumps(message) + '\n')
            self.proc.stdin.flush()
        except OSError:
            raise SessionFailed(self._no_reply(message)) from None
        line = self.proc.stdout.readline()
        if not line:
            raise SessionFailed(self._no_reply(message))
        try:
            reply = json.loads(line)
        except ValueError:
            raise SessionFailed('non-JSON reply %r to %s' % (line[:200], json.dumps(message))) from None
        if not isinstance(reply, dict):
            raise SessionFailed('reply %r to %s is not an object' % (reply, json.dumps(message)))
        if 'error' in reply:
            raise SessionFailed('error reply %s to %s' % (json.dumps(reply), json.dumps(message)))
        return reply

    def expect_ok(self, message):
        reply = self.request(message)
        if reply.get('ok') is not True:
            raise SessionFailed('reply %s to %s lacks "ok": true' % (json.dumps(reply), message['op']))
        return reply

    def shut_down(self):
        self.expect_ok({'op': 'shutdown'})
        try:
            status = self.proc.wait(timeout=SHUTDOWN_WAIT_S)
        except subprocess.TimeoutExpired:
            raise SessionFailed('engine still running %d s after shutdown' % SHUTDOWN_WAIT_S) from None
        if self.timed_out:
            raise SessionFailed('session timeout (%g s) during shutdown, engine killed' % self.timeout)
        if status != 0:
            raise SessionFailed('engine exited with status %s after shutdown; stderr: %s' % (status, self.stderr_tail()))

    def close(self):
        """Never leaves the child behind, whatever happened."""
        self.watchdog.cancel()
        if self.proc.poll() is None:
            self.proc.kill()
        self.proc.wait()
        for stream in (self.proc.stdin, self.proc.stdout):
            try:
                stream.close()
            except OSError:
                pass  # stdin of a killed child: the flush of a broken pipe
        self.stderr.close()


# ---------------------------------------------------------------------------------------------------------
# A session: the harness's side of one run


def objective_value(r):
    """Mostly uniform in [0, 1); sometimes a tie-prone or extreme value."""
    if r.random() < 0.3:
        return r.choice([r.random(), 1.0, 0.0, 1e9, -1e-9])
    return r.random()


def checked_max_step(ask, fidelity):
    max_step = ask.get('max_step', fidelity[1])
    if not is_number(max_step) or max_step != int(max_step) or not fidelity[0] <= max_step <= fidelity[1]:
        raise SessionFailed('max_step %r outside the fidelity range [%d, %d] (trial %r)' % (max_step, fidelity[0], fidelity[1], ask['trial']))
    return int(max_step)


def run_trial_steps(engine, r, trial, first_step, max_step, fidelity, value):
    """Reports first_step..max_step of a learning curve that falls towards `value`; returns the tell."""
    last = None
    for step in range(first_step, max_step + 1):
        last = value + 1.0 / (step + 1)
        reply = engine.request({'op': 'report', 'trial': trial, 'step': step, 'value': last})
        if not isinstance(reply.get('prune'), bool):
            raise SessionFailed('report reply %s has no boolean "prune"' % json.dumps(reply))
        if reply['prune']:
            return {'op': 'tell', 'trial': trial, 'state': 'pruned', 'value': last}
    state = 'paused' if max_step < fidelity[1] else 'complete'
    return {'op': 'tell', 'trial': trial, 'state': state, 'value': last}


def drive(engine, session):
    r = session['rng']
    space = session['problem']['space']
    fidelity = session['fidelity']
    max_trials = session['max_trials']
    engine.expect_ok({'op': 'init', 'protocol': 'hpo-jsonl/1', 'problem': session['problem'], 'seed': session['seed'],
                      'max_trials': max_trials, 'method': session['method'], 'options': {}})
    seen_trials = set()
    paused_at = {}  # trial -> last step reported before it was paused
    for _ in range(max_trials * 8):
        ask = engine.request({'op': 'ask'})
        if ask.get('done') is True:
            break
        if 'trial' not in ask:
            raise SessionFailed('ask reply %s has neither "trial" nor "done"' % json.dumps(ask))
        trial = ask['trial']
        if fidelity is None and ('max_step' in ask or 'resume' in ask):
            raise SessionFailed('single-fidelity ask reply %s has max_step or resume' % json.dumps(ask))
        if ask.get('resume'):
            if trial not in paused_at:
                raise SessionFailed('resume of trial %r, which is not paused (paused: %s)' % (trial, sorted(paused_at, key=str)))
            max_step = checked_max_step(ask, fidelity)
            first_step = paused_at.pop(trial) + 1
            if max_step < first_step:
                raise SessionFailed('resume of trial %r to max_step %d, but it paused at step %d' % (trial, max_step, first_step - 1))
        else:
            if trial in seen_trials:
                raise SessionFailed('new trial reuses the id %r' % (trial,))
            seen_trials.add(trial)
            if len(seen_trials) > max_trials:  # the harness's end rule: the extra trial is not run
                engine.expect_ok({'op': 'tell', 'trial': trial, 'state': 'failed', 'value': None})
                break
            problem = params_problem(space, ask.get('params'))
            if problem:
                raise SessionFailed('bad params for trial %r (%s): %s' % (trial, problem, json.dumps(ask.get('params'))))
            max_step = checked_max_step(ask, fidelity) if fidelity else None
            first_step = fidelity[0] if fidelity else None
        if r.random() < 0.08:
            engine.expect_ok({'op': 'tell', 'trial': trial, 'state': 'failed', 'value': None})
            continue
        value = objective_value(r)
        if fidelity is None:
            engine.expect_ok({'op': 'tell', 'trial': trial, 'state': 'complete', 'value': value})
            continue
        tell = run_trial_steps(engine, r, trial, first_step, max_step, fidelity, value)
        if tell['state'] == 'paused':
            paused_at[trial] = max_step
        engine.expect_ok(tell)
    engine.shut_down()


def run_session(session, command, timeout):
    """None if the session passed, else what went wrong."""
    try:
        engine = Engine(command, timeout)
    except OSError as e:
        return 'cannot start %s: %s' % (command[0], e)
    try:
        drive(engine, session)
        return None
    except SessionFailed as e:
        return str(e)
    except Exception as e:  # a reply of an unexpected shape (or a fuzzer bug): still this session's failure
        return '%s: %s' % (type(e).__name__, e)
    finally:
        engine.close()


# ---------------------------------------------------------------------------------------------------------


def parse_args(argv):
    parser = argparse.ArgumentParser(description='Random sessions against `rung ask-tell`; exit 1 if any breaks a rule.')
    parser.add_argument('--cli', default='dist/cli.js', help='the built CLI (default dist/cli.js)')
    parser.add_argument('--start', type=int, default=0, help='first seed (default 0)')
    parser.add_argument('--sessions', type=int, default=200, help='number of sessions, seeds start.. (default 200)')
    parser.add_argument('--methods', default=','.join(METHODS), help='comma-separated methods (default: all %d)' % len(METHODS))
    parser.add_argument('--timeout', type=float, default=120, help='seconds one session may take before the engine is killed (default 120)')
    parser.add_argument('--engine-cmd', help='engine command line instead of `node CLI ask-tell` (for fakes in tests, other engines)')
    args = parser.parse_args(argv)
    args.methods = [m for m in args.methods.split(',') if m]
    if not args.methods:
        parser.error('--methods: no method given')
    if args.sessions < 0 or args.timeout <= 0:
        parser.error('--sessions must be >= 0 and --timeout > 0')
    if args.engine_cmd is None and not os.path.isfile(args.cli):
        parser.error('%s not found: run `npm run build` first, or pass --cli' % args.cli)
    return args


def main(argv=None):
    args = parse_args(argv)
    command = shlex.split(args.engine_cmd) if args.engine_cmd else ['node', args.cli, 'ask-tell']
    failed = 0
    slowest = (0.0, None)
    started = time.monotonic()
    for seed in range(args.start, args.start + args.sessions):
        session = random_session(seed, args.methods)
        t0 = time.monotonic()
        problem = run_session(session, command, args.timeout)
        slowest = max(slowest, (time.monotonic() - t0, seed))
        if problem:
            failed += 1
            fidelity = list(session['fidelity']) if session['fidelity'] else None
            print('FAIL method=%s seed=%d max_trials=%d fidelity=%s: %s [replay: --start %d --sessions 1 --methods %s]'
                  % (session['method'], seed, session['max_trials'], fidelity, problem[:2000], seed, session['method']), flush=True)
    elapsed = time.monotonic() - started
    last = args.start + args.sessions - 1
    print('fuzz_ask_tell: %d sessions (seeds %d-%d), %d failed, %.1f s (slowest: seed %s, %.1f s)'
          % (args.sessions, args.start, last, failed, elapsed, slowest[1], slowest[0]), flush=True)
    return 1 if failed else 0


if __name__ == '__main__':
    sys.exit(main())
