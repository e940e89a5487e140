import type { WebSocketLike } from "../realtime/index.ts";
import type { SessionSyncMessage, SyncChannel, Timers } from "../session/index.ts";

/** Manually driven timers: `advance(ms)` runs what falls due, in order. For tests only. */
export class FakeTimers implements Timers {
  now = 0;
  private next = 1;
  private readonly pending = new Map<number, { at: number; fn: () => void }>();

  setTimeout = (fn: () => void, ms: number): unknown => {
    const id = this.next++;
    this.pending.set(id, { at: this.now + ms, fn });
    return id;
  };

  clearTimeout = (handle: unknown): void => {
    if (typeof handle === "number") this.pending.delete(handle);
  };

  /** Delays of the timers now pending, soonest first. */
  delays(): number[] {
    return [...this.pending.values()].map((t) => t.at - this.now).sort((a, b) => a - b);
  }

  advance(ms: number): void {
    const until = this.now + ms;
    for (;;) {
      const due = [...this.pending.entries()]
        .filter(([, t]) => t.at <= until)
        .sort((a, b) => a[1].at - b[1].at)[0];
      if (!due) break;
      this.pending.delete(due[0]);
      this.now = due[1].at;
      due[1].fn();
    }
    this.now = until;
  }
}

type Listener = (event: { data: unknown; code: number }) => void;

/** A WebSocket stand-in the test drives: `open()`, `receive(json)`, `drop()`; records what was sent. */
export class FakeWebSocket implements WebSocketLike {
  static instances: FakeWebSocket[] = [];
  readonly sent: unknown[] = [];
  closed = false;
  private readonly listeners = new Map<string, Listener[]>();

  constructor(readonly url: string) {
    FakeWebSocket.instances.push(this);
  }

  send(data: string): void {
    this.sent.push(JSON.parse(data));
  }

  close(): void {
    this.closed = true;
  }

  addEventListener(type: string, listener: Listener): void {
    this.listeners.set(type, [...(this.listeners.get(type) ?? []), listener]);
  }

  private emit(type: string, event: { data: unknown; code: number }): void {
    for (const listener of this.listeners.get(type) ?? []) listener(event);
  }

  open(): void {
    this.emit("open", { data: undefined, code: 0 });
  }

  receive(message: unknown): void {
    this.emit("message", { data: JSON.stringify(message), code: 0 });
  }

  /** The server or the network closed the connection. */
  drop(code = 1006): void {
    this.closed = true;
    this.emit("close", { data: undefined, code });
  }
}

/** A broadcast bus: each `channel()` is one tab; a post reaches every other tab, never the sender. */
export class FakeBroadcast {
  private readonly tabs = new Set<(message: unknown) => void>();

  channel(): SyncChannel {
    let own: ((message: unknown) => void) | undefined;
    return {
      post: (message: SessionSyncMessage) => {
        // Structured clone, as BroadcastChannel does: no shared object between tabs.
        const copy: unknown = JSON.parse(JSON.stringify(message));
        for (const tab of this.tabs) if (tab !== own) tab(copy);
      },
      subscribe: (handler) => {
        own = handler;
        this.tabs.add(handler);
        return () => this.tabs.delete(handler);
      },
    };
  }
}

/** Lets pending promise callbacks run (several microtask turns). */
export async function flush(): Promise<void> {
  for (let i = 0; i < 10; i++) await Promise.resolve();
}
