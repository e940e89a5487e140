/**
 * Characters that make a spreadsheet treat a cell as a formula (OWASP "CSV injection"): `=`, `+`, `-`, `@`,
 * and tab / carriage return, which some spreadsheets strip before looking at the next character.
 */
const FORMULA_START = /^[=+\-@\t\r]/;

/** One CSV cell (RFC 4180): formula-looking text prefixed with `'`, quoted when it must be. */
export function csvCell(value: string | number | null | undefined): string {
  if (value === null || value === undefined) return "";
  let text = String(value);
  if (typeof value === "string" && FORMULA_START.test(text)) text = `'${text}`;
  return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

/** One CSV line, CRLF-terminated as RFC 4180 says. */
export function csvRow(values: ReadonlyArray<string | number | null | undefined>): string {
  return `${values.map(csvCell).join(",")}\r\n`;
}

/** Options of {@link csvStream}. */
export interface CsvStreamOptions<C> {
  /** The header row. */
  columns: readonly string[];
  /** The next batch after `cursor` (undefined: the first); fewer than `batchSize` rows ends the file. */
  batch(cursor: C | undefined): Promise<{ lines: string[]; next: C | undefined }>;
  batchSize: number;
  /** Called when a batch fails after the headers went out (the stream is then broken on purpose). */
  onError(err: unknown): void;
}

/**
 * A CSV file streamed batch by batch, paced by the reader: one batch is read ahead at most, so an export of
 * any size holds one batch in memory. A failure midway breaks the stream, the only way left to tell the
 * client once the status and headers are sent (a truncated file must not look complete).
 */
export function csvStream<C>(opts: CsvStreamOptions<C>): ReadableStream<Uint8Array> {
  const encoder = new TextEncoder();
  let cursor: C | undefined;
  return new ReadableStream<Uint8Array>(
    {
      start(controller) {
        controller.enqueue(encoder.encode(csvRow(opts.columns)));
      },
      async pull(controller) {
        try {
          const { lines, next } = await opts.batch(cursor);
          if (lines.length > 0) controller.enqueue(encoder.encode(lines.join("")));
          cursor = next;
          if (lines.length < opts.batchSize || next === undefined) controller.close();
        } catch (err) {
          opts.onError(err);
          controller.error(err);
        }
      },
    },
    { highWaterMark: 1 },
  );
}
