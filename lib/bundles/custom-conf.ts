import "server-only";
import { type BundleHost, checkHost, checkSslDir } from "@/lib/bundles/bundle-input";
import {
  CUSTOM_CONF,
  DOCKERD_PATH,
  DROP_IN_DIR,
  SOCKET_ACTIVATED_HOST,
  tlsFilePaths,
} from "@/lib/bundles/docker-files";
import { listenUrl } from "@/lib/bundles/endpoint";
import { systemdCommandLine } from "@/lib/bundles/quote";

/** The dockerd TLS flags for a host. tls-only needs an explicit --tlsverify=false: dockerd 20.10
 * turns verification on by itself when it sees --tls alone (and then wants a CA file). */
function tlsFlags(host: BundleHost, sslDir: string): string[] {
  const paths = tlsFilePaths(sslDir);
  const verify = host.tlsMode === "mtls" ? ["--tlsverify", `--tlscacert=${paths.ca}`] : ["--tls", "--tlsverify=false"];
  return [...verify, `--tlscert=${paths.cert}`, `--tlskey=${paths.key}`];
}

function dropIn(comments: string[], command: string[]): string {
  return [
    ...comments.map((c) => `# ${c}`),
    "[Service]",
    "# The empty ExecStart= clears docker.service's own; systemd refuses a service with two.",
    "ExecStart=",
    `ExecStart=${systemdCommandLine(command)}`,
    "",
  ].join("\n");
}

/** custom.conf in the systemd style: every dockerd setting as a flag. */
export function renderCustomConf(host: BundleHost, sslDir: string): string {
  const h = checkHost(host);
  const dir = checkSslDir(sslDir);
  const sockets = h.keepUnixSocket ? ["-H", SOCKET_ACTIVATED_HOST] : [];
  const comments = [
    `dockpki: Docker daemon TLS for host ${h.name}.`,
    `Install as ${DROP_IN_DIR}/${CUSTOM_CONF}, then: systemctl daemon-reload && systemctl restart docker`,
  ];
  if (h.tlsMode === "tls-only") {
    comments.push("WARNING: TLS without client verification: anyone who can reach the port controls this daemon.");
  }
  return dropIn(comments, [DOCKERD_PATH, ...sockets, "-H", listenUrl(h), ...tlsFlags(h, dir)]);
}

/** custom.conf in the daemon-json style: dockerd refuses "hosts" given both as a flag and in
 * daemon.json, and the stock units pass -H fd://, so ExecStart is reset to plain dockerd. */
export function renderDaemonJsonDropIn(): string {
  return dropIn(
    [
      "dockpki: lets /etc/docker/daemon.json decide where dockerd listens.",
      `Install as ${DROP_IN_DIR}/${CUSTOM_CONF}, then: systemctl daemon-reload && systemctl restart docker`,
    ],
    [DOCKERD_PATH],
  );
}
