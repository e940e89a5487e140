import react from "@vitejs/plugin-react";
import { defineConfig } from "vitest/config";

// Tests run without the federation plugin: the remote's components are tested as plain React.
export default defineConfig({
  plugins: [react()],
  test: {
    setupFiles: ["src/test-setup.ts"],
    // Generous: CI shares 2 cores between every suite; speed is measured in bench/, not here.
    testTimeout: 30_000,
    environment: "happy-dom",
    include: ["src/**/*.test.{ts,tsx}"],
    restoreMocks: true,
  },
});
