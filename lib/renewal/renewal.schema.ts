import { z } from "zod";

const serial = z
  .string()
  .trim()
  .toLowerCase()
  .regex(/^[0-9a-f]{2,64}$/, "The serial is the certificate's serial number in hex.");
const time = z.number("The time is the request's unix time in seconds.").int("Whole seconds.");
const base64 = (what: string, max: number) =>
  z
    .string(`The ${what} is base64.`)
    .max(max, `The ${what} is too large.`)
    .regex(/^[A-Za-z0-9+/]+={0,2}$/, `The ${what} is base64 on one line.`);

/** POST /api/v1/renew: see lib/renewal/PROTOCOL.md. */
export const renewRequestSchema = z.object({
  serial,
  time,
  csr: base64("csr", 64 * 1024),
  signature: base64("signature", 4096),
  /** The key types the agent can make: the dashboard may then ask for its holder's (409). Plain
   * strings, so that an agent knowing a newer type is not refused by an older dashboard. */
  keyTypes: z.array(z.string().max(40)).max(20).optional(),
});

/** POST /api/v1/renew/report. */
export const reportRequestSchema = z.object({
  serial,
  time,
  outcome: z.enum(["ok", "failed"], "The outcome is ok or failed."),
  servedSerial: z
    .string()
    .trim()
    .toLowerCase()
    .regex(/^([0-9a-f]{2,64})?$/, "The served serial is a serial in hex, or empty.")
    .default(""),
  message: z
    .string()
    .max(300, "At most 300 characters.")
    .regex(/^[\x20-\x7e]*$/, "Printable ASCII only.")
    .default(""),
  signature: base64("signature", 4096),
});

/** POST /api/v1/enroll. */
export const enrollRequestSchema = z.object({
  token: z.string().regex(/^[A-Za-z0-9_-]{43}$/, "That is not an enrollment token."),
  /** The host or client the installer was made for: a token used by another one's installer is refused. */
  name: z.string().max(200).optional(),
  csr: base64("csr", 64 * 1024),
});

export type RenewRequest = z.infer<typeof renewRequestSchema>;
export type ReportRequest = z.infer<typeof reportRequestSchema>;
export type EnrollRequest = z.infer<typeof enrollRequestSchema>;
