import { describe, expect, it } from 'vitest';
import { parseRequest, serializeReply } from '../../../src/engine/askTell/protocol';

describe('parseRequest', () => {
  it('reads every op of hpo-jsonl/1', () => {
    const init = parseRequest(
      JSON.stringify({
        op: 'init',
        protocol: 'hpo-jsonl/1',
        problem: { name: 'lcsynth', kind: 'multifidelity', direction: 'minimize', space: { params: [] }, fidelity: { name: 'epoch', min: 1, max: 81, type: 'int' } },
        seed: 3,
        max_trials: 100,
        method: 'tpe_hyperband',
        options: {},
      }),
    );
    expect(init).toEqual({
      ok: true,
      value: {
        op: 'init',
        protocol: 'hpo-jsonl/1',
        problem: { name: 'lcsynth', kind: 'multifidelity', direction: 'minimize', space: { params: [] }, fidelity: { name: 'epoch', min: 1, max: 81 } },
        seed: 3,
        maxTrials: 100,
        method: 'tpe_hyperband',
        options: {},
      },
    });
    expect(parseRequest('{"op":"ask"}')).toEqual({ ok: true, value: { op: 'ask' } });
    expect(parseRequest('{"op":"report","trial":7,"step":3,"value":0.4312}')).toEqual({ ok: true, value: { op: 'report', trial: 7, step: 3, value: 0.4312 } });
    expect(parseRequest('{"op":"tell","trial":"t7","state":"paused","value":0.5}')).toEqual({ ok: true, value: { op: 'tell', trial: 't7', state: 'paused', value: 0.5 } });
    expect(parseRequest('{"op":"tell","trial":7,"state":"failed","value":null}')).toEqual({ ok: true, value: { op: 'tell', trial: 7, state: 'failed', value: null } });
    expect(parseRequest('{"op":"shutdown"}')).toEqual({ ok: true, value: { op: 'shutdown' } });
  });

  it.each([
    ['not json', 'not JSON'],
    ['[1,2]', 'not a JSON object'],
    ['{"op":"fly"}', 'unknown op'],
    ['{}', 'unknown op'],
    ['{"op":"init","protocol":"hpo-jsonl/2"}', 'unsupported protocol'],
    ['{"op":"init","seed":1.5}', 'seed'],
    ['{"op":"init","max_trials":-1}', 'max_trials'],
    ['{"op":"init","options":[]}', 'options'],
    ['{"op":"init","problem":{"direction":"up"}}', 'direction'],
    ['{"op":"init","problem":{"kind":"multifidelity"}}', 'fidelity'],
    ['{"op":"init","problem":{"fidelity":{"min":-1,"max":9}}}', 'fidelity'],
    ['{"op":"init","problem":{"fidelity":{"min":5,"max":4}}}', 'fidelity'],
    ['{"op":"report","step":1,"value":1}', 'trial'],
    ['{"op":"report","trial":1,"value":1}', 'step'],
    ['{"op":"report","trial":1,"step":1,"value":"x"}', 'value'],
    ['{"op":"tell","trial":1,"state":"done","value":1}', 'state'],
    ['{"op":"tell","trial":1.5,"state":"complete","value":1}', 'trial'],
  ])('rejects %s with a reason', (line, reason) => {
    const parsed = parseRequest(line);
    expect(parsed.ok).toBe(false);
    if (!parsed.ok) expect(parsed.error).toContain(reason);
  });
});

describe('serializeReply', () => {
  it('writes strict JSON and never a silent null for a non-finite number', () => {
    expect(serializeReply({ trial: 1, params: { x: 0.5, c: 'a', b: true } })).toBe('{"trial":1,"params":{"x":0.5,"c":"a","b":true}}');
    const bad = JSON.parse(serializeReply({ trial: 1, params: { x: Number.NaN } })) as { error?: string };
    expect(bad.error).toContain('non-finite');
  });
});
