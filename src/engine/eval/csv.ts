/**
 * A CSV reader for the evaluation's manifest.csv and pairs.csv files, as
 * spreadsheets and scripts write them (RFC 4180 and the usual departures):
 * quoted fields holding commas, doubled quotes and line breaks; CRLF, LF or
 * CR line ends; a byte order mark; blank lines; rows shorter or longer than
 * the header. Only an unterminated quote is an error, since everything after
 * it would be one field.
 */

/** A CSV text that cannot be read; `line` is 1-based. */
export class CsvError extends Error {
  override readonly name = 'CsvError';

  constructor(
    readonly line: number,
    message: string,
  ) {
    super(message);
  }
}

/** One record and the line it starts on (1-based, as an editor shows it). */
export interface CsvRecord {
  line: number;
  fields: string[];
}

/**
 * Splits CSV text into records of fields. Fields are returned as written,
 * quotes removed and doubled quotes undone, not trimmed. Blank lines are
 * skipped. A quote inside an unquoted field is kept as a character, and
 * text after a closing quote joins the field, as spreadsheets read them.
 * Throws a CsvError when a quoted field never ends.
 */
export function parseCsvRecords(text: string): CsvRecord[] {
  const source = text.startsWith('\uFEFF') ? text.slice(1) : text;
  const records: CsvRecord[] = [];
  let fields: string[] = [];
  let field = '';
  // Whether the current record has any content yet (a blank line has none).
  let started = false;
  let line = 1;
  let recordLine = 1;
  let i = 0;

  const endField = (): void => {
    fields.push(field);
    field = '';
  };
  const endRecord = (): void => {
    if (started) {
      endField();
      records.push({ line: recordLine, fields });
    }
    fields = [];
    field = '';
    started = false;
  };

  while (i < source.length) {
    const c = source[i]!;
    if (c === '"' && field === '') {
      // A quoted field: read to the closing quote.
      const openedOn = line;
      started = true;
      i += 1;
      for (;;) {
        if (i >= source.length) {
          throw new CsvError(
            openedOn,
            `Line ${openedOn}: a quoted field is never closed; expected a ` +
              'closing " before the end of the file.',
          );
        }
        const q = source[i]!;
        if (q === '"') {
          if (source[i + 1] === '"') {
            field += '"';
            i += 2;
            continue;
          }
          i += 1;
          break;
        }
        if (q === '\r' || q === '\n') {
          // A line break inside quotes is data; count CRLF once.
          if (q === '\r' && source[i + 1] === '\n') {
            field += '\r\n';
            i += 2;
          } else {
            field += q;
            i += 1;
          }
          line += 1;
          continue;
        }
        field += q;
        i += 1;
      }
      continue;
    }
    if (c === ',') {
      started = true;
      endField();
      i += 1;
      continue;
    }
    if (c === '\r' || c === '\n') {
      endRecord();
      i += c === '\r' && source[i + 1] === '\n' ? 2 : 1;
      line += 1;
      recordLine = line;
      continue;
    }
    if (!started) recordLine = line;
    started = true;
    field += c;
    i += 1;
  }
  endRecord();

  return records;
}

/** A CSV file with a header row, its rows keyed by column name. */
export interface CsvTable {
  /** Column names as written, trimmed, lower case. */
  columns: string[];
  rows: CsvRow[];
}

/** A data row: values by column name (missing ones are ''). */
export interface CsvRow {
  line: number;
  values: Record<string, string>;
  /** Fields beyond the header's columns, when the row has more. */
  extra: string[];
}

/**
 * Reads CSV text whose first record names the columns. Column names are
 * trimmed and lower-cased; a row with fewer fields gets '' for the rest,
 * and fields past the last column are kept apart in `extra`. Text with no
 * records gives no columns and no rows.
 */
export function parseCsvTable(text: string): CsvTable {
  const [header, ...records] = parseCsvRecords(text);
  if (!header) return { columns: [], rows: [] };
  const columns = header.fields.map((name) => name.trim().toLowerCase());

  return {
    columns,
    rows: records.map(({ line, fields }) => {
      const values: Record<string, string> = {};
      columns.forEach((name, i) => {
        // The first of two columns with one name wins.
        if (!(name in values)) values[name] = fields[i] ?? '';
      });
      return { line, values, extra: fields.slice(columns.length) };
    }),
  };
}
