#!/usr/bin/env bash
# Set-up and tasks of mpsc-report on Debian 12 (as root, or a user with sudo). Idempotent.
#   ./make.sh report   install what is missing, then build every wave report and project factsheet (build --all);
#                      arguments replace --all, e.g. ./make.sh report --wave 2023
#   ./make.sh test     install what is missing, then check the import contracts and run the test suite
#   ./make.sh lab      install what is missing, then open JupyterLab on notebooks/ with the project kernel
#   ./make.sh setup    only install
set -euo pipefail
cd "$(dirname "$0")"

PYTHON=${PYTHON:-python3}
VENV=${VENV:-.venv}
KERNEL=mpsc-report
# Chromium's headless shell prints the PDFs (through Playwright, never a browser download; it needs about 40 % less
# memory than the full browser, which the accessibility tests use), Open Sans is the report font, poppler-utils
# lets the tests read PDFs back. The other fonts draw what Open Sans lacks in free-text answers
# (mpsc_report/documents/glyphs.py): fonts-noto-core (other scripts: Arabic, Hebrew, Devanagari, symbols …),
# fonts-wqy-microhei (Chinese, Japanese, Korean), fonts-noto-color-emoji (emoji), fonts-dejavu-core (the rest).
APT_PACKAGES=(chromium chromium-headless-shell fonts-open-sans poppler-utils fonts-noto-core fonts-wqy-microhei
  fonts-noto-color-emoji fonts-dejavu-core)

log() { printf '\033[1m==> %s\033[0m\n' "$*"; }

as_root() {
  if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi
}

system_packages() {
  local missing=()
  for pkg in "${APT_PACKAGES[@]}"; do
    dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
  done
  "$PYTHON" -c "import ensurepip, venv" 2>/dev/null || missing+=(python3-venv)
  if [ ${#missing[@]} -gt 0 ]; then
    log "installing system packages: ${missing[*]}"
    as_root apt-get update -q
    as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "${missing[@]}"
  fi
}

python_env() {
  local stamp="$VENV/.mpsc-installed" want
  want=$(cat pyproject.toml constraints.txt | sha256sum | cut -d' ' -f1)
  if [ ! -x "$VENV/bin/python" ]; then
    log "creating virtual environment $VENV"
    "$PYTHON" -m venv "$VENV"
  fi
  if [ "$(cat "$stamp" 2>/dev/null)" != "$want" ]; then
    log "installing mpsc-report and its dependencies into $VENV"
    "$VENV/bin/python" -m pip install -q --upgrade pip
    # The dask extra (build --dask-scheduler) too: the tests run a Dask cluster.
    "$VENV/bin/python" -m pip install -q -c constraints.txt -e ".[test,dask]"
    # Build matplotlib's font cache now, with the system fonts installed, so the first report is not slow.
    "$VENV/bin/python" -c "from matplotlib import font_manager as fm; fm._load_fontmanager(try_read_cache=False)"
    echo "$want" > "$stamp"
  fi
  if [ ! -f "$VENV/share/jupyter/kernels/$KERNEL/kernel.json" ]; then
    log "registering Jupyter kernel $KERNEL"
    "$VENV/bin/python" -m ipykernel install --sys-prefix --name "$KERNEL" --display-name "Python (mpsc-report)" >/dev/null
  fi
}

setup() { system_packages; python_env; }

# The accessibility test injects axe-core (npm registry, pinned in tests/a11y/package-lock.json) into the
# exported HTML. Node.js and npm come from Debian when missing; npm ci runs only when the lock file changed.
A11Y_DIR=tests/a11y
test_tools() {
  if ! command -v node >/dev/null 2>&1 || ! command -v npm >/dev/null 2>&1; then
    log "installing system packages: nodejs npm"
    as_root apt-get update -q
    as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends nodejs npm
  fi
  local stamp="$A11Y_DIR/node_modules/.mpsc-installed" want
  want=$(sha256sum "$A11Y_DIR/package-lock.json" | cut -d' ' -f1)
  if [ ! -f "$A11Y_DIR/node_modules/axe-core/axe.min.js" ] || [ "$(cat "$stamp" 2>/dev/null)" != "$want" ]; then
    log "installing axe-core into $A11Y_DIR/node_modules (npm ci)"
    (cd "$A11Y_DIR" && npm ci --no-audit --no-fund --loglevel=error)
    echo "$want" > "$stamp"
  fi
}

case "${1:-}" in
  setup) setup ;;
  report) setup; shift; if [ $# -eq 0 ]; then set -- --all; fi; "$VENV/bin/mpsc-report" build "$@" ;;
  # The import-linter contracts (pyproject.toml [tool.importlinter]: the wings' one-way arrows, no cycles) first.
  test) setup; test_tools; shift; "$VENV/bin/lint-imports" --no-cache --no-logo; "$VENV/bin/python" -m pytest "$@" ;;
  lab) setup; shift
    # Jupyter refuses to run as root unless told; root is how this project's machines are used.
    root_flag=(); [ "$(id -u)" -eq 0 ] && root_flag=(--allow-root)
    "$VENV/bin/jupyter" lab --notebook-dir=notebooks "${root_flag[@]}" "$@" ;;
  *) echo "usage: ./make.sh {report|test|lab|setup} [args…]" >&2; exit 2 ;;
esac
