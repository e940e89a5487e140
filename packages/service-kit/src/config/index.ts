export { type CommonEnv, type ConfigResult, commonEnv, parseConfig, tryParseConfig } from "./config.ts";
