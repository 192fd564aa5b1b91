import { describe, expect, it } from 'vitest';
import { createAskTellSession, serveAskTell, type AskTellOptions } from '../../../src/engine/askTell/askTellServer';
import { createRandomSampler } from '../../../src/engine/samplers/random';
import { createRng } from '../../../src/engine/util/rng';
import { spaceFromProtocol } from '../../../src/engine/askTell/spaceFromProtocol';
import { defaultSampler } from '../../../src/engine/askTell/methods';

type Json = Record<string, unknown>;

const mixedSpace = {
  params: [
    { name: 'x', type: 'float', low: -5, high: 10 },
    { name: 'lr', type: 'float', low: 1e-4, high: 1, log: true },
    { name: 'opt', type: 'categorical', choices: ['sgd', 'adam'] },
    { name: 'momentum', type: 'float', low: 0, high: 0.9, step: 0.1, condition: { parent: 'opt', values: ['sgd'] } },
    { name: 'layers', type: 'int', low: 1, high: 4 },
  ],
};

function init(extra: Json = {}, problem: Json = {}): string {
  return JSON.stringify({
    op: 'init',
    protocol: 'hpo-jsonl/1',
    problem: { name: 'p', kind: 'single', direction: 'minimize', space: mixedSpace, ...problem },
    seed: 5,
    max_trials: 20,
    method: 'random',
    options: {},
    ...extra,
  });
}

function mfInit(method: string, extra: Json = {}, problem: Json = {}): string {
  return init({ method, ...extra }, { kind: 'multifidelity', space: { params: [{ name: 'x', type: 'float', low: 0, high: 1 }] }, fidelity: { name: 'epoch', min: 1, max: 9, type: 'int' }, ...problem });
}

/** Feeds lines through serveAskTell (an in-memory line stream) and returns the parsed replies. */
async function serve(lines: readonly string[], options: AskTellOptions = {}): Promise<Json[]> {
  const out: string[] = [];
  async function* source(): AsyncGenerator<string> {
    yield* lines;
  }
  await serveAskTell(source(), (line) => void out.push(line), options);
  for (const line of out) expect(line.endsWith('\n') && !line.slice(0, -1).includes('\n')).toBe(true);
  return out.map((l) => JSON.parse(l) as Json);
}

/** A synchronous driver over one session: send a request object, get the parsed reply. */
function driver(options: AskTellOptions = {}): (request: Json | string) => Json {
  const session = createAskTellSession(options);
  return (request) => {
    const out = session.handleLine(typeof request === 'string' ? request : JSON.stringify(request));
    if (!out) throw new Error('no reply');
    return JSON.parse(out.reply) as Json;
  };
}

describe('ask-tell server, single-fidelity', () => {
  it('answers every request once, in order, and forks the rng per trial like the study runner', async () => {
    const replies = await serve([
      init(),
      '{"op":"ask"}',
      '{"op":"tell","trial":0,"state":"complete","value":1.5}',
      '{"op":"ask"}',
      '{"op":"tell","trial":1,"state":"failed","value":null}',
      '{"op":"shutdown"}',
      '{"op":"ask"}',
    ]);
    expect(replies).toHaveLength(6);
    expect(replies[0]).toMatchObject({ ok: true, engine: { name: 'rung', sampler: 'random', scheduler: null, seed: 5 } });
    const space = spaceFromProtocol(mixedSpace);
    if (!space.ok) throw new Error('space');
    const direct = createRandomSampler(space.value, {}, 5);
    for (const n of [0, 1]) {
      const expected = direct.ask({ trialId: String(n), trialNumber: n, rng: createRng(5).fork(`trial:${n}`), pending: [] });
      expect(replies[1 + 2 * n]).toEqual({ trial: n, params: expected.kind === 'suggest' ? expected.config : {} });
    }
    expect(replies[2]).toEqual({ ok: true });
    expect(replies[5]).toEqual({ ok: true });
  });

  it('gives the same proposals for the same seed and different ones for another seed (tpe)', async () => {
    const runOnce = async (seed: number): Promise<Json[]> => {
      const lines = [init({ seed, method: 'tpe' })];
      for (let n = 0; n < 14; n++) {
        lines.push('{"op":"ask"}', JSON.stringify({ op: 'tell', trial: n, state: 'complete', value: (n * 7919) % 13 }));
      }
      return (await serve(lines)).filter((r) => 'params' in r);
    };
    const a = await runOnce(1);
    expect(a).toHaveLength(14);
    expect(await runOnce(1)).toEqual(a);
    expect(await runOnce(2)).not.toEqual(a);
  });

  it('replies with an error, never a crash, to malformed or out-of-order requests', async () => {
    const replies = await serve([
      '{"op":"ask"}',
      'not json',
      '',
      init(),
      init(),
      '{"op":"tell","trial":42,"state":"complete","value":1}',
      '{"op":"report","trial":0,"step":1,"value":1}',
      '{"op":"ask"}',
      '{"op":"tell","trial":0,"state":"complete","value":1}',
      '{"op":"tell","trial":0,"state":"complete","value":1}',
      '{"op":"report","trial":0,"step":1,"value":1}',
      '{"op":"tell","trial":0,"state":"sideways","value":1}',
      '{"op":"shutdown"}',
    ]);
    // The blank line is not a request: 12 requests, 12 replies.
    expect(replies).toHaveLength(12);
    expect(replies[0]?.['error']).toContain('before "init"');
    expect(replies[1]?.['error']).toContain('not JSON');
    expect(replies[2]).toMatchObject({ ok: true });
    expect(replies[3]?.['error']).toContain('already');
    expect(replies[4]?.['error']).toContain('unknown trial 42');
    expect(replies[5]?.['error']).toContain('unknown trial 0');
    expect(replies[6]).toHaveProperty('params');
    expect(replies[7]).toEqual({ ok: true });
    expect(replies[8]?.['error']).toContain('which is ended');
    expect(replies[9]?.['error']).toContain('which is ended');
    expect(replies[10]?.['error']).toContain('state');
    expect(replies[11]).toEqual({ ok: true });
  });

  it('rejects an invalid space or method at init and says so on later requests', () => {
    const send = driver();
    const bad = send(init({}, { space: { params: [{ name: 'x', type: 'float', low: 2, high: 1 }] } }));
    expect(bad['error']).toContain('x: low 2 > high 1');
    expect(send({ op: 'ask' })['error']).toContain('init failed');
    expect(driver()(init({ method: 'nonsense' }))['error']).toContain('unknown method "nonsense"');
    // Flags naming both parts make the method label irrelevant.
    expect(driver({ sampler: 'random', scheduler: 'fifo' })(init({ method: 'nonsense' }))).toMatchObject({ ok: true });
  });

  it("uses the study file's default sampler and fifo when nothing names a method", () => {
    expect(driver()(init({ method: 'default' }))).toMatchObject({ ok: true, engine: { sampler: defaultSampler().type, scheduler: null } });
  });

  it('lets --sampler win over init.method and ignores a scheduler on a single-fidelity problem', () => {
    const logs: string[] = [];
    const send = driver({ sampler: 'sobol', scheduler: 'asha', log: (m) => logs.push(m) });
    expect(send(init({ method: 'tpe' }))).toMatchObject({ ok: true, engine: { sampler: 'sobol', scheduler: null } });
    expect(logs.join('\n')).toContain('scheduler asha is not used');
  });

  it('answers done when the sampler is exhausted or max_trials new trials exist', () => {
    const send = driver();
    const space = { params: [{ name: 'c', type: 'categorical', choices: ['a', 'b'] }] };
    expect(send(init({ method: 'grid', max_trials: 10 }, { space }))).toMatchObject({ ok: true });
    const seen = new Set<unknown>();
    for (let n = 0; n < 2; n++) {
      const reply = send({ op: 'ask' });
      seen.add((reply['params'] as Json)['c']);
      expect(send({ op: 'tell', trial: reply['trial'], state: 'complete', value: n })).toEqual({ ok: true });
    }
    expect(seen).toEqual(new Set(['a', 'b']));
    expect(send({ op: 'ask' })).toEqual({ done: true });

    const limited = driver();
    limited(init({ max_trials: 1 }));
    expect(limited({ op: 'ask' })).toHaveProperty('params');
    expect(limited({ op: 'ask' })).toEqual({ done: true });
  });

  it('gives auto the trial budget (init.max_trials) and the scheduler, as a study file does, so it can pick gp', () => {
    const space = { params: [{ name: 'a', type: 'float', low: 0, high: 1 }, { name: 'b', type: 'float', low: -1, high: 1 }] };
    const picks = (maxTrials: number): string => {
      const logs: string[] = [];
      const send = driver({ log: (m) => logs.push(m) });
      const reply = send(init({ method: 'auto', max_trials: maxTrials }, { space }));
      expect(reply).toMatchObject({ ok: true, engine: { sampler: 'auto', sampler_options: { trials: maxTrials } } });
      logs.push(`chose ${String((reply['engine'] as Json)['auto_choice'])}`);
      expect(send({ op: 'ask' })).toHaveProperty('params');
      return logs.join('\n');
    };
    expect(picks(50)).toMatch(/auto: gp \(2 float parameters, 50 trials\)[^]*chose gp/);
    expect(picks(500)).toMatch(/auto: tpe[^]*chose tpe/);
    // Multi-fidelity with a ladder scheduler: the per-budget model.
    const logs: string[] = [];
    const send = driver({ log: (m) => logs.push(m) });
    expect(send(mfInit('auto_asha', { max_trials: 30 }))).toMatchObject({ ok: true, engine: { auto_choice: 'bohb', sampler_options: { trials: 30, scheduler: 'asha' } } });
    send({ op: 'ask' });
    expect(logs.join('\n')).toMatch(/auto: bohb \(asha scheduler/);
  });

  it('takes the space, sampler, seed and goal from --space options when init carries none', () => {
    const space = spaceFromProtocol(mixedSpace);
    if (!space.ok) throw new Error('space');
    const send = driver({ space: space.value, study: { sampler: { type: 'sobol', options: {} }, seed: 9, goal: 'maximize', trials: 1 } });
    expect(send({ op: 'init' })).toMatchObject({ ok: true, engine: { sampler: 'sobol', seed: 9 } });
    expect(send({ op: 'ask' })).toHaveProperty('params');
    expect(send({ op: 'ask' })).toEqual({ done: true });
  });
});

describe('ask-tell server, multi-fidelity', () => {
  /** Runs one trial's reports until prune or the last step; returns the steps answered with prune: false. */
  function runTrial(send: (r: Json) => Json, trial: unknown, values: readonly number[], from = 1): { pruned: boolean; last: number } {
    let step = from - 1;
    for (const value of values) {
      step++;
      const reply = send({ op: 'report', trial, step, value });
      if (reply['prune'] === true) return { pruned: true, last: step };
      expect(reply).toEqual({ prune: false });
    }
    return { pruned: false, last: step };
  }

  it('prunes with a stopping scheduler (asha) and negates losses once for maximize', () => {
    for (const direction of ['minimize', 'maximize'] as const) {
      const send = driver();
      expect(send(mfInit('random_asha', {}, { direction }))).toMatchObject({ ok: true, engine: { scheduler: 'asha', scheduler_mode: 'stopping' } });
      const first = send({ op: 'ask' });
      expect(first).not.toHaveProperty('max_step');
      expect(runTrial(send, 0, Array(9).fill(1))).toEqual({ pruned: false, last: 9 });
      expect(send({ op: 'tell', trial: 0, state: 'complete', value: 1 })).toEqual({ ok: true });
      send({ op: 'ask' });
      // 0.1 is better than trial 0's 1 when minimising, worse when maximising: rung 1 keeps the top 1 of 2.
      const second = runTrial(send, 1, Array(9).fill(0.1));
      expect(second).toEqual(direction === 'minimize' ? { pruned: false, last: 9 } : { pruned: true, last: 1 });
      expect(send({ op: 'tell', trial: 1, state: second.pruned ? 'pruned' : 'complete', value: 0.1 })).toEqual({ ok: true });
    }
  });

  it('never prunes without a scheduler (fifo)', () => {
    const send = driver();
    send(mfInit('tpe'));
    for (let n = 0; n < 3; n++) {
      send({ op: 'ask' });
      expect(runTrial(send, n, [9, 8, 7, 6, 5, 4, 3, 2, 1].map((v) => v * (3 - n)))).toEqual({ pruned: false, last: 9 });
      send({ op: 'tell', trial: n, state: 'complete', value: 1 });
    }
  });

  it('runs synchronous successive halving through pause/resume and ends with done', () => {
    // Fidelity 1..9, eta 3: rungs 1, 3, 9; 9 trials at 1 → 3 at 3 → 1 at 9.
    const send = driver();
    expect(send(mfInit('random_sha', { max_trials: 9 }))).toMatchObject({ ok: true, engine: { scheduler: 'sha', scheduler_mode: 'promotion' } });
    const loss = (trial: number): number => Math.abs(trial - 4) + 1; // trial 4 best, then 3 and 5
    const asks: Json[] = [];
    for (let guard = 0; guard < 40; guard++) {
      const a = send({ op: 'ask' });
      asks.push(a);
      if (a['done'] === true) break;
      const trial = a['trial'] as number;
      const maxStep = a['max_step'] as number | undefined;
      const from = a['resume'] === true ? (maxStep === 9 ? 4 : 2) : 1;
      const to = maxStep ?? 9;
      runTrial(send, trial, Array(to - from + 1).fill(loss(trial)), from);
      expect(send({ op: 'tell', trial, state: to < 9 ? 'paused' : 'complete', value: loss(trial) })).toEqual({ ok: true });
    }
    const news = asks.filter((a) => 'params' in a);
    expect(news).toHaveLength(9);
    for (const a of news) expect(a['max_step']).toBe(1);
    const resumes = asks.filter((a) => a['resume'] === true).map((a) => [a['trial'], a['max_step']]);
    expect(resumes.slice(0, 3).map(([t]) => t).sort()).toEqual([3, 4, 5]);
    expect(resumes.slice(0, 3).every(([, m]) => m === 3)).toBe(true);
    expect(resumes[3]).toEqual([4, 9]);
    expect(asks.at(-1)).toEqual({ done: true });
  });

  it('reads scheduler options from init.options.scheduler (snake_case)', () => {
    const send = driver();
    const reply = send(mfInit('random_sha', { max_trials: 20, options: { scheduler: { initial_trials: 2 } } }));
    expect(reply).toMatchObject({ ok: true });
    for (const [trial, value] of [[0, 1], [1, 2]] as const) {
      expect(send({ op: 'ask' })).toMatchObject({ trial, max_step: 1 });
      expect(send({ op: 'report', trial, step: 1, value })).toEqual({ prune: false });
      send({ op: 'tell', trial, state: 'paused', value });
    }
    // With 2 initial trials the first rung closes now and promotes the better one.
    expect(send({ op: 'ask' })).toEqual({ trial: 0, resume: true, max_step: 3 });
  });
});
