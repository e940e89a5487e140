import { inTransactionSpan, observeStatement, type QueryInstruments, type RowCounts } from "./instrument.ts";

/**
 * The drivers are wrapped rather than drizzle: every statement of both adapters goes through the driver's
 * one query call (`sql.unsafe` for postgres.js, `query`/`exec` for PGlite), whether drizzle's query builder,
 * `db.execute` or a service's raw prepared statement (payments' `statements.ts`) sent it. The wrappers are
 * proxies, so everything else of the client (its options, which drizzle edits; `end`; `closed`) is the
 * client's own.
 */

type AnyFunction = (...args: unknown[]) => unknown;

function isFunction(value: unknown): value is AnyFunction {
  return typeof value === "function";
}

const WRITES = new Set(["INSERT", "UPDATE", "DELETE", "MERGE", "COPY"]);

function numberOr(value: unknown): number | undefined {
  return typeof value === "number" && Number.isFinite(value) ? value : undefined;
}

/** postgres.js: a result is an array of rows with `count` (rows returned or changed) and `command`. */
function postgresJsRows(result: unknown): RowCounts | undefined {
  if (!Array.isArray(result)) return undefined;
  const count = numberOr(Reflect.get(result, "count"));
  const command: unknown = Reflect.get(result, "command");
  const write = typeof command === "string" && WRITES.has(command);
  return { returned: result.length, affected: write ? count : undefined };
}

/** PGlite: `{ rows, affectedRows, command }`, or an array of them from `exec`. */
function pgliteRows(result: unknown): RowCounts | undefined {
  const results = Array.isArray(result) ? result : [result];
  let returned = 0;
  let affected: number | undefined;
  for (const one of results) {
    if (typeof one !== "object" || one === null) return undefined;
    const rows: unknown = Reflect.get(one, "rows");
    if (Array.isArray(rows)) returned += rows.length;
    const command: unknown = Reflect.get(one, "command");
    const changed = numberOr(Reflect.get(one, "rowCount")) ?? numberOr(Reflect.get(one, "affectedRows"));
    if (typeof command === "string" && WRITES.has(command) && changed !== undefined) {
      affected = (affected ?? 0) + changed;
    }
  }
  return { returned, affected };
}

/**
 * A proxy of `target` whose `overrides` replace some methods (each built once, bound to the target); every
 * other property is read from the target itself, so private fields and getters keep working.
 */
function overriding<T extends object>(
  target: T,
  overrides: Record<string, (original: AnyFunction) => AnyFunction>,
): T {
  const built = new Map<PropertyKey, unknown>();
  return new Proxy(target, {
    get(object, property) {
      const value: unknown = Reflect.get(object, property, object);
      if (!isFunction(value)) return value;
      let method = built.get(property);
      if (method === undefined) {
        const original: AnyFunction = value.bind(object);
        const make = typeof property === "string" ? overrides[property] : undefined;
        method = make ? make(original) : original;
        built.set(property, method);
      }
      return method;
    },
  });
}

/** Times a postgres.js query: lazy until awaited, so its settling is watched without starting it. */
function watchPending(query: unknown, text: unknown, instruments: QueryInstruments): void {
  if (typeof text !== "string" || !(query instanceof Promise)) return;
  const observation = observeStatement(instruments, text);
  // Promise.prototype.then, not the query's own `then`, which would send it: drizzle still has to call
  // `.values()` on it first. Registered before the caller's await, so the span ends before the caller resumes.
  Promise.prototype.then.call(
    query,
    (result: unknown) => observation.end(postgresJsRows(result)),
    (error: unknown) => observation.end(undefined, error),
  );
}

/** Wraps a transaction callback so the transaction's own client (`sql` of `begin`/`savepoint`) is instrumented too. */
function transactional(
  original: AnyFunction,
  name: string,
  instruments: QueryInstruments,
  wrap: (client: object) => object,
): AnyFunction {
  return (...args: unknown[]) => {
    const callback = args.at(-1);
    if (!isFunction(callback)) return original(...args);
    const head = args.slice(0, -1);
    return inTransactionSpan(instruments, name, async () =>
      original(...head, (client: unknown) =>
        callback(
          typeof client === "object" || typeof client === "function" ? wrap(client as object) : client,
        ),
      ),
    );
  };
}

/**
 * A postgres.js client (`postgres(url)`, or the `sql` of a transaction) whose statements are timed and
 * traced (see `observeStatement`), and whose `begin`/`savepoint` record a `transaction` span.
 */
export function instrumentPostgresJs<T extends object>(client: T, instruments: QueryInstruments): T {
  const wrap = (inner: object): object => instrumentPostgresJs(inner, instruments);
  return overriding(client, {
    unsafe:
      (original) =>
      (...args) => {
        const query = original(...args);
        watchPending(query, args[0], instruments);
        return query;
      },
    begin: (original) => transactional(original, "transaction", instruments, wrap),
    savepoint: (original) => transactional(original, "savepoint", instruments, wrap),
  });
}

/** A PGlite instance (or transaction) whose `query` and `exec` are timed and traced, `transaction` spanned. */
export function instrumentPglite<T extends object>(client: T, instruments: QueryInstruments): T {
  const wrap = (inner: object): object => instrumentPglite(inner, instruments);
  const timed =
    (original: AnyFunction): AnyFunction =>
    async (...args) => {
      if (typeof args[0] !== "string") return original(...args);
      const observation = observeStatement(instruments, args[0]);
      try {
        const result = await original(...args);
        observation.end(pgliteRows(result));
        return result;
      } catch (error) {
        observation.end(undefined, error);
        throw error;
      }
    };
  return overriding(client, {
    query: timed,
    exec: timed,
    transaction: (original) => transactional(original, "transaction", instruments, wrap),
  });
}
