export { type CsvStreamOptions, csvCell, csvRow, csvStream } from "./csv.ts";
