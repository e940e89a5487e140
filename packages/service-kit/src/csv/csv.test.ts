import { describe, expect, test } from "bun:test";
import { csvCell, csvRow, csvStream } from "./csv.ts";

describe("CSV cells", () => {
  test.each([
    ["plain", "plain"],
    ["=1+1", "'=1+1"],
    ["+33 1 23", "'+33 1 23"],
    ["-2", "'-2"],
    ["@SUM(A1)", "'@SUM(A1)"],
    ["\tx", "'\tx"],
    ["a,b", '"a,b"'],
    ['say "hi"', '"say ""hi"""'],
    ["=A1,B1", `"'=A1,B1"`],
    ["line\nbreak", '"line\nbreak"'],
  ])("%p → %p", (input, output) => {
    expect(csvCell(input)).toBe(output);
  });

  test("numbers are written as numbers, null as empty; rows end in CRLF", () => {
    expect(csvRow([-5, null, undefined, "x"])).toBe("-5,,,x\r\n");
  });
});

describe("CSV streams", () => {
  test("the header, then batches until one comes back short", async () => {
    const pages = [["a\r\n", "b\r\n"], ["c\r\n"]];
    const asked: (number | undefined)[] = [];
    const stream = csvStream<number>({
      columns: ["letter"],
      batchSize: 2,
      async batch(cursor) {
        asked.push(cursor);
        const i = cursor ?? 0;
        return { lines: pages[i] ?? [], next: i + 1 };
      },
      onError: () => {},
    });
    expect(await new Response(stream).text()).toBe("letter\r\na\r\nb\r\nc\r\n");
    expect(asked).toEqual([undefined, 1]);
  });

  test("a failing batch breaks the stream instead of ending it", async () => {
    const errors: unknown[] = [];
    const stream = csvStream<number>({
      columns: ["x"],
      batchSize: 1,
      batch: async () => {
        throw new Error("database gone");
      },
      onError: (err) => errors.push(err),
    });
    expect(new Response(stream).text()).rejects.toThrow("database gone");
    await Bun.sleep(1);
    expect(errors).toHaveLength(1);
  });
});
