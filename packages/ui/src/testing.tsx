import type { Platform } from "@payments/api-client";
import { type RenderResult, render } from "@testing-library/react";
import type { ReactElement } from "react";
import { MemoryRouter, Route, Routes } from "react-router";
import { RemoteRoot } from "./platform/context.tsx";

/**
 * Renders `element` as a remote would be: inside the platform context and a router at `path`, with the
 * element mounted under `mount` (the remote's prefix, "/*" by default).
 */
export function renderWithPlatform(
  element: ReactElement,
  { platform, path = "/", mount = "/*" }: { platform: Platform; path?: string; mount?: string },
): RenderResult {
  return render(
    <RemoteRoot platform={platform}>
      <MemoryRouter initialEntries={[path]}>
        <Routes>
          <Route path={mount} element={element} />
        </Routes>
      </MemoryRouter>
    </RemoteRoot>,
  );
}
