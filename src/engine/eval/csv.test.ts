import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { CsvError, parseCsvRecords, parseCsvTable } from './csv';

const fields = (text: string) => parseCsvRecords(text).map((r) => r.fields);

describe('parseCsvRecords', () => {
  it.each([
    [
      'plain fields',
      'a,b,c\n1,2,3\n',
      [
        ['a', 'b', 'c'],
        ['1', '2', '3'],
      ],
    ],
    [
      'no final line break',
      'a,b\n1,2',
      [
        ['a', 'b'],
        ['1', '2'],
      ],
    ],
    [
      'CRLF line ends',
      'a,b\r\n1,2\r\n',
      [
        ['a', 'b'],
        ['1', '2'],
      ],
    ],
    [
      'old Mac CR line ends',
      'a,b\r1,2\r',
      [
        ['a', 'b'],
        ['1', '2'],
      ],
    ],
    [
      'a byte order mark',
      '\uFEFFfile,age\nx.jpg,3\n',
      [
        ['file', 'age'],
        ['x.jpg', '3'],
      ],
    ],
    [
      'blank lines',
      '\na,b\n\n\r\n1,2\n\n',
      [
        ['a', 'b'],
        ['1', '2'],
      ],
    ],
    [
      'empty fields',
      'a,,c\n,,\n',
      [
        ['a', '', 'c'],
        ['', '', ''],
      ],
    ],
    ['a quoted comma', 'x,"1, centred",y', [['x', '1, centred', 'y']]],
    ['doubled quotes', '"say ""hi""",b', [['say "hi"', 'b']]],
    ['an empty quoted field', '"",b', [['', 'b']]],
    [
      'a line break in quotes',
      '"two\nlines",b\nc,d',
      [
        ['two\nlines', 'b'],
        ['c', 'd'],
      ],
    ],
    ['CRLF in quotes', '"two\r\nlines",b', [['two\r\nlines', 'b']]],
    ['spaces kept', ' a , b ', [[' a ', ' b ']]],
    ['a stray quote inside a field', 'say "hi",b', [['say "hi"', 'b']]],
    ['text after a closing quote', '"ab"c,d', [['abc', 'd']]],
    ['a lone quoted empty line', '""\n', [['']]],
  ])('reads %s', (_name, text, expected) => {
    expect(fields(text)).toEqual(expected);
  });

  it('numbers each record by the line it starts on', () => {
    const records = parseCsvRecords('h\n"a\nb"\n\nc\r\nd');

    expect(records.map((r) => r.line)).toEqual([1, 2, 5, 6]);
  });

  it('refuses a quote that never closes, naming its line', () => {
    const text = 'file,notes\na.jpg,ok\nb.jpg,"never closed\nc.jpg,x\n';

    expect(() => parseCsvRecords(text)).toThrow(CsvError);
    expect(() => parseCsvRecords(text)).toThrow(/Line 3: a quoted field/);
  });

  it('reads back any table written with quotes where needed', () => {
    const cell = fc.string({
      unit: fc.constantFrom('a', 'b', ',', '"', '\n', '\r\n', ' ', 'é'),
    });
    // Rows of at least one non-empty cell: an empty one-cell row is blank.
    const row = fc
      .array(cell, { minLength: 1, maxLength: 5 })
      .filter((r) => r.length > 1 || r[0] !== '');
    fc.assert(
      fc.property(fc.array(row, { maxLength: 6 }), (rows) => {
        const quote = (v: string) =>
          /[",\r\n]/.test(v) ? `"${v.replace(/"/g, '""')}"` : v;
        const text = rows.map((r) => r.map(quote).join(',')).join('\r\n');

        expect(fields(text)).toEqual(rows);
      }),
    );
  });
});

describe('parseCsvTable', () => {
  it('keys rows by trimmed, lower-case column names', () => {
    const table = parseCsvTable(' File ,Identity\na.jpg,ann\n');

    expect(table.columns).toEqual(['file', 'identity']);
    expect(table.rows).toEqual([
      { line: 2, values: { file: 'a.jpg', identity: 'ann' }, extra: [] },
    ]);
  });

  it('fills short rows with empty values and keeps extra fields apart', () => {
    const table = parseCsvTable('file,age,gender\na.jpg\nb.jpg,3,male,x,y\n');

    expect(table.rows.map((r) => r.values)).toEqual([
      { file: 'a.jpg', age: '', gender: '' },
      { file: 'b.jpg', age: '3', gender: 'male' },
    ]);
    expect(table.rows[1]?.extra).toEqual(['x', 'y']);
  });

  it('gives nothing for an empty file or one of blank lines', () => {
    expect(parseCsvTable('')).toEqual({ columns: [], rows: [] });
    expect(parseCsvTable('\r\n\n')).toEqual({ columns: [], rows: [] });
  });

  it('keeps the first of two columns with one name', () => {
    const table = parseCsvTable('file,file\na.jpg,b.jpg\n');

    expect(table.rows[0]?.values).toEqual({ file: 'a.jpg' });
  });
});
