/**
 * The webview's side of the channel: typed posts to the extension host and typed inbound messages.
 * `acquireVsCodeApi` is provided by VS Code (or by the page tests' stand-in) and may be called only once.
 */
import type { HostEnvelope, WebviewMessages } from '../../src/shared/dashboardProtocol';

interface VsCodeApi {
  postMessage(message: unknown): void;
  getState(): unknown;
  setState(state: unknown): void;
}
declare function acquireVsCodeApi(): VsCodeApi;

export interface HostApi {
  post<K extends keyof WebviewMessages & string>(type: K, payload: WebviewMessages[K]): void;
  /** UI intent persisted across hide/show (column choice, sort, axis order): VS Code's webview state. */
  getUiState<T>(key: string): T | undefined;
  setUiState(key: string, value: unknown): void;
}

export function connectHost(onMessage: (message: HostEnvelope) => void): HostApi {
  const api = acquireVsCodeApi();
  window.addEventListener('message', (event: MessageEvent<unknown>) => {
    const data = event.data;
    if (typeof data === 'object' && data !== null && typeof (data as { type?: unknown }).type === 'string') {
      onMessage(data as HostEnvelope);
    }
  });
  let uiState: Record<string, unknown> = { ...((api.getState() as Record<string, unknown> | undefined) ?? {}) };
  const setUiState = (key: string, value: unknown): void => {
    uiState = { ...uiState, [key]: value };
    api.setState(uiState);
  };
  // Which study this tab shows, kept in the webview state: after a window reload VS Code passes that state
  // to the extension's panel serializer, which reconnects the restored tab to its study.
  const studyKey = document.getElementById('app')?.dataset['studyKey'];
  if (studyKey !== undefined && uiState['studyKey'] !== studyKey) setUiState('studyKey', studyKey);
  return {
    post: (type, payload) => api.postMessage({ type, payload }),
    getUiState: <T>(key: string) => uiState[key] as T | undefined,
    setUiState,
  };
}
