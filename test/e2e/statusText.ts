/**
 * Reading Rung's status bar item and study rows as numbers, so a scenario can check that both say the
 * same: status `quadratic 3/6 · 2 running · best 0.288`, row `3/6 · 2 running · best val_loss 0.288 (#2)`.
 */
import type { Page } from 'playwright-core';

export interface ProgressNumbers {
  done: number;
  planned: number;
  running: number;
  /** The best value as shown (formatted), or null. */
  best: string | null;
}

function numbers(text: string, bestRe: RegExp): ProgressNumbers | null {
  const m = /(\d+)\/(\d+)/.exec(text);
  if (!m) return null;
  return {
    done: Number(m[1]),
    planned: Number(m[2]),
    running: Number(/(\d+) running/.exec(text)?.[1] ?? 0),
    best: bestRe.exec(text)?.[1] ?? null,
  };
}

/** Numbers of a study row's description. */
export function studyRowNumbers(description: string): ProgressNumbers {
  const n = numbers(description, /best \S+ (\S+) \(#\d+\)/);
  if (!n) throw new Error(`no done/planned in the study row "${description}"`);
  return n;
}

/** Numbers of the status bar item's text, or null if it has none. */
export function statusNumbers(text: string): ProgressNumbers | null {
  return numbers(text, /best (\S+)/);
}

/** Text of the status bar item that names `study`, or null when none shows. */
export async function statusBarText(page: Page, study: string): Promise<string | null> {
  const texts = await page.locator('.part.statusbar .statusbar-item').filter({ hasText: study }).allInnerTexts();
  const t = texts.map((x) => x.replace(/\s+/g, ' ').trim()).find((x) => x.includes(study));
  return t ?? null;
}
