export {
  type KitEnv,
  kitMiddleware,
  markUnmatched,
  REQUEST_ID_HEADER,
  requestId,
  routeTemplate,
  UNMATCHED_ROUTE,
} from "./request.ts";
