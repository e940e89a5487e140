import { describe, expect, it } from "vitest";
import { anyFilter, filterState, parseFilters } from "./filters.ts";
import { dailyPoints, lastDays } from "./report-data.ts";

const state = (query: string) => filterState(new URLSearchParams(query));

describe("list filters", () => {
  it("turns the form into the API's query: minor units of the chosen currency, whole local days", () => {
    const { api, errors } = parseFilters(
      state("q=+books+&min=1200&max=5000&currency=jpy&from=2025-03-01"),
      "usd",
      "en",
    );
    expect(errors).toEqual({});
    expect(api).toMatchObject({ q: "books", "amount[gte]": 1200, "amount[lte]": 5000, currency: "jpy" });
    expect(parseFilters(state("min=12.5"), "usd", "en").api["amount[gte]"]).toBe(1250);
    expect(parseFilters(state("min=12.5&currency=jpy"), "usd", "en").errors.min).toBe(
      "JPY amounts take whole numbers only.",
    );
    expect(api["created[gte]"]).toBe(new Date("2025-03-01T00:00:00").toISOString());
  });

  it("leaves out what cannot be used and says why", () => {
    const { api, errors } = parseFilters(
      state("min=-5&from=2025-03-02&to=2025-03-01&status=paid"),
      "usd",
      "en",
    );
    expect(errors.min).toBe("The amount must be more than zero.");
    expect(errors.to).toBe("The end date is before the start date.");
    expect(api).toMatchObject({ "amount[gte]": undefined, "created[gte]": undefined, status: undefined });
    const reversed = parseFilters(state("min=20&max=10"), "usd", "en");
    expect(reversed.errors.max).toBe("The highest amount is below the lowest.");
    expect(parseFilters(state("counterparty=nobody"), "usd", "en").api.counterparty).toBeUndefined();
  });

  it("knows an unfiltered list", () => {
    expect(anyFilter(state(""))).toBe(false);
    expect(anyFilter(state("status=failed"))).toBe(true);
  });
});

describe("report days", () => {
  it("has every day of the range, zero where nothing happened", () => {
    const range = lastDays(3, new Date(2025, 2, 31, 15));
    expect(range.days).toEqual(["2025-03-29", "2025-03-30", "2025-03-31"]);
    const points = dailyPoints(
      {
        object: "report",
        scope: "user",
        from: range.from,
        to: range.to,
        currency: null,
        time_zone: "UTC",
        by_status: [],
        totals: [],
        by_day: [
          {
            date: "2025-03-30",
            currency: "usd",
            count: 2,
            succeeded: 2,
            failed: 0,
            volume: 700,
            refunded: 0,
          },
          { date: "2025-03-30", currency: "eur", count: 1, succeeded: 1, failed: 0, volume: 5, refunded: 0 },
        ],
      },
      "usd",
      range,
    );
    expect(points.map((p) => p.volume)).toEqual([0, 700, 0]);
  });
});
