"use client";

import { useActionState, useEffect, useId } from "react";
import { useSelection } from "@/app/_components/bulk-selection";
import { ConfirmButton } from "@/app/_components/confirm-dialog";
import { FormMessage } from "@/app/_components/form-message";
import type { FormState } from "@/app/_components/form-state";
import { SubmitButton } from "@/app/_components/submit-button";

type Action = (prev: FormState, formData: FormData) => Promise<FormState>;

/** A list row as the bulk bar needs it: the row's id and its current certificate, if any. */
export interface BulkRow {
  id: string;
  certificateId: string | null;
  certificateStatus: string | null;
}

const plural = (n: number, noun: string) => `${n} ${noun}${n === 1 ? "" : "s"}`;

function Ids({ ids }: { ids: string[] }) {
  return ids.map((id) => <input key={id} type="hidden" name="ids" value={id} />);
}

/**
 * What can be done to the ticked rows at once. Re-issue and revoke act on the rows' current
 * certificates (a row without one is left out, and the button says how many it covers); delete acts
 * on the rows themselves.
 */
export function BulkBar({
  rows,
  noun,
  reissueAction,
  revokeAction,
  deleteAction,
  allow,
}: {
  rows: BulkRow[];
  noun: string;
  reissueAction: Action;
  revokeAction: Action;
  deleteAction?: Action;
  /** What the signed-in role may do; a button it may not use is not shown. */
  allow: { issue: boolean; download: boolean; revoke: boolean; delete: boolean };
}) {
  const { selected, clear } = useSelection();
  const [reissued, reissue] = useActionState<FormState, FormData>(reissueAction, {});
  const [revoked, revoke] = useActionState<FormState, FormData>(revokeAction, {});
  const [deleted, remove] = useActionState<FormState, FormData>(deleteAction ?? (async () => ({})), {});
  const formId = useId();
  useEffect(() => {
    if (revoked.ok || deleted.ok) clear();
  }, [revoked, deleted, clear]);

  const picked = rows.filter((r) => selected.has(r.id));
  const withCert = picked.filter((r) => r.certificateId && r.certificateStatus !== "superseded");
  const reissueIds = withCert.map((r) => r.certificateId as string);
  const activeIds = withCert.filter((r) => r.certificateStatus === "active").map((r) => r.certificateId as string);
  const cover = (ids: string[]) => (ids.length === picked.length ? "" : ` (${ids.length})`);
  const canDelete = Boolean(deleteAction) && allow.delete;
  if (!allow.issue && !allow.download && !allow.revoke && !canDelete) return null;

  return (
    <section className="panel bulk-bar" aria-label="Bulk actions">
      <div className="row">
        <strong aria-live="polite">{picked.length === 0 ? `No ${noun}s selected` : `${picked.length} selected`}</strong>
        {allow.issue ? (
          <form action={reissue}>
            <Ids ids={reissueIds} />
            <SubmitButton className="small secondary" pendingText="Starting…" disabled={reissueIds.length === 0}>
              {`Re-issue${cover(reissueIds)}`}
            </SubmitButton>
          </form>
        ) : null}
        {allow.download ? (
          <form method="post" action="/api/v1/certificates/bundles.zip">
            <Ids ids={activeIds} />
            {/* aria-disabled, as SubmitButton: a disabled button would drop keyboard focus to the body. */}
            <button
              type="submit"
              className="small secondary"
              aria-disabled={activeIds.length === 0}
              onClick={(e) => {
                if (activeIds.length === 0) e.preventDefault();
              }}
            >
              {`Download${cover(activeIds)}`}
            </button>
          </form>
        ) : null}
        {allow.revoke ? (
          <>
            <form id={`${formId}-revoke`} action={revoke}>
              <Ids ids={activeIds} />
            </form>
            <ConfirmButton
              label={`Revoke${cover(activeIds)}`}
              className="small danger"
              title={`Revoke ${plural(activeIds.length, "certificate")}?`}
              confirmLabel="Revoke"
              danger
              form={`${formId}-revoke`}
              disabled={activeIds.length === 0}
            >
              <p>
                Each is added to its CA&apos;s revocation list now, and its bundle can no longer be downloaded. dockerd
                does not read revocation lists: a revoked client certificate works until it expires.
              </p>
              <label className="field">
                <span>Reason</span>
                <select name="reason" form={`${formId}-revoke`} defaultValue="unspecified">
                  <option value="unspecified">Unspecified</option>
                  <option value="keyCompromise">Key compromise</option>
                  <option value="cessationOfOperation">No longer in use</option>
                  <option value="superseded">Superseded</option>
                  <option value="affiliationChanged">Affiliation changed</option>
                  <option value="privilegeWithdrawn">Privilege withdrawn</option>
                </select>
              </label>
            </ConfirmButton>
          </>
        ) : null}
        {canDelete ? (
          <>
            <form id={`${formId}-delete`} action={remove}>
              <Ids ids={picked.map((r) => r.id)} />
            </form>
            <ConfirmButton
              label="Delete"
              className="small danger"
              title={`Delete ${plural(picked.length, noun)}?`}
              confirmLabel="Delete"
              danger
              form={`${formId}-delete`}
              disabled={picked.length === 0}
            >
              <p>Their certificates stay on record; a valid one keeps working until it expires or is revoked.</p>
            </ConfirmButton>
          </>
        ) : null}
      </div>
      <FormMessage state={reissued} />
      <FormMessage state={revoked} />
      {canDelete ? <FormMessage state={deleted} /> : null}
    </section>
  );
}
