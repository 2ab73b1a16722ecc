"use client";

import { useActionState } from "react";
import { FormMessage } from "@/app/_components/form-message";
import type { FormState } from "@/app/_components/form-state";
import { SubmitButton } from "@/app/_components/submit-button";
import { cancelJobAction } from "./actions";

/** Stops a running job from taking more items; what is done stays done. */
export function CancelJobForm({ jobId, onCancelled }: { jobId: string; onCancelled: () => void }) {
  const [state, action] = useActionState<FormState, FormData>(async (prev, formData) => {
    const next = await cancelJobAction(prev, formData);
    if (next.ok) onCancelled();
    return next;
  }, {});
  return (
    <form action={action} className="stack">
      <input type="hidden" name="id" value={jobId} />
      <div>
        <SubmitButton className="secondary" pendingText="Cancelling…">
          Cancel the job
        </SubmitButton>
      </div>
      <FormMessage state={state} />
    </form>
  );
}
