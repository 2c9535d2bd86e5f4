/** csvField()/csvRow(): RFC 4180 quoting, read back by an independent reader. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { readCsv } from '../../test/support/csv-reader.js';
import { type CsvValue, csvField, csvRow } from './csv.js';

describe('csvField', () => {
  it.each([
    [null, ''],
    ['', '""'],
    ['llama3.2', 'llama3.2'],
    ['qwen2.5vl:7b', 'qwen2.5vl:7b'],
    ['a,b', '"a,b"'],
    ['say "hi"', '"say ""hi"""'],
    ['line\nbreak', '"line\nbreak"'],
    ['cr\rlf', '"cr\rlf"'],
    [`we"ird'; drop table request_metrics;--`, `"we""ird'; drop table request_metrics;--"`],
    [12650.958875, '12650.958875'],
    [0.1 + 0.2, '0.30000000000000004'],
    [true, 'true'],
    [false, 'false'],
  ])('%j → %j', (value, field) => {
    expect(csvField(value)).toBe(field);
  });
});

describe('csvRow', () => {
  it('joins fields with commas and ends with CRLF', () => {
    expect(csvRow(['a', null, 1, 'x,y'])).toBe('a,,1,"x,y"\r\n');
  });
});

describe('csvRow, property', () => {
  it('reads back to the same fields, whatever they hold', () => {
    const field = fc.oneof(
      fc.constant(null),
      fc.string({ unit: fc.constantFrom('a', ',', '"', '\r', '\n', ' ', 'é') }),
      fc.string(),
    );
    fc.assert(
      fc.property(
        fc.array(fc.array(field, { minLength: 1, maxLength: 6 }), { minLength: 1, maxLength: 5 }),
        (rows: CsvValue[][]) => {
          expect(readCsv(rows.map(csvRow).join(''))).toEqual(rows);
        },
      ),
      { numRuns: 500 },
    );
  });
});
