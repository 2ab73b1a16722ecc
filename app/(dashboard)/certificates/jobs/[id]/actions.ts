"use server";

import { revalidatePath } from "next/cache";
import { z } from "zod";
import type { FormState } from "@/app/_components/form-state";
import { failure } from "@/app/_lib/action-result";
import { requireAdmin } from "@/lib/auth/current";
import { cancelJob } from "@/lib/certificates/job-cancel";

export async function cancelJobAction(_prev: FormState, formData: FormData): Promise<FormState> {
  const actor = await requireAdmin();
  const id = z.uuid().safeParse(formData.get("id"));
  if (!id.success) return { message: "Unknown job." };
  try {
    await cancelJob(actor, id.data);
  } catch (err) {
    return failure(err);
  }
  revalidatePath(`/certificates/jobs/${id.data}`);
  return { ok: true, message: "Cancelled: no further certificate will be re-issued; those in progress finish." };
}
