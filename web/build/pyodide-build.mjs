// Build-time steps that need the runtime's own Python, run by generator/runtime/pyodide_build.py:
//   node pyodide-build.mjs stdlib   <pyodide dir> <python_stdlib.zip> <out.zip> <optimize>
//   node pyodide-build.mjs core     <pyodide dir> <full stdlib.zip> <calc.whl> <rules.json>
//                                   <out.zip> <optimize>
//   node pyodide-build.mjs snapshot <pyodide dir> <core.zip> <rules.json> <out.bin>
// The Python that runs inside Pyodide lives next to this file; values go in as globals, never
// as formatted source.
import fs from "node:fs";
import path from "node:path";
import { pathToFileURL } from "node:url";

const here = path.dirname(new URL(import.meta.url).pathname);
const [command, pyodideDir, ...args] = process.argv.slice(2);
const { loadPyodide } = await import(pathToFileURL(path.join(pyodideDir, "pyodide.mjs")).href);
const quiet = { stdout: () => {}, stderr: (line) => process.stderr.write(line + "\n") };
const STDLIB_PATH = "/lib/python314.zip"; // where Pyodide mounts stdLibURL

function runFile(py, name, globals) {
  for (const [key, value] of Object.entries(globals)) py.globals.set(key, value);
  py.runPython(fs.readFileSync(path.join(here, name), "utf8"), { filename: name });
  return py.globals.get("RESULT");
}

function start(stdLibURL, extra = {}) {
  return loadPyodide({ indexURL: pyodideDir + "/", stdLibURL, ...quiet, ...extra });
}

async function stdlib(source, out, optimize) {
  const py = await start(undefined);
  py.FS.mkdirTree("/build");
  py.FS.writeFile("/build/in.zip", fs.readFileSync(source));
  const count = runFile(py, "precompile_stdlib.py",
    { SRC: "/build/in.zip", OUT: "/build/out.zip", OPTIMIZE: Number(optimize) });
  fs.writeFileSync(out, py.FS.readFile("/build/out.zip"));
  console.log(`${count} files`);
}

// One instance compiles calc; a fresh one runs it and records what it imported, so the
// compiler's own imports (py_compile, zipfile, …) are not counted as calc's.
async function core(fullZip, wheel, rules, out, optimize) {
  const compiler = await start(fullZip);
  compiler.FS.mkdirTree("/build");
  compiler.FS.writeFile("/build/calc.whl", fs.readFileSync(wheel));
  compiler.FS.writeFile("/build/qz_fallback.py", fs.readFileSync(path.join(here, "qz_fallback.py")));
  runFile(compiler, "compile_app.py", { WHEEL: "/build/calc.whl", FALLBACK: "/build/qz_fallback.py",
                                        OUT: "/build/app.zip", OPTIMIZE: Number(optimize) });
  const app = compiler.FS.readFile("/build/app.zip");

  const py = await start(fullZip);
  py.FS.mkdirTree("/build");
  py.FS.writeFile("/build/app.zip", app);
  runFile(py, "calc_workload.py", {});
  const result = runFile(py, "core_stdlib.py", {
    APP: "/build/app.zip", BUNDLE: fs.readFileSync(rules, "utf8"), STDLIB: STDLIB_PATH,
    OUT: "/build/core.zip" });
  fs.writeFileSync(out, py.FS.readFile("/build/core.zip"));
  console.log(JSON.stringify(result.toJs({ dict_converter: Object.fromEntries })));
}

// The snapshot: the core zip alone (as the browser starts), calc imported and every path the
// workload reaches already run, so a restored page answers without importing anything.
async function snapshot(coreZip, rules, out) {
  const py = await start(coreZip, { _makeSnapshot: true });
  runFile(py, "calc_workload.py", {});
  const asked = runFile(py, "snapshot_calc.py", { BUNDLE: fs.readFileSync(rules, "utf8") });
  for (const key of ["BUNDLE", "RESULT", "workload"]) py.globals.delete(key);
  fs.writeFileSync(out, py.makeMemorySnapshot());
  console.log(`${asked} examples`);
}

if (command === "stdlib") await stdlib(...args);
else if (command === "core") await core(...args);
else if (command === "snapshot") await snapshot(...args);
else throw new Error(`unknown command ${command}`);
