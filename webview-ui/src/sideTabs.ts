/**
 * The side panel's tabs (decisions · curves · history · importance). The one the user selects is kept in
 * the webview state, by name, so the page reopens on it when VS Code reloads it: a hidden dashboard tab
 * shown again, or a panel restored after a window reload. A saved name no tab has any more (or none) opens
 * the first tab.
 */
import type { HostApi } from './host';

export const SIDE_TABS = [
  { id: 'decisions', label: 'Decisions' },
  { id: 'curves', label: 'Curves' },
  { id: 'history', label: 'History' },
  { id: 'importance', label: 'Importance' },
] as const;

const UI_KEY = 'sideTab';

/**
 * The tabs element's markup, opening on the saved tab: it is selected before the views mount, so a view in
 * another tab starts hidden (and renders once, when its tab is first shown).
 */
export function sideTabsHtml(host: HostApi): string {
  const saved = host.getUiState<unknown>(UI_KEY);
  const selected = Math.max(0, SIDE_TABS.findIndex((tab) => tab.id === saved));
  const tabs = SIDE_TABS.map(
    ({ id, label }) => `
      <vscode-tab-header slot="header">${label}</vscode-tab-header>
      <vscode-tab-panel><div id="${id}" class="tabbody"></div></vscode-tab-panel>`,
  ).join('');
  return `<vscode-tabs id="side" class="panel" selected-index="${selected}">${tabs}
    </vscode-tabs>`;
}

/** Saves the tab the user selects (by click or keyboard) in the webview state. */
export function rememberSideTab(tabs: HTMLElement, host: HostApi): void {
  tabs.addEventListener('vsc-tabs-select', (event) => {
    const tab = SIDE_TABS[event.detail.selectedIndex];
    if (tab !== undefined) host.setUiState(UI_KEY, tab.id);
  });
}
