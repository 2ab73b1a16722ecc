"use client";

import { useRouter } from "next/navigation";

/** Remembers in this browser that the admin has seen the job's notice; it lapses after a day anyway. */
export function DismissJobNotice({ jobId, cookie }: { jobId: string; cookie: string }) {
  const router = useRouter();
  return (
    <button
      type="button"
      className="link"
      onClick={() => {
        // Not a secret and only read by the overview: a plain cookie the page can set.
        // biome-ignore lint/suspicious/noDocumentCookie: a one-value preference, no Cookie Store API in every browser
        document.cookie = `${cookie}=${jobId}; path=/; max-age=86400; samesite=lax`;
        router.refresh();
      }}
    >
      Dismiss
    </button>
  );
}
