/**
 * Property-based: mutated TensorFlow.js graph models (the fixture classifier with its shard,
 * and the real ones without theirs) are read to a report or refused in one line as bad input,
 * never an internal error. Mutations: every generic one of mutate.ts (dropped keys, wrong
 * values, prototype keys, truncation, hostile paths) and graph ones (an input re-pointed to
 * another node: cycles and dangling names; a name duplicated; absurd attribute values).
 */
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { analyzeOpened } from '../../src/api.js';
import { DnarchError } from '../../src/errors.js';
import { openModelFile } from '../../src/load/formats.js';
import { mutationArb, type Mutation } from './mutate.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const REAL = fileURLToPath(new URL('../../../shared/real-models/graph/', import.meta.url));
const SEEDS = [
  join(ROOT, 'fixtures/graph/classifier/model.json'),
  join(REAL, 'chaosmail__is-my-mask-safe__web_model__model.json'),
  join(REAL, '1010code__tefnorflow-graph-model-tutorial__tfjs_model__model.json'),
].filter(existsSync);
const RUNS = Number(process.env.FUZZ_RUNS ?? 120);
const tmp = mkdtempSync(join(tmpdir(), 'dnarch-graph-fuzz-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));
let cases = 0;

type Node = { name: string; op: string; input?: string[]; attr?: Record<string, unknown> };
const ABSURD = [{ i: '-3' }, { i: '1000000000000' }, { list: { i: ['1', '-1', '0', '1'] } }, { list: { i: ['1', '99999999999', '1', '1'] } }, { s: '!!' }, { f: 'x' }, { shape: { dim: [{ size: '-7' }] } }, {}, { list: {} }, { type: 42 }];

function graphMutations(doc: { modelTopology: { node: Node[] } }): fc.Arbitrary<Mutation> {
  const nodes = doc.modelTopology.node;
  const idx = fc.integer({ min: 0, max: nodes.length - 1 });
  const edit = (kind: string, f: (ns: Node[]) => void): Mutation => ({
    kind,
    apply: (d) => {
      const c = JSON.parse(JSON.stringify(d)) as { modelTopology: { node: Node[] } };
      f(c.modelTopology.node);
      return JSON.stringify(c);
    },
  });
  return fc.oneof(
    fc.tuple(idx, idx).map(([a, b]) => edit(`node ${a} reads node ${b}`, (ns) => void (ns[a].input = [ns[b].name, ...(ns[a].input ?? []).slice(1)]))),
    fc.tuple(idx, idx).map(([a, b]) => edit(`node ${b} renamed as node ${a}`, (ns) => void (ns[b].name = ns[a].name))),
    fc.tuple(idx, fc.constantFrom('strides', 'ksize', 'padding', 'dilations', 'data_format', 'fused_ops', 'shape', 'value', 'explicit_paddings', 'num_split', 'axis'), fc.constantFrom(...ABSURD))
      .map(([a, k, v]) => edit(`node ${a}.attr.${k} = ${JSON.stringify(v)}`, (ns) => void (ns[a].attr = { ...(ns[a].attr ?? {}), [k]: v }))),
    fc.tuple(idx, fc.constantFrom('constructor', '__proto__', 'toString', 'hasOwnProperty', 'valueOf')).map(([a, k]) => edit(`node ${a} op = ${k}`, (ns) => void (ns[a].op = k))),
  );
}

describe.each(SEEDS.map((s) => [s.split('/').slice(-2).join('/'), s] as const))('mutated %s', (_name, seed) => {
  it(`${RUNS} mutations: a report or one line of bad input`, async () => {
    const text = readFileSync(seed, 'utf8');
    const doc = JSON.parse(text);
    const shard = join(seed, '..', 'group1-shard1of1.bin');
    await fc.assert(
      fc.asyncProperty(fc.oneof(mutationArb(doc), graphMutations(doc)), async (m) => {
        const dir = join(tmp, String(cases++));
        mkdirSync(dir);
        if (seed.includes('fixtures/graph') && existsSync(shard)) copyFileSync(shard, join(dir, 'group1-shard1of1.bin'));
        const file = join(dir, 'model.json');
        writeFileSync(file, m.apply(doc, text));
        try {
          const r = analyzeOpened(await openModelFile(file), file).report;
          expect(Number.isFinite(r.totals.macs), m.kind).toBe(true);
        } catch (e) {
          if (!(e instanceof DnarchError)) throw new Error(`${m.kind}: ${(e as Error).stack}`);
          expect(['BAD_INPUT', 'BAD_OPTION'], `${m.kind}: ${e.message}`).toContain(e.code);
          expect(e.message, m.kind).not.toContain('\n');
        }
      }),
      { numRuns: RUNS, seed: Number(process.env.FUZZ_SEED ?? 11) },
    );
  }, 120_000);
});
