import "server-only";
import { type BundleHost, checkHost, checkSslDir } from "@/lib/bundles/bundle-input";
import { CA_FILE, CERT_FILE, KEY_FILE } from "@/lib/bundles/docker-files";
import { dialName } from "@/lib/bundles/endpoint";
import { shellQuote } from "@/lib/bundles/quote";

/** Classic Swarm's TLS guide ran the manager on 3376, beside the daemon's 2376 on the same host. */
export const SWARM_MANAGER_PORT = 3376;

/** The classic (standalone, legacy) Swarm manager, as Docker's "Configure Docker Swarm for TLS"
 * guide ran it: the certificates mounted read-only, TLS verification on both sides. Discovery is a
 * static node list because the hosted token:// service is gone. */
export function renderSwarmManageCommand(host: BundleHost, sslDir: string): string {
  const h = checkHost(host);
  const dir = checkSslDir(sslDir);
  const tls = `--tlsverify --tlscacert=/certs/${CA_FILE} --tlscert=/certs/${CERT_FILE} --tlskey=/certs/${KEY_FILE}`;
  const nodes = shellQuote(`nodes://${dialName(h)}:${h.port}`);
  return [
    `docker run -d --name swarm-manager --restart=unless-stopped -p ${SWARM_MANAGER_PORT}:${SWARM_MANAGER_PORT}`,
    `-v ${shellQuote(`${dir}:/certs:ro`)} swarm manage ${tls} --host=0.0.0.0:${SWARM_MANAGER_PORT} ${nodes}`,
  ].join(" ");
}
