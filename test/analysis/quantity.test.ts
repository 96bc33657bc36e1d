import { describe, expect, it } from 'vitest';
import { parseQuantity, quantityFromJson } from '../../src/analysis/quantity.js';

describe('parseQuantity: counts (SI suffixes, powers of 1000)', () => {
  it.each([
    ['25.6M', 25_600_000],
    ['3.9G', 3_900_000_000],
    ['1.2e9', 1_200_000_000],
    ['25,600,000', 25_600_000],
    ['900k', 900_000],
    ['900K', 900_000],
    ['2T', 2e12],
    ['42', 42],
    ['0', 0],
    [' 4 G ', 4e9],
    ['.5M', 500_000],
  ])('%s = %d', (text, n) => {
    expect(parseQuantity(text, 'count')).toBeCloseTo(n, 6);
  });

  it.each([
    ['', /empty/],
    ['-5M', /negative/],
    ['−5M', /negative/],
    ['NaN', /not a number/],
    ['Infinity', /not a number/],
    ['1e400', /not a finite number/],
    ['abc', /not a number/],
    ['3 MB', /size in bytes.*count/],
    ['3MiB', /size in bytes/],
    ['50ms', /is a time/],
    ['3X', /unknown suffix "X"/],
    ['25,60', /unknown suffix/],
    ['1,2345', /unknown suffix/],
  ])('rejects %j', (text, why) => {
    expect(() => parseQuantity(text, 'count')).toThrow(why);
  });
});

describe('parseQuantity: bytes (MB = 10^6 B, MiB = 2^20 B; a bare number is MB)', () => {
  it.each([
    ['120MB', 120e6],
    ['1.5GB', 1.5e9],
    ['512KiB', 512 * 1024],
    ['512 kB', 512_000],
    ['512KB', 512_000],
    ['2MiB', 2 * 1048576],
    ['1GiB', 1073741824],
    ['100', 100e6],
    ['0.5', 500_000],
    ['4096B', 4096],
    ['1,000 MB', 1e9],
  ])('%s = %d bytes', (text, n) => {
    expect(parseQuantity(text, 'bytes')).toBeCloseTo(n, 3);
  });

  it.each([
    ['120M', /no byte unit.*120MB.*120MiB/],
    ['900k', /no byte unit.*900kB/],
    ['3 parsecs', /unknown unit "parsecs"/],
    ['-1MB', /negative/],
    ['', /empty/],
  ])('rejects %j', (text, why) => {
    expect(() => parseQuantity(text, 'bytes')).toThrow(why);
  });
});

describe('parseQuantity: milliseconds', () => {
  it('takes ms, s or a bare number of ms', () => {
    expect(parseQuantity('50', 'ms')).toBe(50);
    expect(parseQuantity('50ms', 'ms')).toBe(50);
    expect(parseQuantity('1.5s', 'ms')).toBe(1500);
    expect(() => parseQuantity('5G', 'ms')).toThrow(/unknown unit "G"/);
  });
});

describe('quantityFromJson', () => {
  it('reads plain numbers in the option unit: counts as they are, bytes budgets in MB', () => {
    expect(quantityFromJson(25_600_000, 'count')).toBe(25_600_000);
    expect(quantityFromJson(110, 'bytes')).toBe(110e6);
    expect(quantityFromJson(20, 'ms')).toBe(20);
    expect(quantityFromJson('110MiB', 'bytes')).toBe(110 * 2 ** 20);
  });
  it('refuses units named like Object properties (a budget file is untrusted), for every kind', () => {
    for (const unit of ['constructor', 'toString', '__proto__', 'hasOwnProperty', 'valueOf', '__defineGetter__']) {
      expect(() => parseQuantity(`4${unit}`, 'count')).toThrow(`unknown suffix "${unit}"`);
      expect(() => parseQuantity(`4${unit}`, 'bytes')).toThrow(`unknown unit "${unit}"`);
      expect(() => parseQuantity(`4${unit}`, 'ms')).toThrow(`unknown unit "${unit}"`);
      expect(() => quantityFromJson(`4${unit}`, 'count')).toThrow(`unknown suffix "${unit}"`);
    }
  });

  it('rejects negative numbers', () => {
    expect(() => quantityFromJson(-1, 'count')).toThrow(/negative/);
  });
});
