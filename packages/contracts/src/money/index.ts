export {
  amountSchema,
  type Currency,
  currencySchema,
  isSupportedCurrency,
  MAX_AMOUNT,
  minorUnitExponent,
} from "./money.ts";
