/**
 * Settings every frontend's Vite config shares. Plain data only: this file sits outside the apps, where
 * no package resolves (isolated installs), so it imports nothing.
 */

/** Dev server ports; the shell loads the remotes' dev servers from these in `vite dev`. */
export const DEV_PORTS = { shell: 5173, auth: 5174, payments: 5175, admin: 5176 } as const;

/** A remote's name. */
export type RemoteName = "auth" | "payments" | "admin";

/** The gateway every dev server proxies `/api` and `/ws` to. */
export const GATEWAY = "http://localhost:3000";

/** Exports of react-router the frontends use (keep in sync: an export missing here loads the full bundle). */
const ROUTER_EXPORTS = [
  "BrowserRouter",
  "Link",
  "MemoryRouter",
  "NavLink",
  "Navigate",
  "Outlet",
  "Route",
  "Routes",
  "useLocation",
  "useNavigate",
  "useParams",
  "useSearchParams",
];

/** Exports of TanStack Query the frontends use (same rule). */
const QUERY_EXPORTS = [
  "QueryClient",
  "QueryClientProvider",
  "useInfiniteQuery",
  "useMutation",
  "useQuery",
  "useQueryClient",
];

/**
 * Modules loaded once per page and shared by the shell and every remote (ARCHITECTURE §8): one React, one
 * router, one query cache, one design system, one API client (zod and the contracts travel inside it,
 * tree-shaken; shared on their own they would be bundled whole, locales and all). A shared module is a
 * separate entry and is not tree-shaken, so the two big libraries list the exports actually used: their
 * shared bundle shrinks to those (react-router: 67 KB → 13 KB gzipped).
 */
export const SHARED = {
  react: { singleton: true },
  "react-dom": { singleton: true },
  "react-router": { singleton: true, treeShaking: { mode: "runtime-infer", usedExports: ROUTER_EXPORTS } },
  "@tanstack/react-query": {
    singleton: true,
    treeShaking: { mode: "runtime-infer", usedExports: QUERY_EXPORTS },
  },
  "@payments/ui": { singleton: true },
  "@payments/api-client": { singleton: true },
} as const;

/**
 * Shares as a remote's production build declares them: the workspace packages are host-only
 * (`import: false`). Without that, the bundler inlines the remote's fallback copy of the API client into
 * a chunk the exposed module imports statically, and every first visit downloads it for nothing: the
 * shell always provides it. Dev servers keep the fallback so a remote can also run standalone.
 */
export const REMOTE_BUILD_SHARED = {
  ...SHARED,
  "@payments/ui": { singleton: true, import: false },
  "@payments/api-client": { singleton: true, import: false },
} as const;

/**
 * Federation options common to the shell and the remotes. "loaded-first": a remote's entry is fetched
 * when its route is first visited, not at start-up to negotiate versions (all copies come from this repo).
 */
export const FEDERATION_COMMON = { shared: SHARED, shareStrategy: "loaded-first", dts: false } as const;

/**
 * Dev proxy to the gateway. The refresh route checks `Origin` against the gateway's allow-list, which names
 * the gateway's own origins; the dev server is a same-machine proxy standing in for it, so it presents the
 * gateway's origin (only in `vite dev`, never in a build).
 */
export const DEV_PROXY = {
  "/api": {
    target: GATEWAY,
    changeOrigin: true,
    headers: { origin: GATEWAY },
  },
  "/ws": {
    target: GATEWAY.replace("http", "ws"),
    ws: true,
    changeOrigin: true,
    headers: { origin: GATEWAY },
  },
} as const;

/** Production location of a remote: the gateway (or Caddy) serves `frontends/<name>/dist` there. */
export function remoteBase(name: RemoteName): string {
  return `/remotes/${name}/`;
}
