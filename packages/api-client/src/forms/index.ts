// The schemas (zod's classic build with the contract schemas they are made of) are fetched when a form is
// first shown, not with every page: `loadForms()`. Types and the zod-free helpers are here directly.
export type { CreatePaymentBody } from "./forms.ts";
export { PASSWORD_MAX, PASSWORD_MIN } from "./limits.ts";
export { type FormModule, loadForms } from "./load.ts";
export { type FormResult, formValues, validateForm } from "./validate.ts";
