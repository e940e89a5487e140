export { formatMoney, fromMinorUnits, type MinorUnitsResult, toMinorUnits } from "./money.ts";
