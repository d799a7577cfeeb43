#!/usr/bin/env bash
# Print the path of a Python >= 3.12 (Django 6 needs it), or explain and fail.
# Honours PYTHON=... when given; .python-version (3.13.0) steers pyenv's python3.
set -euo pipefail
ok() { "$1" -c 'import sys; sys.exit(0 if sys.version_info >= (3, 12) else 1)' 2>/dev/null; }
if [ -n "${PYTHON:-}" ]; then
  if ok "$PYTHON"; then command -v "$PYTHON"; exit 0; fi
  echo "PYTHON=$PYTHON n'est pas un Python >= 3.12." >&2; exit 1
fi
for candidate in python3 python3.13 python3.12 "$HOME/.pyenv/versions/3.13.0/bin/python" "$HOME/.pyenv/versions/3.12.1/bin/python"; do
  if command -v "$candidate" >/dev/null 2>&1 && ok "$candidate"; then command -v "$candidate"; exit 0; fi
done
echo "Aucun Python >= 3.12 trouvé : installez Python 3.12 ou 3.13 (ex. apt-get install python3.13, ou pyenv install 3.13.0), ou passez PYTHON=/chemin/vers/python3.13 à make." >&2
exit 1
