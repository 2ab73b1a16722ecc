"use client";

import { usePathname } from "next/navigation";
import { useEffect, useRef, useState } from "react";
import { FLASH_COOKIE, type Flash, flashFromCookieHeader } from "@/lib/flash";

/**
 * The live region stays in the layout across navigations so that a screen reader announces each
 * new notice. The cookie is read again whenever the page changes or the server re-renders the
 * layout after an action, and cleared as soon as it is shown.
 */
export function FlashMessage({ flash }: { flash: Flash | null }) {
  const pathname = usePathname();
  const [shown, setShown] = useState<Flash | null>(flash);
  const lastPath = useRef(pathname);
  const lastId = useRef<string | null>(null);

  useEffect(() => {
    // The cookie when the browser still has it, else what the server rendered, unless already shown.
    const candidate = flashFromCookieHeader(document.cookie) ?? flash;
    const fresh = candidate && candidate.id !== lastId.current ? candidate : null;
    if (fresh) {
      lastId.current = fresh.id;
      setShown(fresh);
      // biome-ignore lint/suspicious/noDocumentCookie: the Cookie Store API is missing over plain http, where dockpki often runs
      document.cookie = `${FLASH_COOKIE}=; Max-Age=0; Path=/; SameSite=Lax`;
    } else if (lastPath.current !== pathname) {
      setShown(null);
    }
    lastPath.current = pathname;
  }, [pathname, flash]);

  return (
    <div className="flash" role="status" aria-live="polite" data-testid="flash">
      {shown ? <p className="notice ok">{shown.text}</p> : null}
    </div>
  );
}
