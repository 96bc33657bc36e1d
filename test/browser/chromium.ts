/**
 * The browser the HTML report tests drive, headless through playwright-core: Debian's Chromium
 * where it is installed, else the Chromium that the npm package @sparticuz/chromium (a
 * devDependency) carries, brotli-compressed, and unpacks into the OS temp dir on first use. So
 * `npm install && npm test` needs nothing from outside the npm registry.
 *
 * DNARCH_SYSTEM_CHROMIUM names another system browser to look for; pointing it at a path that
 * does not exist makes the tests take the npm one, as on a machine without Chromium.
 * Failing to launch either is an error, never a skip.
 */
import { existsSync } from 'node:fs';
import { chromium, type Browser } from 'playwright-core';

export const SYSTEM_CHROMIUM = process.env.DNARCH_SYSTEM_CHROMIUM || '/usr/bin/chromium';

/** Flags for Debian's Chromium: headless, as root in a container, and fetching nothing of its own. */
const SYSTEM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];

export interface LaunchedChromium {
  browser: Browser;
  /** Where the browser came from: 'system' (SYSTEM_CHROMIUM) or 'npm' (@sparticuz/chromium). */
  source: 'system' | 'npm';
  executablePath: string;
}

export async function launchChromium(): Promise<LaunchedChromium> {
  if (existsSync(SYSTEM_CHROMIUM)) {
    const browser = await chromium.launch({ executablePath: SYSTEM_CHROMIUM, args: SYSTEM_ARGS });
    return { browser, source: 'system', executablePath: SYSTEM_CHROMIUM };
  }
  let executablePath: string;
  let args: string[];
  try {
    const { default: npmChromium } = await import('@sparticuz/chromium');
    executablePath = await npmChromium.executablePath();
    // Its own flags (headless shell, no sandbox, no zygote) but --single-process, meant for one
    // page per Lambda call: there, closing a page ends the whole browser. Nothing fetched in the background.
    args = [...npmChromium.args.filter((a) => a !== '--single-process'), '--disable-background-networking', '--disable-component-update', '--disable-sync'];
  } catch (e) {
    throw new Error(
      `no browser for the report tests: ${SYSTEM_CHROMIUM} is missing and @sparticuz/chromium could not be unpacked ` +
        `(${(e as Error).message}); run npm install, or install Debian's chromium`,
    );
  }
  const browser = await chromium.launch({ executablePath, args });
  return { browser, source: 'npm', executablePath };
}
