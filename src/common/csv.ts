import { Readable, pipeline } from 'node:stream';
import { stringify } from 'csv-stringify';

/**
 * A CSV download as a stream: the header, then each row as `rows` yields it, pulled only as
 * fast as the client reads (backpressure), so an export of any length holds one page of rows
 * at a time. csv-stringify writes the quoting; a byte order mark lets spreadsheet programs read
 * the UTF-8 (Chinese names); a cell that starts like a formula (`=`, `+`, `-`, `@`) is
 * prefixed with `'` so opening the file never runs what someone typed into a form.
 */
export function csvStream(header: readonly string[], rows: AsyncIterable<readonly CsvCell[]>): Readable {
  const out = stringify({ bom: true, escape_formulas: true, record_delimiter: 'windows' });
  const records = Readable.from(withHeader(header, rows));
  // A failure half-way (the database gone) ends the download short; the error is the pipeline's
  // to report, and destroys both streams rather than leaving the client waiting.
  pipeline(records, out, () => undefined);
  return out;
}

export type CsvCell = string | number | null;

async function* withHeader(header: readonly string[], rows: AsyncIterable<readonly CsvCell[]>) {
  yield header;
  for await (const row of rows) yield row.map((cell) => (cell === null ? '' : cell));
}

/**
 * Keyset paging: `page(after)` returns the rows following the cursor `after` (undefined: from
 * the start), at most `size` of them, in order; this yields them one by one and asks for the
 * next page after the last row, so no query holds more than a page and none starts over.
 */
export async function* keysetRows<Row, Cursor>(
  page: (after: Cursor | undefined) => Promise<Row[]>,
  cursorOf: (row: Row) => Cursor,
  size: number,
): AsyncGenerator<Row> {
  let after: Cursor | undefined;
  for (;;) {
    const rows = await page(after);
    yield* rows;
    if (rows.length < size) return;
    after = cursorOf(rows[rows.length - 1]);
  }
}

/** Two streams of rows, each in order by `key`, as one stream in that order (ties: `a` first). */
export async function* mergeOrdered<A, B>(
  a: AsyncIterable<A>,
  b: AsyncIterable<B>,
  keyA: (row: A) => string,
  keyB: (row: B) => string,
): AsyncGenerator<A | B> {
  const ia = a[Symbol.asyncIterator]();
  const ib = b[Symbol.asyncIterator]();
  let na = await ia.next();
  let nb = await ib.next();
  while (!na.done || !nb.done) {
    if (!na.done && (nb.done || keyA(na.value) <= keyB(nb.value))) {
      yield na.value;
      na = await ia.next();
    } else if (!nb.done) {
      yield nb.value;
      nb = await ib.next();
    }
  }
}
