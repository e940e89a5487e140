import react from "@vitejs/plugin-react";
import { defineConfig } from "vitest/config";

// Tests run without the federation and PWA plugins: components are tested as plain React.
export default defineConfig({
  plugins: [react()],
  define: {
    __REMOTE_ENTRIES__: JSON.stringify({ auth: "/a.js", payments: "/p.js", admin: "/ad.js" }),
    __SHARED_VERSIONS__: JSON.stringify({ router: "0.0.0", query: "0.0.0", workspace: "0.0.0" }),
  },
  test: {
    setupFiles: ["src/test-setup.ts"],
    // Generous: CI shares 2 cores between every suite; speed is measured in bench/, not here.
    testTimeout: 30_000,
    environment: "happy-dom",
    include: ["src/**/*.test.{ts,tsx}", "build/**/*.test.ts", "../../packages/api-client/src/**/*.test.ts"],
    restoreMocks: true,
  },
});
