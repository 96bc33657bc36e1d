#!/usr/bin/env node
/**
 * dnarch's tarball carries onnxruntime-node, unmodified, at dist/node_modules/onnxruntime-node,
 * where Node finds it from dist/ and npm sees only dnarch's own files.
 *
 * Why not a dependency: onnxruntime-node's postinstall (every version since 1.18) downloads the
 * CUDA provider files from outside the npm registry and fails the whole `npm install` where
 * that is blocked. A dependency cannot turn another package's script off (allowScripts, .npmrc
 * and ONNXRUNTIME_NODE_INSTALL belong to the installing project), and npm 11 runs the scripts
 * of bundled dependencies too. dnarch uses only the CPU binaries, which are in the package.
 *
 *   node scripts/carry-onnxruntime.mjs copy    (prepack: after tsc)
 *   node scripts/carry-onnxruntime.mjs clean   (postpack)
 *   node scripts/carry-onnxruntime.mjs check   (the checks of copy, copying nothing)
 *
 * The copy is the lockfile's node_modules/onnxruntime-node (a devDependency pinned to one
 * version), every file of the package, without the node_modules npm put inside it (adm-zip, for
 * that install script only). Its one runtime dependency, onnxruntime-common, is a dependency of
 * dnarch at the version onnxruntime-node asks for, so Node finds it beside dnarch.
 */
import { cpSync, existsSync, readFileSync, rmSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const ORT = 'onnxruntime-node';
const source = join(root, 'node_modules', ORT);
const carried = join(root, 'dist', 'node_modules');
const target = join(carried, ORT);

const readJson = (file) => JSON.parse(readFileSync(file, 'utf8'));
const fail = (message) => {
  console.error(`carry-onnxruntime: ${message}`);
  process.exit(1);
};

/** The carried package's manifest, after checking that dnarch's manifest and node_modules agree. */
function checked() {
  const own = readJson(join(root, 'package.json'));
  if (own.dependencies?.[ORT] || own.optionalDependencies?.[ORT]) {
    fail(`${ORT} is a dependency again: npm would run its postinstall in every project installing dnarch`);
  }
  const pinned = own.devDependencies?.[ORT];
  if (!pinned) fail(`${ORT} is not a devDependency: nothing to carry`);
  if (!existsSync(join(source, 'package.json'))) fail(`${relative(root, source)} is missing: run npm ci first`);
  const ort = readJson(join(source, 'package.json'));
  if (ort.version !== pinned) fail(`node_modules has ${ORT} ${ort.version}, package.json pins ${pinned}: run npm ci`);
  const common = ort.dependencies?.['onnxruntime-common'];
  if (own.dependencies?.['onnxruntime-common'] !== common) {
    fail(`${ORT} ${ort.version} needs onnxruntime-common ${common}; dnarch's dependencies say ${own.dependencies?.['onnxruntime-common']}`);
  }
  return ort;
}

const mode = process.argv[2];
if (mode === 'clean') {
  rmSync(carried, { recursive: true, force: true });
} else if (mode === 'check') {
  const ort = checked();
  console.log(`${ORT} ${ort.version}: ready to carry`);
} else if (mode === 'copy') {
  const ort = checked();
  rmSync(carried, { recursive: true, force: true });
  const nested = join(source, 'node_modules');
  cpSync(source, target, { recursive: true, filter: (src) => src !== nested && !src.startsWith(nested + sep) });
  console.log(`dist/node_modules/${ORT}: ${ORT} ${ort.version}, copied from node_modules`);
} else {
  fail('usage: carry-onnxruntime.mjs check|copy|clean');
}
