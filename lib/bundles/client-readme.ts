import "server-only";
import { type AgentSettings, checkAgentSettings } from "@/lib/bundles/agent-config";
import { type BundleClient, type BundleHost, checkClient, checkHost } from "@/lib/bundles/bundle-input";
import { type ClientBundleNames, clientBundleNames } from "@/lib/bundles/bundle-names";
import { renderContextCommand, renderVerifyCommand } from "@/lib/bundles/client-commands";
import { CA_FILE, CERT_FILE, KEY_FILE, RENEW_AGENT, RENEW_SERVICE, RENEW_TIMER } from "@/lib/bundles/docker-files";
import { dockerHostUrl } from "@/lib/bundles/endpoint";
import { renderAgentMissing } from "@/lib/bundles/renew-agent";

function hostSection(host: BundleHost, perHost: boolean, names: ClientBundleNames): string {
  const envFile = names.envFile(host, perHost);
  const context = names.context(host);
  const warning =
    host.tlsMode === "tls-only"
      ? "\n  WARNING: this host does not check client certificates (tls-only): anyone who can reach it\n  can use it, with or without this bundle.\n"
      : "";
  return `${host.name}  (${dockerHostUrl(host)})
${warning}  source ./${envFile}         then plain "docker ..." commands go to this host
  ${renderVerifyCommand(host)}
  ${renderContextCommand(host, ".", context)}
      (then: docker --context ${context} ps   or   docker context use ${context})
`;
}

/** How to run the agent regularly (cron, a systemd user timer, CI), or why there is none. */
function renewalSection(agent: AgentSettings | null, agentMissing: string | undefined): string {
  if (!agent) return agentMissing === undefined ? "" : `\n${renderAgentMissing(agentMissing)}`;
  const a = checkAgentSettings(agent);
  return `
Renewal
  ./${RENEW_AGENT} renews ${CERT_FILE} and ${KEY_FILE} in this folder when less than ${a.renewAtRemainingPercent}% of the
  certificate's lifetime is left: it makes a new key here, gets a certificate for it from
  ${a.dashboardUrl}, checks that it chains to ${CA_FILE}, replaces the files, and points
  every docker context made from the previous certificate at the new files (a context keeps its
  own copy of them: docker/cli#1931). It needs openssl and curl.
    ./${RENEW_AGENT}           renew when it is due (otherwise it says so and does nothing)
    ./${RENEW_AGENT} --now     renew now, whatever is left
    ./${RENEW_AGENT} --check   when it is due and how the last attempt went; exit 1 when it is due
                             or the last attempt failed
  Run it regularly (replace /path/to/this/folder with where this folder is):
  - cron ("crontab -e"), every day at 09:17:
      17 9 * * * /path/to/this/folder/${RENEW_AGENT}
  - a systemd user timer: write ~/.config/systemd/user/${RENEW_SERVICE}:
      [Unit]
      Description=Renew my dockpki client certificate when it is due
      [Service]
      Type=oneshot
      ExecStart=/path/to/this/folder/${RENEW_AGENT}
    and ~/.config/systemd/user/${RENEW_TIMER}:
      [Timer]
      OnCalendar=daily
      RandomizedDelaySec=1h
      Persistent=true
      [Install]
      WantedBy=timers.target
    then: systemctl --user daemon-reload && systemctl --user enable --now ${RENEW_TIMER}
    ("loginctl enable-linger" lets it run while you are logged out)
  - CI: a step "./${RENEW_AGENT}" in this folder before the docker commands, and this folder saved
    back where the next job gets it from (a cache, or the secret it is restored from): the dashboard
    renews a certificate once, so the next job needs the new files. A step "./${RENEW_AGENT} --check"
    fails the job when renewal is due or the last attempt failed.
`;
}

/** README.txt of a client bundle; selectedHost is the one env.sh points at, if any. */
export function renderClientReadme(
  client: BundleClient,
  hosts: BundleHost[],
  options: {
    selectedHost?: BundleHost | null;
    hasKey?: boolean;
    agent?: AgentSettings | null;
    agentMissing?: string;
  } = {},
): string {
  const c = checkClient(client);
  const selected = options.selectedHost ? checkHost(options.selectedHost) : null;
  const others = hosts.map(checkHost).filter((h) => h.name !== selected?.name);
  const hasKey = options.hasKey ?? true;
  const keyLine = hasKey
    ? `  ${KEY_FILE}       your private key: keep it secret (chmod 600 ${KEY_FILE}; unzip tools may not keep the mode)`
    : `  (no ${KEY_FILE}: the certificate was issued from your CSR; copy your own key here as ${KEY_FILE})`;
  const names = clientBundleNames(selected ? [selected, ...others] : others);
  const firstEnv = selected || !others[0] ? "env.sh" : names.envFile(others[0], true);
  const sections = selected
    ? [hostSection(selected, false, names), ...others.map((h) => hostSection(h, true, names))]
    : others.map((h) => hostSection(h, true, names));
  return `dockpki client bundle for ${c.name}

Files
  ${CA_FILE}        CA certificate(s) that signed the Docker hosts' certificates (two during a CA rotation)
  ${CERT_FILE}      your client certificate (CN=${c.name})
${keyLine}
  env*.sh       sets DOCKER_HOST, DOCKER_TLS_VERIFY=1 and DOCKER_CERT_PATH=<this folder>
${options.agent ? `  ${RENEW_AGENT} renews the certificate before it expires (see Renewal)\n` : ""}  README.txt    this file

Use (in bash or zsh; in sh/dash cd into this folder and use ". ./${firstEnv}")
  source ./${firstEnv}
  docker version
The files must stay together in this folder: DOCKER_CERT_PATH points at it. The docker
commands below that name ca.pem, cert.pem and key.pem are run from inside this folder.
A docker context keeps its own copy of the certificates (in ~/.docker/contexts), so after
"docker context create" the folder may move. Alternatively copy ca.pem, cert.pem and key.pem
to ~/.docker/, where the docker CLI looks by default, and use: docker --tlsverify -H=tcp://HOST:PORT ...

Hosts
${sections.length ? sections.join("\n") : "  (none yet: set DOCKER_HOST=tcp://HOST:2376 yourself, env.sh does the rest)\n"}${renewalSection(options.agent ?? null, options.agentMissing)}`;
}
