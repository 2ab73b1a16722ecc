import "server-only";
import { type BundleHost, checkHost, checkSslDir } from "@/lib/bundles/bundle-input";
import { tlsFilePaths, UNIX_SOCKET_HOST } from "@/lib/bundles/docker-files";
import { listenUrl } from "@/lib/bundles/endpoint";

/** daemon.json for the daemon-json style. tlsverify is always written out: left absent, dockerd
 * 20.10 turns it on by itself, so tls-only needs an explicit false. */
export function renderDaemonJson(host: BundleHost, sslDir: string): string {
  const h = checkHost(host);
  const paths = tlsFilePaths(checkSslDir(sslDir));
  const mtls = h.tlsMode === "mtls";
  const config = {
    hosts: h.keepUnixSocket ? [UNIX_SOCKET_HOST, listenUrl(h)] : [listenUrl(h)],
    tls: true,
    tlsverify: mtls,
    ...(mtls ? { tlscacert: paths.ca } : {}),
    tlscert: paths.cert,
    tlskey: paths.key,
  };
  return `${JSON.stringify(config, null, 2)}\n`;
}
