#!/usr/bin/env bash
# Execute every notebook with the real evcxr kernel and fail on any error or panic in a cell's output.
# Installs evcxr_jupyter (crates.io) and jupyter/nbconvert (PyPI) when missing. Not run by CI.
set -euo pipefail
cd "$(dirname "$0")"
command -v evcxr_jupyter >/dev/null || cargo install --locked evcxr_jupyter
python3 -m pip show nbconvert >/dev/null 2>&1 || python3 -m pip install --quiet jupyter nbconvert
evcxr_jupyter --install
status=0
for nb in *.ipynb; do
    echo "executing $nb"
    jupyter nbconvert --to notebook --execute --inplace --ExecutePreprocessor.timeout=1200 "$nb"
    if python3 - "$nb" <<'PY'
import json, sys
nb = json.load(open(sys.argv[1]))
bad = []
for i, cell in enumerate(nb["cells"]):
    for out in cell.get("outputs", []):
        text = "".join(out.get("text", "")) + "".join(out.get("traceback", []))
        if out.get("output_type") == "error" or "panicked at" in text or "error[" in text:
            bad.append(i)
sys.exit(1 if bad else 0)
PY
    then echo "  ok"; else echo "  FAILED: error or panic in a cell"; status=1; fi
done
exit $status
