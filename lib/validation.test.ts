import assert from "node:assert/strict";
import { describe, it } from "node:test";
import type { z } from "zod";
import {
  daysSchema,
  dnsNameListSchema,
  dnsNameSchema,
  ipAddressListSchema,
  ipAddressSchema,
  objectNameSchema,
  portSchema,
  publicUrlSchema,
  splitList,
  sslDirSchema,
} from "@/lib/validation";

function ok(schema: z.ZodType, input: unknown): unknown {
  const r = schema.safeParse(input);
  assert.ok(r.success, `${JSON.stringify(input)} should pass: ${r.error?.issues.map((i) => i.message).join("; ")}`);
  return r.data;
}

function refused(schema: z.ZodType, input: unknown): string {
  const r = schema.safeParse(input);
  assert.ok(!r.success, `${JSON.stringify(input)} should be refused`);
  return r.error.issues[0].message;
}

const HOSTILE = [
  'x"; rm -rf /',
  "a\nExecStart=/bin/sh",
  "$(id)",
  "`id`",
  "%n",
  "a;b",
  "a\\b",
  "a'b",
  "düsseldorf.example",
];

describe("dnsNameSchema", () => {
  it("accepts RFC 1123 names and one leading wildcard, normalised", () => {
    assert.equal(ok(dnsNameSchema, " Docker1.Example.COM "), "docker1.example.com");
    assert.equal(ok(dnsNameSchema, "localhost"), "localhost");
    assert.equal(ok(dnsNameSchema, "*.swarm.example.com"), "*.swarm.example.com");
    assert.equal(ok(dnsNameSchema, "xn--dsseldorf-q9a.example"), "xn--dsseldorf-q9a.example");
    ok(dnsNameSchema, `${"a".repeat(63)}.example`);
  });

  it("refuses malformed and hostile names with a sentence", () => {
    assert.match(refused(dnsNameSchema, "-bad-.example"), /cannot start or end with '-'/);
    assert.match(refused(dnsNameSchema, "a..b"), /empty label/);
    assert.match(refused(dnsNameSchema, "example.com."), /empty label/);
    assert.match(refused(dnsNameSchema, "10.0.0.1"), /looks like an IP address/);
    assert.match(refused(dnsNameSchema, "host.123"), /looks like an IP address/);
    assert.match(refused(dnsNameSchema, `${"a".repeat(64)}.example`), /at most 63/);
    assert.match(refused(dnsNameSchema, Array(64).fill("abc").join(".")), /longer than 253/);
    assert.match(refused(dnsNameSchema, ""), /Enter a DNS name/);
    for (const bad of [...HOSTILE, "a b", "*.com", "a.*.example", "**.example.com", "a_b.example", "a:b"]) {
      refused(dnsNameSchema, bad);
    }
  });

  it("keeps newlines out of its messages", () => {
    assert.doesNotMatch(refused(dnsNameSchema, "a\nExecStart=/bin/sh"), /\n/);
  });
});

describe("ipAddressSchema", () => {
  it("accepts IPv4 and normalises IPv6", () => {
    assert.equal(ok(ipAddressSchema, "192.168.1.10"), "192.168.1.10");
    assert.equal(ok(ipAddressSchema, " 2001:DB8:0:0:0:0:0:1 "), "2001:db8::1");
    assert.equal(ok(ipAddressSchema, "::1"), "::1");
    assert.equal(ok(ipAddressSchema, "fe80::0001"), "fe80::1");
  });

  it("refuses what is not strictly an address", () => {
    assert.equal(refused(ipAddressSchema, "999.1.1.1"), "999.1.1.1 is not a valid IPv4 or IPv6 address.");
    for (const bad of ["1.2.3", "01.2.3.4", "1.2.3.4.5", "host", "2001:db8::g", "1::2::3", ...HOSTILE]) {
      refused(ipAddressSchema, bad);
    }
    assert.match(refused(ipAddressSchema, "fe80::1%eth0"), /zone id/);
    assert.match(refused(ipAddressSchema, "0.0.0.0"), /any address/);
    assert.match(refused(ipAddressSchema, "::"), /any address/);
    assert.match(refused(ipAddressSchema, "::ffff:10.0.0.1"), /IPv4-mapped/);
  });
});

describe("objectNameSchema", () => {
  it("accepts names usable as CN, file name and context name", () => {
    for (const name of ["docker1", "ci.build-01", "alice@example.com", "A_b"])
      assert.equal(ok(objectNameSchema, name), name);
  });
  it("refuses anything else", () => {
    for (const bad of ["", "-x", ".hidden", "a/b", "a b", "x".repeat(65), "ü", ...HOSTILE])
      refused(objectNameSchema, bad);
  });
});

describe("portSchema and daysSchema", () => {
  it("accepts numbers and digit strings", () => {
    assert.equal(ok(portSchema, 2376), 2376);
    assert.equal(ok(portSchema, "12376"), 12376);
    assert.equal(ok(daysSchema, "365"), 365);
    assert.equal(ok(daysSchema, 36500), 36500);
  });
  it("refuses 2375 with a reason, and out-of-range values", () => {
    assert.match(refused(portSchema, 2375), /plaintext port/);
    for (const bad of [0, 65536, -1, 1.5, "", "2376abc", null]) refused(portSchema, bad);
    assert.match(refused(daysSchema, 0), /between 1 and 36500 days/);
    assert.match(refused(daysSchema, 100000), /between 1 and 36500 days/);
  });
});

describe("sslDirSchema", () => {
  it("accepts absolute safe paths and drops a trailing slash", () => {
    assert.equal(ok(sslDirSchema, "/etc/docker/ssl/"), "/etc/docker/ssl");
    assert.equal(ok(sslDirSchema, "/opt/certs_v2/docker-tls"), "/opt/certs_v2/docker-tls");
  });
  it("refuses relative, traversing or unsafe paths", () => {
    for (const bad of [
      "etc/docker",
      "/etc/../root",
      "/a b",
      "/etc/$(id)",
      "/",
      "//x",
      "/x\ny",
      "/a;b",
      "/a,b",
      "/a:b",
    ]) {
      refused(sslDirSchema, bad);
    }
  });
  it("keeps accepting a folder of its own, /etc/docker itself included", () => {
    for (const dir of ["/etc/docker/ssl", "/etc/docker/tls", "/etc/docker", "/opt/docker-certs", "/srv/docker/tls"]) {
      assert.equal(ok(sslDirSchema, dir), dir);
    }
    for (const dir of ["/usr/local/etc/docker-tls", "/root/docker-tls", "/var/lib/docker-tls", "/etc/ssl/docker"]) {
      assert.equal(ok(sslDirSchema, dir), dir);
    }
  });
  it("refuses system directories, since install.sh would put keys among the system's own files", () => {
    for (const dir of [
      "/tmp",
      "/etc",
      "/root",
      "/usr",
      "/usr/bin",
      "/usr/local",
      "/usr/local/bin",
      "/usr/share/docker",
      "/var",
      "/var/lib",
      "/var/log",
      "/opt",
      "/srv",
      "/lib64",
      "/bin/x",
      "/etc/systemd",
      "/etc/systemd/system/docker.service.d",
      "/etc/ssl",
      "/etc/ssl/certs",
      "/etc/ssl/private",
      "/etc/pki/ca-trust/source/anchors",
    ]) {
      assert.match(
        refused(sslDirSchema, dir),
        /^\S+ is [^\n]*\. Choose a folder of its own, such as \/etc\/docker\/ssl\.$/,
        dir,
      );
    }
    assert.match(refused(sslDirSchema, "/etc/"), /^\/etc is a system directory/);
  });
  it("refuses anything under a virtual, world-writable, per-boot or someone else's tree", () => {
    const cases: [string, RegExp][] = [
      ["/proc/self", /provided by the kernel/],
      ["/sys/kernel", /provided by the kernel/],
      ["/dev/shm/certs", /provided by the kernel/],
      ["/run/docker-tls", /emptied at every boot/],
      ["/var/run/docker", /emptied at every boot/],
      ["/tmp/certs", /world-writable/],
      ["/var/tmp/certs", /world-writable/],
      ["/mnt/data/certs", /may not be mounted/],
      ["/media/usb", /may not be mounted/],
      ["/home/alice/certs", /home directories/],
    ];
    for (const [dir, why] of cases) assert.match(refused(sslDirSchema, dir), why, dir);
  });
  it("refuses '.' as a folder name, which would hide a refused directory", () => {
    for (const bad of ["/./tmp", "/tmp/.", "/etc/docker/./ssl", "/."]) {
      assert.match(refused(sslDirSchema, bad), /'\.'/, bad);
    }
  });
});

describe("lists", () => {
  it("splitList splits on commas, whitespace and newlines", () => {
    assert.deepEqual(splitList(" a.example, b.example\n\nc.example ,a.example"), [
      "a.example",
      "b.example",
      "c.example",
    ]);
    assert.deepEqual(splitList(""), []);
  });
  it("list schemas validate each item and drop normalised duplicates", () => {
    assert.deepEqual(ok(dnsNameListSchema, "A.example, a.example\nb.example"), ["a.example", "b.example"]);
    assert.deepEqual(ok(ipAddressListSchema, ["2001:db8::1", "2001:DB8:0::1"]), ["2001:db8::1"]);
    const r = ipAddressListSchema.safeParse("10.0.0.1, 999.1.1.1");
    assert.ok(!r.success);
    assert.deepEqual(r.error.issues[0].path, [1]);
  });
});

describe("publicUrlSchema", () => {
  it("takes http(s) addresses only, written as URL parsing writes them", () => {
    const ok = (v: string) => publicUrlSchema.parse(v);
    assert.equal(ok("HTTPS://PKI.Example.com:443/"), "https://pki.example.com");
    assert.equal(ok("https://x.example.com/pki/"), "https://x.example.com/pki");
    assert.equal(ok("http://[::1]:3000"), "http://[::1]:3000");
    for (const bad of [
      "ftp://x",
      "https://a@b",
      "https://x?q=1",
      "https://x#f",
      "https://x/$(id)",
      "https://x y",
      "x.example.com",
    ]) {
      assert.equal(publicUrlSchema.safeParse(bad).success, false, bad);
    }
  });
});
