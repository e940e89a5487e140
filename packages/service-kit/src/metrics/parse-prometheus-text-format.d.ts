// The package ships no types; this declares the part the kit uses.
declare module "parse-prometheus-text-format" {
  /** One parsed sample (histogram and summary samples are folded per family by the library). */
  export interface ParsedSample {
    value?: string;
    labels?: Record<string, string>;
    buckets?: Record<string, string>;
    quantiles?: Record<string, string>;
    count?: string;
    sum?: string;
  }
  /** One metric family. */
  export interface ParsedFamily {
    name: string;
    help: string;
    type: "COUNTER" | "GAUGE" | "HISTOGRAM" | "SUMMARY" | "UNTYPED";
    metrics: ParsedSample[];
  }
  /** Parses the Prometheus text format; throws `InvalidLineError` on a malformed line. */
  export default function parsePrometheusTextFormat(text: string): ParsedFamily[];
}
