import type { Metadata } from "next";
import Link from "next/link";
import { RoleNote } from "@/app/_components/role-note";
import { lockedFor } from "@/lib/auth/authorize";
import { requireAdmin } from "@/lib/auth/current";
import { createHostAction } from "../actions";
import { NEW_HOST } from "../form-values";
import { HostForm } from "../host-form";

export const metadata: Metadata = { title: "Add host" };

export default async function NewHostPage() {
  const locked = lockedFor(await requireAdmin());
  return (
    <>
      <div className="page-head">
        <div>
          <h1>Add a Docker host</h1>
          <p>
            Record the names and addresses clients use to reach it. <Link href="/hosts">Back to hosts</Link>
          </p>
        </div>
      </div>
      <section className="panel">
        {locked.inventory ? (
          <RoleNote>{locked.inventory}</RoleNote>
        ) : (
          <HostForm action={createHostAction} host={NEW_HOST} submitLabel="Add host" />
        )}
      </section>
    </>
  );
}
