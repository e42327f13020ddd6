#!/usr/bin/env bash
# The PDF export of released reviews renders with WeasyPrint, which loads pango,
# harfbuzz and fontconfig from the system when imported, and needs a font (DejaVu).
# HarfBuzz's subsetter too: without it WeasyPrint subsets fonts with fontTools, which
# stamps each subset with the current time, so the same review would not give the same
# bytes twice.
# Install them when the venv's WeasyPrint cannot load them. Usage: ensure-pdf-libs.sh [VENV]
set -euo pipefail
cd "$(dirname "$0")/.."
py="${1:-${VENV:-.venv}}/bin/python"
if [ ! -x "$py" ]; then
  echo "No virtualenv at ${py%/bin/python}: run 'make venv' first." >&2
  exit 1
fi
check='import weasyprint.text.ffi as f; assert f.harfbuzz_subset, "no libharfbuzz-subset"'
if error=$("$py" -W ignore -c "$check" 2>&1); then exit 0; fi
case "$error" in
  *"No module named"*) echo "WeasyPrint is not installed in the venv: run 'make venv'." >&2; exit 1 ;;
esac
PACKAGES="libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz0b libharfbuzz-subset0 fontconfig fonts-dejavu-core"
if [ "$(id -u)" != 0 ] && ! command -v sudo >/dev/null 2>&1; then
  echo "WeasyPrint cannot load its system libraries and they cannot be installed without" \
    "root: apt-get install $PACKAGES" >&2
  exit 1
fi
SUDO=""; [ "$(id -u)" = 0 ] || SUDO=sudo
echo "Installing pango, harfbuzz and the DejaVu fonts for the PDF export…" >&2
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq >/dev/null
# shellcheck disable=SC2086
$SUDO apt-get install -y -qq --no-install-recommends $PACKAGES >/dev/null
"$py" -W ignore -c "$check"
