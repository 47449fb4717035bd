#!/usr/bin/env bash
# Create (or complete) the project's environment. Idempotent: each step checks first.
# Usage: tools/setup_env.sh PYTHON   (PYTHON = the venv's or the active interpreter)
set -euo pipefail
PY=${1:?usage: setup_env.sh PYTHON}
cd "${MMIRN_ROOT:-$(dirname "$0")/..}"
TORCH_VERSION=${TORCH_VERSION:-2.13.0}
MMCV_VERSION=${MMCV_VERSION:-2.1.0}
# the local mirrors list names they don't hold; pip says so once per package
pip() { "$PY" -m pip "$@" 2> >(grep -v 'is ignored: it is neither a file nor a directory' >&2); }
have() { "$PY" - "$@" <<'PYEOF' 2>/dev/null
import importlib, sys
for name in sys.argv[1:]:
    importlib.import_module(name)
PYEOF
}

echo "[setup] pip and build tools"
pip install -q -U pip wheel ninja packaging cython
if ! have torch; then
  echo "[setup] torch==$TORCH_VERSION (CPU wheel on this machine's install path)"
  pip install -q "torch==$TORCH_VERSION"
fi
echo "[setup] runtime requirements"
pip install -q -r requirements/runtime.txt -r requirements/tests.txt "mmengine==0.10.7"
if ! have mmcv.ops; then
  # mmcv 2.1.0's setup.py imports pkg_resources (gone from setuptools >= 70), while torch
  # asks for a newer setuptools: downgrade for this build only (pip caches the wheel).
  echo "[setup] mmcv==$MMCV_VERSION with compiled ops from the sdist (about 8 minutes on 2 cores)"
  pip install -q -c requirements/constraints.txt "setuptools<70"
  MMCV_WITH_OPS=1 MAX_JOBS=${MAX_JOBS:-2} pip install --no-build-isolation "mmcv==$MMCV_VERSION"
  pip install -q "setuptools>=77.0.3,<82"
fi
pip install -q "mmsegmentation==1.2.2" "mmdet==3.3.0" ftfy regex
if ! have pydensecrf.densecrf; then
  echo "[setup] pydensecrf2 (dense CRF, builds in about a minute)"
  pip install -q --no-build-isolation -r requirements/optional.txt
fi
# openmim (tests.txt) drags setuptools down to 60.2; mim and mmengine need pkg_resources
pip install -q "setuptools>=77.0.3,<82"
echo "[setup] mmirn (editable, builds the C++ extension)"
pip install -q --no-build-isolation --no-deps -e .
"$PY" -c "import mmirn, mmcv.ops, mmseg, mmdet, pydensecrf.densecrf; from mmirn.ops import ext_loaded; assert ext_loaded(), 'mmirn._ext missing'; print('[setup] environment OK')"
