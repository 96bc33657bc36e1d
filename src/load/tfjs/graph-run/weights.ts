import { allShardsMissing } from '../shards.js';
import { loadWeights, summarizeManifest, type WeightDtype } from '../weights.js';

/**
 * A graph model's weights as tfjs-converter takes them (an IOHandler's weightSpecs and
 * weightData), read by dnarch's own shard reader (../weights.ts: manifest checks, shard
 * paths kept inside the model's directory, uint8/uint16/float16 dequantized): the specs
 * name each weight with its decoded dtype and no quantization, the data holds the decoded
 * values back to back in manifest order.
 */

export interface GraphWeightSpec {
  name: string;
  shape: number[];
  dtype: WeightDtype;
}

export type GraphWeights =
  | { kind: 'file'; specs: GraphWeightSpec[]; data: ArrayBuffer }
  /** None of the shards is beside model.json: the specs, for seeded values to stand in. */
  | { kind: 'missing'; paths: string[]; specs: GraphWeightSpec[]; bytes: number }
  | { kind: 'none' };

type Json = Record<string, unknown>;

/** The manifest's weights in order, as decoded (the manifest validated first). */
function specsOf(manifest: unknown[]): GraphWeightSpec[] {
  return manifest.flatMap((g) =>
    ((g as { weights: { name: string; shape: number[]; dtype: WeightDtype }[] }).weights ?? []).map((w) => ({ name: w.name, shape: [...w.shape], dtype: w.dtype })),
  );
}

export async function readGraphWeights(file: string, json: Json): Promise<GraphWeights> {
  const manifest = json.weightsManifest;
  if (manifest === undefined || manifest === null) return { kind: 'none' };
  // Validates the manifest (names, dtypes, shapes, sizes) as loadWeights does, touching no file.
  const summary = summarizeManifest(manifest, file);
  if (summary.weights === 0) return { kind: 'none' };
  const groups = manifest as unknown[];
  const missing = await allShardsMissing(file, groups);
  if (missing) return { kind: 'missing', paths: missing, specs: specsOf(groups), bytes: summary.decodedBytes };
  const decoded = await loadWeights(file, manifest);
  const specs = specsOf(groups);
  const data = new Uint8Array(specs.reduce((n, s) => n + (decoded.get(s.name)?.values.byteLength ?? 0), 0));
  let at = 0;
  for (const s of specs) {
    const v = (decoded.get(s.name) as { values: Float32Array | Int32Array }).values;
    data.set(new Uint8Array(v.buffer, v.byteOffset, v.byteLength), at);
    at += v.byteLength;
  }
  return { kind: 'file', specs, data: data.buffer };
}
