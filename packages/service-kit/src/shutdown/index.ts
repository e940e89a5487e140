export { createShutdown, type ServeOptions, type Shutdown, type ShutdownOptions, serve } from "./shutdown.ts";
