"""The helpers of hooks/python_runtime.py: build.py prepares and checks the runtime, node.mjs and inside.py run in Pyodide."""
