/**
 * The modules the shell shares with its remotes (ARCHITECTURE §8: one React, one router, one query cache,
 * one design system, one API client), handed to the federation runtime as the shell's own, already loaded
 * copies. The remotes' builds declare every one of them host-only (`vite.shared.ts`, `import: false`).
 */
import type { UserOptions } from "@module-federation/runtime/types";
import * as apiClient from "@payments/api-client";
import * as ui from "@payments/ui";
import {
  QueryClient,
  QueryClientProvider,
  useInfiniteQuery,
  useMutation,
  useQuery,
  useQueryClient,
} from "@tanstack/react-query";
import * as react from "react";
import * as reactDom from "react-dom";
import {
  BrowserRouter,
  Link,
  Navigate,
  NavLink,
  Outlet,
  Route,
  Routes,
  useLocation,
  useNavigate,
  useParams,
  useSearchParams,
} from "react-router";
import type { QUERY_EXPORTS, ROUTER_EXPORTS } from "../../../vite.shared.ts";

// The router and TanStack Query are handed over as the exports the frontends use, named one by one: a
// namespace object would keep the whole library in the bundle (react-router: 67 KB gzipped instead of
// 13). `satisfies` keeps these lists equal to the ones the remotes' builds declare.
const router = {
  BrowserRouter,
  Link,
  NavLink,
  Navigate,
  Outlet,
  Route,
  Routes,
  useLocation,
  useNavigate,
  useParams,
  useSearchParams,
} satisfies Record<(typeof ROUTER_EXPORTS)[number], unknown>;
const query = {
  QueryClient,
  QueryClientProvider,
  useInfiniteQuery,
  useMutation,
  useQuery,
  useQueryClient,
} satisfies Record<(typeof QUERY_EXPORTS)[number], unknown>;

/** One share: the module itself, its version, a singleton whatever version a remote asks for. */
function share(version: string, module: object) {
  return { version, lib: () => module, shareConfig: { singleton: true, requiredVersion: false as const } };
}

/** The `shared` option of the shell's federation instance. */
export function sharedModules(versions: SharedVersions): NonNullable<UserOptions["shared"]> {
  return {
    react: share(react.version, react),
    "react-dom": share(reactDom.version, reactDom),
    "react-router": share(versions.router, router),
    "@tanstack/react-query": share(versions.query, query),
    "@payments/ui": share(versions.workspace, ui),
    "@payments/api-client": share(versions.workspace, apiClient),
  };
}

/** Versions the libraries do not export themselves (read from their package.json at build time). */
export interface SharedVersions {
  router: string;
  query: string;
  workspace: string;
}
