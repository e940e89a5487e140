/**
 * The soak run's arithmetic, pure: RSS samples per process in, start/end/peak and drift out. Drift is the
 * slope of a least-squares line through the samples after the warm-up (caches filling, JIT, pools opening
 * are not a leak), given per hour and over the measured window, so one noisy last sample cannot fake or
 * hide a trend.
 */

/** One reading of one process's resident set. */
export interface Sample {
  /** Seconds since the load started. */
  t: number;
  pid: number;
  /** What the process is ("platform", "caddy", "load generator"). */
  name: string;
  rssMb: number;
}

/** What one process did over the run. */
export interface ProcessSummary {
  name: string;
  pid: number;
  samples: number;
  startMb: number;
  /** RSS at the first sample after the warm-up. */
  afterWarmupMb: number;
  endMb: number;
  peakMb: number;
  /** Fitted growth over the window after the warm-up, MB (undefined with fewer than 3 samples there). */
  driftMb: number | undefined;
  /** The same slope per hour, MB/h. */
  driftMbPerHour: number | undefined;
  /** Seconds of the window the fit covers. */
  windowSeconds: number;
  /**
   * The level after the warm-up: median and 95th percentile of its samples. A full collection every minute
   * or so makes the RSS a sawtooth of ±50 MB, so one sample (the end, the first after the warm-up) says little
   * about where the platform sits; the median does.
   */
  medianMb: number | undefined;
  p95Mb: number | undefined;
  /**
   * Mean RSS of each whole {@link LEVEL_WINDOW_SECONDS} window from the start. A sawtooth tilts a 25-minute
   * fitted line by ±100 MB/h either way; means over windows several teeth long show growth without it.
   */
  windowMeans: Array<{ fromMinute: number; toMinute: number; meanMb: number }>;
  /**
   * The lowest RSS of each whole {@link TROUGH_WINDOW_SECONDS} window after the warm-up: where the process
   * sits right after a collection, what it keeps. The sawtooth's teeth (garbage between collections) do not
   * move these, so a slope through them is the growth a leak would show (ADR 0046).
   */
  troughs: Array<{ fromMinute: number; minMb: number }>;
  /** The least-squares slope through {@link troughs}, MB/h (undefined with fewer than 3 of them). */
  troughDriftMbPerHour: number | undefined;
}

/**
 * The windows whose lowest RSS the trough line uses: four minutes. At the soak's load a full collection
 * comes every 1–3 minutes (the RSS falls by 15–60 MB; the longest gap in ADR 0046's run was 3.1 minutes),
 * so each window holds at least one and its lowest sample is the level right after it. Two-minute windows
 * sometimes held none, and their lowest sample was then a tooth's middle.
 */
export const TROUGH_WINDOW_SECONDS = 240;

/** The length of the windows whose mean RSS the report compares: ten minutes. */
export const LEVEL_WINDOW_SECONDS = 600;

/** Least-squares line through (x, y); slope 0 when every x is the same. */
export function linearFit(points: Array<{ x: number; y: number }>): { slope: number; intercept: number } {
  const n = points.length;
  if (n === 0) return { slope: 0, intercept: 0 };
  const mx = points.reduce((s, p) => s + p.x, 0) / n;
  const my = points.reduce((s, p) => s + p.y, 0) / n;
  let sxy = 0;
  let sxx = 0;
  for (const p of points) {
    sxy += (p.x - mx) * (p.y - my);
    sxx += (p.x - mx) ** 2;
  }
  const slope = sxx === 0 ? 0 : sxy / sxx;
  return { slope, intercept: my - slope * mx };
}

const round1 = (n: number) => Math.round(n * 10) / 10;

/** The q-quantile (0–1) of `values` by the nearest rank; undefined for none. */
export function quantile(values: number[], q: number): number | undefined {
  if (values.length === 0) return undefined;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))];
}

/**
 * The RSS samples of each whole window of `seconds` from `from` on, by the window's start (a last, partial
 * window and empty ones are left out): what the ten-minute means and the troughs are taken over.
 */
function wholeWindows(
  sorted: Sample[],
  from: number,
  seconds: number,
): Array<{ start: number; rss: number[] }> {
  const end = sorted.at(-1)?.t ?? 0;
  const windows: Array<{ start: number; rss: number[] }> = [];
  for (let start = from; start + seconds <= end + 1e-9; start += seconds) {
    const rss = sorted.filter((s) => s.t >= start && s.t < start + seconds).map((s) => s.rssMb);
    if (rss.length > 0) windows.push({ start, rss });
  }
  return windows;
}

/** Means of the whole windows of `seconds` from t = 0. */
function windowMeans(sorted: Sample[], seconds: number): ProcessSummary["windowMeans"] {
  return wholeWindows(sorted, 0, seconds).map(({ start, rss }) => ({
    fromMinute: start / 60,
    toMinute: (start + seconds) / 60,
    meanMb: round1(rss.reduce((a, b) => a + b, 0) / rss.length),
  }));
}

/** The lowest sample of each whole window of `seconds` from `from` on. */
function troughsOf(sorted: Sample[], from: number, seconds: number): ProcessSummary["troughs"] {
  return wholeWindows(sorted, from, seconds).map(({ start, rss }) => ({
    fromMinute: round1(start / 60),
    minMb: round1(Math.min(...rss)),
  }));
}

const maybeRound = (n: number | undefined) => (n === undefined ? undefined : round1(n));

/** Summaries per process (by pid), in the order the processes were first seen. */
export function summarize(samples: Sample[], warmupSeconds: number): ProcessSummary[] {
  const byPid = new Map<number, Sample[]>();
  for (const s of samples) byPid.set(s.pid, [...(byPid.get(s.pid) ?? []), s]);
  return [...byPid.values()].flatMap((list) => {
    const sorted = [...list].sort((a, b) => a.t - b.t);
    const first = sorted[0];
    const last = sorted.at(-1);
    if (!first || !last) return [];
    const window = sorted.filter((s) => s.t >= warmupSeconds);
    const levels = window.map((s) => s.rssMb);
    const fit = window.length >= 3 ? linearFit(window.map((s) => ({ x: s.t, y: s.rssMb }))) : undefined;
    const troughs = troughsOf(sorted, warmupSeconds, TROUGH_WINDOW_SECONDS);
    const troughFit =
      troughs.length >= 3 ? linearFit(troughs.map((w) => ({ x: w.fromMinute * 60, y: w.minMb }))) : undefined;
    const span = window.length > 0 ? (window.at(-1)?.t ?? 0) - (window[0]?.t ?? 0) : 0;
    return [
      {
        name: first.name,
        pid: first.pid,
        samples: sorted.length,
        startMb: round1(first.rssMb),
        afterWarmupMb: round1((window[0] ?? last).rssMb),
        endMb: round1(last.rssMb),
        peakMb: round1(Math.max(...sorted.map((s) => s.rssMb))),
        driftMb: fit ? round1(fit.slope * span) : undefined,
        driftMbPerHour: fit ? round1(fit.slope * 3600) : undefined,
        windowSeconds: Math.round(span),
        medianMb: maybeRound(quantile(levels, 0.5)),
        p95Mb: maybeRound(quantile(levels, 0.95)),
        windowMeans: windowMeans(sorted, LEVEL_WINDOW_SECONDS),
        troughs,
        troughDriftMbPerHour: troughFit ? round1(troughFit.slope * 3600) : undefined,
      },
    ];
  });
}
