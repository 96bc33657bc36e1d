/**
 * resolveInside and readCapped: names written in a model file stay inside the model's
 * directory and only regular files of bounded size are read. Every case builds its own
 * files in a fresh temporary directory.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, realpathSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { readCapped, regularFileSize, resolveInside } from '../../src/load/safe-path.js';
import { rejection } from './rejection.js';

const root = mkdtempSync(join(tmpdir(), 'dnarch-safe-path-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

// root/model/ (the model's directory) and root/outside/ (a sibling it must not reach).
const dir = join(root, 'model');
const outside = join(root, 'outside');
mkdirSync(join(dir, 'sub'), { recursive: true });
mkdirSync(outside);
writeFileSync(join(dir, 'w.bin'), Buffer.from([1, 2, 3]));
writeFileSync(join(dir, 'sub', 'x.bin'), Buffer.from([4]));
writeFileSync(join(outside, 'secret.bin'), 'secret');
symlinkSync(join(outside, 'secret.bin'), join(dir, 'escape.bin'));
symlinkSync('../outside/secret.bin', join(dir, 'escape-relative.bin'));
symlinkSync(outside, join(dir, 'linked-dir'));
symlinkSync('w.bin', join(dir, 'alias.bin'));
symlinkSync(join(dir, 'sub'), join(dir, 'sub-alias'));
symlinkSync(join(dir, 'nowhere.bin'), join(dir, 'dangling.bin'));
mkdirSync(join(dir, 'a-dir.bin'));
execFileSync('mkfifo', [join(dir, 'fifo.bin')]);


describe('resolveInside accepts names inside the directory', () => {
  const real = realpathSync(dir);
  it.each([
    ['w.bin', 'w.bin'],
    ['./w.bin', 'w.bin'],
    ['sub/x.bin', 'sub/x.bin'],
    ['sub/./x.bin', 'sub/x.bin'],
    ['alias.bin', 'w.bin'], // a symbolic link to a file inside: its target
    ['sub-alias/x.bin', 'sub/x.bin'], // through a linked directory inside
  ])('%s -> %s', async (rel, target) => {
    expect(await resolveInside(dir, rel)).toBe(join(real, target));
  });
});

describe('resolveInside rejects', () => {
  it.each([
    ['', /empty path/],
    ['w\0.bin', /NUL byte/],
    ['http://example.com/w.bin', /is a URL \(http:\)/],
    ['https://example.com/w.bin', /is a URL \(https:\)/],
    ['file:///etc/passwd', /is a URL \(file:\)/],
    ['file:w.bin', /is a URL \(file:\)/],
    ['data:application/octet-stream;base64,AAAA', /is a URL \(data:\)/],
    ['/etc/passwd', /absolute path/],
    ['//server/share/w.bin', /absolute path/],
    ['C:\\weights\\w.bin', /absolute path/],
    ['C:w.bin', /absolute path/],
    ['\\\\server\\share\\w.bin', /absolute path/],
    ['../outside/secret.bin', /"\.\." segment/],
    ['sub/../../outside/secret.bin', /"\.\." segment/],
    ['sub/../w.bin', /"\.\." segment/], // would stay inside, still refused: no ".." at all
    ['..\\outside\\secret.bin', /"\.\." segment/],
    ['..', /"\.\." segment/],
    ['.', /does not name a file inside/],
    ['./', /does not name a file inside/],
  ])('%j', async (rel, why) => {
    const msg = await rejection(resolveInside(dir, rel));
    expect(msg).toMatch(why);
    expect(msg.startsWith(JSON.stringify(rel))).toBe(true); // names the path
  });

  it('a symbolic link to a file outside (absolute target)', async () => {
    const msg = await rejection(resolveInside(dir, 'escape.bin'));
    expect(msg).toMatch(/^"escape\.bin": resolves through a symbolic link to .*secret\.bin, outside the model's directory/);
  });

  it('a symbolic link to a file outside (relative target)', async () => {
    expect(await rejection(resolveInside(dir, 'escape-relative.bin'))).toMatch(/outside the model's directory/);
  });

  it('a path through a symbolic link to a directory outside', async () => {
    expect(await rejection(resolveInside(dir, 'linked-dir/secret.bin'))).toMatch(/outside the model's directory/);
  });

  it('a missing file, and a dangling link', async () => {
    expect(await rejection(resolveInside(dir, 'missing.bin'))).toMatch(/^"missing\.bin": no such file \(ENOENT\) in /);
    expect(await rejection(resolveInside(dir, 'dangling.bin'))).toMatch(/no such file/);
  });

  it('a missing model directory', async () => {
    expect(await rejection(resolveInside(join(root, 'nope'), 'w.bin'))).toMatch(/no such file/);
  });
});

describe('readCapped', () => {
  it('reads a regular file whole, up to and including the cap', async () => {
    expect([...(await readCapped(join(dir, 'w.bin'), 3))]).toEqual([1, 2, 3]);
    expect([...(await readCapped(join(dir, 'w.bin'), 100))]).toEqual([1, 2, 3]);
    expect(await regularFileSize(join(dir, 'w.bin'))).toBe(3);
  });

  it('refuses a file over the cap before reading', async () => {
    const msg = await rejection(readCapped(join(dir, 'w.bin'), 2));
    expect(msg).toBe(`${join(dir, 'w.bin')}: is 3 bytes, more than the 2-byte limit`);
  });

  it('refuses a directory', async () => {
    expect(await rejection(readCapped(join(dir, 'a-dir.bin'), 1e6))).toMatch(/a-dir\.bin: is a directory, not a regular file$/);
    expect(await rejection(regularFileSize(join(dir, 'a-dir.bin')))).toMatch(/is a directory/);
  });

  it('refuses a FIFO without waiting for a writer', async () => {
    expect(await rejection(readCapped(join(dir, 'fifo.bin'), 1e6))).toMatch(/fifo\.bin: is a FIFO \(named pipe\), not a regular file$/);
    expect(await rejection(regularFileSize(join(dir, 'fifo.bin')))).toMatch(/FIFO/);
  }, 5000);

  it('refuses a character device', async () => {
    expect(await rejection(readCapped('/dev/zero', 1e6))).toBe('/dev/zero: is a character device, not a regular file');
  });

  it('reports a missing file in one line', async () => {
    expect(await rejection(readCapped(join(dir, 'missing.bin'), 10))).toMatch(/missing\.bin: no such file \(ENOENT\)$/);
  });
});
