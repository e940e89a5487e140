import { expect, test } from "bun:test";
import { textTable } from "./text-table.ts";

test("pads columns to their widest cell, left or numbers right", () => {
  expect(textTable(["a", "bb"], [["xyz", "1"]])).toBe("a    bb\n---  --\nxyz  1");
  expect(textTable(["a", "bb"], [["xyz", "1"]], "numbers-right")).toBe("a    bb\n---  --\nxyz   1");
});
