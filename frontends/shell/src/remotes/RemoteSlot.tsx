import { Alert, Button, Spinner, usePlatform } from "@payments/ui";
import { Component, type ReactNode, Suspense, useCallback, useState, useSyncExternalStore } from "react";
import { type RemoteLoad, type RemoteLoader, type RemoteName, RemoteUnavailableError } from "./loader.ts";

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

/** The load's outcome so far, re-rendering when it settles. */
function useOutcome(load: RemoteLoad): RemoteLoad["status"] {
  const subscribe = useCallback(
    (onSettled: () => void) => {
      load.then(onSettled, onSettled);
      return () => {};
    },
    [load],
  );
  return useSyncExternalStore(subscribe, () => load.status);
}

/**
 * Renders the remote once loaded. While it loads this shows the spinner itself rather than suspending:
 * React holds back content that resolves within 300 ms of a Suspense fallback being shown (its reveal
 * throttle), which delayed the first paint of a remote that arrives just after the session check by up to
 * that much. A failure is thrown to the boundary; whatever suspends inside the remote uses the Suspense
 * boundary around this.
 */
function Loaded({ name, load, basePath }: { name: RemoteName; load: RemoteLoad; basePath: string }) {
  const status = useOutcome(load);
  const platform = usePlatform();
  if (status === "rejected") throw load.reason;
  const App = status === "fulfilled" ? load.value : undefined;
  if (!App) return <Spinner label={`Loading ${LABELS[name]}`} />;
  return <App platform={platform} basePath={basePath} />;
}

/**
 * Mounts a remote for one route: loaded on first visit (or as the page opens, when it owns the page being
 * opened), inside Suspense and an error boundary whose fallback offers a retry that really fetches again.
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
        <Loaded name={name} load={load} basePath={basePath} />
      </Suspense>
    </RemoteBoundary>
  );
}
