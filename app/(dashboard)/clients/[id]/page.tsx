import type { Metadata } from "next";
import Link from "next/link";
import { notFound } from "next/navigation";
import { HolderCertificates } from "@/app/_components/holder-certificates";
import { RowAction } from "@/app/_components/row-action";
import { requireAdmin } from "@/lib/auth/current";
import { MAX_ENV_FILES } from "@/lib/bundle-downloads";
import { getActiveCa } from "@/lib/ca/cas";
import { listHolderCertificates } from "@/lib/certificates";
import { getClient } from "@/lib/clients";
import { NotFoundError } from "@/lib/errors";
import { listHostChoices } from "@/lib/hosts";
import { getSettings } from "@/lib/settings";
import { deleteClientAction, issueClientCertificateAction, updateClientAction } from "../actions";
import { ClientForm } from "../client-form";
import { BundleDownload } from "./bundle-download";

export const metadata: Metadata = { title: "Client" };

async function loadClient(id: string) {
  try {
    return await getClient(id);
  } catch (err) {
    if (err instanceof NotFoundError) notFound();
    throw err;
  }
}

export default async function ClientPage({ params }: { params: Promise<{ id: string }> }) {
  await requireAdmin();
  const { id } = await params;
  const client = await loadClient(id);
  const [certs, ca, settings, choices] = await Promise.all([
    listHolderCertificates({ clientId: id }),
    getActiveCa(),
    getSettings(),
    listHostChoices(),
  ]);
  const current = certs.find((c) => c.status !== "superseded") ?? null;
  return (
    <>
      <div className="page-head">
        <div>
          <h1>{client.name}</h1>
          <p>
            <Link href="/clients">Clients</Link> / {client.name}
          </p>
        </div>
      </div>

      <HolderCertificates
        certs={certs}
        holderId={client.id}
        issueAction={issueClientCertificateAction}
        defaultDays={settings.clientCertDays}
        caMissing={!ca}
      >
        {current && current.status === "active" ? (
          <BundleDownload certId={current.id} hosts={choices.hosts} perHostFiles={choices.total <= MAX_ENV_FILES} />
        ) : null}
        <p className="muted">
          dockerd does not check revocation lists: a client certificate works until it expires, even after you revoke
          it. Keep client lifetimes short (Settings) and rotate the CA if a key leaks.
        </p>
      </HolderCertificates>

      <section className="panel">
        <h2>Edit client</h2>
        <ClientForm action={updateClientAction} client={client} submitLabel="Save client" />
      </section>

      <section className="panel">
        <h2>Delete client</h2>
        <p className="muted">Its certificates stay on record. A valid certificate keeps working until it expires.</p>
        <RowAction
          action={deleteClientAction}
          id={client.id}
          label="Delete client"
          confirm={`Delete client ${client.name}?`}
        />
      </section>
    </>
  );
}
