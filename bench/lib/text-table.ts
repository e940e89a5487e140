/**
 * The plain-text table every benchmark prints: a header, a rule, one line per row, columns padded to their
 * widest cell. `numbers-right` right-aligns every column but the first (figures line up by their units).
 */
export function textTable(
  header: string[],
  rows: string[][],
  align: "left" | "numbers-right" = "left",
): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? "").length)));
  const line = (cells: string[]) =>
    cells
      .map((c, i) =>
        align === "numbers-right" && i > 0 ? c.padStart(widths[i] ?? 0) : c.padEnd(widths[i] ?? 0),
      )
      .join("  ")
      .trimEnd();
  return [line(header), widths.map((w) => "-".repeat(w)).join("  "), ...rows.map(line)].join("\n");
}
