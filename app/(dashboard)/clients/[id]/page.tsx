import type { Metadata } from "next";
import Link from "next/link";
import { notFound } from "next/navigation";
import { DeleteHolderDetails } from "@/app/_components/delete-holder-details";
import { EnrollForm } from "@/app/_components/enroll-form";
import { HolderCertificates } from "@/app/_components/holder-certificates";
import { RenewalPanel } from "@/app/_components/renewal-panel";
import { RevokedNotice } from "@/app/_components/revoked-notice";
import { RoleNote } from "@/app/_components/role-note";
import { RowAction } from "@/app/_components/row-action";
import { lockedFor } from "@/lib/auth/authorize";
import { requireAdmin } from "@/lib/auth/current";
import { getActiveCa } from "@/lib/ca/cas";
import { listHolderCertificates } from "@/lib/certificates/certificates";
import { MAX_ENV_FILES } from "@/lib/certificates/downloads";
import { NotFoundError } from "@/lib/errors";
import { getClient } from "@/lib/inventory/clients";
import { getHost, listHostChoices } from "@/lib/inventory/hosts";
import { clientPageTitle } from "@/lib/page-titles";
import { defaultLifetimeDays } from "@/lib/renewal/lifetime";
import { renewalStatus } from "@/lib/renewal/status";
import { getSettings } from "@/lib/settings";
import {
  createClientEnrollmentAction,
  deleteClientAction,
  issueClientCertificateAction,
  updateClientAction,
} from "../actions";
import { ClientForm } from "../client-form";
import { BundleDownload } from "./bundle-download";
import { ContextCommands, MAX_CONTEXT_COMMANDS } from "./context-commands";

export async function generateMetadata({ params }: { params: Promise<{ id: string }> }): Promise<Metadata> {
  await requireAdmin();
  return { title: await clientPageTitle((await params).id) };
}

async function loadClient(id: string) {
  try {
    return await getClient(id);
  } catch (err) {
    if (err instanceof NotFoundError) notFound();
    throw err;
  }
}

export default async function ClientPage({ params }: { params: Promise<{ id: string }> }) {
  const locked = lockedFor(await requireAdmin());
  const { id } = await params;
  const client = await loadClient(id);
  const [certs, ca, settings, choices] = await Promise.all([
    listHolderCertificates({ clientId: id }),
    getActiveCa(),
    getSettings(),
    listHostChoices(),
  ]);
  const current = certs.find((c) => c.status !== "superseded") ?? null;
  const contextHosts = await Promise.all(choices.hosts.slice(0, MAX_CONTEXT_COMMANDS).map((h) => getHost(h.id)));
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
        defaultDays={defaultLifetimeDays("client", settings, client.renewalEnabled)}
        caMissing={!ca}
        issueLocked={locked.issue}
      >
        <RevokedNotice kind="client" cert={current} />
        {current && current.status === "active" ? (
          <>
            {locked.download ? (
              <RoleNote>{locked.download}</RoleNote>
            ) : (
              <BundleDownload
                certId={current.id}
                hosts={choices.hosts}
                total={choices.total}
                maxEnvFiles={MAX_ENV_FILES}
              />
            )}
            <ContextCommands client={client} hosts={contextHosts} total={choices.total} />
          </>
        ) : null}
        <p className="muted">
          dockerd does not check revocation lists: a client certificate works until it expires, even after you revoke
          it. Keep client lifetimes short (Settings) and rotate the CA if a key leaks.
        </p>
      </HolderCertificates>

      <RenewalPanel kind="client" status={renewalStatus(client, current, settings)}>
        {locked.inventory ? (
          <RoleNote>{locked.inventory}</RoleNote>
        ) : (
          <EnrollForm
            action={createClientEnrollmentAction}
            holderId={client.id}
            kind="client"
            publicUrlSet={settings.publicUrl !== null}
          />
        )}
      </RenewalPanel>

      {locked.inventory ? null : (
        <>
          <section className="panel">
            <h2>Edit client</h2>
            <ClientForm action={updateClientAction} client={client} submitLabel="Save client" />
          </section>

          <section className="panel">
            <h2>Delete client</h2>
            <p className="muted">
              Its certificates stay on record. A valid certificate keeps working until it expires.
            </p>
            <RowAction
              action={deleteClientAction}
              id={client.id}
              label="Delete client"
              confirm={`Delete client ${client.name}?`}
              details={<DeleteHolderDetails kind="client" certs={certs} />}
            />
          </section>
        </>
      )}
    </>
  );
}
