"use client";

import { useActionState, useId, useState } from "react";
import { ConfirmButton } from "@/app/_components/confirm-dialog";
import { FormMessage } from "@/app/_components/form-message";
import type { FormState } from "@/app/_components/form-state";
import { startBulkReissueAction } from "@/app/(dashboard)/certificates/actions";
import { describeReissue, type ReissueCounts } from "@/lib/certificates/reissue-summary";

/** Starts a bulk re-issue: everything expiring within N days, or everything under the previous CA. */
export function BulkReissueForm({
  scope,
  days = 30,
  counts,
  label,
}: {
  scope: "expiring" | "previous-ca";
  days?: number;
  counts: ReissueCounts;
  label: string;
}) {
  const [state, action] = useActionState<FormState, FormData>(startBulkReissueAction, {});
  const [revokeOld, setRevokeOld] = useState(false);
  const formId = useId();
  const total = counts.hosts + counts.clients;
  return (
    <form id={formId} action={action} className="stack">
      <input type="hidden" name="scope" value={scope} />
      <input type="hidden" name="days" value={days} />
      <FormMessage state={state} />
      <div className="row">
        <ConfirmButton
          form={formId}
          label={`${label} (${total})`}
          title={describeReissue(counts, revokeOld)}
          confirmLabel={`Re-issue ${total}`}
          danger={revokeOld}
        >
          <p>
            Each gets a fresh key and the {scope === "previous-ca" ? "active CA" : "current names and addresses"}; the
            work runs in the background and its progress shows on the next page.
          </p>
          <p className="muted">
            {revokeOld
              ? "The old ones go into the CRL at once and their bundles can no longer be downloaded."
              : "Nothing stops working until the new bundles are installed."}
          </p>
        </ConfirmButton>
        <label className="checkbox">
          <input
            type="checkbox"
            name="revokeOld"
            checked={revokeOld}
            onChange={(e) => setRevokeOld(e.target.checked)}
          />{" "}
          Also revoke the replaced certificates
        </label>
      </div>
    </form>
  );
}
