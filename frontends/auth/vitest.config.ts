import react from "@vitejs/plugin-react";
import { defineConfig } from "vitest/config";

// Tests run without the federation plugin: the remote's components are tested as plain React.
export default defineConfig({
  plugins: [react()],
  test: { environment: "happy-dom", include: ["src/**/*.test.{ts,tsx}"], restoreMocks: true },
});
