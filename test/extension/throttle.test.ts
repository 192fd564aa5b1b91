import { describe, expect, it } from 'vitest';
import { createKeyedDebounce, createKeyedThrottle } from '../../src/extension/util/throttle';
import { FakeTimers } from './fakeTimers';

describe('createKeyedThrottle', () => {
  it('flushes a lone change at once, then batches changes within the interval', () => {
    const timers = new FakeTimers();
    const flushes: string[][] = [];
    const throttle = createKeyedThrottle<string>(250, (keys) => flushes.push([...keys].sort()), timers);
    throttle.mark('a');
    expect(flushes).toEqual([['a']]);
    throttle.mark('b');
    throttle.mark('a');
    throttle.mark('b');
    expect(flushes).toHaveLength(1);
    timers.advance(249);
    expect(flushes).toHaveLength(1);
    timers.advance(1);
    expect(flushes).toEqual([['a'], ['a', 'b']]);
  });

  it('turns 100 trials reporting every 100 ms into at most 4 refreshes a second, each naming only changed studies', () => {
    const timers = new FakeTimers();
    const flushes: Array<ReadonlySet<string>> = [];
    const throttle = createKeyedThrottle<string>(250, (keys) => flushes.push(keys), timers);
    // 10 seconds: every 100 ms, 100 trials of study "s1" report; "s2" reports once at 5 s.
    for (let tick = 0; tick < 100; tick++) {
      for (let trial = 0; trial < 100; trial++) throttle.mark('s1');
      if (tick === 50) throttle.mark('s2');
      timers.advance(100);
    }
    throttle.flush();
    expect(flushes.length).toBeLessThanOrEqual(41);
    expect(flushes.filter((k) => k.has('s2'))).toHaveLength(1);
    expect(flushes.every((k) => k.has('s1'))).toBe(true);
  });

  it('flush() delivers pending keys now and dispose() drops them', () => {
    const timers = new FakeTimers();
    const flushes: string[][] = [];
    const throttle = createKeyedThrottle<string>(250, (keys) => flushes.push([...keys]), timers);
    throttle.mark('a');
    throttle.mark('b');
    throttle.flush();
    expect(flushes).toEqual([['a'], ['b']]);
    throttle.flush();
    expect(flushes).toHaveLength(2);
    throttle.mark('c');
    throttle.dispose();
    timers.advance(1000);
    throttle.mark('d');
    expect(flushes).toHaveLength(2);
    expect(timers.pending).toBe(0);
  });
});

describe('createKeyedDebounce', () => {
  it('runs the latest function once the key was quiet for the delay', () => {
    const timers = new FakeTimers();
    const debounce = createKeyedDebounce<string>(300, timers);
    const runs: string[] = [];
    debounce.schedule('doc', () => runs.push('v1'));
    timers.advance(200);
    debounce.schedule('doc', () => runs.push('v2'));
    debounce.schedule('other', () => runs.push('o'));
    timers.advance(299);
    expect(runs).toEqual([]);
    timers.advance(1);
    expect(runs.sort()).toEqual(['o', 'v2']);
    debounce.schedule('doc', () => runs.push('v3'));
    debounce.cancel('doc');
    timers.advance(1000);
    expect(runs).toHaveLength(2);
  });
});
