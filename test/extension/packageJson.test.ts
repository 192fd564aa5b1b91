/**
 * The manifest and the code agree: every command id is contributed (and nothing else), menus name only
 * real commands, their `viewItem` patterns match the context values the tree model produces, and the
 * settings are the ones the code reads.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { commandIds, viewIds } from '../../src/extension/commands/ids';
import { settingKeys } from '../../src/extension/config/settings';
import { repoRoot } from '../helpers/studyFixture';

interface MenuItem {
  readonly command: string;
  readonly when?: string;
  readonly group?: string;
}

interface Manifest {
  readonly main: string;
  readonly engines: { readonly vscode: string };
  readonly activationEvents: readonly string[];
  readonly capabilities: { readonly untrustedWorkspaces: { readonly supported: string | boolean; readonly description?: string } };
  readonly contributes: {
    readonly commands: ReadonlyArray<{ readonly command: string; readonly title: string; readonly category?: string }>;
    readonly viewsContainers: { readonly activitybar: ReadonlyArray<{ readonly id: string; readonly icon: string }> };
    readonly views: Readonly<Record<string, ReadonlyArray<{ readonly id: string }>>>;
    readonly menus: Readonly<Record<string, readonly MenuItem[]>>;
    readonly configuration: { readonly properties: Readonly<Record<string, unknown>> };
    readonly jsonValidation: ReadonlyArray<{ readonly fileMatch: readonly string[]; readonly url: string }>;
    readonly yamlValidation: ReadonlyArray<{ readonly fileMatch: readonly string[]; readonly url: string }>;
  };
}

const manifest = JSON.parse(readFileSync(path.join(repoRoot, 'package.json'), 'utf8')) as Manifest;
const ids: readonly string[] = Object.values(commandIds);

describe('package.json contributes', () => {
  it('contributes exactly the command ids, each in the Rung category', () => {
    expect(manifest.contributes.commands.map((c) => c.command).sort()).toEqual([...ids].sort());
    for (const c of manifest.contributes.commands) expect(c.category).toBe('Rung');
  });

  it('offers Open Dashboard from the palette, on every study row (inline) and in a trial row\'s menu', () => {
    expect(manifest.contributes.commands.find((c) => c.command === commandIds.openDashboard)).toMatchObject({ title: 'Open Dashboard', icon: '$(graph)' });
    const items = (manifest.contributes.menus['view/item/context'] ?? []).filter((i) => i.command === commandIds.openDashboard);
    const on = (value: string, inline: boolean): boolean =>
      items.some((i) => (i.group?.startsWith('inline') ?? false) === inline && new RegExp(/viewItem =~ \/(.*?)\//.exec(i.when ?? '')?.[1] ?? '^$').test(value));
    expect(on('rungStudy:running:owned', true)).toBe(true);
    expect(on('rungStudy:idle:observed:best', true)).toBe(true);
    expect(on('rungStudy:finished:owned', false)).toBe(true);
    expect(on('rungTrial:ended:observed:log', false)).toBe(true);
    expect(on('rungTrial:live:owned:log', true)).toBe(false);
    // Viewing runs nothing: it stays available in Restricted Mode.
    for (const i of items) expect(i.when).not.toContain('isWorkspaceTrusted');
  });

  it('activates on the commands, the view and opened YAML/JSON files, never on startup', () => {
    const events = manifest.activationEvents;
    expect(events).not.toContain('*');
    expect(events).not.toContain('onStartupFinished');
    expect(events.some((e) => e.startsWith('workspaceContains'))).toBe(false);
    expect(events).toContain(`onView:${viewIds.studies}`);
    for (const id of ids) expect(events).toContain(`onCommand:${id}`);
    // Dashboard tabs left open are restored after a window reload (the panel serializer in extension.ts).
    expect(events).toContain(`onWebviewPanel:${viewIds.dashboard}`);
  });

  it('declares the studies view in its own activity-bar container', () => {
    expect(manifest.contributes.viewsContainers.activitybar.map((c) => c.id)).toEqual([viewIds.container]);
    expect(manifest.contributes.views[viewIds.container]?.map((v) => v.id)).toEqual([viewIds.studies]);
    expect(manifest.main).toBe('./dist/extension.js');
    expect(manifest.engines.vscode).toBe('^1.99.0');
  });

  it('declares limited support for untrusted workspaces', () => {
    expect(manifest.capabilities.untrustedWorkspaces.supported).toBe('limited');
    expect(manifest.capabilities.untrustedWorkspaces.description).toBeTruthy();
  });

  it('keeps the JSON Schema contributed for study files', () => {
    expect(manifest.contributes.jsonValidation[0]?.fileMatch).toContain('*.rung.json');
    expect(manifest.contributes.yamlValidation[0]?.fileMatch).toContain('*.rung.yaml');
  });

  it('menus name only contributed commands, and everything that runs something requires trust', () => {
    const runs = new Set<string>([commandIds.startStudy, commandIds.stopStudy, commandIds.resumeStudy, commandIds.stopTrial, commandIds.rerunBestTrial, commandIds.tuneThisScript]);
    for (const [menu, items] of Object.entries(manifest.contributes.menus)) {
      for (const item of items) {
        expect(ids, `${menu}: ${item.command}`).toContain(item.command);
        if (runs.has(item.command) && menu !== 'commandPalette') expect(item.when, `${menu}: ${item.command}`).toContain('isWorkspaceTrusted');
      }
    }
  });

  it('matches the tree\'s context values in view/item/context', () => {
    const items = manifest.contributes.menus['view/item/context'] ?? [];
    const patternOf = (command: string): RegExp[] =>
      items
        .filter((i) => i.command === command)
        .map((i) => {
          const m = /viewItem =~ \/(.*?)\/(?: |$)/.exec(i.when ?? '');
          if (!m?.[1]) throw new Error(`no viewItem pattern for ${command}`);
          return new RegExp(m[1]);
        });
    const matches = (command: string, value: string): boolean => patternOf(command).some((r) => r.test(value));
    expect(matches(commandIds.stopTrial, 'rungTrial:live:owned:log')).toBe(true);
    expect(matches(commandIds.stopTrial, 'rungTrial:live:observed:log')).toBe(false);
    expect(matches(commandIds.stopTrial, 'rungTrial:ended:owned:log')).toBe(false);
    expect(matches(commandIds.showTrialOutput, 'rungTrial:ended:observed:log')).toBe(true);
    expect(matches(commandIds.showTrialOutput, 'rungTrial:live:owned:nolog')).toBe(false);
    expect(matches(commandIds.copyTrialCommand, 'rungTrial:ended:owned:log')).toBe(true);
    expect(matches(commandIds.stopStudy, 'rungStudy:running:observed')).toBe(true);
    expect(matches(commandIds.stopStudy, 'rungStudy:finished:owned:best')).toBe(false);
    expect(matches(commandIds.resumeStudy, 'rungStudy:idle:observed:best')).toBe(true);
    expect(matches(commandIds.resumeStudy, 'rungStudy:running:owned')).toBe(false);
    expect(matches(commandIds.rerunBestTrial, 'rungStudy:finished:owned:best')).toBe(true);
    expect(matches(commandIds.rerunBestTrial, 'rungStudy:finished:owned')).toBe(false);
  });

  it('declares exactly the settings the code reads', () => {
    expect(Object.keys(manifest.contributes.configuration.properties).sort()).toEqual(settingKeys.map((k) => `rung.${k}`).sort());
  });
});
