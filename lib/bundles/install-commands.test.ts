import assert from "node:assert/strict";
import { before, test } from "node:test";
import { renderClientContextCommands, renderHostInstallCommands } from "@/lib/bundles/install-commands";
import { buildClientBundle, buildServerBundle, bundleFileName } from "@/lib/bundles/zip";
import { sampleHost } from "@/lib/test-support/bundle-hosts";
import { makeTestPki, type TestPki } from "@/lib/test-support/bundle-pki";
import { unzip } from "@/lib/test-support/zip";

let pki: TestPki;
before(() => {
  pki = makeTestPki();
});

test("the host's commands name the zip that is downloaded and the install.sh inside it", async () => {
  const host = sampleHost({ port: 2377 });
  const { install, check } = renderHostInstallCommands(host);
  assert.equal(install, "unzip dockpki-server-docker1.zip && sudo sh docker1/install.sh");
  assert.equal(
    check,
    "docker --tlsverify --tlscacert=ca.pem --tlscert=cert.pem --tlskey=key.pem -H=tcp://docker1.example.com:2377 version",
  );
  // The layout the command assumes is the one the bundle has.
  assert.equal(bundleFileName("server", host.name), "dockpki-server-docker1.zip");
  const zip = buildServerBundle({
    host,
    caCertPems: [pki.caPem],
    certPem: pki.serverCertPem,
    keyPem: pki.serverKeyPem,
    sslDir: "/etc/docker/ssl",
  });
  assert.equal((await unzip(zip)).get("docker1/install.sh")?.mode, 0o755);
});

test("the client's commands step into its folder and make one context per host, named as README.txt names them", async () => {
  const hosts = [sampleHost(), sampleHost({ name: "b", dnsNames: [], ipAddresses: ["2001:db8::7"] })];
  const { unzip: step, contexts } = renderClientContextCommands({ name: "ci-runner" }, hosts);
  assert.equal(step, "unzip dockpki-client-ci-runner.zip && cd ci-runner");
  assert.deepEqual(contexts, [
    {
      host: "docker1",
      command:
        "docker context create docker1 --docker host=tcp://docker1.example.com:2376,ca=./ca.pem,cert=./cert.pem,key=./key.pem",
    },
    {
      host: "b",
      command:
        "docker context create b-docker --docker 'host=tcp://[2001:db8::7]:2376,ca=./ca.pem,cert=./cert.pem,key=./key.pem'",
    },
  ]);
  const readme = (
    await unzip(
      buildClientBundle({
        client: { name: "ci-runner" },
        hosts,
        caCertPems: [pki.caPem],
        certPem: pki.clientCertPem,
        keyPem: pki.clientKeyPem,
      }),
    )
  ).get("ci-runner/README.txt")?.content;
  for (const c of contexts) assert.ok(readme?.includes(c.command), `README.txt has: ${c.command}`);
});
