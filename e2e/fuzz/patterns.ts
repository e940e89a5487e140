/**
 * Helpers that let fast-check generate strings for the document's patterns and formats: what
 * fc.stringMatching cannot do (lookarounds, length bounds beside a `+`), and ajv-formats' own checks.
 */
import { fullFormats } from "ajv-formats/dist/formats.js";

/** The pattern without lookarounds, which fc.stringMatching cannot generate (the result is filtered). */
export function withoutLookarounds(pattern: string): string {
  let out = "";
  for (let i = 0; i < pattern.length; i++) {
    if (pattern[i] === "\\") {
      out += pattern.slice(i, i + 2);
      i++;
    } else if (/^\(\?<?[=!]/.test(pattern.slice(i))) {
      let depth = 0;
      for (; i < pattern.length; i++) {
        if (pattern[i] === "\\") i++;
        else if (pattern[i] === "(") depth++;
        else if (pattern[i] === ")" && --depth === 0) break;
      }
    } else out += pattern[i];
  }
  return out;
}

/**
 * `^[class]+$` with length bounds → `^[class]{min,max}$`: the same strings, generated at the right length
 * (filtering short draws for a 12-character minimum would take fast-check forever).
 */
export function withLengths(pattern: string, min: number, max: number | undefined): string {
  const single = /^\^(\[(?:\\.|[^\]\\])+\]|\\.)([+*])\$$/.exec(pattern);
  if (!single || (min === 0 && max === undefined)) return pattern;
  const lower = Math.max(min, single[2] === "+" ? 1 : 0);
  return `^${single[1]}{${lower},${max ?? lower + 40}}$`;
}

/** ajv-formats' check of `format` (the one the conformance check and a validating client apply). */
export function formatCheck(format: unknown): (s: string) => boolean {
  const def = typeof format === "string" ? (fullFormats as Record<string, unknown>)[format] : undefined;
  const check =
    def instanceof RegExp || typeof def === "function" ? def : (def as { validate?: unknown })?.validate;
  if (check instanceof RegExp) return (s) => check.test(s);
  if (typeof check === "function") return (s) => check(s) === true;
  return () => true;
}
