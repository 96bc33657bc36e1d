/** A saved `dnarch bench --format json`, read back for the HTML report (report --bench). */
import { DnarchError } from '../errors.js';
import { readCapped } from '../load/safe-path.js';
import { BenchReportSchema, type BenchReport } from './types.js';

/** A bench report is a few MB at most (every profile row of a 1,000-layer model). */
export const MAX_BENCH_JSON_BYTES = 64 * 2 ** 20;

export async function readBenchReport(file: string): Promise<BenchReport> {
  const text = (await readCapped(file, MAX_BENCH_JSON_BYTES)).toString('utf8');
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    throw new DnarchError('BAD_INPUT', `${file}: not JSON: --bench takes the output of \`dnarch bench --profile --format json\``);
  }
  const parsed = BenchReportSchema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const where = issue.path.length > 0 ? ` at ${issue.path.join('.')}` : '';
    throw new DnarchError('BAD_INPUT', `${file}: not a dnarch bench report (${issue.message}${where}): --bench takes the output of \`dnarch bench --profile --format json\``);
  }
  if (!parsed.data.profile) throw new DnarchError('BAD_INPUT', `${file}: a bench report without a profile: run \`dnarch bench --profile --format json\``);
  return parsed.data;
}
