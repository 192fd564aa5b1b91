/**
 * Runtime validation of what the dashboard webview posts. The page is ours, but it renders data from the
 * workspace (parameter values, output) and is a separate process: the host trusts no message until its
 * shape is checked. One guard per message type, typed so that adding a message to `WebviewMessages`
 * without a guard here is a compile error.
 */
import type { WebviewEnvelope, WebviewMessages } from '../../shared/dashboardProtocol';

/** Most trials one `trial/requestCurves` may ask for (the webview asks for what it shows). */
export const MAX_CURVE_REQUEST = 200;
/** Trial ids are decimal numbers; anything longer than this is not one. */
const MAX_ID_LENGTH = 32;

type Guard<T> = (payload: unknown) => payload is T;

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isTrialId(value: unknown): value is string {
  return typeof value === 'string' && value.length > 0 && value.length <= MAX_ID_LENGTH;
}

function isRev(value: unknown): value is number {
  return typeof value === 'number' && Number.isInteger(value) && value >= 0;
}

/** A payload holding exactly `{trialId}`. */
function trialIdOnly(p: unknown): p is { readonly trialId: string } {
  return isRecord(p) && isTrialId(p['trialId']);
}

const guards = {
  'webview/ready': (p): p is WebviewMessages['webview/ready'] =>
    isRecord(p) && typeof p['protocol'] === 'number' && (p['haveRev'] === null || isRev(p['haveRev'])),
  'study/resync': (p): p is WebviewMessages['study/resync'] => isRecord(p) && (p['haveRev'] === null || isRev(p['haveRev'])),
  'trial/requestCurves': (p): p is WebviewMessages['trial/requestCurves'] => {
    if (!isRecord(p)) return false;
    const ids = p['trialIds'];
    return Array.isArray(ids) && ids.length <= MAX_CURVE_REQUEST && ids.every(isTrialId);
  },
  'trial/selected': trialIdOnly,
  'trial/stop': trialIdOnly,
  'trial/showOutput': trialIdOnly,
  'trial/copyCommand': trialIdOnly,
  'trial/rerun': (p): p is WebviewMessages['trial/rerun'] => trialIdOnly(p) && typeof (p as Record<string, unknown>)['fullBudget'] === 'boolean',
} satisfies { [K in keyof WebviewMessages]: Guard<WebviewMessages[K]> };

/** The message if it is one the host understands with a well-formed payload, else undefined. */
export function parseWebviewMessage(raw: unknown): WebviewEnvelope | undefined {
  if (!isRecord(raw) || typeof raw['type'] !== 'string') return undefined;
  const type = raw['type'];
  if (!Object.prototype.hasOwnProperty.call(guards, type)) return undefined;
  const guard: Guard<unknown> = guards[type as keyof typeof guards];
  const payload = raw['payload'];
  // A fresh envelope: nothing but the checked type and payload travels on.
  return guard(payload) ? ({ type, payload } as WebviewEnvelope) : undefined;
}

/** A short description of a rejected message for the log (never the whole payload: it may be huge). */
export function describeRejected(raw: unknown): string {
  if (!isRecord(raw)) return `not an object (${raw === null ? 'null' : typeof raw})`;
  const type = typeof raw['type'] === 'string' ? raw['type'].slice(0, 60) : String(typeof raw['type']);
  return Object.prototype.hasOwnProperty.call(guards, type) ? `"${type}" with an invalid payload` : `unknown message type "${type}"`;
}
