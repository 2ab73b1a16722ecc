"use server";

import { redirect } from "next/navigation";
import type { FormState } from "@/app/_components/form-state";

import { failure, parseForm } from "@/app/_lib/action-result";
import { loginSchema } from "@/lib/admins.schema";
import { clientIp, setSessionCookie, userAgent } from "@/lib/auth/current";
import { createSession } from "@/lib/auth/sessions";
import { signIn } from "@/lib/auth/sign-in";

/** Signing in is, by its nature, open to anonymous callers; it is throttled per account and address. */
export async function loginAction(_prev: FormState, formData: FormData): Promise<FormState> {
  const parsed = parseForm(loginSchema, { username: formData.get("username"), password: formData.get("password") });
  if (!parsed.ok) return parsed.state;
  try {
    const ip = await clientIp();
    const result = await signIn(parsed.data.username, parsed.data.password, ip);
    if (!result.ok) return { message: result.message };
    const { token } = await createSession(result.admin.id, { ip, userAgent: await userAgent() });
    await setSessionCookie(token);
  } catch (err) {
    return failure(err);
  }
  redirect("/");
}
