export { sampleEventData } from "./samples.ts";
