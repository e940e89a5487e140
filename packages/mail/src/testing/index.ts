export { type ReceivedMail, startTestSmtpServer, type TestSmtpServer } from "./smtp.ts";
