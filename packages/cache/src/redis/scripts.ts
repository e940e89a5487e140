import type { Redis } from "ioredis";

/**
 * Lua that sets an entry (KEYS[1]) and adds it to its tag sets (KEYS[2..1+tagCount]) in one atomic step. A
 * tag set must live as long as its longest-lived member: a new set takes the entry's TTL, an existing one
 * is extended but never shortened, and a member without TTL makes the set persistent. MULTI cannot express
 * those conditions, so this is Lua. ARGV[1] JSON value, ARGV[2] TTL in ms (0 = none).
 */
const STORE = `
local function store(tagCount)
  local ttl = tonumber(ARGV[2])
  if ttl > 0 then
    redis.call('SET', KEYS[1], ARGV[1], 'PX', ttl)
  else
    redis.call('SET', KEYS[1], ARGV[1])
  end
  for i = 2, 1 + tagCount do
    local existed = redis.call('EXISTS', KEYS[i])
    redis.call('SADD', KEYS[i], KEYS[1])
    if ttl == 0 then
      redis.call('PERSIST', KEYS[i])
    else
      local remaining = redis.call('PTTL', KEYS[i])
      if existed == 0 or (remaining >= 0 and remaining < ttl) then
        redis.call('PEXPIRE', KEYS[i], ttl)
      end
    end
  end
end
`;

/** KEYS[1] entry, KEYS[2..n] tag sets; ARGV as {@link STORE}. */
const SET_WITH_TAGS = `${STORE}
store(#KEYS - 1)
return 1
`;

/**
 * {@link STORE} unless an invalidation mark newer than ARGV[4] (a sequence) exists among KEYS[2+tagCount..]
 * (the marks of the entry and of its tags); ARGV[3] is tagCount. Returns 1 when stored, 0 when refused.
 */
const SET_UNLESS_INVALIDATED = `${STORE}
local tagCount = tonumber(ARGV[3])
local since = tonumber(ARGV[4])
for i = 2 + tagCount, #KEYS do
  local marked = redis.call('GET', KEYS[i])
  if marked and tonumber(marked) > since then return 0 end
end
store(tagCount)
return 1
`;

/**
 * Takes the next invalidation sequence (KEYS[1]) and marks KEYS[2..n] with it for ARGV[1] ms. Runs before
 * the entries are deleted, so a guarded store that lands between the two already sees the mark.
 */
const MARK = `
local sequence = redis.call('INCR', KEYS[1])
for i = 2, #KEYS do
  redis.call('SET', KEYS[i], sequence, 'PX', ARGV[1])
end
return sequence
`;

const sha1 = (script: string): string => new Bun.CryptoHasher("sha1").update(script).digest("hex");
const SHAS = new Map([SET_WITH_TAGS, SET_UNLESS_INVALIDATED, MARK].map((script) => [script, sha1(script)]));

/** Runs a script by hash, sending it only when Redis does not have it cached yet. */
async function run(client: Redis, script: string, keys: readonly string[], args: readonly string[]) {
  try {
    return await client.evalsha(SHAS.get(script) ?? sha1(script), keys.length, ...keys, ...args);
  } catch (error) {
    if (!(error instanceof Error) || !error.message.startsWith("NOSCRIPT")) throw error;
    return client.eval(script, keys.length, ...keys, ...args);
  }
}

/** Sets an entry and adds it to its tag sets in one atomic step (see {@link STORE}). */
export async function setWithTags(
  client: Redis,
  key: string,
  tagKeys: readonly string[],
  json: string,
  ttlMs: number | undefined,
): Promise<void> {
  await run(client, SET_WITH_TAGS, [key, ...tagKeys], [json, String(ttlMs ?? 0)]);
}

/** {@link setWithTags}, unless one of `markKeys` holds a sequence above `since`; true when stored. */
export async function setUnlessMarked(
  client: Redis,
  entry: { key: string; tagKeys: readonly string[]; markKeys: readonly string[] },
  json: string,
  ttlMs: number | undefined,
  since: number,
): Promise<boolean> {
  const keys = [entry.key, ...entry.tagKeys, ...entry.markKeys];
  const args = [json, String(ttlMs ?? 0), String(entry.tagKeys.length), String(since)];
  return (await run(client, SET_UNLESS_INVALIDATED, keys, args)) === 1;
}

/** Takes the next invalidation sequence from `sequenceKey` and marks `markKeys` with it for `ttlMs`. */
export async function mark(
  client: Redis,
  sequenceKey: string,
  markKeys: readonly string[],
  ttlMs: number,
): Promise<void> {
  await run(client, MARK, [sequenceKey, ...markKeys], [String(ttlMs)]);
}
