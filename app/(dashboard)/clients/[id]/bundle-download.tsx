"use client";

import { useState } from "react";

/** The client bundle, with env.sh pointing at one chosen host or one env file per host. */
export function BundleDownload({
  certId,
  hosts,
  perHostFiles,
}: {
  certId: string;
  hosts: { id: string; name: string }[];
  perHostFiles: boolean;
}) {
  const [host, setHost] = useState(perHostFiles ? "" : (hosts[0]?.id ?? ""));
  const href = `/api/v1/certificates/${certId}/bundle.zip${host ? `?host=${encodeURIComponent(host)}` : ""}`;
  return (
    <div className="row" style={{ marginBottom: 12 }}>
      <label htmlFor="bundle-host">env.sh for</label>
      <select id="bundle-host" value={host} onChange={(e) => setHost(e.target.value)} style={{ width: "auto" }}>
        {perHostFiles ? <option value="">every host (one env file each)</option> : null}
        {hosts.map((h) => (
          <option key={h.id} value={h.id}>
            {h.name}
          </option>
        ))}
      </select>
      <a className="button" href={href} download>
        Download client bundle
      </a>
    </div>
  );
}
