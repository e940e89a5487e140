export { checkScopes, insufficientScope, requiredScopes } from "./scopes.ts";
