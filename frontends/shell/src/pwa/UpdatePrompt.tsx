import { useRegisterSW } from "virtual:pwa-register/react";
import { Alert, Button } from "@payments/ui";

/**
 * Registers the service worker and, when a new version has been installed, asks before switching to it
 * (`registerType: "prompt"`): reloading in the middle of a payment form would lose what was typed.
 */
export function UpdatePrompt() {
  const {
    needRefresh: [needRefresh, setNeedRefresh],
    updateServiceWorker,
  } = useRegisterSW();
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
