import { useRegisterSW } from "virtual:pwa-register/react";
import { Alert, Button } from "@payments/ui";
import { browserUpdateCheck } from "./updates.ts";

/**
 * Registers the service worker and, when a new version has been installed, asks before switching to it
 * (`registerType: "prompt"`): reloading in the middle of a payment form would lose what was typed.
 * An open app checks for a new version every hour (updates.ts).
 */
export function UpdatePrompt() {
  const {
    needRefresh: [needRefresh, setNeedRefresh],
    updateServiceWorker,
  } = useRegisterSW({
    onRegisteredSW(swUrl, registration) {
      if (registration) browserUpdateCheck(swUrl, registration);
    },
  });
  if (!needRefresh) return null;
  return (
    <div className="shell-toast">
      <Alert
        tone="info"
        title="A new version is available"
        actions={
          <>
            <Button size="sm" onClick={() => void updateServiceWorker(true)}>
              Reload
            </Button>
            <Button size="sm" variant="secondary" onClick={() => setNeedRefresh(false)}>
              Later
            </Button>
          </>
        }
      />
    </div>
  );
}
