"use server";

import { revalidatePath } from "next/cache";
import { z } from "zod";
import type { FormState } from "@/app/_components/form-state";
import { failure, parseForm } from "@/app/_lib/action-result";
import { setFlash } from "@/app/_lib/flash";
import { requireAdmin } from "@/lib/auth/current";
import {
  caCreateSchema,
  caImportSchema,
  intermediateActivateSchema,
  intermediateRequestSchema,
} from "@/lib/ca/ca.schema";
import { createCertificateAuthority, importCertificateAuthority, retireCertificateAuthority } from "@/lib/ca/cas";
import { activateIntermediate, requestIntermediate } from "@/lib/ca/intermediate";
import { splitKeyChoice } from "@/lib/pki/key-types";

export async function createCaAction(_prev: FormState, formData: FormData): Promise<FormState> {
  const actor = await requireAdmin();
  const mode = formData.get("mode") === "rotate" ? "rotate" : "first";
  const parsed = parseForm(caCreateSchema, {
    commonName: formData.get("commonName"),
    organization: formData.get("organization") ?? undefined,
    organizationalUnit: formData.get("organizationalUnit") ?? undefined,
    ...splitKeyChoice(formData.get("key")),
    days: formData.get("days") ?? undefined,
  });
  if (!parsed.ok) return parsed.state;
  let ca: { commonName: string };
  try {
    ca = await createCertificateAuthority(actor, parsed.data, mode);
  } catch (err) {
    return failure(err);
  }
  const message =
    mode === "rotate"
      ? `New CA ${ca.commonName} created. Bundles now carry both CAs; re-issue everything under the new one, then retire the old.`
      : "Certificate authority created.";
  // The form gives way to the rotation steps (or the CA's facts): the notice outlives it.
  await setFlash(message);
  revalidatePath("/", "layout");
  return { ok: true, message };
}

export async function importCaAction(_prev: FormState, formData: FormData): Promise<FormState> {
  const actor = await requireAdmin();
  const parsed = parseForm(caImportSchema, {
    certPem: formData.get("certPem"),
    keyPem: formData.get("keyPem"),
    passphrase: formData.get("passphrase") ?? undefined,
  });
  if (!parsed.ok) return parsed.state;
  let warnings: string[];
  try {
    ({ warnings } = await importCertificateAuthority(actor, parsed.data));
  } catch (err) {
    return failure(err);
  }
  const message = ["Certificate authority imported.", ...warnings].join(" ");
  await setFlash(message);
  revalidatePath("/", "layout");
  return { ok: true, message };
}

export async function retireCaAction(_prev: FormState, formData: FormData): Promise<FormState> {
  const actor = await requireAdmin();
  const id = z.uuid().safeParse(formData.get("id"));
  if (!id.success) return { message: "Unknown certificate authority." };
  let retired: Awaited<ReturnType<typeof retireCertificateAuthority>>;
  try {
    retired = await retireCertificateAuthority(actor, id.data);
  } catch (err) {
    return failure(err);
  }
  const { hostsStillTrusting } = retired;
  const left =
    hostsStillTrusting > 0
      ? ` ${hostsStillTrusting} host${hostsStillTrusting === 1 ? "" : "s"} still trust it until they get a new bundle: see Hosts.`
      : "";
  const message = `${retired.commonName} is retired: bundles no longer carry it.${left}`;
  await setFlash(message);
  revalidatePath("/", "layout");
  return { ok: true, message };
}

export async function requestIntermediateAction(_prev: FormState, formData: FormData): Promise<FormState> {
  const actor = await requireAdmin();
  const parsed = parseForm(intermediateRequestSchema, {
    commonName: formData.get("commonName"),
    ...splitKeyChoice(formData.get("key")),
    days: formData.get("days") ?? undefined,
  });
  if (!parsed.ok) return parsed.state;
  try {
    await requestIntermediate(actor, parsed.data);
  } catch (err) {
    return failure(err);
  }
  revalidatePath("/ca");
  return { ok: true, message: "The issuing CA's key is made and waits here, sealed. Sign its CSR with the root." };
}

export async function activateIntermediateAction(_prev: FormState, formData: FormData): Promise<FormState> {
  const actor = await requireAdmin();
  const parsed = parseForm(intermediateActivateSchema, {
    certPem: formData.get("certPem"),
    rootPem: formData.get("rootPem"),
  });
  if (!parsed.ok) return parsed.state;
  let result: Awaited<ReturnType<typeof activateIntermediate>>;
  try {
    result = await activateIntermediate(actor, parsed.data);
  } catch (err) {
    return failure(err);
  }
  revalidatePath("/", "layout");
  const done =
    result.mode === "rotate"
      ? "The issuing CA is active and signs from now on; the previous CA stays trusted until you retire it."
      : "The issuing CA is active: leaves carry it in cert.pem, and ca.pem is the root.";
  const message = [done, ...result.warnings].join(" ");
  await setFlash(message);
  return { ok: true, message };
}
