/**
 * Mail for every service that sends it: templates in the user's locale, a transactional mail outbox with
 * its relay, and the transport (SMTP through nodemailer, or a development mailbox on disk).
 */
export { enqueueMail, type MailRequest } from "./outbox/outbox.ts";
export { type MailRelay, type MailRelayOptions, startMailRelay } from "./outbox/relay.ts";
export { type MailOutboxRow, mailOutbox } from "./outbox/tables.ts";
export {
  MAIL_LOCALES,
  type MailLocale,
  type MailTemplate,
  type MailVariables,
} from "./templates/catalog.ts";
export {
  escapeHtml,
  isMailLocale,
  mailLink,
  negotiateLocale,
  type RenderedMail,
  renderMail,
  renderSummary,
} from "./templates/render.ts";
export { linksIn, type MailboxMessage, readMailbox, writeMailboxMessage } from "./transport/mailbox.ts";
export {
  createMailTransport,
  type MailTransport,
  type MailTransportOptions,
  messageIdOf,
  type OutgoingMail,
  SendError,
} from "./transport/transport.ts";
