import { CommandLine } from "@/app/_components/command-line";
import { RoleNote } from "@/app/_components/role-note";
import { renderHostInstallCommands } from "@/lib/bundles/install-commands";
import type { Host } from "@/lib/inventory/hosts";

/** After issuing: the bundle to download and the two commands that install and check it. */
export function InstallCard({
  host,
  certId,
  fromCsr,
  sslDir,
  downloadLocked = null,
}: {
  host: Host;
  certId: string;
  fromCsr: boolean;
  sslDir: string;
  /** Why the signed-in role may not download the bundle (its key), or null. */
  downloadLocked?: string | null;
}) {
  const { install, check } = renderHostInstallCommands(host);
  return (
    <div className="stack" data-testid="install-card" style={{ margin: "12px 0 16px" }}>
      <h3 style={{ margin: 0 }}>Install on {host.name}</h3>
      {downloadLocked ? (
        <RoleNote>{downloadLocked}</RoleNote>
      ) : (
        <div>
          <a className="button" href={`/api/v1/certificates/${certId}/bundle.zip`} download>
            Download server bundle
          </a>
        </div>
      )}
      <p className="muted" style={{ margin: 0 }}>
        Copy the zip to {host.name}, then unzip it and run its install.sh as root. It keeps every file it replaces and
        puts them back unless docker comes back serving the new certificate.
        {fromCsr ? ` The certificate was issued from a CSR: put its key at ${sslDir}/key.pem (mode 0600) first.` : ""}
      </p>
      <CommandLine command={install} />
      <p className="muted" style={{ margin: 0 }}>
        Then check it from the folder of an unzipped client bundle, on a machine that can reach {host.name}:
      </p>
      <CommandLine command={check} />
    </div>
  );
}
