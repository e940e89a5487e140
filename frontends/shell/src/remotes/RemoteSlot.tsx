import { Alert, Button, Spinner, usePlatform } from "@payments/ui";
import { Component, type ReactNode, Suspense, use, useState } from "react";
import {
  type RemoteComponent,
  type RemoteLoader,
  type RemoteName,
  RemoteUnavailableError,
} from "./loader.ts";

const LABELS: Record<RemoteName, string> = { auth: "account", payments: "payments", admin: "administration" };

interface BoundaryProps {
  name: RemoteName;
  onRetry(): void;
  report(error: unknown): void;
  children: ReactNode;
}

/** Catches a remote that cannot load or that crashes, so the shell around it keeps working. */
class RemoteBoundary extends Component<BoundaryProps, { error: unknown }> {
  override state: { error: unknown } = { error: undefined };

  static getDerivedStateFromError(error: unknown) {
    return { error };
  }

  override componentDidCatch(error: unknown): void {
    // An unreachable remote is an operations matter (metrics show it); a crash inside one is a bug.
    if (!(error instanceof RemoteUnavailableError)) this.props.report(error);
  }

  // The slot remounts this boundary (new key) with a fresh load, so there is no state to reset here.
  retry = () => this.props.onRetry();

  override render() {
    const { error } = this.state;
    if (error === undefined) return this.props.children;
    const label = LABELS[this.props.name];
    const unreachable = error instanceof RemoteUnavailableError;
    return (
      <Alert
        tone="warning"
        title={
          unreachable
            ? `The ${label} section is unavailable right now`
            : `Something went wrong in the ${label} section`
        }
        actions={
          <Button variant="secondary" onClick={this.retry}>
            Try again
          </Button>
        }
      >
        <p>
          {unreachable
            ? "It could not be loaded, probably for a moment only. Everything else keeps working."
            : "The rest of the app keeps working; trying again usually helps."}
        </p>
      </Alert>
    );
  }
}

function Loaded({ load, basePath }: { load: Promise<RemoteComponent>; basePath: string }) {
  const App = use(load);
  const platform = usePlatform();
  return <App platform={platform} basePath={basePath} />;
}

/**
 * Mounts a remote for one route: loaded on first visit (not before), inside Suspense and an error boundary
 * whose fallback offers a retry that really fetches again.
 */
export function RemoteSlot({
  name,
  basePath,
  loader,
}: {
  name: RemoteName;
  basePath: string;
  loader: RemoteLoader;
}) {
  const platform = usePlatform();
  const [attempt, setAttempt] = useState(0);
  const load = loader.load(name);
  return (
    <RemoteBoundary
      key={attempt}
      name={name}
      report={platform.reportError}
      onRetry={() => {
        loader.retry(name);
        setAttempt((n) => n + 1);
      }}
    >
      <Suspense fallback={<Spinner label={`Loading ${LABELS[name]}`} />}>
        <Loaded load={load} basePath={basePath} />
      </Suspense>
    </RemoteBoundary>
  );
}
