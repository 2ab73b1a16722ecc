"use server";

import { revalidatePath } from "next/cache";
import { redirect } from "next/navigation";
import { z } from "zod";
import type { EnrollState } from "@/app/_components/enroll-form";
import type { FormState } from "@/app/_components/form-state";
import { failure, parseForm } from "@/app/_lib/action-result";
import { bulkResult, countOf } from "@/app/_lib/bulk-result";
import { enrollmentResult } from "@/app/_lib/enrollment-result";
import { setFlash } from "@/app/_lib/flash";
import { requireAdmin } from "@/lib/auth/current";
import { issueHostCertificate } from "@/lib/certificates/certificates";
import { issueSchema } from "@/lib/certificates/certificates.schema";
import { deleteHosts } from "@/lib/inventory/bulk-delete";
import { createHost, deleteHost, updateHost } from "@/lib/inventory/hosts";
import { hostCreateSchema } from "@/lib/inventory/hosts.schema";
import { selectedIdsSchema } from "@/lib/list-query.schema";
import { alertOnMismatch, probeHost } from "@/lib/monitoring/host-probe";
import { hostFormValues } from "./form-values";

const idSchema = z.uuid("Unknown host.");

export async function createHostAction(_prev: FormState, formData: FormData): Promise<FormState> {
  const actor = await requireAdmin();
  const parsed = parseForm(hostCreateSchema, hostFormValues(formData));
  if (!parsed.ok) return parsed.state;
  let id: string;
  try {
    id = (await createHost(actor, parsed.data)).id;
  } catch (err) {
    return failure(err);
  }
  revalidatePath("/hosts");
  await setFlash(`Host ${parsed.data.name} added.`);
  redirect(`/hosts/${id}`);
}

export async function updateHostAction(_prev: FormState, formData: FormData): Promise<FormState> {
  const actor = await requireAdmin();
  const id = idSchema.safeParse(formData.get("id"));
  if (!id.success) return { message: "Unknown host." };
  const parsed = parseForm(hostCreateSchema, hostFormValues(formData));
  if (!parsed.ok) return parsed.state;
  try {
    await updateHost(actor, id.data, parsed.data);
  } catch (err) {
    return failure(err);
  }
  revalidatePath(`/hosts/${id.data}`);
  return { ok: true, message: "Host saved. Re-issue its certificate to pick up changed names or addresses." };
}

export async function deleteHostAction(_prev: FormState, formData: FormData): Promise<FormState> {
  const actor = await requireAdmin();
  const id = idSchema.safeParse(formData.get("id"));
  if (!id.success) return { message: "Unknown host." };
  let name: string;
  try {
    name = (await deleteHost(actor, id.data)).name;
  } catch (err) {
    return failure(err);
  }
  revalidatePath("/hosts");
  await setFlash(`Host ${name} deleted. Its certificates stay on record.`);
  redirect("/hosts");
}

export async function issueHostCertificateAction(_prev: FormState, formData: FormData): Promise<FormState> {
  const actor = await requireAdmin();
  const id = idSchema.safeParse(formData.get("id"));
  if (!id.success) return { message: "Unknown host." };
  const parsed = parseForm(issueSchema, {
    days: formData.get("days") || undefined,
    csrPem: formData.get("csrPem") ?? undefined,
  });
  if (!parsed.ok) return parsed.state;
  try {
    await issueHostCertificate(actor, id.data, parsed.data);
  } catch (err) {
    return failure(err);
  }
  revalidatePath(`/hosts/${id.data}`);
  return { ok: true, message: "Certificate issued. Its bundle is ready to download." };
}

/** "Enroll with one command" on the host page. */
export async function createHostEnrollmentAction(_prev: EnrollState, formData: FormData): Promise<EnrollState> {
  const actor = await requireAdmin();
  const id = idSchema.safeParse(formData.get("id"));
  if (!id.success) return { message: "Unknown host." };
  return enrollmentResult(actor, { kind: "host", id: id.data });
}

/** "Check now": probes the host's daemon and shows the result on its page. */
export async function probeHostAction(_prev: FormState, formData: FormData): Promise<FormState> {
  const actor = await requireAdmin();
  const id = idSchema.safeParse(formData.get("id"));
  if (!id.success) return { message: "Unknown host." };
  try {
    const probe = await probeHost(id.data, "manual", actor);
    alertOnMismatch(probe);
    revalidatePath(`/hosts/${id.data}`);
    return { ok: true, message: probe.summary };
  } catch (err) {
    return failure(err);
  }
}

/** The bulk bar's Delete: each ticked host under the same rules as deleting it from its page. */
export async function deleteSelectedHostsAction(_prev: FormState, formData: FormData): Promise<FormState> {
  const actor = await requireAdmin();
  const ids = selectedIdsSchema("host").safeParse(formData.getAll("ids"));
  if (!ids.success) return { message: ids.error.issues[0].message };
  let result: Awaited<ReturnType<typeof deleteHosts>>;
  try {
    result = await deleteHosts(actor, ids.data);
  } catch (err) {
    return failure(err);
  }
  revalidatePath("/", "layout");
  return bulkResult(
    `Deleted ${countOf(result.deleted.length, "host")}: ${result.deleted.join(", ")}.`,
    result.refused,
    result.deleted.length === 0,
  );
}
