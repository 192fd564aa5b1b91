import { describe, expect, it } from 'vitest';
import { checkStudySpec } from '../../src/engine/index';
import { isStudyFileName, toDiagnosticModels } from '../../src/extension/diagnostics/issueRanges';

const lengths = (text: string) => (line: number): number | undefined => text.split('\n')[line]?.length;

describe('toDiagnosticModels', () => {
  it('puts the engine\'s issues at the right 0-based line and column', () => {
    const text = 'name: demo\ncommand: python train.py {args}\nmetric: val_loss\nparameters:\n  lr: {type: float, low: 0.5, high: 0.1}\n';
    const { issues } = checkStudySpec(text, '/w/demo.rung.yaml');
    const models = toDiagnosticModels(issues, lengths(text));
    const low = models.find((m) => m.message.includes('low'));
    expect(low).toBeDefined();
    expect(low?.severity).toBe('error');
    expect(low?.startLine).toBe(4);
    // The squiggle sits on the offending value inside the line, not at its start.
    expect(low?.startCharacter).toBeGreaterThan(2);
    expect(low?.endCharacter).toBeGreaterThan(low?.startCharacter ?? 0);
  });

  it('reports an unknown key with its did-you-mean at the key', () => {
    const text = 'name: demo\ncommand: python train.py {args}\nmetric: val_loss\nparameters:\n  lr: {type: float, low: 0.01, high: 0.1}\nsampeler: random\n';
    const models = toDiagnosticModels(checkStudySpec(text, '/w/demo.rung.yaml').issues, lengths(text));
    const unknown = models.find((m) => m.message.includes('sampeler'));
    expect(unknown?.startLine).toBe(5);
    expect(unknown?.startCharacter).toBe(0);
    expect(unknown?.message).toMatch(/sampler/);
  });

  it('widens an empty span so the squiggle is visible', () => {
    const issue = { file: 'f', line: 2, column: 3, endLine: 2, endColumn: 3, path: '', message: 'm', severity: 'warning' as const };
    expect(toDiagnosticModels([issue], lengths('abc\nabcdef\n'))[0]).toMatchObject({ startLine: 1, startCharacter: 2, endLine: 1, endCharacter: 6 });
    const atEnd = { ...issue, column: 7, endColumn: 7 };
    expect(toDiagnosticModels([atEnd], lengths('abc\nabcdef\n'))[0]).toMatchObject({ startCharacter: 0, endCharacter: 6 });
    const pastEnd = { ...issue, line: 9, endLine: 9, column: 1, endColumn: 1 };
    expect(toDiagnosticModels([pastEnd], lengths('abc'))[0]).toMatchObject({ startLine: 0 });
  });
});

describe('isStudyFileName', () => {
  it('matches *.rung.yaml, *.rung.yml and *.rung.json only', () => {
    expect(isStudyFileName('/w/a.rung.yaml')).toBe(true);
    expect(isStudyFileName('/w/a.rung.yml')).toBe(true);
    expect(isStudyFileName('/w/a.rung.json')).toBe(true);
    expect(isStudyFileName('/w/a.yaml')).toBe(false);
    expect(isStudyFileName('/w/rung.yaml')).toBe(false);
  });
});
