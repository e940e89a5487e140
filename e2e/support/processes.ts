import { createWriteStream } from "node:fs";

/**
 * Child processes for the serve script and the chaos harness (Bun only): run a command to its end, or keep
 * one running with its output in a log file, ready when a line appears, stopped by signal with a deadline.
 */

/** Runs `cmd` to completion; rejects with its output when it exits non-zero. */
export async function runToEnd(
  cmd: string[],
  opts: { cwd: string; env: Record<string, string> },
): Promise<string> {
  const proc = Bun.spawn(cmd, { ...opts, stdout: "pipe", stderr: "pipe" });
  const [out, err, code] = await Promise.all([
    new Response(proc.stdout).text(),
    new Response(proc.stderr).text(),
    proc.exited,
  ]);
  if (code !== 0) throw new Error(`${cmd.join(" ")} exited ${code}\n${out}\n${err}`);
  return out;
}

/** A long-running child started by {@link startChild}. */
export interface Child {
  readonly proc: Bun.Subprocess<"ignore", "pipe", "pipe">;
  /** Resolves when `readyWhen` has been printed (at once when none was given); rejects if it exits first. */
  readonly ready: Promise<void>;
  /** SIGTERM, then SIGKILL after `graceMs`; resolves with the exit code. */
  stop(graceMs: number): Promise<number>;
  /** SIGKILL now (chaos). */
  kill(): Promise<number>;
}

/** Options of {@link startChild}. */
export interface ChildOptions {
  cwd: string;
  env: Record<string, string>;
  /** File that receives stdout and stderr (appended). */
  log: string;
  /** Text on stdout that means the child is ready. */
  readyWhen?: string;
  readyTimeoutMs?: number;
}

/** Starts `cmd`, copying its output to `opts.log`. */
export function startChild(name: string, cmd: string[], opts: ChildOptions): Child {
  const proc = Bun.spawn(cmd, {
    cwd: opts.cwd,
    env: opts.env,
    stdin: "ignore",
    stdout: "pipe",
    stderr: "pipe",
  });
  // Appended: a restarted child (chaos) keeps the log of the run before it.
  const sink = createWriteStream(opts.log, { flags: "a" });
  const ready = Promise.withResolvers<void>();
  if (!opts.readyWhen) ready.resolve();
  let seen = "";
  const pump = async (stream: ReadableStream<Uint8Array>, watch: boolean) => {
    const decoder = new TextDecoder();
    for await (const chunk of stream) {
      sink.write(chunk);
      if (watch && opts.readyWhen) {
        // Keep only a tail: the marker may straddle two chunks, nothing older matters.
        seen = (seen + decoder.decode(chunk, { stream: true })).slice(-4096);
        if (seen.includes(opts.readyWhen)) ready.resolve();
      }
    }
  };
  const pumped = Promise.all([pump(proc.stdout, true), pump(proc.stderr, false)]);
  void proc.exited.then((code) =>
    ready.reject(new Error(`${name} exited with ${code} before it was ready (log: ${opts.log})`)),
  );
  if (opts.readyTimeoutMs) {
    const timer = setTimeout(
      () =>
        ready.reject(new Error(`${name} was not ready within ${opts.readyTimeoutMs} ms (log: ${opts.log})`)),
      opts.readyTimeoutMs,
    );
    void ready.promise.finally(() => clearTimeout(timer)).catch(() => undefined);
  }
  const finish = async () => {
    const code = await proc.exited;
    await pumped.catch(() => undefined);
    await new Promise<void>((resolve) => sink.end(resolve));
    return code;
  };
  return {
    proc,
    ready: ready.promise,
    async stop(graceMs) {
      proc.kill("SIGTERM");
      const timer = setTimeout(() => proc.kill("SIGKILL"), graceMs);
      const code = await finish();
      clearTimeout(timer);
      return code;
    },
    async kill() {
      proc.kill("SIGKILL");
      return finish();
    },
  };
}
