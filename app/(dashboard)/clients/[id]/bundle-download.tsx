"use client";

import { useRef, useState } from "react";

/**
 * The client bundle, with env.sh pointing at one chosen host or one env file per host. A filter
 * above the picker narrows a long host list; Enter or ↓ in it moves to the list.
 */
export function BundleDownload({
  certId,
  hosts,
  total,
  maxEnvFiles,
}: {
  certId: string;
  hosts: { id: string; name: string }[];
  /** Every host on record; `hosts` may hold only the first of them by name. */
  total: number;
  maxEnvFiles: number;
}) {
  const perHostFiles = total <= maxEnvFiles;
  const [host, setHost] = useState(perHostFiles ? "" : (hosts[0]?.id ?? ""));
  const [filter, setFilter] = useState("");
  const picker = useRef<HTMLSelectElement>(null);
  const needle = filter.trim().toLowerCase();
  const shown = needle ? hosts.filter((h) => h.name.toLowerCase().includes(needle)) : hosts;
  // What is downloaded is always what the picker shows.
  const chosen = host && !shown.some((h) => h.id === host) ? (shown[0]?.id ?? "") : host;
  const href = `/api/v1/certificates/${certId}/bundle.zip${chosen ? `?host=${encodeURIComponent(chosen)}` : ""}`;
  const blocked = !perHostFiles && !chosen;
  return (
    <div className="stack" style={{ marginBottom: 12 }}>
      <div className="row">
        <label htmlFor="bundle-host-filter">Find a host</label>
        <input
          id="bundle-host-filter"
          type="search"
          value={filter}
          onChange={(e) => setFilter(e.target.value)}
          onKeyDown={(e) => {
            if (e.key === "Enter" || e.key === "ArrowDown") {
              e.preventDefault();
              picker.current?.focus();
            }
          }}
          placeholder="Part of a host name"
          aria-controls="bundle-host"
          aria-describedby="bundle-host-count"
          style={{ width: "auto", flex: "0 1 260px" }}
        />
        <span id="bundle-host-count" className="muted" aria-live="polite">
          {`${shown.length} of ${total} hosts shown`}
          {hosts.length < total
            ? ` (the first ${hosts.length} by name can be picked here; the CLI's --host takes any)`
            : ""}
        </span>
      </div>
      <div className="row">
        <label htmlFor="bundle-host">env.sh for</label>
        <select
          id="bundle-host"
          ref={picker}
          value={chosen}
          onChange={(e) => setHost(e.target.value)}
          style={{ width: "auto" }}
        >
          {perHostFiles ? <option value="">every host (one env file each)</option> : null}
          {shown.map((h) => (
            <option key={h.id} value={h.id}>
              {h.name}
            </option>
          ))}
        </select>
        {blocked ? (
          <span className="button" aria-disabled="true">
            Download client bundle
          </span>
        ) : (
          <a className="button" href={href} download>
            Download client bundle
          </a>
        )}
      </div>
      {perHostFiles ? null : (
        <p className="muted">
          “Every host” is offered up to {maxEnvFiles} hosts. With {total}, a bundle with an env file and a docker
          context for each would bury the one you need, so this bundle&apos;s env.sh points at the host you choose.
        </p>
      )}
    </div>
  );
}
