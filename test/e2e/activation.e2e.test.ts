/**
 * (a) Rung is not active after startup (a workspace without study files), every command of package.json
 * is in the palette under "Rung: …", opening the Rung view activates it (onView), and then every
 * contributed command is registered in the extension host.
 */
import { afterAll, beforeAll, describe, expect, it, onTestFailed } from 'vitest';
import { commandIds, viewIds } from '../../src/extension/commands/ids';
import { paletteTitle, readManifest, rungContainerTitle, startSession, until, vsc, type Session } from './harness';

const manifest = readManifest();
const contributed = manifest.contributes?.commands ?? [];
/** `when` clauses of the palette entries: `false` hides a command, others show it in some context. */
const paletteWhen = new Map((manifest.contributes?.menus?.commandPalette ?? []).map((m) => [m.command, m.when ?? 'true']));
const hiddenFromPalette = new Set([...paletteWhen].filter(([, when]) => when === 'false').map(([c]) => c));
/** Commands the palette offers in a Python editor only (Tune This Script: `editorLangId == python`). */
const pythonOnly = new Set([...paletteWhen].filter(([, when]) => /python|\.py\b/.test(when)).map(([c]) => c));
const activationLine = /_doActivateExtension rung\.rung\b[^\n]*/;

describe('activation and commands', () => {
  let s: Session;
  let failed = false;

  beforeAll(async () => {
    s = await startSession({
      scenario: 'activation',
      files: { 'train.py': 'import argparse\nprint("val_loss=1.0")\n', 'notes.md': '# no study files here\n' },
    });
  }, 180_000);
  afterAll(async () => {
    await s?.close(failed);
  }, 60_000);

  it('contributes the Rung commands, the activity-bar container and the studies view', () => {
    expect(contributed.map((c) => c.command).sort()).toEqual(Object.values(commandIds).sort());
    for (const c of contributed) expect(c.category, `${c.command} is in the "Rung" palette category`).toBe('Rung');
    expect(rungContainerTitle(manifest)).toBeTruthy();
    expect(manifest.contributes?.views?.[viewIds.container]?.map((v) => v.id)).toContain(viewIds.studies);
    // No eager activation: nothing like "*" or onStartupFinished.
    for (const e of manifest.activationEvents ?? []) expect(e).not.toMatch(/^\*$|onStartupFinished/);
  });

  it('is loaded but not active after startup, and lists every command in the palette', async () => {
    onTestFailed(() => {
      failed = true;
    });
    const title = rungContainerTitle(manifest);
    expect(title, 'package.json contributes the "rung" activity-bar container').toBeTruthy();
    await s.page.locator(vsc.activityBarItem(title ?? 'Rung')).first().waitFor({ timeout: 60_000 });
    const start = await until('the probe to see Rung', async () => {
      const r = await s.probe();
      return r.rung.found ? r : null;
    });
    expect(start.rung).toMatchObject({ found: true, isActive: false });

    const visible = contributed.filter((c) => !hiddenFromPalette.has(c.command));
    expect(visible.map((c) => c.command)).toEqual(expect.arrayContaining([commandIds.startStudy, commandIds.stopStudy, commandIds.resumeStudy]));
    const expectInPalette = async (c: { title: string; category?: string }): Promise<void> => {
      const label = paletteTitle(c);
      // Filtering on the full title shows its row (the list is virtualised, so look one command at a time).
      const labels = await until(`"${label}" in the palette`, async () => {
        const l = await vsc.paletteLabels(s.page, label);
        return l.includes(label) ? l : null;
      }, { timeoutMs: 20_000 });
      expect(labels).toContain(label);
    };
    for (const c of visible.filter((v) => !pythonOnly.has(v.command))) await expectInPalette(c);
    // Show the palette with all of them for the screenshot.
    const input = await vsc.openPalette(s.page);
    await input.fill('>Rung: ');
    await vsc.sleep(400);
    await s.snap('palette');
    await vsc.closeQuickInput(s.page);

    // The Python-only ones (Tune This Script) once a Python file is in the editor.
    if (visible.some((v) => pythonOnly.has(v.command))) {
      const quickOpen = await vsc.openPalette(s.page, '');
      await quickOpen.fill('train.py');
      await vsc.pickQuickPickItem(s.page, 'train.py');
      await s.page.locator('.part.editor .tab.active').filter({ hasText: 'train.py' }).waitFor();
      for (const c of visible.filter((v) => pythonOnly.has(v.command))) await expectInPalette(c);
      const again = await vsc.openPalette(s.page);
      await again.fill('>Rung: Tune');
      await vsc.sleep(400);
      await s.snap('palette-python');
      await vsc.closeQuickInput(s.page);
    }

    // Listing commands activates nothing.
    const still = await s.probe();
    expect(still.rung).toMatchObject({ found: true, isActive: false });
    expect(vsc.extensionHostLog(s.server)).not.toMatch(activationLine);
  });

  it('activates when its view is opened, and then every contributed command is registered', async () => {
    onTestFailed(() => {
      failed = true;
    });
    await vsc.openViewContainer(s.page, rungContainerTitle(manifest) ?? 'Rung');
    const active = await until('Rung to be active after opening its view', async () => {
      const r = await s.probe();
      return r.rung.found && r.rung.isActive ? r : null;
    });
    expect(vsc.extensionHostLog(s.server).match(activationLine)?.[0]).toMatch(new RegExp(`activationEvent: 'onView:${viewIds.studies.replace('.', '\\.')}'`));
    expect(active.commands).toEqual(expect.arrayContaining(contributed.map((c) => c.command)));
    expect(vsc.extensionProblems(s.server)).toEqual([]);
    await s.snap('view-open');
  });
});
