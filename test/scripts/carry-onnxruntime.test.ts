/**
 * scripts/carry-onnxruntime.mjs: dnarch's tarball carries onnxruntime-node at
 * dist/node_modules/ instead of depending on it (its postinstall fails `npm install` where only
 * the npm registry is reachable). Here: the repository's manifest passes the script's checks,
 * and, in throw-away project roots, what it copies and what it refuses.
 */
import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ROOT } from '../cli/run.js';

const SCRIPT = join(ROOT, 'scripts/carry-onnxruntime.mjs');
const readJson = (file: string) => JSON.parse(readFileSync(file, 'utf8'));

function run(root: string, mode: string) {
  const r = spawnSync(process.execPath, [join(root, 'scripts/carry-onnxruntime.mjs'), mode], { encoding: 'utf8' });
  return { status: r.status, out: r.stdout + r.stderr };
}

const roots: string[] = [];
afterEach(() => {
  for (const r of roots.splice(0)) rmSync(r, { recursive: true, force: true });
});

/** A project root with the script, a manifest and an installed onnxruntime-node (with a nested node_modules, as npm leaves it). */
function project(manifest: object, ort = { version: '1.30.0', common: '1.30.0' }): string {
  const root = mkdtempSync(join(tmpdir(), 'dnarch-carry-'));
  roots.push(root);
  mkdirSync(join(root, 'scripts'));
  copyFileSync(SCRIPT, join(root, 'scripts/carry-onnxruntime.mjs'));
  writeFileSync(join(root, 'package.json'), JSON.stringify(manifest));
  const pkg = join(root, 'node_modules/onnxruntime-node');
  mkdirSync(join(pkg, 'dist'), { recursive: true });
  mkdirSync(join(pkg, 'node_modules/adm-zip'), { recursive: true });
  writeFileSync(join(pkg, 'package.json'), JSON.stringify({ name: 'onnxruntime-node', version: ort.version, dependencies: { 'onnxruntime-common': ort.common } }));
  writeFileSync(join(pkg, 'dist/index.js'), 'module.exports = {};\n');
  writeFileSync(join(pkg, 'node_modules/adm-zip/package.json'), '{}');
  return root;
}

const good = { dependencies: { 'onnxruntime-common': '1.30.0' }, devDependencies: { 'onnxruntime-node': '1.30.0' } };

describe('carry-onnxruntime', () => {
  it('the repository: onnxruntime-node is a pinned devDependency, installed at that version, its script denied', () => {
    const own = readJson(join(ROOT, 'package.json'));
    const installed = readJson(join(ROOT, 'node_modules/onnxruntime-node/package.json'));
    expect(own.dependencies['onnxruntime-node']).toBeUndefined();
    expect(own.devDependencies['onnxruntime-node']).toBe(installed.version);
    expect(own.dependencies['onnxruntime-common']).toBe(installed.dependencies['onnxruntime-common']);
    expect(own.allowScripts['onnxruntime-node']).toBe(false);
    expect(own.scripts.prepack).toContain('carry-onnxruntime.mjs copy');
    expect(own.scripts.postpack).toContain('carry-onnxruntime.mjs clean');
    const r = spawnSync(process.execPath, [SCRIPT, 'check'], { encoding: 'utf8' });
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
  });

  it('copy puts the package under dist/node_modules without the node_modules npm left inside it; clean removes it', () => {
    const root = project(good);
    const r = run(root, 'copy');
    expect(r.status, r.out).toBe(0);
    const carried = join(root, 'dist/node_modules/onnxruntime-node');
    expect(readFileSync(join(carried, 'dist/index.js'), 'utf8')).toBe('module.exports = {};\n');
    expect(readJson(join(carried, 'package.json')).version).toBe('1.30.0');
    expect(existsSync(join(carried, 'node_modules'))).toBe(false);
    expect(run(root, 'clean').status).toBe(0);
    expect(existsSync(join(root, 'dist/node_modules'))).toBe(false);
  });

  it('refuses onnxruntime-node as a dependency, a version other than the pinned one, and a mismatched onnxruntime-common', () => {
    const asDependency = run(project({ ...good, dependencies: { ...good.dependencies, 'onnxruntime-node': '1.30.0' } }), 'copy');
    expect(asDependency.status).toBe(1);
    expect(asDependency.out).toContain('is a dependency again');

    const otherVersion = run(project(good, { version: '1.29.0', common: '1.30.0' }), 'copy');
    expect(otherVersion.status).toBe(1);
    expect(otherVersion.out).toContain('node_modules has onnxruntime-node 1.29.0, package.json pins 1.30.0');

    const otherCommon = project(good, { version: '1.30.0', common: '1.31.0' });
    const r = run(otherCommon, 'copy');
    expect(r.status).toBe(1);
    expect(r.out).toContain('needs onnxruntime-common 1.31.0');
    expect(existsSync(join(otherCommon, 'dist/node_modules'))).toBe(false);
  });
});
