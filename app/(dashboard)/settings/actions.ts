"use server";

import { revalidatePath } from "next/cache";
import { z } from "zod";
import type { FormState } from "@/app/_components/form-state";
import { failure, noticed, parseForm } from "@/app/_lib/action-result";
import { createAdmin, deleteAdmin, setAdminRole } from "@/lib/admins";
import { adminCreateSchema, roleSchema } from "@/lib/admins.schema";
import { createApiToken, revokeApiToken } from "@/lib/api-tokens";
import { tokenCreateSchema } from "@/lib/api-tokens.schema";
import { authorize } from "@/lib/auth/authorize";
import { requireAdmin } from "@/lib/auth/current";
import { alertChannelInputSchema } from "@/lib/monitoring/alert-channel.schema";
import { createAlertChannel, deleteAlertChannel, setAlertChannelEnabled } from "@/lib/monitoring/alert-channels";
import { runAlerts, sendTestAlert } from "@/lib/monitoring/alert-deliver";
import { getSettings, saveSettings } from "@/lib/settings";
import { type Settings, settingsSchema } from "@/lib/settings.schema";

const idSchema = z.object({ id: z.uuid("Unknown record.") });

export async function addAdminAction(_prev: FormState, formData: FormData): Promise<FormState> {
  const actor = await requireAdmin();
  const parsed = parseForm(adminCreateSchema, {
    username: formData.get("username"),
    password: formData.get("password"),
    role: formData.get("role") ?? undefined,
  });
  if (!parsed.ok) return parsed.state;
  try {
    const admin = await createAdmin(actor, parsed.data);
    revalidatePath("/settings");
    return { ok: true, message: `${admin.username} added as ${admin.role}.` };
  } catch (err) {
    return failure(err);
  }
}

export async function setRoleAction(_prev: FormState, formData: FormData): Promise<FormState> {
  const actor = await requireAdmin();
  const parsed = parseForm(idSchema.extend({ role: roleSchema }), {
    id: formData.get("id"),
    role: formData.get("role"),
  });
  if (!parsed.ok) return parsed.state;
  try {
    const { revokedTokens } = await setAdminRole(actor, parsed.data.id, parsed.data.role);
    revalidatePath("/settings");
    const revoked = revokedTokens.length > 0 ? ` Revoked their API tokens beyond it: ${revokedTokens.join(", ")}.` : "";
    return { ok: true, message: `Role changed to ${parsed.data.role}.${revoked}` };
  } catch (err) {
    return failure(err);
  }
}

export async function removeAdminAction(_prev: FormState, formData: FormData): Promise<FormState> {
  const actor = await requireAdmin();
  const parsed = parseForm(idSchema, { id: formData.get("id") });
  if (!parsed.ok) return parsed.state;
  try {
    const { username } = await deleteAdmin(actor, parsed.data.id);
    revalidatePath("/settings");
    return noticed(`Admin ${username} removed; their sessions ended and their API tokens were revoked.`);
  } catch (err) {
    return failure(err);
  }
}

export async function createTokenAction(
  _prev: FormState & { token?: string },
  formData: FormData,
): Promise<FormState & { token?: string }> {
  const actor = await requireAdmin();
  const parsed = parseForm(tokenCreateSchema, {
    name: formData.get("name"),
    scope: formData.get("scope") ?? undefined,
    expires: formData.get("expires") ?? undefined,
  });
  if (!parsed.ok) return parsed.state;
  try {
    const created = await createApiToken(actor, parsed.data);
    revalidatePath("/settings");
    // The one time the secret is shown; only its hash is stored.
    return {
      ok: true,
      message: `Token ${created.name} created. Copy it now: it is not shown again.`,
      token: created.token,
    };
  } catch (err) {
    return failure(err);
  }
}

export async function revokeTokenAction(_prev: FormState, formData: FormData): Promise<FormState> {
  const actor = await requireAdmin();
  const parsed = parseForm(idSchema, { id: formData.get("id") });
  if (!parsed.ok) return parsed.state;
  try {
    const { name } = await revokeApiToken(actor, { id: parsed.data.id });
    revalidatePath("/settings");
    return noticed(`Token ${name} revoked.`);
  } catch (err) {
    return failure(err);
  }
}

export async function saveSettingsAction(_prev: FormState, formData: FormData): Promise<FormState> {
  const actor = await requireAdmin();
  // Every setting the form sends, and the stored value of any it does not: a setting the form
  // leaves out (or a newer one it does not show yet) is kept, never reset to its default.
  // Browsers send a textarea's lines with CRLF; the CA PEM is kept as the API stores it, with LF.
  const stored = await getSettings();
  const values = Object.fromEntries(
    (Object.keys(settingsSchema.shape) as (keyof Settings)[]).map((key) => {
      // The last value: a checkbox follows a hidden "false" of the same name, so unticked is sent too.
      const sent = formData.getAll(key).at(-1) ?? null;
      return [key, sent === null ? stored[key] : typeof sent === "string" ? sent.replaceAll("\r\n", "\n") : sent];
    }),
  );
  const parsed = parseForm(settingsSchema, values);
  if (!parsed.ok) return parsed.state;
  try {
    await saveSettings(actor, parsed.data);
    revalidatePath("/settings");
    return { ok: true, message: "Settings saved." };
  } catch (err) {
    return failure(err);
  }
}

/** The alert channel form's fields, in the shape POST /api/v1/alert-channels takes. */
function alertChannelValues(formData: FormData) {
  const text = (name: string) => {
    const v = formData.get(name);
    return typeof v === "string" ? v : undefined;
  };
  const type = text("type");
  return {
    type,
    name: text("name"),
    enabled: formData.getAll("enabled").at(-1) ?? "true",
    ...(type === "email"
      ? {
          smtp: {
            host: text("smtpHost"),
            port: text("smtpPort"),
            security: text("smtpSecurity"),
            user: text("smtpUser"),
            password: text("smtpPassword"),
            from: text("smtpFrom"),
            to: text("smtpTo"),
          },
        }
      : { url: text("url"), ...(type === "webhook" ? { secret: text("secret") } : {}) }),
  };
}

export async function addAlertChannelAction(_prev: FormState, formData: FormData): Promise<FormState> {
  const actor = await requireAdmin();
  const parsed = alertChannelInputSchema.safeParse(alertChannelValues(formData));
  if (!parsed.success) {
    // The form names the SMTP fields smtpHost, smtpTo...; the schema's paths are smtp.host, smtp.to.
    const fieldErrors: Record<string, string[]> = {};
    for (const issue of parsed.error.issues) {
      const [first, second] = issue.path.map(String);
      const field = first === "smtp" && second ? `smtp${second[0].toUpperCase()}${second.slice(1)}` : (first ?? "");
      fieldErrors[field] = [...(fieldErrors[field] ?? []), issue.message];
    }
    return { message: "Please correct the marked fields.", fieldErrors };
  }
  try {
    const channel = await createAlertChannel(actor, parsed.data);
    revalidatePath("/settings");
    return { ok: true, message: `Alert channel ${channel.name} added. Send it a test to see that it works.` };
  } catch (err) {
    return failure(err);
  }
}

export async function testAlertChannelAction(_prev: FormState, formData: FormData): Promise<FormState> {
  const actor = await requireAdmin();
  const parsed = parseForm(idSchema, { id: formData.get("id") });
  if (!parsed.ok) return parsed.state;
  try {
    const result = await sendTestAlert(actor, parsed.data.id);
    revalidatePath("/settings");
    return result.ok
      ? { ok: true, message: `Sent: the channel answered ${result.detail}.` }
      : { message: `Not sent: ${result.error}` };
  } catch (err) {
    return failure(err);
  }
}

export async function toggleAlertChannelAction(_prev: FormState, formData: FormData): Promise<FormState> {
  const actor = await requireAdmin();
  const parsed = parseForm(idSchema.extend({ enabled: z.enum(["true", "false"]) }), {
    id: formData.get("id"),
    enabled: formData.get("enabled"),
  });
  if (!parsed.ok) return parsed.state;
  try {
    const channel = await setAlertChannelEnabled(actor, parsed.data.id, parsed.data.enabled === "true");
    revalidatePath("/settings");
    return { ok: true, message: `${channel.name} is ${channel.enabled ? "on" : "off"}.` };
  } catch (err) {
    return failure(err);
  }
}

export async function deleteAlertChannelAction(_prev: FormState, formData: FormData): Promise<FormState> {
  const actor = await requireAdmin();
  const parsed = parseForm(idSchema, { id: formData.get("id") });
  if (!parsed.ok) return parsed.state;
  try {
    const { name } = await deleteAlertChannel(actor, parsed.data.id);
    revalidatePath("/settings");
    return noticed(`Alert channel ${name} deleted.`);
  } catch (err) {
    return failure(err);
  }
}

export async function runAlertsAction(_prev: FormState, _formData: FormData): Promise<FormState> {
  const actor = await requireAdmin();
  try {
    authorize(actor, "settings");
    const run = await runAlerts();
    revalidatePath("/settings");
    const sent = run.deliveries.filter((d) => d.ok).reduce((n, d) => n + d.count, 0);
    const failed = run.deliveries.filter((d) => !d.ok);
    return {
      ok: failed.length === 0,
      message: `Checked: ${run.recorded.length} new alert(s), ${sent} delivered${
        failed.length > 0 ? `; not delivered to ${failed.map((f) => `${f.channel} (${f.error})`).join(", ")}` : ""
      }.`,
    };
  } catch (err) {
    return failure(err);
  }
}
