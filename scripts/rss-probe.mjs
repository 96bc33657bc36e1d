// Preloaded with `node --import ./scripts/rss-probe.mjs ...` by bench-startup.mjs.
// Records the process's peak RSS without /usr/bin/time (absent on some machines).
// It writes to a file named by DNARCH_RSS_FILE, because stdout/stderr belong to the
// measured command. 'exit' fires on normal completion and on process.exit() alike.
import { writeFileSync } from 'node:fs';

const out = process.env.DNARCH_RSS_FILE;
if (out) {
  process.on('exit', () => {
    // maxRSS is in KiB (getrusage ru_maxrss on Linux).
    writeFileSync(out, String(process.resourceUsage().maxRSS));
  });
}
