// Types of the remotes' exposed modules. Every remote exposes `./App`, a component taking the platform;
// the contract lives in @payments/api-client (RemoteAppProps), shared by host and remotes.

declare module "auth/App" {
  import type { RemoteAppProps } from "@payments/api-client";
  import type { ComponentType } from "react";

  const App: ComponentType<RemoteAppProps>;
  export default App;
}

declare module "payments/App" {
  import type { RemoteAppProps } from "@payments/api-client";
  import type { ComponentType } from "react";

  const App: ComponentType<RemoteAppProps>;
  export default App;
}

declare module "admin/App" {
  import type { RemoteAppProps } from "@payments/api-client";
  import type { ComponentType } from "react";

  const App: ComponentType<RemoteAppProps>;
  export default App;
}
