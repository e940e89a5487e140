import type { PaymentFilters } from "@payments/api-client";
import { Button, ErrorNotice, usePlatform } from "@payments/ui";
import { useMutation } from "@tanstack/react-query";

/** Saves `blob` as a file: a link the page clicks, since the file came from a fetch with a bearer token. */
function save(blob: Blob, name: string): void {
  const url = URL.createObjectURL(blob);
  const link = document.createElement("a");
  link.href = url;
  link.download = name;
  link.style.display = "none";
  document.body.append(link);
  link.click();
  link.remove();
  // The download has started by now; the URL is not needed beyond this turn.
  setTimeout(() => URL.revokeObjectURL(url), 0);
}

/** Downloads every payment the filters match as CSV (the service streams it, however many there are). */
export function ExportButton({ filters }: { filters: PaymentFilters }) {
  const { api } = usePlatform();
  const exporting = useMutation({
    mutationFn: async () => {
      const blob = await api.payments.exportCsv(filters);
      save(blob, `payments-${new Date().toISOString().slice(0, 10)}.csv`);
    },
  });
  return (
    <>
      <Button variant="secondary" size="sm" busy={exporting.isPending} onClick={() => exporting.mutate()}>
        Export CSV
      </Button>
      <ErrorNotice error={exporting.error ?? undefined} />
    </>
  );
}
