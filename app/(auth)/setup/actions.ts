"use server";

import { redirect } from "next/navigation";
import type { FormState } from "@/app/_components/form-state";
import { failure, parseForm } from "@/app/_lib/action-result";
import { createFirstAdmin } from "@/lib/admins";
import { adminCreateSchema } from "@/lib/admins.schema";
import { clientIp, setSessionCookie, userAgent } from "@/lib/auth/current";
import { createSession } from "@/lib/auth/sessions";

/**
 * The one action that runs without a session: it can only ever create the first admin, and
 * refuses once any admin exists.
 */
export async function setupAction(_prev: FormState, formData: FormData): Promise<FormState> {
  const parsed = parseForm(adminCreateSchema, {
    username: formData.get("username"),
    password: formData.get("password"),
    confirm: formData.get("confirm") ?? "",
  });
  if (!parsed.ok) return parsed.state;
  try {
    const admin = await createFirstAdmin(parsed.data);
    const { token } = await createSession(admin.id, { ip: await clientIp(), userAgent: await userAgent() });
    await setSessionCookie(token);
  } catch (err) {
    return failure(err);
  }
  redirect("/");
}
