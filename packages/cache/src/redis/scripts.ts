import type { Redis } from "ioredis";

/**
 * Sets an entry and adds it to its tag sets in one atomic step. A tag set must live as long as its
 * longest-lived member: a new set takes the entry's TTL, an existing one is extended but never shortened,
 * and a member without TTL makes the set persistent. MULTI cannot express those conditions, so this is Lua.
 *
 * KEYS[1] entry key, KEYS[2..n] tag set keys; ARGV[1] JSON value, ARGV[2] TTL in ms (0 = none).
 */
const SET_WITH_TAGS = `
local ttl = tonumber(ARGV[2])
if ttl > 0 then
  redis.call('SET', KEYS[1], ARGV[1], 'PX', ttl)
else
  redis.call('SET', KEYS[1], ARGV[1])
end
for i = 2, #KEYS do
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
return 1
`;

const SET_WITH_TAGS_SHA = new Bun.CryptoHasher("sha1").update(SET_WITH_TAGS).digest("hex");

/** Runs {@link SET_WITH_TAGS} by hash, sending the script only when Redis does not have it cached yet. */
export async function setWithTags(
  client: Redis,
  key: string,
  tagKeys: readonly string[],
  json: string,
  ttlMs: number | undefined,
): Promise<void> {
  const keys = [key, ...tagKeys];
  const args = [json, String(ttlMs ?? 0)];
  try {
    await client.evalsha(SET_WITH_TAGS_SHA, keys.length, ...keys, ...args);
  } catch (error) {
    if (!(error instanceof Error) || !error.message.startsWith("NOSCRIPT")) throw error;
    await client.eval(SET_WITH_TAGS, keys.length, ...keys, ...args);
  }
}
