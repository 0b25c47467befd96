// Build-time steps that need the runtime's own Python, run by generator/pyodide_build.py:
//   node pyodide-build.mjs stdlib   <pyodide dir> <python_stdlib.zip> <out.zip> <optimize>
//   node pyodide-build.mjs snapshot <pyodide dir> <stdlib.zip> <lock.json> <out.bin>
// The Python that runs inside Pyodide lives next to this file; values go in as globals, never
// as formatted source.
import crypto from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { pathToFileURL } from "node:url";

const here = path.dirname(new URL(import.meta.url).pathname);
const [command, pyodideDir, ...args] = process.argv.slice(2);
const { loadPyodide } = await import(pathToFileURL(path.join(pyodideDir, "pyodide.mjs")).href);
const quiet = { stdout: () => {}, stderr: (line) => process.stderr.write(line + "\n") };

function runFile(py, name, globals) {
  for (const [key, value] of Object.entries(globals)) py.globals.set(key, value);
  py.runPython(fs.readFileSync(path.join(here, name), "utf8"), { filename: name });
  return py.globals.get("RESULT");
}

async function stdlib(source, out, optimize) {
  const py = await loadPyodide({ indexURL: pyodideDir + "/", ...quiet });
  py.FS.mkdirTree("/build");
  py.FS.writeFile("/build/in.zip", fs.readFileSync(source));
  const count = runFile(py, "precompile_stdlib.py",
    { SRC: "/build/in.zip", OUT: "/build/out.zip", OPTIMIZE: Number(optimize) });
  fs.writeFileSync(out, py.FS.readFile("/build/out.zip"));
  console.log(`${count} files`);
}

async function snapshot(stdlibZip, lockFile, out) {
  const lock = JSON.parse(fs.readFileSync(lockFile, "utf8"));
  const entry = lock.packages.calc;
  const wheel = fs.readFileSync(path.join(path.dirname(lockFile), entry.file_name));
  const digest = crypto.createHash("sha256").update(wheel).digest("hex");
  if (digest !== entry.sha256) {
    throw new Error(`${entry.file_name}: sha256 ${digest} ≠ lock ${entry.sha256}`);
  }
  const py = await loadPyodide({ indexURL: pyodideDir + "/", stdLibURL: stdlibZip,
                                 _makeSnapshot: true, ...quiet });
  py.FS.mkdirTree("/build");
  py.FS.writeFile("/build/calc.whl", wheel);
  const measures = runFile(py, "snapshot_calc.py", { WHEEL: "/build/calc.whl" });
  for (const key of ["WHEEL", "RESULT"]) py.globals.delete(key);
  fs.writeFileSync(out, py.makeMemorySnapshot());
  console.log(`${measures} measures`);
}

if (command === "stdlib") await stdlib(...args);
else if (command === "snapshot") await snapshot(...args);
else throw new Error(`unknown command ${command}`);
