import assert from "node:assert/strict";
import { test } from "node:test";
import { describeReissue } from "./reissue-summary";

test("names the total, the split and what happens to the old certificates", () => {
  assert.equal(
    describeReissue({ hosts: 30, clients: 7 }, true),
    "Re-issue 37 certificates: 30 hosts, 7 clients; revoke the 37 old ones.",
  );
  assert.equal(
    describeReissue({ hosts: 30, clients: 7 }, false),
    "Re-issue 37 certificates: 30 hosts, 7 clients. The old ones stay valid until they expire.",
  );
});

test("singulars and an empty side read naturally", () => {
  assert.equal(describeReissue({ hosts: 1, clients: 0 }, true), "Re-issue 1 certificate: 1 host; revoke the old one.");
  assert.equal(
    describeReissue({ hosts: 0, clients: 2 }, false),
    "Re-issue 2 certificates: 2 clients. The old ones stay valid until they expire.",
  );
});
