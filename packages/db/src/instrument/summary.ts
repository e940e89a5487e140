/**
 * What a statement is called in spans and in the `statement` label: never its text, which can hold
 * literals, and never its parameters.
 */
export interface StatementSummary {
  /** The statement's kind, upper case: `SELECT`, `INSERT`, `BEGIN`, …; `OTHER` for an unknown one. */
  operation: string;
  /** The table it reads or writes (unquoted, without schema), when one could be read off the text. */
  table: string | undefined;
  /**
   * The name a statement gives itself in a leading comment (`/* create_payment *\/ WITH …`), or else
   * `operation table` (`SELECT payments`), or the operation alone (`BEGIN`).
   */
  name: string;
}

/** Statement kinds kept as themselves; anything else is `OTHER`, so a label can never carry text. */
const OPERATIONS = new Set([
  "SELECT",
  "INSERT",
  "UPDATE",
  "DELETE",
  "WITH",
  "BEGIN",
  "START",
  "COMMIT",
  "ROLLBACK",
  "SAVEPOINT",
  "RELEASE",
  "SET",
  "SHOW",
  "LOCK",
  "TRUNCATE",
  "VACUUM",
  "ANALYZE",
  "CREATE",
  "ALTER",
  "DROP",
  "DO",
  "NOTIFY",
  "LISTEN",
  "COPY",
  "EXPLAIN",
  "VALUES",
  "TABLE",
]);

// An identifier, quoted or not, optionally schema-qualified; the table is its last part.
const IDENT = `(?:"(?:[^"]|"")+"|[A-Za-z_][A-Za-z0-9_$]*)`;
const QUALIFIED = `${IDENT}(?:\\s*\\.\\s*${IDENT})*`;
const LEADING_NAME = /^\s*\/\*\s*([a-z][a-z0-9_.:-]{0,62})\s*\*\//i;
const LEADING_COMMENTS = /^(?:\s+|--[^\n]*(?:\n|$)|\/\*[\s\S]*?\*\/)*/;
const FIRST_WORD = /^([A-Za-z]+)/;
// `FOR UPDATE`, `FOR NO KEY UPDATE` and `ON CONFLICT DO UPDATE` are not the statement's target.
const WRITE_TARGET = new RegExp(
  `\\b(?:(insert)\\s+into|(?<!\\b(?:for|key|do)\\s+)(update)(?:\\s+only)?|(delete)\\s+from(?:\\s+only)?)\\s+(${QUALIFIED})`,
  "i",
);
// `extract(epoch from x)`, `is distinct from x` and `trim(both ' ' from x)` name columns, not tables.
const FROM_TARGET = new RegExp(
  `(?<!\\b(?:epoch|year|month|day|hour|minute|second|week|dow|doy|distinct)\\s+|'\\s*)\\bfrom(?:\\s+only)?\\s+(${QUALIFIED})`,
  "i",
);

function lastPart(qualified: string): string {
  const parts = qualified.split(/\s*\.\s*/);
  const last = parts[parts.length - 1] ?? qualified;
  return last.startsWith('"') ? last.slice(1, -1).replaceAll('""', '"') : last.toLowerCase();
}

function compute(text: string): StatementSummary {
  const named = LEADING_NAME.exec(text)?.[1];
  const body = text.replace(LEADING_COMMENTS, "");
  const first = FIRST_WORD.exec(body)?.[1]?.toUpperCase() ?? "OTHER";
  let operation = OPERATIONS.has(first) ? first : "OTHER";
  let table: string | undefined;
  if (operation === "INSERT" || operation === "UPDATE" || operation === "DELETE" || operation === "WITH") {
    // A CTE counts as what it writes, if anything (the first write), else as the read it ends with.
    const write = WRITE_TARGET.exec(body);
    if (write?.[4]) {
      operation = (write[1] ?? write[2] ?? write[3] ?? operation).toUpperCase();
      table = lastPart(write[4]);
    } else if (operation === "WITH") operation = "SELECT";
  }
  if (operation === "SELECT" && table === undefined) {
    const from = FROM_TARGET.exec(body)?.[1];
    if (from) table = lastPart(from);
  }
  return { operation, table, name: named ?? (table ? `${operation} ${table}` : operation) };
}

/** Summaries of texts seen before: drizzle sends the same text for every run of a query shape. */
const cache = new Map<string, StatementSummary>();
const CACHE_LIMIT = 2_000;

/** The summary of one SQL text (see {@link StatementSummary}); cached per text. */
export function summarizeStatement(text: string): StatementSummary {
  let summary = cache.get(text);
  if (!summary) {
    summary = compute(text);
    // Texts with inlined values would each be new; past the limit they are summarised without caching.
    if (cache.size < CACHE_LIMIT) cache.set(text, summary);
  }
  return summary;
}
