/** CSV cells and rows (RFC 4180, formula-looking text defused): the kit's, shared with the payments export. */
export { csvCell, csvRow } from "@payments/service-kit";
