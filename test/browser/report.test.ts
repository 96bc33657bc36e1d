/**
 * The HTML report in a real browser: headless Chromium (Debian's where installed, else the one
 * the npm package @sparticuz/chromium carries; see chromium.ts), driven by playwright-core.
 * Every request other than the file itself fails the test (the page must be self-contained),
 * every chart must draw marks in a box of non-zero size, and nothing may log an error.
 * Screenshots land in test-artifacts/ for a person to look at.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ok, ROOT } from '../cli/run.js';
import { launchChromium, SYSTEM_CHROMIUM, type LaunchedChromium } from './chromium.js';

const ARTIFACTS = join(ROOT, 'test-artifacts');

let launched: LaunchedChromium;
let browser: Browser;

beforeAll(async () => {
  // Not a skip: without a browser that launches, nothing vouches for the report.
  launched = await launchChromium();
  browser = launched.browser;
  process.stderr.write(`report tests: Chromium ${browser.version()} (${launched.source}: ${launched.executablePath})\n`);
});

afterAll(async () => {
  await browser?.close();
});

interface ChartBox {
  id: string;
  width: number;
  height: number;
  marks: number;
  title: string | null;
}

async function openReport(models: string[], name: string) {
  mkdirSync(ARTIFACTS, { recursive: true });
  const file = join(ARTIFACTS, `report-${name}.html`);
  rmSync(file, { force: true });
  ok(['report', ...models, '--out', file]);
  return openPage(file, name);
}

/** Opens a written report; `keepOpen` hands the page back for more queries (the caller closes it). */
async function openPage(file: string, name: string, keepOpen = false) {
  expect(existsSync(file)).toBe(true);

  const page = await browser.newPage({ viewport: { width: 1100, height: 900 } });
  const requests: string[] = [];
  const errors: string[] = [];
  // An alert() from an injected name would open a dialog.
  page.on('dialog', (d) => {
    errors.push(`dialog: ${d.message()}`);
    void d.dismiss();
  });
  await page.route('**/*', (route) => {
    const url = route.request().url();
    if (url.startsWith('file:')) return route.continue();
    requests.push(url);
    return route.abort();
  });
  page.on('console', (msg) => {
    if (msg.type() === 'error') errors.push(`console: ${msg.text()}`);
  });
  page.on('pageerror', (e) => errors.push(`page: ${e.message}`));
  page.on('requestfailed', (req) => {
    if (!req.url().startsWith('file:')) requests.push(req.url());
  });

  const url = pathToFileURL(file).href;
  await page.goto(url, { waitUntil: 'load' });
  const charts: ChartBox[] = await page.$$eval('figure.chart', (figs) =>
    figs.map((f) => {
      const svg = f.querySelector(':scope > svg');
      const box = svg?.getBoundingClientRect();
      return {
        id: f.id,
        width: box?.width ?? 0,
        height: box?.height ?? 0,
        marks: svg ? svg.querySelectorAll('.role-mark path, .role-mark line, .role-mark rect, .role-mark text').length : 0,
        title: svg?.querySelector(':scope > title')?.textContent ?? null,
      };
    }),
  );
  const injected = await page.$$eval('img, script, iframe, object, embed', (els) => els.length);
  const headings = await page.$$eval('h1, h2', (hs) => hs.map((h) => h.textContent ?? ''));
  await page.screenshot({ path: join(ARTIFACTS, `report-${name}.png`), fullPage: true });
  if (!keepOpen) await page.close();
  return { charts, requests, errors, injected, headings, page: keepOpen ? page : undefined };
}

describe('dnarch report in Chromium', () => {
  it('drives the browser it says: the system one where installed, else the npm package\'s', () => {
    const major = (v: string) => v.split('.')[0];
    if (existsSync(SYSTEM_CHROMIUM)) {
      expect(launched.source).toBe('system');
      const said = execFileSync(SYSTEM_CHROMIUM, ['--version'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
      expect(said).toContain(browser.version());
    } else {
      expect(launched.source).toBe('npm');
      // @sparticuz/chromium's major version is the Chromium major it carries (138 -> 138.0.x).
      const pkg = JSON.parse(readFileSync(join(ROOT, 'node_modules/@sparticuz/chromium/package.json'), 'utf8')) as { version: string };
      expect(major(browser.version())).toBe(major(pkg.version));
    }
  });

  it('resnet50: every chart draws, nothing is fetched, no errors', async () => {
    const { charts, requests, errors } = await openReport(['resnet50'], 'resnet50');
    // stages, per-layer, cumulative MACs, receptive field, savings (ResNet50 has bottleneck blocks)
    expect(charts.map((c) => c.id)).toEqual(['m1-stages', 'm1-layers', 'm1-cumulative', 'm1-field', 'm1-savings']);
    for (const c of charts) {
      expect(c.width, c.id).toBeGreaterThan(0);
      expect(c.height, c.id).toBeGreaterThan(0);
      expect(c.marks, c.id).toBeGreaterThan(0);
      expect(c.title, c.id).toBeTruthy();
    }
    expect(requests).toEqual([]);
    expect(errors).toEqual([]);
  });

  it('inception xception: comparison and both models\' charts draw, nothing is fetched, no errors', async () => {
    const { charts, requests, errors } = await openReport(['inception', 'xception'], 'inception-xception');
    const ids = charts.map((c) => c.id);
    expect(ids.slice(0, 3)).toEqual(['cmp-totals', 'cmp-cumulative', 'cmp-field']);
    for (const m of ['m1', 'm2']) {
      for (const k of ['stages', 'layers', 'cumulative', 'field', 'savings']) expect(ids).toContain(`${m}-${k}`);
    }
    expect(charts).toHaveLength(13);
    for (const c of charts) {
      expect(c.width, c.id).toBeGreaterThan(0);
      expect(c.height, c.id).toBeGreaterThan(0);
      expect(c.marks, c.id).toBeGreaterThan(0);
    }
    expect(requests).toEqual([]);
    expect(errors).toEqual([]);
  });

  it('an ONNX file beside a zoo model: both models\' charts draw, node names shown as text', async () => {
    const { charts, requests, errors, headings } = await openReport(['fixtures/onnx/tiny-cnn.onnx', 'mobilenet'], 'onnx-mobilenet');
    const ids = charts.map((c) => c.id);
    for (const k of ['stages', 'layers', 'cumulative', 'field', 'savings']) expect(ids).toContain(`m1-${k}`);
    for (const c of charts) {
      expect(c.width, c.id).toBeGreaterThan(0);
      expect(c.marks, c.id).toBeGreaterThan(0);
    }
    expect(headings.some((h) => h.includes('tiny-cnn'))).toBe(true);
    expect(requests).toEqual([]);
    expect(errors).toEqual([]);
  });

  it('with a bench profile: the time-per-layer chart and the roofline (two roofs, a point per row) draw', async () => {
    mkdirSync(ARTIFACTS, { recursive: true });
    const model = ['mobilenet', '--input-size', '96', '--alpha', '0.5'];
    const bench = join(ARTIFACTS, 'bench-mobilenet.json');
    ok(['bench', ...model, '--engine', 'onnxruntime', '--runs', '3', '--profile', '--format', 'json', '--out', bench]);
    const file = join(ARTIFACTS, 'report-profile.html');
    ok(['report', ...model, '--bench', bench, '--out', file]);
    const profile = (JSON.parse(readFileSync(bench, 'utf8')) as { profile: { layers: { gflops: number | null; intensity: number | null }[] } }).profile;
    const { charts, requests, errors, page } = await openPage(file, 'profile', true);
    try {
      const ids = charts.map((c) => c.id);
      expect(ids).toContain('m1-profile-time');
      expect(ids).toContain('m1-roofline');
      for (const c of charts.filter((x) => x.id.includes('profile') || x.id.includes('roofline'))) {
        expect(c.width, c.id).toBeGreaterThan(0);
        expect(c.height, c.id).toBeGreaterThan(0);
      }
      // One bar per row shown (25 at most), one point per row with a rate and an intensity, one line of two roofs.
      const bars = await page!.$$eval('#m1-profile-time .mark-rect.role-mark path', (els) => els.length);
      expect(bars).toBe(Math.min(25, profile.layers.length));
      const points = await page!.$$eval('#m1-roofline .mark-symbol.role-mark path', (els) => els.length);
      expect(points).toBe(profile.layers.filter((l) => l.gflops !== null && l.intensity !== null && l.intensity > 0).length);
      const roofs = await page!.$$eval('#m1-roofline .mark-line.role-mark path', (els) => els.length);
      expect(roofs).toBe(2);
      await (await page!.$('#m1-profile'))!.screenshot({ path: join(ARTIFACTS, 'report-profile-section.png') });
    } finally {
      await page!.close();
    }
    expect(requests).toEqual([]);
    expect(errors).toEqual([]);
  });

  it('a model named like markup shows its name as text and runs nothing', async () => {
    // A real model file (a Keras 2 Sequential fixture) whose model name is an injection attempt.
    // tfjs refuses such layer names, so the model name is what a file can smuggle in.
    const payload = '<img src=x onerror=alert(1)><script>alert(2)</script>';
    const topology = JSON.parse(readFileSync(join(ROOT, 'fixtures/models/keras2-sequential.json'), 'utf8'));
    topology.modelTopology.model_config.config.name = payload;
    delete topology.weightsManifest;
    mkdirSync(ARTIFACTS, { recursive: true });
    const model = join(ARTIFACTS, 'hostile-model.json');
    writeFileSync(model, JSON.stringify(topology));
    const { charts, requests, errors, injected, headings } = await openReport([model], 'hostile');
    expect(charts.length).toBeGreaterThanOrEqual(4);
    expect(injected).toBe(0);
    expect(headings.some((h) => h.includes(payload))).toBe(true);
    expect(requests).toEqual([]);
    expect(errors).toEqual([]);
  });
});
