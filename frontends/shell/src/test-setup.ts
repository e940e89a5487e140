import { configure } from "@testing-library/react";

// CI runs everything on 2 shared cores: give findBy* queries time before calling an element missing.
configure({ asyncUtilTimeout: 5_000 });
