"""The calculator's browser runtime: Pyodide, the calc wheel, the core stdlib zip and the memory
snapshot (pyodide_build), shipped with the site by the qz-pyodide plugin."""
