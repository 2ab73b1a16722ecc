import "server-only";
import { type AgentSettings, checkAgentSettings } from "@/lib/bundles/agent-config";
import { type BundleHost, checkHost, checkSslDir } from "@/lib/bundles/bundle-input";
import { renderVerifyCommand } from "@/lib/bundles/client-commands";
import {
  CA_FILE,
  CERT_FILE,
  CUSTOM_CONF,
  DAEMON_JSON,
  DAEMON_JSON_PATH,
  DOCKERD_PATH,
  DROP_IN_DIR,
  KEY_FILE,
  RENEW_AGENT,
  RENEW_AGENT_DIR,
  RENEW_AGENT_PATH,
  RENEW_SERVICE,
  RENEW_TIMER,
  SYSTEMD_UNIT_DIR,
} from "@/lib/bundles/docker-files";
import { dialName } from "@/lib/bundles/endpoint";
import { RESTART_WAIT_SECONDS, TLS_WAIT_SECONDS } from "@/lib/bundles/keep-and-roll-back";
import { renderAgentMissing } from "@/lib/bundles/renew-agent";
import { describeRenewWindow } from "@/lib/bundles/renew-units";
import { renderSwarmManageCommand, SWARM_MANAGER_PORT } from "@/lib/bundles/swarm-command";
import { hostCertificateNames } from "@/lib/inventory/hosts.schema";

export const TLS_ONLY_WARNING = `WARNING: this host uses TLS without client verification (tls-only). The connection is
encrypted, but dockerd does not ask for a client certificate: ANY client that can reach port PORT
can connect and has full control of this host (root, in effect). Switch the host to mutual TLS in
dockpki unless something else (a firewall, a VPN) already restricts who can reach that port.`;

function swarmSection(host: BundleHost, sslDir: string): string {
  return `Classic Swarm manager
---------------------
Classic Swarm (the standalone "swarm" image) is legacy: it is no longer maintained and may not
work with current Docker Engine releases; swarm mode ("docker swarm init") replaced it and brings
its own mutual TLS. If you still run it, start the manager with this host's certificates (its
certificate carries clientAuth, so the manager can also dial the nodes' daemons):

  ${renderSwarmManageCommand(host, sslDir)}

List every node's daemon in the nodes:// argument (comma-separated, e.g.
nodes://node1.example.com:2376,node2.example.com:2376); the hosted token:// discovery that old
guides use no longer exists. Clients then talk to the manager on port ${SWARM_MANAGER_PORT}:
  docker --tlsverify --tlscacert=ca.pem --tlscert=cert.pem --tlskey=key.pem -H=tcp://${dialName(host)}:${SWARM_MANAGER_PORT} info
`;
}

/** How the certificate is renewed: by the agent, or why there is none. */
function renewalSection(sslDir: string, agent: AgentSettings | null, agentMissing: string | undefined): string {
  if (!agent) return agentMissing === undefined ? "" : renderAgentMissing(agentMissing);
  const a = checkAgentSettings(agent);
  return `Renewal
  install.sh also installs ${RENEW_AGENT} as ${RENEW_AGENT_PATH}, puts ${RENEW_SERVICE}
  and ${RENEW_TIMER} in ${SYSTEMD_UNIT_DIR} and enables the timer, which runs it
  ${describeRenewWindow(a.renewWindow)}.
  When less than ${a.renewAtRemainingPercent}% of the certificate's lifetime is left, ${RENEW_AGENT} makes a new key on this
  host, gets a certificate for it from ${a.dashboardUrl}, checks that it chains to the CA
  in ${sslDir}/${CA_FILE}, installs it the way install.sh does (every file kept, and put back unless
  docker comes back serving the new certificate) and tells the dashboard how it went.
    sudo ${RENEW_AGENT} --check   the certificate, when renewal is due and how the last attempt went
    sudo ${RENEW_AGENT} --now     renew now, whatever is left
    systemctl list-timers ${RENEW_TIMER}   the next run;   journalctl -u ${RENEW_AGENT}   the last ones
  dockerd reads its certificate only when it starts (it cannot reload it: moby/moby#23936), so each
  renewal restarts docker, and with it every container, unless "live-restore": true is set in
  ${DAEMON_JSON_PATH} (the containers then keep running while dockerd restarts).
  By hand (install.sh does this):
    mkdir -p ${RENEW_AGENT_DIR}
    cp ${RENEW_AGENT} ${RENEW_AGENT_PATH} && chmod 0755 ${RENEW_AGENT_PATH}
    cp ${RENEW_SERVICE} ${RENEW_TIMER} ${SYSTEMD_UNIT_DIR}/
    systemctl daemon-reload && systemctl enable --now ${RENEW_TIMER}
`;
}

/** What install.sh checks first, and how it keeps and rolls back: the by-hand steps' safety net. */
function installShSection(host: BundleHost, sslDir: string): string {
  const daemonJsonCheck =
    host.configStyle === "daemon-json"
      ? `that ${DAEMON_JSON_PATH}, if you have one, is valid JSON. It then merges this bundle's "hosts"
  and TLS settings into that file and keeps every other setting, which needs python3 (on Docker 23
  and later, dockerd --validate also checks the resulting file)`
      : `that ${DAEMON_JSON_PATH}, if you have one, sets no "hosts" or tls option (it reads
  ${DAEMON_JSON_PATH} with python3, or on Docker 23 and later with dockerd --validate, and needs
  one of them when that file exists)`;
  return `What install.sh does
- First it checks, and stops with one line and nothing changed when something is wrong: that it
  runs as root; that ${KEY_FILE} is there and belongs to ${CERT_FILE}; where dockerd is; that
  ${sslDir} is a real directory that only root can change; that no later drop-in sets
  ExecStart= (step 0); ${daemonJsonCheck}.
  It needs openssl (and timeout, from coreutils) for the check of step 4.
- It keeps a copy of every file it replaces; new directories get mode 0755, existing ones keep theirs.
- It restarts docker and waits up to ${TLS_WAIT_SECONDS} seconds for dockerd to serve this certificate on
  127.0.0.1:${host.port} (step 4). If docker does not start (or is still starting after
  ${RESTART_WAIT_SECONDS} seconds; DOCKPKI_RESTART_WAIT=SECONDS sh install.sh gives it longer), does
  not serve it, or install.sh is stopped half-way, it
  puts every previous file back, restarts docker with them (after systemctl stop docker, which ends a
  start that still hangs, and systemctl reset-failed docker, so that systemd's start limit cannot
  refuse it), and exits 1 saying so; journalctl -u docker -n 50 tells why docker did not start.
`;
}

/** README.txt of a server bundle: what each file is and the exact steps, by hand or install.sh. */
export function renderServerReadme(
  host: BundleHost,
  sslDir: string,
  options: { hasKey?: boolean; agent?: AgentSettings | null; agentMissing?: string } = {},
): string {
  const h = checkHost(host);
  const dir = checkSslDir(sslDir);
  const hasKey = options.hasKey ?? true;
  const agent = options.agent ?? null;
  const agentFiles = agent
    ? `  ${RENEW_AGENT}, ${RENEW_SERVICE}, ${RENEW_TIMER}
                renews this certificate before it expires, and the systemd timer that runs it
                (see Renewal)\n`
    : "";
  const daemonJson = h.configStyle === "daemon-json";
  const covered = hostCertificateNames(h);
  const names = [...covered.dnsNames, ...covered.ipAddresses].join(", ");
  const warning = h.tlsMode === "tls-only" ? `\n${TLS_ONLY_WARNING.replace("PORT", String(h.port))}\n` : "";
  const keyLine = hasKey
    ? `  ${KEY_FILE}       this host's private key: keep it secret (mode 0600, owned by root)`
    : `  (no ${KEY_FILE}: the certificate was issued from a CSR; put its key at ${dir}/${KEY_FILE}, mode 0600)`;
  const configFiles = daemonJson
    ? `  ${DAEMON_JSON}   for ${DAEMON_JSON_PATH}: where dockerd listens and its TLS files
  ${CUSTOM_CONF}   systemd drop-in that resets ExecStart= to plain dockerd (dockerd refuses
                "hosts" given both in daemon.json and as a -H flag, which the stock unit passes)`
    : `  ${CUSTOM_CONF}   systemd drop-in that starts dockerd with TLS on port ${h.port}`;
  const configSteps = daemonJson
    ? `   If ${DAEMON_JSON_PATH} does not exist yet:
     cp ${DAEMON_JSON} ${DAEMON_JSON_PATH}
   If it does, do not replace it: set "hosts", "tls", "tlsverify", "tlscacert", "tlscert" and
   "tlskey" in it as ${DAEMON_JSON} here has them (and remove any that ${DAEMON_JSON} here leaves out),
   and keep every other setting. Then:
     mkdir -p ${DROP_IN_DIR}
     cp ${CUSTOM_CONF} ${DROP_IN_DIR}/${CUSTOM_CONF}`
    : `     mkdir -p ${DROP_IN_DIR}
     cp ${CUSTOM_CONF} ${DROP_IN_DIR}/${CUSTOM_CONF}
   ${DAEMON_JSON_PATH}, if you have one, must not set "hosts" or any tls option: dockerd
   refuses to start when an option is given both as a flag and in that file.`;
  const socketNote = !h.keepUnixSocket
    ? `- The local unix socket is switched off: "docker" on this host needs -H and a client
  certificate like any other client (docker.socket may still hold /var/run/docker.sock, unused).`
    : daemonJson
      ? `- The local socket stays: dockerd opens /var/run/docker.sock itself, as "hosts" in daemon.json says.`
      : `- The local socket stays: "-H fd://" takes it from docker.socket (systemd socket activation),
  which the docker.service of docker-ce and of Debian/Ubuntu's docker.io provide.`;
  return `dockpki server bundle for Docker host ${h.name}
${warning}
Files
  ${CA_FILE}        CA certificate(s) dockerd trusts for client certificates (two during a CA rotation)
  ${CERT_FILE}      this host's certificate, for: ${names}
${keyLine}
${configFiles}
${agentFiles}  install.sh    does steps 0 to 4 below, and puts everything back if docker does not come back:
                sudo sh install.sh (from any directory)
  README.txt    this file

Install by hand (as root, in this folder)
0. Before you change anything:
   Keep a copy of what you replace, to put it back if docker does not start: the .pem files in
   ${dir}, ${DROP_IN_DIR}/${CUSTOM_CONF}${daemonJson ? ` and ${DAEMON_JSON_PATH}` : ""}.
   A drop-in named after ${CUSTOM_CONF} that sets ExecStart= wins over ${CUSTOM_CONF}, such as the
   override.conf that "systemctl edit docker" writes. Look for one in ${DROP_IN_DIR}
   and in /run, /usr/lib and /lib/systemd/system/docker.service.d; move what you need from it
   into ${CUSTOM_CONF} and delete it.
1. Certificates:
     mkdir -p ${dir}
     cp ${CA_FILE} ${CERT_FILE}${hasKey ? ` ${KEY_FILE}` : ""} ${dir}/
     chmod 0644 ${dir}/${CA_FILE} ${dir}/${CERT_FILE}
     chmod 0600 ${dir}/${KEY_FILE}
2. Daemon configuration:
${configSteps}
   If dockerd is not ${DOCKERD_PATH} here (Debian's docker.io has /usr/sbin/dockerd), change the
   ExecStart= line of ${CUSTOM_CONF} to match (install.sh does this for you).
3. Restart:
     systemctl daemon-reload
     systemctl restart docker
   If docker does not start (journalctl -u docker -n 50 says why), put the copies back and run
   these two commands again.
4. Check on this host that dockerd serves this certificate (the two fingerprints must be equal):
     openssl s_client -connect 127.0.0.1:${h.port} </dev/null 2>/dev/null | openssl x509 -noout -fingerprint -sha256
     openssl x509 -noout -fingerprint -sha256 -in ${dir}/${CERT_FILE}
5. Check, from the folder of an unzipped client bundle on a machine that can reach this host:
     ${renderVerifyCommand(h)}
   Open TCP port ${h.port} in the firewall for your clients; never open 2375 (plaintext).

${installShSection(h, dir)}${
  agent
    ? `- With the renewal agent, it installs ${RENEW_AGENT} and its units along with the rest (and takes
  them out again on a roll-back), and enables the timer once docker serves the new certificate.\n`
    : ""
}
${renewalSection(dir, agent, options.agentMissing)}${agent || options.agentMissing ? "\n" : ""}Notes
${socketNote}
${
  h.localAccess
    ? `- The certificate also covers localhost and 127.0.0.1: on this host itself, a client bundle works
  with -H tcp://127.0.0.1:${h.port} (or tcp://localhost:${h.port}).\n`
    : ""
}- ${CUSTOM_CONF} replaces docker.service's ExecStart=, including $DOCKER_OPTS from /etc/default/docker.
- dockerd does not read certificate revocation lists: revoking a client certificate in dockpki
  does not lock that client out of this host. Short client lifetimes and a CA rotation do.
${h.role === "swarm-manager" ? `\n${swarmSection(h, dir)}` : ""}`;
}
