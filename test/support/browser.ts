/**
 * Real Chromium for the tests that look at what knsim renders (report.html, the sweep and tune
 * reports, exported notebooks): Debian's /usr/bin/chromium driven by playwright-core, one page
 * that collects console errors, failed loads and every request that leaves file: and data: URLs.
 */
import { existsSync } from 'node:fs';
import type { Page } from 'playwright-core';

export const CHROMIUM = '/usr/bin/chromium';
export const haveChromium = existsSync(CHROMIUM);
export const CHROMIUM_ARGS = ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];

/** CI installs Chromium (.ci/run): a browser test that would silently not run there is a failure. */
export function requireChromiumInCi(): void {
  if (!haveChromium && process.env['CI']) throw new Error(`CI must install chromium (${CHROMIUM}) for the browser test`);
}

export interface BrowserPage {
  page: Page;
  /** Console errors, uncaught page errors and failed loads. */
  errors: string[];
  /** Requests to anything but file: and data: URLs. */
  requests: string[];
  close(): Promise<void>;
}

export async function openPage(viewport: { width: number; height: number }): Promise<BrowserPage> {
  const { chromium } = await import('playwright-core');
  const browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: CHROMIUM_ARGS });
  const page = await browser.newPage({ viewport });
  const errors: string[] = [];
  const requests: string[] = [];
  page.on('console', (m) => {
    if (m.type() === 'error') errors.push(m.text());
  });
  page.on('pageerror', (e) => errors.push(String(e)));
  page.on('requestfailed', (r) => errors.push(`failed to load ${r.url()}`));
  page.on('request', (r) => {
    if (!r.url().startsWith('file:') && !r.url().startsWith('data:')) requests.push(r.url());
  });
  return { page, errors, requests, close: () => browser.close() };
}
