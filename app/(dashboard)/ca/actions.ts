"use server";

import { revalidatePath } from "next/cache";
import type { FormState } from "@/app/_components/form-state";
import { failure, parseForm } from "@/app/_lib/action-result";
import { requireAdmin } from "@/lib/auth/current";
import { caCreateSchema, caImportSchema } from "@/lib/ca.schema";
import { createCertificateAuthority, importCertificateAuthority } from "@/lib/cas";

export async function createCaAction(_prev: FormState, formData: FormData): Promise<FormState> {
  const actor = await requireAdmin();
  const parsed = parseForm(caCreateSchema, {
    commonName: formData.get("commonName"),
    organization: formData.get("organization") ?? undefined,
    organizationalUnit: formData.get("organizationalUnit") ?? undefined,
    keySize: formData.get("keySize") ?? undefined,
    days: formData.get("days") ?? undefined,
  });
  if (!parsed.ok) return parsed.state;
  try {
    await createCertificateAuthority(actor, parsed.data);
  } catch (err) {
    return failure(err);
  }
  revalidatePath("/", "layout");
  return { ok: true, message: "Certificate authority created." };
}

export async function importCaAction(_prev: FormState, formData: FormData): Promise<FormState> {
  const actor = await requireAdmin();
  const parsed = parseForm(caImportSchema, {
    certPem: formData.get("certPem"),
    keyPem: formData.get("keyPem"),
    passphrase: formData.get("passphrase") ?? undefined,
  });
  if (!parsed.ok) return parsed.state;
  try {
    await importCertificateAuthority(actor, parsed.data);
  } catch (err) {
    return failure(err);
  }
  revalidatePath("/", "layout");
  return { ok: true, message: "Certificate authority imported." };
}
