/**
 * Vitest scaffolding shared by the page tests (test/webview/*.page.test.ts): a Chromium per describe
 * block, a page checked for CSP violations and page errors, and a test per theme kind. Kept apart from
 * webviewPage.ts, which `npm run bench:dashboard` also bundles and must not import vitest.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { launchChromium, pageThemes, type Browser, type DashboardPage, type PageTheme } from './webviewPage';

/** A Chromium shared by the tests of the enclosing describe block: launched before them, closed after. */
export function sharedChromium(): () => Browser {
  let browser: Browser | undefined;
  beforeAll(async () => {
    browser = await launchChromium();
  }, 60_000);
  afterAll(async () => {
    await browser?.close();
  });
  return () => {
    if (!browser) throw new Error('Chromium is not launched yet (use the browser inside a test or hook)');
    return browser;
  };
}

/** Runs `body` on the page, then expects no CSP violations or page errors; closes the page either way. */
export async function checkPage(dash: DashboardPage, body: (dash: DashboardPage) => Promise<void>): Promise<void> {
  try {
    await body(dash);
    expect(await dash.problems()).toEqual([]);
  } finally {
    await dash.close();
  }
}

/**
 * A test per theme kind (dark, light, high contrast): `open` gives a page in that theme, `body` drives it
 * (and takes its screenshots), then the page must have had no CSP violations or page errors.
 */
export function screenshotThemes(
  title: (theme: PageTheme) => string,
  open: (theme: PageTheme) => Promise<DashboardPage>,
  body: (dash: DashboardPage, theme: PageTheme) => Promise<void>,
  timeout?: number,
): void {
  for (const theme of pageThemes) {
    it(title(theme), async () => checkPage(await open(theme), (dash) => body(dash, theme)), timeout);
  }
}
