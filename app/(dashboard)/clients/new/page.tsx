import type { Metadata } from "next";
import Link from "next/link";
import { RoleNote } from "@/app/_components/role-note";
import { lockedFor } from "@/lib/auth/authorize";
import { requireAdmin } from "@/lib/auth/current";
import { createClientAction } from "../actions";
import { ClientForm } from "../client-form";

export const metadata: Metadata = { title: "Add client" };

export default async function NewClientPage() {
  const locked = lockedFor(await requireAdmin());
  return (
    <>
      <div className="page-head">
        <div>
          <h1>Add a client</h1>
          <p>
            A person, CI server or service that runs the docker CLI against your hosts.{" "}
            <Link href="/clients">Back to clients</Link>
          </p>
        </div>
      </div>
      <section className="panel">
        {locked.inventory ? (
          <RoleNote>{locked.inventory}</RoleNote>
        ) : (
          <ClientForm
            action={createClientAction}
            client={{ name: "", kind: "person", notes: "", renewalEnabled: true, keyType: null }}
            submitLabel="Add client"
          />
        )}
      </section>
    </>
  );
}
