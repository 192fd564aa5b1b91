/**
 * The dashboard's entry point: connects to the host, keeps the store in step with snapshots and patches
 * (asking for a resync on a revision gap) and mounts the views into the page layout:
 *
 *   header (study, state, counts)          | best-trial card
 *   parallel coordinates (full width)
 *   trials table                           | tabs: decisions · curves · history · importance (sideTabs.ts)
 */
import '@vscode-elements/elements/dist/vscode-tabs/index.js';
import '@vscode-elements/elements/dist/vscode-tab-header/index.js';
import '@vscode-elements/elements/dist/vscode-tab-panel/index.js';
import { DASHBOARD_PROTOCOL_VERSION } from '../../src/shared/dashboardProtocol';
import { connectHost } from './host';
import { rememberSideTab, sideTabsHtml } from './sideTabs';
import { CurveRequests } from './state/curveRequests';
import { DashboardStore } from './state/store';
import { mountBestTrial } from './views/bestTrial';
import { mountCurves } from './views/curves';
import { mountDecisions } from './views/decisions';
import { mountHeader } from './views/header';
import { mountHistory } from './views/history';
import { mountImportance } from './views/importance';
import { mountParallelCoordinates } from './views/parallelCoordinates';
import { mountTrialsTable } from './views/trialsTable';

const store = new DashboardStore();
const host = connectHost((message) => {
  switch (message.type) {
    case 'study/snapshot':
      store.applySnapshot(message.payload);
      return;
    case 'study/patch':
      if (!store.applyPatch(message.payload)) host.post('study/resync', { haveRev: store.rev });
      return;
    case 'trial/curves':
      store.applyCurves(message.payload);
      return;
    case 'trial/select':
      store.select(message.payload.trialId, 'host');
      return;
    case 'host/error':
      showError(message.payload.message);
      return;
  }
});

const app = document.getElementById('app')!;
app.innerHTML = `
  <header class="top">
    <section id="header" class="panel"></section>
    <section id="best" class="panel"></section>
  </header>
  <section id="pcp" class="panel"></section>
  <main class="bottom">
    <section id="table" class="panel"></section>
    ${sideTabsHtml(host)}
  </main>
  <div id="error" class="error" hidden></div>`;

// A selection made in the dashboard is shown everywhere (the host reveals the trial in the studies tree).
store.subscribe((change) => {
  if (change.kind === 'selection' && store.selected !== null && change.source !== 'host') host.post('trial/selected', { trialId: store.selected });
});
const curves = new CurveRequests(store, host);

const el = (id: string): HTMLElement => document.getElementById(id)!;
rememberSideTab(el('side'), host);
mountHeader(el('header'), store);
mountBestTrial(el('best'), store, host);
mountParallelCoordinates(el('pcp'), store, host);
mountTrialsTable(el('table'), store, host);
mountDecisions(el('decisions'), store, host, curves);
mountCurves(el('curves'), store, host, curves);
mountHistory(el('history'), store, host);
mountImportance(el('importance'), store);

function showError(text: string): void {
  const box = el('error');
  box.textContent = text;
  box.hidden = false;
}

host.post('webview/ready', { protocol: DASHBOARD_PROTOCOL_VERSION, haveRev: store.rev });
