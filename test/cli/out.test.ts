/**
 * Where --out may point. A regular file or a new name is replaced atomically; a character
 * device, a FIFO or the process's own stdout is written through and stays what it was;
 * anything else is refused with one line and exit 2, leaving nothing behind. Every special
 * file here is made in a temporary directory (never the real /dev/null).
 */
import { spawn, spawnSync } from 'node:child_process';
import { lstatSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, realpathSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { dnarch, expectUsageError, ok, TIMEOUT } from './run.js';

const temps: string[] = [];
function tempDir(): string {
  const d = realpathSync(mkdtempSync(join(tmpdir(), 'dnarch-out-test-')));
  temps.push(d);
  return d;
}
afterAll(() => {
  for (const d of temps) rmSync(d, { recursive: true, force: true });
});

// A command that writes a known document and loads no model: fast, and its text is fixed.
const WRITE = ['schema', 'summarize'];
const expected = (): string => ok(WRITE);

function mkfifo(path: string): void {
  const r = spawnSync('mkfifo', [path]);
  expect(r.status, String(r.stderr)).toBe(0);
}

/** A character device like /dev/null (1, 3), in `dir`; false where this user may not make one. */
function mknodNull(path: string): boolean {
  return spawnSync('mknod', [path, 'c', '1', '3']).status === 0;
}

describe('--out onto special files', () => {
  it('a FIFO is written through to its reader and stays a FIFO', { timeout: TIMEOUT }, async () => {
    const dir = tempDir();
    const fifo = join(dir, 'pipe');
    mkfifo(fifo);
    const reader = spawn('cat', [fifo], { stdio: ['ignore', 'pipe', 'ignore'] });
    let got = '';
    reader.stdout.on('data', (b: Buffer) => (got += b.toString('utf8')));
    const done = new Promise<number | null>((resolve) => reader.on('close', resolve));
    try {
      const r = dnarch([...WRITE, '--out', fifo]);
      expect(r.stderr).toBe('');
      expect(r.status).toBe(0);
      expect(lstatSync(fifo).isFIFO()).toBe(true);
      expect(await done).toBe(0);
      expect(got).toBe(expected());
      expect(readdirSync(dir)).toEqual(['pipe']);
    } finally {
      // A reader left waiting (the FIFO replaced instead of written) must not outlive the test.
      if (reader.exitCode === null) reader.kill();
    }
  });

  it('a character device (made with mknod where allowed) stays a device', { timeout: TIMEOUT }, () => {
    const dir = tempDir();
    const dev = join(dir, 'null');
    const link = join(dir, 'link-to-null');
    // Only root may mknod; then the FIFO test above is what covers the rule.
    if (!mknodNull(dev)) return void expect(process.getuid?.()).not.toBe(0);
    symlinkSync(dev, link);
    expect(ok([...WRITE, '--out', dev])).toBe('');
    expect(ok([...WRITE, '--out', link])).toBe('');
    const s = lstatSync(dev);
    expect(s.isCharacterDevice()).toBe(true);
    expect([Math.floor(s.rdev / 256), s.rdev % 256]).toEqual([1, 3]);
    expect(lstatSync(link).isSymbolicLink()).toBe(true);
    expect(readdirSync(dir).sort()).toEqual(['link-to-null', 'null']);
  });

  it('/dev/stdout is the process stdout, not a file to replace', { timeout: TIMEOUT }, () => {
    const r = dnarch([...WRITE, '--out', '/dev/stdout']);
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    expect(r.stdout).toBe(expected());
  });

  it('a symlink to a regular file: the file gets the text, the link stays a link', { timeout: TIMEOUT }, () => {
    const dir = tempDir();
    const target = join(dir, 'real.json');
    const link = join(dir, 'link.json');
    writeFileSync(target, 'old');
    symlinkSync(target, link);
    expect(ok([...WRITE, '--out', link])).toBe('');
    expect(lstatSync(link).isSymbolicLink()).toBe(true);
    expect(readFileSync(target, 'utf8')).toBe(expected());
    expect(readdirSync(dir).sort()).toEqual(['link.json', 'real.json']);
  });

  it('a directory, a socket, a dangling symlink: exit 2, one line, nothing changed', { timeout: TIMEOUT }, async () => {
    const dir = tempDir();
    mkdirSync(join(dir, 'a-dir'));
    symlinkSync(join(dir, 'nowhere'), join(dir, 'dangling'));
    const server = createServer();
    await new Promise<void>((resolve) => server.listen(join(dir, 'sock'), resolve));
    try {
      for (const [name, what] of [
        ['a-dir', 'a directory'],
        ['sock', 'a socket'],
        ['dangling', 'symlink'],
      ]) {
        const path = join(dir, name);
        expectUsageError(dnarch([...WRITE, '--out', path]), [`--out ${path}`, what]);
      }
      expect(statSync(join(dir, 'sock')).isSocket()).toBe(true);
      expect(lstatSync(join(dir, 'dangling')).isSymbolicLink()).toBe(true);
      expect(readdirSync(dir).sort()).toEqual(['a-dir', 'dangling', 'sock']);
      expect(readdirSync(join(dir, 'a-dir'))).toEqual([]);
    } finally {
      server.close();
    }
  });
});

describe('--out names', () => {
  it("--out '' is refused, not taken as stdout", { timeout: TIMEOUT }, () => {
    expectUsageError(dnarch([...WRITE, '--out', '']), ['--out needs a path']);
  });

  it('a name over 255 bytes: exit 2 naming the path, not an internal error', { timeout: TIMEOUT }, () => {
    const dir = tempDir();
    const path = join(dir, 'x'.repeat(300));
    expectUsageError(dnarch([...WRITE, '--out', path]), [path, 'too long']);
    expect(readdirSync(dir)).toEqual([]);
  });

  it('a 250-byte name is written (its temporary name is shortened to fit)', { timeout: TIMEOUT }, () => {
    const dir = tempDir();
    const name = 'y'.repeat(250);
    expect(ok([...WRITE, '--out', join(dir, name)])).toBe('');
    expect(readdirSync(dir)).toEqual([name]);
    expect(readFileSync(join(dir, name), 'utf8')).toBe(expected());
  });
});

describe('export --onnx onto a special file', () => {
  it('a FIFO with --force is refused before anything is written', { timeout: TIMEOUT }, () => {
    const dir = tempDir();
    const fifo = join(dir, 'model.onnx');
    mkfifo(fifo);
    expectUsageError(dnarch(['export', 'fixtures/models/shards/model.json', '--onnx', fifo, '--force']), ['--onnx', fifo]);
    expect(lstatSync(fifo).isFIFO()).toBe(true);
    expect(readdirSync(dir)).toEqual(['model.onnx']);
  });
});
