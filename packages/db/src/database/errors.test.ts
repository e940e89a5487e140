import { describe, expect, test } from "bun:test";
import { DrizzleQueryError } from "drizzle-orm/errors";
import postgres from "postgres";
import { databaseUrlVariable, describeError, isUnavailableError } from "./errors.ts";

function withCode(message: string, code: string): Error {
  return Object.assign(new Error(message), { code });
}

/** Built the way postgres.js builds it (its typings declare a string constructor; the code takes fields). */
function postgresError(code: string): InstanceType<typeof postgres.PostgresError> {
  const error = new postgres.PostgresError("");
  return Object.assign(error, { message: `sqlstate ${code}`, code });
}

describe("database errors", () => {
  test("the URL variable is derived from the service name", () => {
    expect(databaseUrlVariable("payments")).toBe("PAYMENTS_DATABASE_URL");
    expect(databaseUrlVariable("read-model")).toBe("READ_MODEL_DATABASE_URL");
  });

  test("socket errors and server start/stop states are 'unavailable', others are fatal", () => {
    expect(isUnavailableError(withCode("connect ECONNREFUSED 127.0.0.1:1", "ECONNREFUSED"))).toBe(true);
    expect(isUnavailableError(withCode("write CONNECT_TIMEOUT", "CONNECT_TIMEOUT"))).toBe(true);
    expect(isUnavailableError(postgresError("57P03"))).toBe(true);
    expect(isUnavailableError(postgresError("08006"))).toBe(true);
    expect(isUnavailableError(postgresError("3D000"))).toBe(false);
    expect(isUnavailableError(postgresError("42P07"))).toBe(false);
    expect(isUnavailableError(withCode("no such file", "ENOENT"))).toBe(false);
    expect(isUnavailableError(new Error("plain"))).toBe(false);
    const wrapped = new DrizzleQueryError("select 1", [], withCode("refused", "ECONNREFUSED"));
    expect(isUnavailableError(wrapped)).toBe(true);
  });

  test("descriptions include codes and causes but only the first line of a failed statement", () => {
    const wrapped = new DrizzleQueryError('CREATE TABLE "x" (\n  id int\n)', [], postgresError("42P07"));
    expect(describeError(wrapped)).toBe('query failed (CREATE TABLE "x" (): sqlstate 42P07 (42P07)');
    expect(describeError(withCode("refused", "ECONNREFUSED"))).toBe("refused (ECONNREFUSED)");
    expect(describeError("text")).toBe("text");
  });
});
