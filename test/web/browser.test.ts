// A real browser: Debian's Chromium driven by playwright-core at a phone's viewport opens a decision link from the
// outbox, approves, and the case state shows the decision. No browser download works here, so the system Chromium
// is used (CHROMIUM_PATH, else /usr/bin/chromium). Without it the test is skipped LOUDLY — except in CI, where a
// missing Chromium fails the run.
import { existsSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chromium, type Browser } from 'playwright-core';
import { startHarness, type Harness } from '../support/harness.js';
import { PARTNER, caseView, installLinkPolicy, linkFor, openCase } from '../links/support.js';

const executablePath = process.env.CHROMIUM_PATH || '/usr/bin/chromium';
const found = existsSync(executablePath);
const inCi = !!process.env.CI;
if (!found && !inCi) {
  const line = '!'.repeat(100);
  console.warn(`\n${line}\n!!! SKIPPING THE REAL-BROWSER TEST: no Chromium at ${executablePath}.\n!!! Install it (apt-get install chromium) or set CHROMIUM_PATH. CI never skips this test.\n${line}\n`);
}

describe.skipIf(!found && !inCi)('in a real browser on a phone', () => {
  let h: Harness;
  let browser: Browser;

  beforeAll(async () => {
    if (!found) throw new Error(`CI requires Chromium for the browser test, and there is none at ${executablePath}`);
    browser = await chromium.launch({
      executablePath,
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update'],
    });
    h = await startHarness({ env: { LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'silent' } });
    await installLinkPolicy(h);
  });
  afterAll(async () => {
    await browser?.close();
    await h?.close();
  });

  it('opens a decision link, approves, and the case moves on', async () => {
    const c = await openCase(h, 'SRU–Alicante mobility agreement');
    const link = await linkFor(h, c.caseId, PARTNER);
    const context = await browser.newContext({
      viewport: { width: 390, height: 844 },
      deviceScaleFactor: 3,
      isMobile: true,
      hasTouch: true,
      javaScriptEnabled: false, // the pages need none
      userAgent: 'Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0 Mobile Safari/537.36',
    });
    const page = await context.newPage();
    const cspViolations: string[] = [];
    page.on('console', (m) => {
      if (/Content Security Policy/i.test(m.text())) cspViolations.push(m.text());
    });

    const res = await page.goto(link);
    expect(res?.status()).toBe(200);
    await expect.poll(() => page.title()).toContain('SRU–Alicante mobility agreement');
    expect(await page.textContent('#document-sha256')).toBe(c.sha256);
    // Readable on a phone: nothing wider than the screen, the stylesheet applied (CSP allowed it by its hash).
    const layout = await page.evaluate('({ scroll: document.documentElement.scrollWidth, width: window.innerWidth, header: getComputedStyle(document.querySelector("header")).backgroundColor })');
    expect(layout).toMatchObject({ header: 'rgb(11, 61, 110)' });
    const { scroll, width } = layout as { scroll: number; width: number };
    expect(scroll).toBeLessThanOrEqual(width);

    await page.fill('#comment', 'Approved for the University of Alicante.');
    await page.tap('button[value="approve"]');
    await page.waitForSelector('#result');
    expect(await page.textContent('#result')).toContain('Recorded: Approve');
    expect(cspViolations).toEqual([]);

    const v = await caseView(h, c.caseId);
    expect(v.stages[0]!.steps[0]!.status).toBe('approved');
    expect(v.history.find((e) => e.type === 'approved')).toMatchObject({ actor: PARTNER, via: 'link', comment: 'Approved for the University of Alicante.' });

    // Back to the link: it now shows what was recorded (no-store: the browser asks the server again).
    await page.goBack();
    expect(await page.content()).toContain('Recorded: Approve');
    await context.close();
  });

  it('sets Khmer pages in Noto Sans Khmer from this server, regular and bold; English pages load the regular weight only', async () => {
    const context = await browser.newContext({ viewport: { width: 390, height: 844 } });
    const page = await context.newPage();
    const fonts: string[] = [];
    page.on('request', (r) => {
      if (r.resourceType() === 'font') fonts.push(new URL(r.url()).pathname);
    });
    await page.goto(`${h.url}/sign-in?lang=en`);
    await page.evaluate('document.fonts.ready');
    // Only for the switcher's "ខ្មែរ" (kept by the browser: the address names the font's version).
    expect(fonts).toEqual([expect.stringMatching(/^\/assets\/fonts\/noto-sans-khmer-[\d.]+-400\.woff2$/)]);
    fonts.length = 0;

    await page.goto(`${h.url}/sign-in?lang=km`);
    await page.evaluate('document.fonts.ready');
    expect(fonts.sort()).toEqual([expect.stringMatching(/^\/assets\/fonts\/noto-sans-khmer-[\d.]+-400\.woff2$/), expect.stringMatching(/-700\.woff2$/)]);
    // Which font Chromium drew each element's text with: the heading (bold), the intro, the button (semi-bold).
    const cdp = await context.newCDPSession(page);
    await cdp.send('DOM.enable');
    await cdp.send('CSS.enable');
    const { root } = await cdp.send('DOM.getDocument');
    for (const selector of ['h1', 'main p', 'button']) {
      const { nodeId } = await cdp.send('DOM.querySelector', { nodeId: root.nodeId, selector });
      const { fonts: used } = await cdp.send('CSS.getPlatformFontsForNode', { nodeId });
      const text = (await page.textContent(selector)) ?? '';
      // Khmer in Noto Sans Khmer; any other font draws no more glyphs than there are other characters (spaces, a
      // full stop) — a system font without Khmer drew the bold heading's Khmer as boxes before.
      const others = [...text].filter((c) => !/[\u1780-\u17FF]/.test(c)).length;
      // Ours (a web font), not one this machine happens to have.
      expect(used.some((f) => /^NotoSansKhmer-(Regular|Bold)$/.test(f.postScriptName) && f.isCustomFont), selector).toBe(true);
      for (const f of used.filter((x) => !x.postScriptName.startsWith('NotoSansKhmer'))) expect(f.glyphCount, `${selector}: ${f.postScriptName}`).toBeLessThanOrEqual(others);
    }
    await context.close();
  });
});
