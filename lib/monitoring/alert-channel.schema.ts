import { z } from "zod";
import { listSchema } from "@/lib/validation";

/** Form fields arrive as text; an empty one means "not given". */
const blankToUndefined = (v: unknown) => (typeof v === "string" && v.trim() === "" ? undefined : v);
const blankToNull = (v: unknown) => (v === undefined || (typeof v === "string" && v.trim() === "") ? null : v);

const urlSchema = z
  .string("Enter the webhook's URL.")
  .trim()
  .max(2048, "A URL is at most 2048 characters.")
  .refine(
    (url) => {
      try {
        const u = new URL(url);
        return (u.protocol === "https:" || u.protocol === "http:") && u.hostname !== "";
      } catch {
        return false;
      }
    },
    { message: "Enter the webhook's URL, starting with https:// (or http://).", abort: true },
  )
  .refine((url) => {
    const u = new URL(url);
    return !u.username && !u.password;
  }, "The URL cannot contain a user name or password; put a shared secret in secret instead.");

const emailSchema = z
  .string("Enter an email address such as alerts@example.com.")
  .trim()
  .pipe(z.email("Enter an email address such as alerts@example.com."));

const smtpSchema = z.object({
  host: z
    .string("Enter the SMTP server's host name.")
    .trim()
    .min(1, "Enter the SMTP server's host name.")
    .max(253, "A host name is at most 253 characters.")
    .regex(/^[A-Za-z0-9._:[\]-]+$/, "Enter a host name or IP address, such as smtp.example.com."),
  port: z.preprocess(
    blankToUndefined,
    z.coerce
      .number("Enter the port as a whole number.")
      .int("Enter the port as a whole number.")
      .min(1, "A port is between 1 and 65535.")
      .max(65535, "A port is between 1 and 65535.")
      .default(587),
  ),
  security: z.preprocess(
    blankToUndefined,
    z.enum(["starttls", "tls", "none"], "Choose starttls, tls or none.").default("starttls"),
  ),
  user: z.preprocess(blankToNull, z.string().trim().max(256, "A user name is at most 256 characters.").nullable()),
  // Not trimmed: spaces may be part of a password.
  password: z.preprocess(blankToNull, z.string().max(256, "A password is at most 256 characters.").nullable()),
  from: emailSchema,
  to: z.preprocess(
    (v) => v ?? "",
    listSchema(emailSchema, 50).refine((to) => to.length > 0, "Enter at least one recipient."),
  ),
});

/** POST /api/v1/alert-channels and the alert channel form. */
export const alertChannelInputSchema = z
  .object({
    type: z.enum(["webhook", "slack", "email"], "Choose webhook, slack or email."),
    name: z.string("Enter a name.").trim().min(1, "Enter a name.").max(100, "A name is at most 100 characters."),
    url: z.preprocess(blankToUndefined, urlSchema.optional()),
    secret: z.preprocess(
      blankToNull,
      z
        .string()
        .trim()
        .min(16, "A secret is at least 16 characters; leave it empty for unsigned messages.")
        .max(256, "A secret is at most 256 characters.")
        .nullable(),
    ),
    smtp: smtpSchema.optional(),
    // An unchecked checkbox sends nothing, which means the default (true): a form puts a hidden "false"
    // before the checkbox, whose "on" then wins when checked.
    enabled: z
      .preprocess(
        (v) => (v === "on" || v === "true" ? true : v === "off" || v === "false" ? false : v),
        z.boolean("Choose whether the channel is enabled."),
      )
      .default(true),
  })
  .superRefine((input, ctx) => {
    const issue = (path: string, message: string) => ctx.addIssue({ code: "custom", path: [path], message });
    if (input.type === "email") {
      if (!input.smtp) issue("smtp", "An email channel needs its SMTP settings.");
      if (input.url !== undefined) issue("url", "An email channel has no URL; leave url out.");
      if (input.secret !== null) issue("secret", "An email channel is not signed; leave secret out.");
      return;
    }
    if (input.url === undefined) issue("url", "Enter the webhook's URL, starting with https:// (or http://).");
    if (input.smtp) issue("smtp", "Only an email channel has SMTP settings; leave smtp out.");
    if (input.type === "slack" && input.secret !== null)
      issue("secret", "Slack-style webhooks are not signed; use type webhook for a signed JSON body.");
  });

export type AlertChannelInput = z.infer<typeof alertChannelInputSchema>;
