"use client";

import { usePathname } from "next/navigation";
import { type ReactNode, useEffect, useRef, useState } from "react";

const MENU_ID = "site-menu";

/**
 * The sidebar on wide screens; on phones a top bar whose Menu button shows and hides the same
 * links (the CSS decides which, so the server renders one tree for both).
 */
export function Sidebar({ children }: { children: ReactNode }) {
  const pathname = usePathname();
  // Open on the page where it was opened: following a link closes it without an effect.
  const [openOn, setOpenOn] = useState<string | null>(null);
  const open = openOn === pathname;
  const button = useRef<HTMLButtonElement>(null);

  useEffect(() => {
    if (!open) return;
    function onKeyDown(e: KeyboardEvent) {
      if (e.key !== "Escape") return;
      setOpenOn(null);
      button.current?.focus();
    }
    document.addEventListener("keydown", onKeyDown);
    return () => document.removeEventListener("keydown", onKeyDown);
  }, [open]);

  return (
    <aside className="sidebar">
      <div className="sidebar-head">
        <div className="brand">
          dock<span>pki</span>
        </div>
        <button
          ref={button}
          type="button"
          className="menu-button"
          aria-expanded={open}
          aria-controls={MENU_ID}
          onClick={() => setOpenOn(open ? null : pathname)}
        >
          Menu
        </button>
      </div>
      <div id={MENU_ID} className="sidebar-menu" data-open={open}>
        {children}
      </div>
    </aside>
  );
}
