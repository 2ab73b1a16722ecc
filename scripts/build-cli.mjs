// The CLI, built ahead of time: esbuild bundles lib/cli/main.ts and what it imports from the project into
// dist/cli/<build>/ (ESM, split so that a command loads only its own code and packages; node_modules stay
// external). bin/dockpki.mjs runs the build, and rebuilds it first when it is missing or stale, as scripts/start.mjs
// does the dashboard's; `npm install` builds it too (postinstall), so the first command does not wait.
//
// Stale: dist/cli/manifest.json records the mtime of every file the build read, taken before esbuild read it, and of
// package.json, the lockfiles, tsconfig.json and this script. Any of them changed or gone means a rebuild.
// A build never overwrites another: it writes a directory of its own, then renames its manifest over the old one, so
// commands that start at once may each build, and each runs a complete build.
import { randomBytes } from "node:crypto";
import {
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  realpathSync,
  renameSync,
  rmSync,
  statSync,
  writeFileSync,
} from "node:fs";
import { isBuiltin } from "node:module";
import path from "node:path";

export const CLI_OUT = path.join("dist", "cli");
// Besides the sources: what decides how they are built, and which packages they meet at run time.
const EXTRAS = ["package.json", "package-lock.json", "node_modules/.package-lock.json", "tsconfig.json"];
const SELF = "scripts/build-cli.mjs";
// Older builds are removed by a later build once nothing started from them can still be loading chunks.
const KEEP_OLD_MS = 10 * 60_000;

function mtime(file) {
  try {
    return statSync(file).mtimeMs;
  } catch {
    return null;
  }
}

/** The built CLI's entry file when there is a build and nothing it was built from has changed since; else null. */
export function freshCli(root) {
  const out = path.join(root, CLI_OUT);
  let build;
  let files;
  try {
    ({ build, files } = JSON.parse(readFileSync(path.join(out, "manifest.json"), "utf8")));
  } catch {
    return null;
  }
  const main = path.join(out, String(build), "main.mjs");
  if (!files || !existsSync(main)) return null;
  for (const [file, built] of Object.entries(files)) {
    if (mtime(path.join(root, file)) !== built) return null;
  }
  return main;
}

// `import "server-only"` guards server code from client bundles; under the react-server condition (how the dashboard
// and the CLI load lib/) the package is empty, so the bundle gets an empty module in its place.
const serverOnly = {
  name: "server-only",
  setup(build) {
    build.onResolve({ filter: /^server-only$/ }, () => ({ path: "server-only", namespace: "server-only" }));
    build.onLoad({ filter: /.*/, namespace: "server-only" }, () => ({ contents: "", loader: "js" }));
  },
};

// Prisma ships its WebAssembly query compiler as a 4.4 MB module holding the bytes in base64, and parsing that module
// took 110 ms of every command. The build writes the bytes beside its chunks instead, and what the generated client
// imports is a module that reads them (the client still decodes base64, which takes 20 ms). A Prisma upgrade changes
// the lockfile, which makes a new build.
const PRISMA_WASM = /^@prisma\/client\/runtime\/(query_compiler_[a-z]+_bg\.[a-z]+)\.wasm-base64\.mjs$/;
function prismaWasmFiles(outdir) {
  return {
    name: "prisma-wasm-files",
    setup(build) {
      build.onResolve({ filter: PRISMA_WASM }, (args) => ({ path: args.path, namespace: "prisma-wasm" }));
      build.onLoad({ filter: /.*/, namespace: "prisma-wasm" }, async (args) => {
        const { wasm } = await import(args.path);
        const file = `${PRISMA_WASM.exec(args.path)[1]}.wasm`;
        mkdirSync(outdir, { recursive: true });
        writeFileSync(path.join(outdir, file), Buffer.from(wasm, "base64"));
        const url = `new URL(${JSON.stringify(`./${file}`)}, import.meta.url)`;
        return {
          contents: `import { readFileSync } from "node:fs";\nexport const wasm = readFileSync(${url}).toString("base64");\n`,
          loader: "js",
          resolveDir: outdir,
        };
      });
    },
  };
}

/** Builds the CLI into a new directory and makes it the current build; returns its entry file. */
export async function buildCli(root) {
  const esbuild = await import("esbuild");
  const out = path.join(root, CLI_OUT);
  const build = `${Date.now().toString(36)}-${randomBytes(4).toString("hex")}`;
  const outdir = path.join(out, build);
  const files = {};
  for (const file of [...EXTRAS, SELF]) files[file] = mtime(path.join(root, file));
  const recordInputs = {
    name: "record-inputs",
    setup(b) {
      // Runs before esbuild reads the file: an edit made after this stat is newer than the manifest says.
      b.onLoad({ filter: /.*/, namespace: "file" }, (args) => {
        files[path.relative(root, args.path)] = mtime(args.path);
        return undefined;
      });
    },
  };
  mkdirSync(out, { recursive: true });
  try {
    const result = await esbuild.build({
      absWorkingDir: root,
      entryPoints: { main: "lib/cli/main.ts" },
      outdir,
      outExtension: { ".js": ".mjs" },
      chunkNames: "[name]-[hash]",
      bundle: true,
      splitting: true,
      format: "esm",
      platform: "node",
      target: "node20",
      packages: "external",
      conditions: ["react-server"],
      tsconfig: path.join(root, "tsconfig.json"),
      sourcemap: true,
      metafile: true,
      logLevel: "error",
      plugins: [serverOnly, prismaWasmFiles(outdir), recordInputs],
    });
    checkExternals(root, result.metafile);
  } catch (err) {
    rmSync(outdir, { recursive: true, force: true });
    throw err;
  } finally {
    await esbuild.stop?.();
  }
  const tmp = path.join(out, `manifest.${build}.tmp`);
  writeFileSync(tmp, `${JSON.stringify({ build, files }, null, 1)}\n`);
  renameSync(tmp, path.join(out, "manifest.json"));
  removeOldBuilds(out, build);
  return path.join(outdir, "main.mjs");
}

// The packages stay external and are loaded by plain Node, without the react-server condition: one that exports a
// react-server variant (react itself, for one) would get its other variant. Refuse rather than run that.
function checkExternals(root, metafile) {
  const names = new Set();
  for (const output of Object.values(metafile.outputs)) {
    for (const { path: spec, external } of output.imports) {
      if (!external || isBuiltin(spec)) continue;
      // An alias (tsconfig paths) whose file is missing would otherwise pass for a package.
      if (spec.startsWith("@/")) throw new Error(`the CLI imports ${spec}, which does not exist`);
      names.add(spec.match(/^(@[^/]+\/)?[^/]+/)[0]);
    }
  }
  for (const name of names) {
    let manifest = "";
    try {
      manifest = readFileSync(path.join(root, "node_modules", name, "package.json"), "utf8");
    } catch {}
    if (manifest.includes('"react-server"')) {
      throw new Error(`the CLI imports ${name}, which has a react-server variant; bundle it (scripts/build-cli.mjs)`);
    }
  }
}

function removeOldBuilds(out, current) {
  for (const entry of readdirSync(out)) {
    if (entry === current || entry === "manifest.json") continue;
    const full = path.join(out, entry);
    const made = mtime(full);
    if (made !== null && Date.now() - made > KEEP_OLD_MS) rmSync(full, { recursive: true, force: true });
  }
}

// `node scripts/build-cli.mjs` (postinstall): build unless the current build is fresh.
if (process.argv[1] && realpathSync(process.argv[1]) === import.meta.filename) {
  const root = path.resolve(import.meta.dirname, "..");
  if (!freshCli(root)) await buildCli(root);
}
