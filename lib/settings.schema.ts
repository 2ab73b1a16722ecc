import { z } from "zod";
import { daysSchema, publicUrlSchema, sslDirSchema } from "@/lib/validation";

/** A limit that may be left empty: null means "no limit". */
const optional = <T extends z.ZodType>(schema: T) =>
  z.preprocess((v) => (v === "" || v === undefined ? null : v), schema.nullable());

/** Every setting an admin can change, with its default. */
export const settingsSchema = z.object({
  sslDir: sslDirSchema.default("/etc/docker/ssl"),
  serverCertDays: daysSchema.default(365),
  clientCertDays: daysSchema.default(90),
  crlDays: daysSchema.default(7),
  leafKeySize: z.coerce
    .number()
    .refine((n) => n === 2048 || n === 3072 || n === 4096, "Choose 2048, 3072 or 4096 bits.")
    .default(3072)
    .transform((n) => n as 2048 | 3072 | 4096),
  /** Where hosts and clients reach this dashboard (agents, enrollment); null leaves the agent out of bundles. */
  publicUrl: optional(publicUrlSchema).default(null),
  /** The CA that signed the dashboard's TLS certificate, when it is a private one: agents trust it for publicUrl. */
  publicUrlCaPem: optional(
    z
      .string()
      .trim()
      .max(64 * 1024, "That is too large to be a CA certificate.")
      .regex(
        /^-----BEGIN CERTIFICATE-----\r?\n[A-Za-z0-9+/=\r\n]+-----END CERTIFICATE-----$/,
        "Paste one CA certificate in PEM form, starting with -----BEGIN CERTIFICATE-----.",
      ),
  ).default(null),
  /** Lifetimes of certificates whose holder renews itself (renewal on and a public URL set). */
  renewalServerCertDays: daysSchema.default(30),
  renewalClientCertDays: daysSchema.default(7),
  /** Agents renew when less than this share of the lifetime is left. */
  renewAtRemainingPercent: z.coerce
    .number("Enter a whole percentage.")
    .int("Enter a whole percentage.")
    .min(5, "At least 5%: an agent needs time to retry before the certificate expires.")
    .max(90, "At most 90%.")
    .default(33),
  /** How long an enrollment command works. */
  enrollmentTokenMinutes: z.coerce
    .number("Enter the minutes as a whole number.")
    .int("Enter the minutes as a whole number.")
    .min(1, "At least 1 minute.")
    .max(7 * 24 * 60, "At most 7 days (10080 minutes).")
    .default(15),
  /** GET /metrics without a token (for a Prometheus on a trusted network); off: a token is needed. */
  publicMetrics: z.preprocess((v) => v === "on" || v === "true" || v === true, z.boolean()).default(false),
  /** Audit events older than this many days are deleted; null keeps everything. */
  auditRetentionDays: optional(daysSchema).default(null),
  /** At most this many audit events are kept, the newest; null keeps everything. */
  auditRetentionCount: optional(
    z.coerce
      .number("Enter the number of events as a whole number.")
      .int("Enter the number of events as a whole number.")
      .min(1000, "Keep at least 1000 events.")
      .max(1_000_000_000, "At most 1,000,000,000 events."),
  ).default(null),
});

export type Settings = z.infer<typeof settingsSchema>;

/** PATCH /api/v1/settings: any subset, unknown names refused (a typo must not pass for a change). */
export const settingsPatchSchema = z.strictObject(
  Object.fromEntries(Object.keys(settingsSchema.shape).map((key) => [key, z.unknown().optional()])),
  { error: (issue) => (issue.code === "unrecognized_keys" ? `Unknown setting: ${issue.keys.join(", ")}.` : undefined) },
);
