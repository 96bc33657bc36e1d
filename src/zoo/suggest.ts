/**
 * Matching a model name as a person types it, and what to say when it matches nothing.
 * A suggestion never points at another model: `efficientnet-b3` is not a typo of B0.
 */

/** A name as matched: lower case, without the separators people put in it (`_`, `-`, `.`, spaces). */
export const normalizeName = (name: string): string => name.toLowerCase().replace(/[\s_.-]+/g, '');

/**
 * A normalised name split into its stem and its variant, the part that says which member of
 * a family it is: resnet|50, efficientnet|b3, mobilenet|v2, resnet|50v2, googlenet|''.
 */
function splitVariant(key: string): { stem: string; variant: string } {
  const m = /^([a-z]+?)((?:v|b)?\d.*)?$/.exec(key);
  return m ? { stem: m[1], variant: m[2] ?? '' } : { stem: key, variant: '' };
}

/** Optimal string alignment distance (Levenshtein with adjacent transpositions), for typos. */
function distance(a: string, b: string): number {
  const d: number[][] = Array.from({ length: a.length + 1 }, (_, i) => [i, ...Array<number>(b.length).fill(0)]);
  for (let j = 0; j <= b.length; j++) d[0][j] = j;
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      d[i][j] = Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) d[i][j] = Math.min(d[i][j], d[i - 2][j - 2] + 1);
    }
  }
  return d[a.length][b.length];
}

/** Edits a typo of this length may have: one per four characters, at least one. */
const tolerance = (key: string): number => Math.max(1, Math.floor(key.length / 4));

/** The closest candidate (compared normalised), if it is close enough to be a plausible typo. */
export function closest(input: string, candidates: readonly string[]): string | undefined {
  const key = normalizeName(input);
  if (key === '') return undefined;
  let best: { name: string; d: number } | undefined;
  for (const name of candidates) {
    const d = distance(key, normalizeName(name));
    if (!best || d < best.d) best = { name, d };
  }
  return best && best.d <= tolerance(key) ? best.name : undefined;
}

/** A zoo model as the suggestion needs it: its name, the spellings it answers to, its family. */
export interface NamedModel {
  name: string;
  aliases: readonly string[];
  family: string;
}

export type Suggestion =
  /** A typo of this model's name (same variant). */
  | { kind: 'typo'; name: string }
  /** A family the zoo has, but not the variant asked for: these are its members. */
  | { kind: 'family'; family: string; names: string[] }
  | { kind: 'none' };

/**
 * What an unknown name most likely meant. A name with a variant (a number, b3, v2) is only
 * ever matched to a model with the same variant; when its family is in the zoo but the
 * variant is not, the family's members are listed instead of a wrong guess.
 */
export function suggestModel(input: string, models: readonly NamedModel[]): Suggestion {
  const key = normalizeName(input);
  if (key === '') return { kind: 'none' };
  const spellings = models.flatMap((m) => [m.name, ...m.aliases].map((s) => ({ model: m, ...splitVariant(normalizeName(s)) })));
  const { stem, variant } = splitVariant(key);
  if (variant !== '') {
    // The family: the stem as typed, or the nearest stem within a typo's reach.
    const stems = [...new Set(spellings.map((s) => s.stem))];
    const familyStem = stems.includes(stem) ? stem : closest(stem, stems);
    if (familyStem !== undefined) {
      const same = spellings.find((s) => s.stem === familyStem && s.variant === variant);
      if (same) return { kind: 'typo', name: same.model.name };
      const members = [...new Set(spellings.filter((s) => s.stem === familyStem).map((s) => s.model))];
      const families = new Set(members.map((m) => m.family));
      return { kind: 'family', family: families.size === 1 ? members[0].family : familyStem, names: members.map((m) => m.name) };
    }
    const sameVariant = spellings.filter((s) => s.variant === variant);
    const guess = closest(key, sameVariant.map((s) => s.stem + s.variant));
    const hit = sameVariant.find((s) => s.stem + s.variant === guess);
    return hit ? { kind: 'typo', name: hit.model.name } : { kind: 'none' };
  }
  const plain = spellings.filter((s) => s.variant === '');
  const guess = closest(key, plain.map((s) => s.stem));
  const hit = plain.find((s) => s.stem === guess);
  return hit ? { kind: 'typo', name: hit.model.name } : { kind: 'none' };
}

/** The one line for a name that is neither a zoo model nor an existing file. */
export function unknownModelMessage(input: string, models: readonly NamedModel[]): string {
  const s = suggestModel(input, models);
  switch (s.kind) {
    case 'typo':
      return `unknown model "${input}": did you mean "${s.name}"?`;
    case 'family':
      return `unknown model "${input}": the zoo has no such ${s.family} model; it has ${s.names.join(', ')} (see \`dnarch list\`)`;
    case 'none':
      return `unknown model "${input}": not a zoo model, and no file or directory of that name exists (run \`dnarch list\` to see the zoo)`;
  }
}
