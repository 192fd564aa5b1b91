import { describe, expect, it } from 'vitest';
import { spaceFromProtocol } from '../../../src/engine/askTell/spaceFromProtocol';
import { isActive } from '../../../src/engine/space/searchSpace';

/** The example of PROTOCOL.md, "Search space". */
const example = {
  params: [
    { name: 'classifier', type: 'categorical', choices: ['svm', 'rf', 'knn'] },
    { name: 'svm_C', type: 'float', low: 0.001, high: 1000.0, log: true, condition: { parent: 'classifier', values: ['svm'] } },
    { name: 'svm_kernel', type: 'categorical', choices: ['rbf', 'poly'], condition: { parent: 'classifier', values: ['svm'] } },
    { name: 'svm_degree', type: 'int', low: 2, high: 5, condition: { parent: 'svm_kernel', values: ['poly'] } },
    { name: 'subsample', type: 'float', low: 0.5, high: 1.0, step: 0.05 },
    { name: 'max_bin', type: 'int', low: 16, high: 256, step: 16 },
    { name: 'n_estimators', type: 'int', low: 50, high: 2000, log: true },
  ],
};

describe('spaceFromProtocol', () => {
  it('converts every field, conditions becoming `when`, in order', () => {
    const result = spaceFromProtocol(example);
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    const space = result.value;
    expect([...space.params.keys()]).toEqual(example.params.map((p) => p.name));
    expect(space.params.get('classifier')).toEqual({ kind: 'categorical', choices: ['svm', 'rf', 'knn'] });
    expect(space.params.get('svm_C')).toEqual({ kind: 'float', low: 0.001, high: 1000, log: true, when: { classifier: ['svm'] } });
    expect(space.params.get('svm_degree')).toEqual({ kind: 'int', low: 2, high: 5, when: { svm_kernel: ['poly'] } });
    expect(space.params.get('subsample')).toEqual({ kind: 'float', low: 0.5, high: 1, step: 0.05 });
    expect(space.params.get('max_bin')).toEqual({ kind: 'int', low: 16, high: 256, step: 16 });
    expect(space.params.get('n_estimators')).toEqual({ kind: 'int', low: 50, high: 2000, log: true });
    // Nested conditions: svm_degree needs svm_kernel active, which needs classifier = svm.
    expect(isActive(space, 'svm_degree', { classifier: 'svm', svm_kernel: 'poly' })).toBe(true);
    expect(isActive(space, 'svm_degree', { classifier: 'rf', svm_kernel: 'poly' })).toBe(false);
  });

  it('keeps boolean and numeric choices apart', () => {
    const result = spaceFromProtocol({ params: [{ name: 'c', type: 'categorical', choices: [true, 1, '1'] }] });
    expect(result.ok && result.value.params.get('c')).toEqual({ kind: 'categorical', choices: [true, 1, '1'] });
  });

  it('reports every problem at once', () => {
    const result = spaceFromProtocol({
      params: [
        { name: 'a', type: 'float', low: 1, high: 0 },
        { name: 'b', type: 'float', low: 0, high: 1, log: true },
        { name: 'c', type: 'float', low: 0, high: 1, step: 0.3 },
        { name: 'd', type: 'int', low: 0.5, high: 3 },
        { name: 'e', type: 'categorical', choices: [] },
        { name: 'f', type: 'categorical', choices: ['x', 'x'] },
        { name: 'g', type: 'float', low: 0, high: 1, condition: { parent: 'later', values: ['x'] } },
        { name: 'h', type: 'float', low: 0, high: 1, condition: { parent: 'a', values: [1] } },
        { name: 'i', type: 'float', low: 0, high: 1, condition: { parent: 'f', values: ['y'] } },
        { name: 'a', type: 'int', low: 0, high: 1 },
        { name: 'j', type: 'vector' },
        { name: 'k', type: 'float', low: 1, high: 10, log: true, step: 1 },
        { name: 'later', type: 'categorical', choices: ['x'] },
      ],
    });
    expect(result.ok).toBe(false);
    if (result.ok) return;
    const text = result.error.join('\n');
    for (const expected of [
      'a: low 1 > high 0',
      'b: log scale needs low > 0',
      'c: high − low must be a multiple of step',
      'd: int bounds must be integers',
      'e: "choices" must be a non-empty list',
      'f: duplicate choices',
      'g: condition parent "later" must be listed earlier',
      'h: condition parent "a" must be categorical',
      'i: condition "values" must be a non-empty list of choices of "f"',
      'a: duplicate parameter name',
      'j: unknown "type"',
      'k: "step" and "log" are exclusive',
    ]) {
      expect(text).toContain(expected);
    }
  });

  it('rejects a space without params', () => {
    expect(spaceFromProtocol({}).ok).toBe(false);
    expect(spaceFromProtocol({ params: [] }).ok).toBe(false);
    expect(spaceFromProtocol(null).ok).toBe(false);
  });
});
