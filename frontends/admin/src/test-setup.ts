import { loadForms } from "@payments/api-client";
import { configure } from "@testing-library/react";

// CI runs everything on 2 shared cores: give findBy* queries time before calling an element missing.
configure({ asyncUtilTimeout: 5_000 });

// In the browser the form schemas are a chunk of their own, fetched with the first form; fetch them once
// here so that the first test's timeouts measure the page, not the transform of zod and the contracts.
await loadForms();
