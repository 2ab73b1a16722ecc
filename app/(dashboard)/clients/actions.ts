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
import { issueClientCertificate } from "@/lib/certificates/certificates";
import { issueSchema } from "@/lib/certificates/certificates.schema";
import { deleteClients } from "@/lib/inventory/bulk-delete";
import { createClient, deleteClient, updateClient } from "@/lib/inventory/clients";
import { clientCreateSchema } from "@/lib/inventory/clients.schema";
import { selectedIdsSchema } from "@/lib/list-query.schema";

const idSchema = z.uuid("Unknown client.");

function clientFormValues(formData: FormData) {
  return {
    name: formData.get("name"),
    kind: formData.get("kind") ?? undefined,
    keyType: formData.get("keyType") ?? "",
    notes: formData.get("notes") ?? "",
    renewalEnabled: formData.get("renewalEnabled") === "on",
  };
}

export async function createClientAction(_prev: FormState, formData: FormData): Promise<FormState> {
  const actor = await requireAdmin();
  const parsed = parseForm(clientCreateSchema, clientFormValues(formData));
  if (!parsed.ok) return parsed.state;
  let id: string;
  try {
    id = (await createClient(actor, parsed.data)).id;
  } catch (err) {
    return failure(err);
  }
  revalidatePath("/clients");
  await setFlash(`Client ${parsed.data.name} added.`);
  redirect(`/clients/${id}`);
}

export async function updateClientAction(_prev: FormState, formData: FormData): Promise<FormState> {
  const actor = await requireAdmin();
  const id = idSchema.safeParse(formData.get("id"));
  if (!id.success) return { message: "Unknown client." };
  const parsed = parseForm(clientCreateSchema, clientFormValues(formData));
  if (!parsed.ok) return parsed.state;
  try {
    await updateClient(actor, id.data, parsed.data);
  } catch (err) {
    return failure(err);
  }
  revalidatePath(`/clients/${id.data}`);
  return { ok: true, message: "Client saved. A new name takes effect in the next certificate." };
}

export async function deleteClientAction(_prev: FormState, formData: FormData): Promise<FormState> {
  const actor = await requireAdmin();
  const id = idSchema.safeParse(formData.get("id"));
  if (!id.success) return { message: "Unknown client." };
  let name: string;
  try {
    name = (await deleteClient(actor, id.data)).name;
  } catch (err) {
    return failure(err);
  }
  revalidatePath("/clients");
  await setFlash(`Client ${name} deleted. Its certificates stay on record.`);
  redirect("/clients");
}

export async function issueClientCertificateAction(_prev: FormState, formData: FormData): Promise<FormState> {
  const actor = await requireAdmin();
  const id = idSchema.safeParse(formData.get("id"));
  if (!id.success) return { message: "Unknown client." };
  const parsed = parseForm(issueSchema, {
    days: formData.get("days") || undefined,
    csrPem: formData.get("csrPem") ?? undefined,
  });
  if (!parsed.ok) return parsed.state;
  try {
    await issueClientCertificate(actor, id.data, parsed.data);
  } catch (err) {
    return failure(err);
  }
  revalidatePath(`/clients/${id.data}`);
  return { ok: true, message: "Certificate issued. Its bundle is ready to download." };
}

/** "Enroll with one command" on the client page. */
export async function createClientEnrollmentAction(_prev: EnrollState, formData: FormData): Promise<EnrollState> {
  const actor = await requireAdmin();
  const id = idSchema.safeParse(formData.get("id"));
  if (!id.success) return { message: "Unknown client." };
  return enrollmentResult(actor, { kind: "client", id: id.data });
}

/** The bulk bar's Delete: each ticked client under the same rules as deleting it from its page. */
export async function deleteSelectedClientsAction(_prev: FormState, formData: FormData): Promise<FormState> {
  const actor = await requireAdmin();
  const ids = selectedIdsSchema("client").safeParse(formData.getAll("ids"));
  if (!ids.success) return { message: ids.error.issues[0].message };
  let result: Awaited<ReturnType<typeof deleteClients>>;
  try {
    result = await deleteClients(actor, ids.data);
  } catch (err) {
    return failure(err);
  }
  revalidatePath("/", "layout");
  return bulkResult(
    `Deleted ${countOf(result.deleted.length, "client")}: ${result.deleted.join(", ")}.`,
    result.refused,
    result.deleted.length === 0,
  );
}
