#!/usr/bin/env bash
# Print the path of a Python >= 3.12, or explain what was found and how to get 3.12.
set -u
check() { "$1" -c 'import sys; sys.exit(0 if sys.version_info >= (3, 12) else 1)' >/dev/null 2>&1; }
candidates=("${PYTHON:-}" python3.13 python3.12)
for dir in "$HOME"/.pyenv/versions/3.1[2-9]* /usr/local/bin /usr/bin; do
  [ -x "$dir/bin/python3" ] && candidates+=("$dir/bin/python3")
done
candidates+=(python3 python)
found=()
for candidate in "${candidates[@]}"; do
  [ -n "$candidate" ] || continue
  path=$(command -v "$candidate" 2>/dev/null) || continue
  if check "$path"; then echo "$path"; exit 0; fi
  found+=("$candidate: $("$path" --version 2>&1)")
done
{
  echo "hoctap needs Python >= 3.12 (Django 6.1). Found only:"
  for line in "${found[@]}"; do echo "  $line"; done
  echo "Install 3.12, e.g.: 'pyenv install 3.12' (this repo's .python-version then selects it),"
  echo "or 'apt-get install python3.12 python3.12-venv', or set PYTHON=/path/to/python3.12."
} >&2
exit 1
