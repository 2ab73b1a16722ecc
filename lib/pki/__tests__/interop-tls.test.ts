import assert from "node:assert/strict";
import type { AddressInfo } from "node:net";
import { before, describe, test } from "node:test";
import tls from "node:tls";
import { opensslCa, tempDir } from "@/lib/pki/__tests__/tools";
import { createCa, importCa } from "@/lib/pki/ca";
import type { CaKeyPair } from "@/lib/pki/ca-signer";
import { generateRsaKeyPair } from "@/lib/pki/keys";
import { buildClientCertificate, buildServerCertificate } from "@/lib/pki/profiles";

// A real TLS handshake in Node (OpenSSL underneath) with mutual authentication, as dockerd does it.

interface Party {
  certPem: string;
  keyPem: string;
}
interface Bundle {
  ca: CaKeyPair;
  server: Party;
  client: Party;
}

async function bundle(ca: CaKeyPair): Promise<Bundle> {
  const [serverKey, clientKey] = await Promise.all([generateRsaKeyPair(2048), generateRsaKeyPair(2048)]);
  const server = buildServerCertificate({
    publicKeyPem: serverKey.publicKeyPem,
    ca,
    commonName: "docker1",
    dnsNames: ["localhost", "docker1.example.com"],
    ipAddresses: ["127.0.0.1", "::1"],
    days: 30,
  });
  const client = buildClientCertificate({ publicKeyPem: clientKey.publicKeyPem, ca, commonName: "alice", days: 30 });
  return {
    ca,
    server: { certPem: server.certPem, keyPem: serverKey.privateKeyPem },
    client: { certPem: client.certPem, keyPem: clientKey.privateKeyPem },
  };
}

interface Outcome {
  ok: boolean;
  clientError?: string;
  serverError?: string;
}

/**
 * Server: requestCert + rejectUnauthorized with `serverCa`. Success means the client read the
 * server's reply, which in TLS 1.3 also proves the server accepted the client certificate. When
 * the server refuses a client certificate it just drops the connection ("socket hang up"); the
 * reason is what `openssl verify` reports in interop-openssl.test.ts.
 */
function handshake(
  b: { server: Party; serverCa: string; client?: Party; clientCa: string },
  connect: { host: string; servername?: string },
): Promise<Outcome> {
  return new Promise((resolve) => {
    let serverError: string | undefined;
    const server = tls.createServer(
      { key: b.server.keyPem, cert: b.server.certPem, ca: b.serverCa, requestCert: true, rejectUnauthorized: true },
      (socket) => socket.end("pong"),
    );
    server.on("tlsClientError", (err) => {
      serverError = err.message;
    });
    server.listen(0, connect.host, () => {
      const { port } = server.address() as AddressInfo;
      const socket = tls.connect({
        host: connect.host,
        port,
        servername: connect.servername,
        ca: b.clientCa,
        key: b.client?.keyPem,
        cert: b.client?.certPem,
      });
      let data = "";
      const finish = (clientError?: string) => {
        socket.destroy();
        server.close();
        // let the server's error event land first
        setImmediate(() => resolve({ ok: data === "pong", clientError, serverError }));
      };
      socket.setEncoding("utf8");
      socket.on("data", (chunk) => {
        data += chunk;
      });
      socket.on("end", () => finish());
      socket.on("error", (err) => finish(err.message));
    });
  });
}

const mutual = (b: Bundle, client: Party = b.client) => ({
  server: b.server,
  serverCa: b.ca.certPem,
  client,
  clientCa: b.ca.certPem,
});

describe("mutual TLS with certificates from a dockpki CA", () => {
  let ours: Bundle;
  let foreign: Bundle;
  before(async () => {
    [ours, foreign] = await Promise.all([
      createCa({ commonName: "TLS Test CA", keySize: 2048 }).then(bundle),
      createCa({ commonName: "Foreign CA", keySize: 2048 }).then(bundle),
    ]);
  });

  test("accepted over 127.0.0.1 (IP SAN), localhost (DNS SAN) and ::1 (IPv6 SAN)", async () => {
    for (const connect of [{ host: "127.0.0.1" }, { host: "127.0.0.1", servername: "localhost" }, { host: "::1" }]) {
      const outcome = await handshake(mutual(ours), connect);
      assert.deepEqual(outcome, { ok: true, clientError: undefined, serverError: undefined }, JSON.stringify(connect));
    }
  });

  test("a client certificate from another CA is refused by the server", async () => {
    const outcome = await handshake(mutual(ours, foreign.client), { host: "127.0.0.1" });
    assert.equal(outcome.ok, false);
    assert.ok(outcome.serverError, "the server dropped the connection");
  });

  test("no client certificate is refused", async () => {
    const outcome = await handshake({ ...mutual(ours), client: undefined }, { host: "127.0.0.1" });
    assert.equal(outcome.ok, false);
    assert.match(outcome.serverError ?? "", /certificate/i);
  });

  test("the server certificate used as a client certificate is refused (no clientAuth)", async () => {
    const outcome = await handshake(mutual(ours, ours.server), { host: "127.0.0.1" });
    assert.equal(outcome.ok, false);
    assert.ok(outcome.serverError, "the server dropped the connection");
  });

  test("the client refuses a name the server certificate does not carry", async () => {
    const outcome = await handshake(mutual(ours), { host: "127.0.0.1", servername: "other.example.com" });
    assert.equal(outcome.ok, false);
    assert.match(outcome.clientError ?? "", /other\.example\.com/);
  });

  test("the client refuses a server from another CA", async () => {
    const outcome = await handshake({ ...mutual(ours), server: foreign.server }, { host: "127.0.0.1" });
    assert.equal(outcome.ok, false);
    assert.match(outcome.clientError ?? "", /certificate/i);
  });
});

test("mutual TLS under an imported openssl-recipe CA with a UTF8String subject", async () => {
  const ca = importCa(opensslCa(tempDir(), "/O=Bäckerei/CN=Recipe TLS CA", ["-utf8"]));
  const outcome = await handshake(mutual(await bundle(ca)), { host: "127.0.0.1" });
  assert.deepEqual(outcome, { ok: true, clientError: undefined, serverError: undefined });
});
