#!/usr/bin/env bash
# Create or update the virtualenv with the Python named in .python-version (3.12).
set -euo pipefail
venv="$1"; extras="$2"
cd "$(dirname "$0")/.."
want=$(tr -d '[:space:]' < .python-version)

find_python() {
  local c
  if command -v pyenv >/dev/null 2>&1; then
    c=$(pyenv which python 2>/dev/null || true)
    if [ -n "$c" ] && "$c" -c "import sys; assert f'{sys.version_info[0]}.{sys.version_info[1]}' == '$want'" 2>/dev/null; then
      echo "$c"; return
    fi
  fi
  for c in "python$want" python3 python; do
    if command -v "$c" >/dev/null 2>&1 && "$c" -c "import sys; assert f'{sys.version_info[0]}.{sys.version_info[1]}' == '$want'" 2>/dev/null; then
      command -v "$c"; return
    fi
  done
  echo "Cadence needs Python $want (see .python-version); none was found. Install it (e.g. 'pyenv install $want')." >&2
  exit 1
}

if [ -x "$venv/bin/python" ] && ! "$venv/bin/python" -c "import sys; assert f'{sys.version_info[0]}.{sys.version_info[1]}' == '$want'" 2>/dev/null; then
  echo "Recreating $venv: it is not Python $want" >&2
  rm -rf "$venv"
fi
if [ ! -x "$venv/bin/python" ]; then
  python=$(find_python)
  echo "Creating $venv with $python" >&2
  "$python" -m venv "$venv"
  "$venv/bin/python" -m pip install -q --upgrade pip 2>&1 | grep -v "^WARNING: Location" || true
fi
echo "Installing Cadence$extras into $venv" >&2
"$venv/bin/python" -m pip install -q -e ".$extras" 2>&1 | grep -v -e "^WARNING: Location" -e "^$" || true
"$venv/bin/python" -c "import cadence, django; assert django.VERSION[:2] == (6, 1)"
