export {
  type KitEnv,
  kitMiddleware,
  markUnmatched,
  REQUEST_ID_HEADER,
  requestId,
  requestIdFor,
  routeTemplate,
  UNMATCHED_ROUTE,
} from "./request.ts";
