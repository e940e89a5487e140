import { Card, PageHeader, Stack } from "@payments/ui";
import { ApiKeysCard } from "./developers/ApiKeysCard.tsx";
import { DeliveriesCard } from "./developers/DeliveriesCard.tsx";
import { EndpointsCard } from "./developers/EndpointsCard.tsx";

/**
 * Developers (docs/adr/0033, 0034): a vendor's API keys, webhook endpoints and the delivery log with
 * replays. Secrets are shown once, right after they are made.
 */
export function DevelopersPage() {
  return (
    <Stack gap={4}>
      <PageHeader
        title="Developers"
        description="Keys your own systems call the API with, and endpoints that receive signed events."
      />
      <ApiKeysCard />
      <EndpointsCard />
      <DeliveriesCard />
      <Card title="Verifying deliveries">
        <p>
          Every delivery is signed per Standard Webhooks (<code>webhook-id</code>,{" "}
          <code>webhook-timestamp</code>, <code>webhook-signature</code>); verify it with any Standard
          Webhooks library and your endpoint&apos;s secret. Deliveries come at least once and in no promised
          order: de-duplicate by <code>webhook-id</code>.
        </p>
      </Card>
    </Stack>
  );
}
