import { QueryClient } from "@tanstack/react-query";
import { describe, expect, it } from "vitest";
import { readBy } from "./platform.ts";

describe("the first welcome's baseline", () => {
  it("refetches what was read or in flight by then, not what was read after it or never", async () => {
    const client = new QueryClient();
    client.setQueryData(["read-before"], 1, { updatedAt: 1_000 });
    client.setQueryData(["read-after"], 2, { updatedAt: 3_000 });
    client.getQueryCache().build(client, { queryKey: ["never-read"] });
    let release: (value: number) => void = () => {};
    void client.fetchQuery({
      queryKey: ["in-flight"],
      queryFn: () => new Promise<number>((resolve) => (release = resolve)),
    });
    const stale = client
      .getQueryCache()
      .findAll()
      .filter(readBy(2_000))
      .map((query) => query.queryKey[0]);
    expect(stale.sort()).toEqual(["in-flight", "read-before"]);
    release(4);
  });
});
