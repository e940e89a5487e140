import { Button } from "@payments/ui";
import { useEffect, useState } from "react";

/**
 * Copies `text` to the clipboard and says so. Where the browser refuses (no permission, an old browser),
 * it says that instead: the text beside the button can still be selected by hand.
 */
export function CopyButton({ text, label }: { text: string; label: string }) {
  const [outcome, setOutcome] = useState<"copied" | "failed" | undefined>();
  useEffect(() => {
    if (!outcome) return;
    const timer = setTimeout(() => setOutcome(undefined), 4_000);
    return () => clearTimeout(timer);
  }, [outcome]);
  async function copy() {
    try {
      await navigator.clipboard.writeText(text);
      setOutcome("copied");
    } catch {
      setOutcome("failed");
    }
  }
  return (
    <>
      <Button variant="secondary" size="sm" aria-label={label} onClick={() => void copy()}>
        Copy
      </Button>
      <span role="status" className="ui-hint">
        {outcome === "copied" ? "Copied" : outcome === "failed" ? "Select the text to copy it" : ""}
      </span>
    </>
  );
}
