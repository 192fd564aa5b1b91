/**
 * SettledSelection: a tree row's click command reads the selection the click made, also when the selection's
 * change reaches the extension host after the command (as under load in the stop-trial e2e test).
 */
import { describe, expect, it } from 'vitest';
import { SettledSelection } from '../../src/extension/tree/settledSelection';

/** A tree view's selection and its change event, driven by the test as VS Code drives a real one. */
function fakeView(initial: string[]) {
  const listeners: ((e: { selection: readonly string[] }) => void)[] = [];
  const view = {
    selection: initial as readonly string[],
    onDidChangeSelection: (listener: (e: { selection: readonly string[] }) => void) => {
      listeners.push(listener);
      return { dispose: () => listeners.splice(listeners.indexOf(listener), 1) };
    },
  };
  const select = (selection: string[]): void => {
    view.selection = selection;
    for (const l of [...listeners]) l({ selection });
  };
  return { view, select, listeners };
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('SettledSelection', () => {
  it('takes a selection that changed just before the command at once', async () => {
    const { view, select } = fakeView(['#1']);
    const settled = new SettledSelection(view as never, Date.now, 1000, 5000);
    select(['#0']);
    const started = Date.now();
    expect(await settled.selection()).toEqual(['#0']);
    expect(Date.now() - started).toBeLessThan(1000);
  });

  it('waits for a selection change that arrives after the command', async () => {
    const { view, select } = fakeView(['#1']);
    const settled = new SettledSelection(view as never, Date.now, 50, 5000);
    await sleep(80); // the last change (none) is old: the command may have overtaken the click's selection
    const pending = settled.selection();
    setTimeout(() => select(['#0']), 30);
    expect(await pending).toEqual(['#0']);
  });

  it('takes the selection as it is when no change comes (the row clicked was already selected)', async () => {
    const { view } = fakeView(['#1']);
    const settled = new SettledSelection(view as never, Date.now, 0, 40);
    await sleep(5);
    expect(await settled.selection()).toEqual(['#1']);
  });

  it('stops listening when disposed', () => {
    const { view, listeners } = fakeView([]);
    const settled = new SettledSelection(view as never);
    expect(listeners).toHaveLength(1);
    settled.dispose();
    expect(listeners).toHaveLength(0);
  });
});
