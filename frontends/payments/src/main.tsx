// Standalone development entry: the remote on its own dev server, against the real API (no mocks).
import "@payments/ui/styles.css";
import { StandaloneApp } from "@payments/ui";
import { StrictMode } from "react";
import { createRoot } from "react-dom/client";
import App from "./App.tsx";

const root = document.getElementById("root");
if (root) {
  createRoot(root).render(
    <StrictMode>
      <StandaloneApp App={App} requireSession={true} title="Payments" />
    </StrictMode>,
  );
}
