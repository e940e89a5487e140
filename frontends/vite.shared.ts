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

/**
 * Exports of react-router the frontends use (keep in sync: an export missing here loads the full bundle in
 * a remote; the shell's `src/remotes/shared.ts` hands over exactly these, checked by the compiler).
 */
export const ROUTER_EXPORTS = [
  "BrowserRouter",
  "Link",
  "NavLink",
  "Navigate",
  "Outlet",
  "Route",
  "Routes",
  "useLocation",
  "useNavigate",
  "useParams",
  "useSearchParams",
] as const;

/** Exports of TanStack Query the frontends use (same rule). */
export const QUERY_EXPORTS = [
  "QueryClient",
  "QueryClientProvider",
  "useInfiniteQuery",
  "useMutation",
  "useQuery",
  "useQueryClient",
] as const;

/**
 * Modules loaded once per page and shared by the shell and every remote (ARCHITECTURE §8): one React, one
 * router, one query cache, one design system, one API client (the contract values travel inside it; zod
 * and the contract schemas in its lazy chunks). The shell provides them (`shell/src/remotes/shared.ts`,
 * docs/adr/0009); these are the remotes' declarations. The two big libraries list the exports actually
 * used: the shell hands over just those (react-router: 67 KB → 13 KB gzipped).
 */
export const SHARED = {
  react: { singleton: true },
  "react-dom": { singleton: true },
  "react-router": {
    singleton: true,
    treeShaking: { mode: "runtime-infer", usedExports: [...ROUTER_EXPORTS] as string[] },
  },
  "@tanstack/react-query": {
    singleton: true,
    treeShaking: { mode: "runtime-infer", usedExports: [...QUERY_EXPORTS] as string[] },
  },
  "@payments/ui": { singleton: true },
  "@payments/api-client": { singleton: true },
} as const;

/**
 * Shares as a remote's production build declares them: all host-only (`import: false`). A production
 * remote only runs inside the shell, which always provides every one of them; a local fallback would only
 * add bytes: the bundler inlines fallback wrappers and copies (the API client, zod) into chunks the exposed
 * module imports statically, so every first visit downloaded them for nothing. Dev servers keep the
 * fallbacks so a remote can also run standalone. The tree-shaking settings stay: without them the runtime
 * hands the remote the host's full fallback build of the router and query (65 KB + 14 KB gzipped more).
 */
export const REMOTE_BUILD_SHARED = Object.fromEntries(
  Object.entries(SHARED).map(([name, config]) => [name, { ...config, import: false }]),
) as { [K in keyof typeof SHARED]: (typeof SHARED)[K] & { import: false } };

/**
 * Federation options of the remotes' builds. "loaded-first": a remote's entry is fetched
 * when its route is needed (first visited, or the page being opened), not at start-up to negotiate
 * versions (all copies come from this repo).
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
