"use server";

import { revalidatePath } from "next/cache";
import { z } from "zod";
import type { FormState } from "@/app/_components/form-state";
import { failure, parseForm } from "@/app/_lib/action-result";
import { createAdmin, deleteAdmin } from "@/lib/admins";
import { adminCreateSchema } from "@/lib/admins.schema";
import { createApiToken, revokeApiToken } from "@/lib/api-tokens";
import { tokenNameSchema, tokenScopeSchema } from "@/lib/api-tokens.schema";
import { requireAdmin } from "@/lib/auth/current";
import { getSettings, saveSettings } from "@/lib/settings";
import { type Settings, settingsSchema } from "@/lib/settings.schema";

const idSchema = z.object({ id: z.uuid("Unknown record.") });

export async function addAdminAction(_prev: FormState, formData: FormData): Promise<FormState> {
  const actor = await requireAdmin();
  const parsed = parseForm(adminCreateSchema, {
    username: formData.get("username"),
    password: formData.get("password"),
  });
  if (!parsed.ok) return parsed.state;
  try {
    const admin = await createAdmin(actor, parsed.data);
    revalidatePath("/settings");
    return { ok: true, message: `Admin ${admin.username} added.` };
  } catch (err) {
    return failure(err);
  }
}

export async function removeAdminAction(_prev: FormState, formData: FormData): Promise<FormState> {
  const actor = await requireAdmin();
  const parsed = parseForm(idSchema, { id: formData.get("id") });
  if (!parsed.ok) return parsed.state;
  try {
    await deleteAdmin(actor, parsed.data.id);
    revalidatePath("/settings");
    return { ok: true, message: "Admin removed." };
  } catch (err) {
    return failure(err);
  }
}

export async function createTokenAction(
  _prev: FormState & { token?: string },
  formData: FormData,
): Promise<FormState & { token?: string }> {
  const actor = await requireAdmin();
  const parsed = parseForm(z.object({ name: tokenNameSchema, scope: tokenScopeSchema.default("admin") }), {
    name: formData.get("name"),
    scope: formData.get("scope") ?? undefined,
  });
  if (!parsed.ok) return parsed.state;
  try {
    const created = await createApiToken(actor, parsed.data.name, parsed.data.scope);
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
    await revokeApiToken(actor, { id: parsed.data.id });
    revalidatePath("/settings");
    return { ok: true, message: "Token revoked." };
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
