import { realServer } from "@payments/testing";
import { runEventBusContract } from "../contract/event-bus-contract.ts";
import { makeRabbitHarness } from "./test-support.ts";

const url = realServer("rabbitmq");

// Registered only with a broker: `runEventBusContract` declares its own describe block.
if (url) runEventBusContract("rabbitmq", () => makeRabbitHarness(url));
