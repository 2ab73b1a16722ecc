"use client";

import { useActionState } from "react";
import { FormMessage } from "@/app/_components/form-message";
import type { FormState } from "@/app/_components/form-state";
import { SubmitButton } from "@/app/_components/submit-button";
import { startBulkReissueAction } from "@/app/(dashboard)/certificates/actions";

/** Starts a bulk re-issue: everything expiring within N days, or everything under the previous CA. */
export function BulkReissueForm({
  scope,
  days = 30,
  count,
  label,
}: {
  scope: "expiring" | "previous-ca";
  days?: number;
  count: number;
  label: string;
}) {
  const [state, action] = useActionState<FormState, FormData>(startBulkReissueAction, {});
  return (
    <form action={action} className="stack">
      <input type="hidden" name="scope" value={scope} />
      <input type="hidden" name="days" value={days} />
      <FormMessage state={state} />
      <div className="row">
        <SubmitButton pendingText="Starting…">{`${label} (${count})`}</SubmitButton>
        <label className="checkbox">
          <input type="checkbox" name="revokeOld" /> Also revoke the replaced certificates
        </label>
      </div>
    </form>
  );
}
