/** The webview's once-per-frame scheduling, in Node with a hand-run stand-in for requestAnimationFrame. */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { rafOnce } from '../../webview-ui/src/frames';

let frames: (() => void)[] = [];
/** Runs the callbacks requested so far (one frame); those they request wait for the next. */
function nextFrame(): void {
  const due = frames;
  frames = [];
  for (const f of due) f();
}

beforeEach(() => {
  frames = [];
  vi.stubGlobal('requestAnimationFrame', (f: () => void) => frames.push(f));
});
afterEach(() => vi.unstubAllGlobals());

describe('rafOnce', () => {
  it('runs once on the next frame however often it was asked, and again when asked after that frame', () => {
    const fn = vi.fn();
    const schedule = rafOnce(fn);
    schedule();
    schedule();
    schedule();
    expect(fn).not.toHaveBeenCalled();
    expect(frames).toHaveLength(1);
    nextFrame();
    expect(fn).toHaveBeenCalledTimes(1);
    nextFrame();
    expect(fn).toHaveBeenCalledTimes(1);
    schedule();
    nextFrame();
    expect(fn).toHaveBeenCalledTimes(2);
  });

  it('lets the callback ask for the following frame', () => {
    let runs = 0;
    const schedule = rafOnce(() => {
      if (++runs < 3) schedule();
    });
    schedule();
    nextFrame();
    nextFrame();
    nextFrame();
    nextFrame();
    expect(runs).toBe(3);
  });

  it('keeps separate requests for separate callbacks', () => {
    const a = vi.fn();
    const b = vi.fn();
    rafOnce(a)();
    rafOnce(b)();
    nextFrame();
    expect(a).toHaveBeenCalledTimes(1);
    expect(b).toHaveBeenCalledTimes(1);
  });
});
