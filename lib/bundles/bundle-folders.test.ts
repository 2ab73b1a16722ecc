import assert from "node:assert/strict";
import { test } from "node:test";
import { bundleFolderNames } from "@/lib/bundles/bundle-folders";
import { InputError } from "@/lib/errors";

test("each bundle gets its holder's name, and a clash a numbered one", () => {
  assert.deepEqual(bundleFolderNames(["docker1", "ci-runner"]), ["docker1", "ci-runner"]);
  // A host and a client of the same name, and names that differ only in case (one folder on macOS).
  assert.deepEqual(bundleFolderNames(["docker1", "docker1", "Docker1"]), ["docker1", "docker1-2", "Docker1-3"]);
  // A holder really called docker1-2 keeps its name; the clash moves on to -3.
  assert.deepEqual(bundleFolderNames(["docker1-2", "docker1", "docker1"]), ["docker1-2", "docker1", "docker1-3"]);
});

test("a suffixed name stays within the 64 characters a name may have", () => {
  const long = "h".repeat(64);
  const [first, second] = bundleFolderNames([long, long]);
  assert.equal(first, long);
  assert.equal(second.length, 64);
  assert.match(second, /^h+-2$/);
});

test("a name that could leave the zip's folder is refused, not cleaned up", () => {
  for (const name of ["../etc", "a/b", ".hidden", "", "x\\y", "a b"]) {
    assert.throws(() => bundleFolderNames([name]), InputError, name);
  }
});
