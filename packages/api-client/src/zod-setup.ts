import { config } from "zod";

// Imported by the modules that bring zod in (the form schemas, the event parser): the first load has no zod.
// Zod compiles a parser for each object schema with `new Function` the first time it parses. A page
// parses a handful of responses, so compiling costs more than it saves, and under the production
// Content-Security-Policy (no 'unsafe-eval') the probe for it is refused and logged as a violation in
// every visitor's console. The interpreted path gives the same results.
config({ jitless: true });
