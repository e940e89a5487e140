export { type PrivateBroker, privateBrokerScripts, startPrivateBroker } from "./private-broker.ts";
