import { type Context, ROOT_CONTEXT } from "@opentelemetry/api";
import { AsyncLocalStorageContextManager } from "@opentelemetry/context-async-hooks";
import { currentRequestId, runInRequestScope, scopeContext } from "../logging/logging.ts";

/**
 * The OpenTelemetry context manager of the kit (ADR 0026): `AsyncLocalStorageContextManager`, keeping the
 * active context in the kit's own request scope (beside the request id) instead of a second
 * AsyncLocalStorage, so the request middleware enters one scope per request, not two. Binding functions and
 * event emitters is inherited and goes through `with`.
 */
export class KitContextManager extends AsyncLocalStorageContextManager {
  override active(): Context {
    return scopeContext() ?? ROOT_CONTEXT;
  }

  override with<A extends unknown[], F extends (...args: A) => ReturnType<F>>(
    context: Context,
    fn: F,
    thisArg?: ThisParameterType<F>,
    ...args: A
  ): ReturnType<F> {
    const cb = thisArg == null ? fn : (fn.bind(thisArg) as F);
    return runInRequestScope(currentRequestId(), context, cb, ...args);
  }
}
