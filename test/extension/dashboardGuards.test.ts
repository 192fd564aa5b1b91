/** Inbound dashboard messages: every well-formed message passes, anything else is rejected. */
import { describe, expect, it } from 'vitest';
import { describeRejected, MAX_CURVE_REQUEST, parseWebviewMessage } from '../../src/extension/dashboard/guards';
import type { WebviewEnvelope } from '../../src/shared/dashboardProtocol';

const valid: WebviewEnvelope[] = [
  { type: 'webview/ready', payload: { protocol: 1, haveRev: null } },
  { type: 'webview/ready', payload: { protocol: 1, haveRev: 12 } },
  { type: 'study/resync', payload: { haveRev: 3 } },
  { type: 'study/resync', payload: { haveRev: null } },
  { type: 'trial/requestCurves', payload: { trialIds: [] } },
  { type: 'trial/requestCurves', payload: { trialIds: Array.from({ length: MAX_CURVE_REQUEST }, (_, i) => String(i)) } },
  { type: 'trial/selected', payload: { trialId: '7' } },
  { type: 'trial/stop', payload: { trialId: '7' } },
  { type: 'trial/showOutput', payload: { trialId: '7' } },
  { type: 'trial/copyCommand', payload: { trialId: '7' } },
  { type: 'trial/rerun', payload: { trialId: '7', fullBudget: true } },
];

describe('parseWebviewMessage', () => {
  it('accepts every message type with a well-formed payload, and returns only type and payload', () => {
    for (const message of valid) expect(parseWebviewMessage(message)).toEqual(message);
    expect(parseWebviewMessage({ type: 'trial/stop', payload: { trialId: '1' }, extra: 'dropped' })).toEqual({ type: 'trial/stop', payload: { trialId: '1' } });
  });

  it.each([
    ['not an object', 'trial/stop'],
    ['null', null],
    ['an array', [{ type: 'trial/stop', payload: { trialId: '1' } }]],
    ['no type', { payload: { trialId: '1' } }],
    ['an unknown type', { type: 'trial/delete', payload: { trialId: '1' } }],
    ['a prototype key as type', { type: 'toString', payload: {} }],
    ['a missing payload', { type: 'trial/stop' }],
    ['a numeric trial id', { type: 'trial/stop', payload: { trialId: 7 } }],
    ['an empty trial id', { type: 'trial/showOutput', payload: { trialId: '' } }],
    ['a huge trial id', { type: 'trial/copyCommand', payload: { trialId: 'x'.repeat(10_000) } }],
    ['rerun without fullBudget', { type: 'trial/rerun', payload: { trialId: '1' } }],
    ['rerun with a string fullBudget', { type: 'trial/rerun', payload: { trialId: '1', fullBudget: 'yes' } }],
    ['ready with a string rev', { type: 'webview/ready', payload: { protocol: 1, haveRev: '3' } }],
    ['ready without protocol', { type: 'webview/ready', payload: { haveRev: null } }],
    ['resync with a negative rev', { type: 'study/resync', payload: { haveRev: -1 } }],
    ['resync with a fractional rev', { type: 'study/resync', payload: { haveRev: 1.5 } }],
    ['curves not an array', { type: 'trial/requestCurves', payload: { trialIds: '1,2' } }],
    ['curves with a non-string id', { type: 'trial/requestCurves', payload: { trialIds: ['1', 2] } }],
    ['too many curves', { type: 'trial/requestCurves', payload: { trialIds: Array.from({ length: MAX_CURVE_REQUEST + 1 }, (_, i) => String(i)) } }],
  ])('rejects %s', (_what, raw) => {
    expect(parseWebviewMessage(raw)).toBeUndefined();
  });

  it('describes a rejected message briefly for the log', () => {
    expect(describeRejected({ type: 'trial/delete' })).toBe('unknown message type "trial/delete"');
    expect(describeRejected({ type: 'trial/stop', payload: { trialId: 3 } })).toBe('"trial/stop" with an invalid payload');
    expect(describeRejected(null)).toBe('not an object (null)');
    expect(describeRejected({ type: 'x'.repeat(500) }).length).toBeLessThan(100);
  });
});
