import { z } from "zod";
import { KEY_TYPES } from "@/lib/pki/key-types";
import { daysSchema, publicUrlSchema, rsaKeySizeSchema, sslDirSchema } from "@/lib/validation";

/** A limit that may be left empty: null means "no limit". */
const optional = <T extends z.ZodType>(schema: T) =>
  z.preprocess((v) => (v === "" || v === undefined ? null : v), schema.nullable());

/** Every setting an admin can change, with its default. */
export const settingsSchema = z.object({
  sslDir: sslDirSchema.default("/etc/docker/ssl"),
  serverCertDays: daysSchema.default(365),
  clientCertDays: daysSchema.default(90),
  crlDays: daysSchema.default(7),
  /** The key type of new leaf certificates; a host or client may carry its own. */
  leafKeyType: z.enum(KEY_TYPES, `Choose one of ${KEY_TYPES.join(", ")}.`).default("ecdsa-p256"),
  /** The size of new RSA leaf keys. */
  leafKeySize: rsaKeySizeSchema.default(3072),
  /** Pre-generated RSA leaf keys kept ready (sealed) while RSA leaves are in use; 0 turns the pool off. */
  keyPoolSize: z.coerce
    .number("Enter a whole number of keys.")
    .int("Enter a whole number of keys.")
    .min(0, "0 turns the pool off.")
    .max(64, "At most 64 keys.")
    .default(8),
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
  /** Alerts: a certificate or CA alerts once as it crosses each of these (days left), and once at expiry. */
  alertThresholdDays: z
    .preprocess(
      (v) => (typeof v === "string" ? v.split(/[\s,]+/).filter(Boolean) : v),
      z
        .array(
          z.coerce
            .number("List whole numbers of days, e.g. 30, 14, 7, 1.")
            .int("List whole numbers of days, e.g. 30, 14, 7, 1.")
            .min(1, "Each threshold is at least 1 day.")
            .max(3650, "Each threshold is at most 3650 days."),
        )
        .min(1, "List at least one threshold, e.g. 30, 14, 7, 1.")
        .max(10, "At most 10 thresholds."),
    )
    .transform((days) => [...new Set(days)].sort((a, b) => b - a))
    .default([30, 14, 7, 1]),
  /** Alerts: a CA rotation step still open after this many days alerts once per step. */
  alertRotationOpenDays: daysSchema.default(14),
  /** Probe every host this often (minutes); null: only "Check now" and the API probe. */
  probeIntervalMinutes: optional(
    z.coerce
      .number("Enter the minutes as a whole number.")
      .int("Enter the minutes as a whole number.")
      .min(5, "At least every 5 minutes.")
      .max(7 * 24 * 60, "At most every 7 days (10080 minutes)."),
  ).default(null),
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
