/** The form schemas module: what `loadForms()` resolves to. */
export type FormModule = typeof import("./forms.ts");

/** The load, carrying its outcome once settled (the fields React's `use` reads, so it need not suspend). */
type FormsLoad = Promise<FormModule> & { status?: "fulfilled"; value?: FormModule };

let forms: FormsLoad | undefined;

/**
 * The form schemas, mirroring the API's request schemas (built from `@payments/contracts`), fetched once
 * when the first form needs them. A failed fetch is forgotten so that the next form asks again.
 */
export function loadForms(): Promise<FormModule> {
  if (forms) return forms;
  const load: FormsLoad = import("./forms.ts").then(
    (module) => {
      load.status = "fulfilled";
      load.value = module;
      return module;
    },
    (error: unknown) => {
      forms = undefined;
      throw error;
    },
  );
  forms = load;
  return load;
}
