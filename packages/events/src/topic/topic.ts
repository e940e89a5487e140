/**
 * AMQP topic-exchange matching, so the in-process bus routes exactly like RabbitMQ: words are separated by
 * ".", `*` matches exactly one word and `#` zero or more words. An empty routing key has zero words.
 */
export function topicMatches(pattern: string, routingKey: string): boolean {
  const p = pattern === "" ? [] : pattern.split(".");
  const k = routingKey === "" ? [] : routingKey.split(".");
  // Memoised over (pattern index, key index): `#` can branch, and patterns like `#.#.#` would otherwise
  // explore exponentially many splits.
  const memo = new Map<number, boolean>();
  const match = (i: number, j: number): boolean => {
    const slot = i * (k.length + 1) + j;
    const known = memo.get(slot);
    if (known !== undefined) return known;
    let result: boolean;
    if (i === p.length) {
      result = j === k.length;
    } else if (p[i] === "#") {
      // `#` takes zero words, or one word and stays.
      result = match(i + 1, j) || (j < k.length && match(i, j + 1));
    } else if (j === k.length) {
      result = false;
    } else {
      result = (p[i] === "*" || p[i] === k[j]) && match(i + 1, j + 1);
    }
    memo.set(slot, result);
    return result;
  };
  return match(0, 0);
}

/** True when `pattern` is a usable binding key: dot-separated words of `[a-z0-9_-]`, `*` or `#`. */
export function isValidTopicPattern(pattern: string): boolean {
  return (
    pattern.length > 0 && pattern.length <= 255 && /^(\*|#|[a-z0-9_-]+)(\.(\*|#|[a-z0-9_-]+))*$/.test(pattern)
  );
}
