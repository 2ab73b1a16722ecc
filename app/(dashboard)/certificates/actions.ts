"use server";

import { revalidatePath } from "next/cache";
import { redirect } from "next/navigation";
import { z } from "zod";
import type { FormState } from "@/app/_components/form-state";
import { failure, parseForm } from "@/app/_lib/action-result";
import { bulkResult, countOf } from "@/app/_lib/bulk-result";
import { setFlash } from "@/app/_lib/flash";
import { requireAdmin } from "@/lib/auth/current";
import { type ReissueScope, startReissueJob } from "@/lib/certificates/jobs";
import { reissueCertificate } from "@/lib/certificates/reissue";
import { revokeCertificate, revokeCertificates } from "@/lib/certificates/revocations";
import { revocationReasonSchema } from "@/lib/certificates/revocations.schema";
import { selectedIdsSchema } from "@/lib/list-query.schema";
import { shortSerial } from "@/lib/pki/serial";
import { daysSchema } from "@/lib/validation";

const idSchema = z.uuid("Unknown certificate.");

export async function revokeCertificateAction(_prev: FormState, formData: FormData): Promise<FormState> {
  const actor = await requireAdmin();
  const parsed = parseForm(z.object({ id: idSchema, reason: revocationReasonSchema }), {
    id: formData.get("id"),
    reason: formData.get("reason") || undefined,
  });
  if (!parsed.ok) return parsed.state;
  let revoked: Awaited<ReturnType<typeof revokeCertificate>>;
  try {
    revoked = await revokeCertificate(actor, parsed.data.id, parsed.data.reason);
  } catch (err) {
    return failure(err);
  }
  const { alsoRevoked } = revoked;
  const others =
    alsoRevoked > 0
      ? ` ${alsoRevoked} other certificate${alsoRevoked === 1 ? "" : "s"} with the same key ${alsoRevoked === 1 ? "was" : "were"} revoked too.`
      : "";
  const message = `Certificate ${shortSerial(revoked.serial)} revoked and the CRL re-signed.${others}`;
  // The revoke form leaves the page with the certificate's status: the notice outlives it.
  await setFlash(message);
  revalidatePath("/", "layout");
  return { ok: true, message };
}

export async function reissueCertificateAction(_prev: FormState, formData: FormData): Promise<FormState> {
  const actor = await requireAdmin();
  const id = idSchema.safeParse(formData.get("id"));
  if (!id.success) return { message: "Unknown certificate." };
  let newId: string;
  try {
    newId = (await reissueCertificate(actor, id.data, { revokeReplaced: formData.get("revokeOld") === "on" })).id;
  } catch (err) {
    return failure(err);
  }
  revalidatePath("/", "layout");
  await setFlash(
    formData.get("revokeOld") === "on"
      ? "Certificate re-issued with a new key; the old one is revoked."
      : "Certificate re-issued with a new key. Install its bundle where the old one was.",
  );
  redirect(`/certificates/${newId}`);
}

export async function startBulkReissueAction(_prev: FormState, formData: FormData): Promise<FormState> {
  const actor = await requireAdmin();
  const scope = formData.get("scope") === "previous-ca" ? "previous-ca" : "expiring";
  const days = daysSchema.safeParse(formData.get("days") ?? 30);
  if (!days.success)
    return { fieldErrors: { days: [days.error.issues[0].message] }, message: "Check the number of days." };
  let job: { id: string; total: number };
  try {
    const selection: ReissueScope = scope === "expiring" ? { scope, days: days.data } : { scope };
    job = await startReissueJob(actor, selection, formData.get("revokeOld") === "on");
  } catch (err) {
    return failure(err);
  }
  await setFlash(`Re-issue of ${job.total} certificate${job.total === 1 ? "" : "s"} started.`);
  const jobId = job.id;
  redirect(`/certificates/jobs/${jobId}`);
}

/** The bulk bar's Re-issue: a job for exactly the ticked rows' certificates. */
export async function startSelectedReissueAction(_prev: FormState, formData: FormData): Promise<FormState> {
  const actor = await requireAdmin();
  const ids = selectedIdsSchema("certificate").safeParse(formData.getAll("ids"));
  if (!ids.success) return { message: ids.error.issues[0].message };
  let jobId: string;
  try {
    jobId = (await startReissueJob(actor, { scope: "ids", ids: ids.data }, formData.get("revokeOld") === "on")).id;
  } catch (err) {
    return failure(err);
  }
  redirect(`/certificates/jobs/${jobId}`);
}

/** The bulk bar's Revoke: each ticked certificate, one CRL signed at the end. */
export async function revokeSelectedAction(_prev: FormState, formData: FormData): Promise<FormState> {
  const actor = await requireAdmin();
  const parsed = z
    .object({ ids: selectedIdsSchema("certificate"), reason: revocationReasonSchema })
    .safeParse({ ids: formData.getAll("ids"), reason: formData.get("reason") || undefined });
  if (!parsed.success) return { message: parsed.error.issues[0].message };
  let result: Awaited<ReturnType<typeof revokeCertificates>>;
  try {
    result = await revokeCertificates(actor, parsed.data.ids, parsed.data.reason);
  } catch (err) {
    return failure(err);
  }
  revalidatePath("/", "layout");
  const others = result.alsoRevoked
    ? ` ${countOf(result.alsoRevoked, "other certificate")} with the same key too.`
    : "";
  return bulkResult(
    `Revoked ${countOf(result.revoked.length, "certificate")} and re-signed the CRL.${others}`,
    result.refused.map((r) => ({ name: null, reason: r.reason })),
    result.revoked.length === 0,
  );
}
