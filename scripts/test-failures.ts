/**
 * The failed tests' names from a suite's output, for `bun run test`'s summary. A lane's output is printed
 * long before the run ends, and CI's report keeps only the run's tail: without these names a failure there
 * says which suite failed but not which test.
 */

/** How many names the summary line shows before "and N more". */
export const SHOWN_FAILURES = 8;

/** bun test's `(fail) …` lines and vitest's ` FAIL …` / ` × …` lines, joined; undefined when there are none. */
export function failedTests(output: string): string | undefined {
  const names = output
    .split("\n")
    .filter((line) => /^\(fail\) |^ +(FAIL|×) /.test(line))
    .map((line) => line.trim());
  if (names.length === 0) return undefined;
  const shown = names.slice(0, SHOWN_FAILURES).join(" | ");
  return names.length > SHOWN_FAILURES ? `${shown} | and ${names.length - SHOWN_FAILURES} more` : shown;
}
