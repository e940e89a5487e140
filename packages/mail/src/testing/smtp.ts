import { freePort } from "@payments/testing";
import { SMTPServer } from "smtp-server";

/** A message the test server accepted. */
export interface ReceivedMail {
  from: string;
  to: string[];
  /** The raw MIME message as it arrived. */
  raw: string;
  /** The `Message-ID` header. */
  messageId: string | undefined;
  subject: string | undefined;
}

/** A real SMTP server in this process (the `smtp-server` package), for tests. */
export interface TestSmtpServer {
  port: number;
  /** `smtp://127.0.0.1:<port>` */
  url: string;
  received: ReceivedMail[];
  /** Stops listening and drops open connections: sends fail until {@link TestSmtpServer.start}. */
  stop(): Promise<void>;
  /** Listens again on the same port. */
  start(): Promise<void>;
  /** Waits until at least `count` messages arrived (or throws after `timeoutMs`). */
  waitFor(count: number, timeoutMs?: number): Promise<ReceivedMail[]>;
  /**
   * A slow server: from now on each message is received but not answered until the returned function is
   * called, so a sender waits on its first message as it would on a stalled SMTP server.
   */
  hold(): () => void;
}

function header(raw: string, name: string): string | undefined {
  const head = raw.split(/\r?\n\r?\n/)[0] ?? "";
  const unfolded = head.replace(/\r?\n[ \t]+/g, " ");
  const match = new RegExp(`^${name}:\\s*(.*)$`, "im").exec(unfolded);
  return match?.[1]?.trim();
}

/**
 * Starts an SMTP server on a free loopback port that accepts every message (no TLS, no authentication:
 * loopback only) and records it. Stop and start it to simulate an outage.
 */
export async function startTestSmtpServer(): Promise<TestSmtpServer> {
  const port = await freePort();
  const received: ReceivedMail[] = [];
  let server: SMTPServer | undefined;
  let held: Promise<void> | undefined;

  const make = () =>
    new SMTPServer({
      authOptional: true,
      disabledCommands: ["AUTH", "STARTTLS"],
      // No reverse DNS of 127.0.0.1 for each connection a sender opens.
      disableReverseLookup: true,
      logger: false,
      // Short close timeout: stop() must end connections now, as a crashed server would.
      closeTimeout: 100,
      onData(stream, session, callback) {
        const chunks: Buffer[] = [];
        stream.on("data", (chunk: Buffer) => chunks.push(chunk));
        stream.on("end", () => {
          const raw = Buffer.concat(chunks).toString("utf8");
          received.push({
            from: session.envelope.mailFrom ? session.envelope.mailFrom.address : "",
            to: session.envelope.rcptTo.map((r) => r.address),
            raw,
            messageId: header(raw, "Message-ID"),
            subject: header(raw, "Subject"),
          });
          if (held) void held.then(() => callback());
          else callback();
        });
      },
    });

  const start = () =>
    new Promise<void>((resolve, reject) => {
      const next = make();
      next.once("error", reject);
      next.listen(port, "127.0.0.1", () => {
        server = next;
        resolve();
      });
    });
  const stop = () =>
    new Promise<void>((resolve) => {
      const current = server;
      server = undefined;
      if (!current) return resolve();
      current.close(() => resolve());
    });

  await start();
  return {
    port,
    url: `smtp://127.0.0.1:${port}`,
    received,
    stop,
    start,
    async waitFor(count, timeoutMs = 15_000) {
      const deadline = Date.now() + timeoutMs;
      while (received.length < count) {
        if (Date.now() > deadline) {
          throw new Error(`expected ${count} mails, the SMTP server received ${received.length}`);
        }
        await Bun.sleep(25);
      }
      return received;
    },
    hold() {
      const release = Promise.withResolvers<void>();
      held = release.promise;
      return () => {
        held = undefined;
        release.resolve();
      };
    },
  };
}
