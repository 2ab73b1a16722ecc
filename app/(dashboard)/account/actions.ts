"use server";

import { revalidatePath } from "next/cache";
import { z } from "zod";
import type { FormState } from "@/app/_components/form-state";
import { failure, noticed, parseForm } from "@/app/_lib/action-result";
import { passwordSchema } from "@/lib/admins.schema";
import { changeOwnPassword, endOwnSessions } from "@/lib/auth/account";
import { getSessionAdmin, requireAdmin } from "@/lib/auth/current";

const changeSchema = z
  .object({ current: z.string().min(1, "Enter your current password."), password: passwordSchema, confirm: z.string() })
  .refine((v) => v.confirm === v.password, { message: "The two passwords differ.", path: ["confirm"] });

export async function changePasswordAction(_prev: FormState, formData: FormData): Promise<FormState> {
  const me = await requireAdmin();
  const parsed = parseForm(changeSchema, {
    current: formData.get("current"),
    password: formData.get("password"),
    confirm: formData.get("confirm"),
  });
  if (!parsed.ok) return parsed.state;
  try {
    const session = await getSessionAdmin();
    const { endedSessions } = await changeOwnPassword(me, parsed.data, session?.sessionId ?? null);
    revalidatePath("/account");
    const ended = endedSessions === 0 ? "" : ` ${endedSessions} other session${endedSessions === 1 ? "" : "s"} ended.`;
    return { ok: true, message: `Password changed.${ended}` };
  } catch (err) {
    return failure(err);
  }
}

export async function endSessionAction(_prev: FormState, formData: FormData): Promise<FormState> {
  const me = await requireAdmin();
  const parsed = parseForm(z.object({ id: z.string().regex(/^[0-9a-f]{16}$/, "Unknown session.") }), {
    id: formData.get("id"),
  });
  if (!parsed.ok) return parsed.state;
  try {
    await endOwnSessions(me, { ref: parsed.data.id });
    revalidatePath("/account");
    return noticed("Session ended.");
  } catch (err) {
    return failure(err);
  }
}

export async function endOtherSessionsAction(_prev: FormState, _formData: FormData): Promise<FormState> {
  const me = await requireAdmin();
  try {
    const session = await getSessionAdmin();
    const count = await endOwnSessions(me, { allBut: session?.sessionId ?? null });
    revalidatePath("/account");
    return {
      ok: true,
      message: count === 0 ? "No other session was open." : `${count} session${count === 1 ? "" : "s"} ended.`,
    };
  } catch (err) {
    return failure(err);
  }
}
