import { dirname } from 'node:path';
import { resolveInsideIfPresent } from '../safe-path.js';

/**
 * The shard paths of a weightsManifest when none of them is next to the model file (a
 * model.json copied without its .bin files); undefined when any is there, for loadWeights
 * (weights.ts) to read or refuse (a shard missing from a set, a path that escapes the
 * directory).
 */
export async function allShardsMissing(file: string, manifest: unknown[]): Promise<string[] | undefined> {
  const paths = manifest.flatMap((g) => {
    const p = (g as { paths?: unknown } | null)?.paths;
    return Array.isArray(p) ? p.filter((x): x is string => typeof x === 'string') : [];
  });
  if (paths.length === 0) return undefined;
  for (const p of paths) {
    const found = await resolveInsideIfPresent(dirname(file), p).catch(() => 'refused');
    if (found !== undefined) return undefined;
  }
  return paths;
}

/** A list of shard paths as a message shows it: the first three, and how many in all. */
export const shownPaths = (paths: string[]): string => (paths.length > 3 ? `${paths.slice(0, 3).join(', ')}, ... (${paths.length} in all)` : paths.join(', '));
