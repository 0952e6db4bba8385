#!/usr/bin/env bash
# Regenerate the guide's translation catalogs with jupyterlab-translate (pip install
# jupyterlab-translate; it brings pybabel and the gettext-extract it runs with node).
#
#   extension/update-catalog.sh update   # extract trans.__() strings, merge them into each .po
#   (translate the new msgstr entries in src/pairlab/locale/<lang>/LC_MESSAGES/pairlab.po)
#   extension/update-catalog.sh compile  # write pairlab.json, the catalog JupyterLab loads
#
# The server's messages (the _() calls in src/pairlab/server and errors.py) have their own
# gettext catalogs under src/pairlab/locale/server, and need only pybabel (Babel, which
# jupyterlab_server brings):
#   extension/update-catalog.sh server-update [-l xx_YY]  # extract; merge into each .po (a new language: -l)
#   extension/update-catalog.sh server-compile            # write the pairlab.mo the server reads
#
# jupyterlab-translate wants <repo>/<project>/locale beside the TypeScript; pairlab keeps its
# TypeScript in extension/src and its catalogs in the Python package, so the tool runs on a
# scratch copy laid out its way and the catalogs are copied back.
set -euo pipefail
here="$(cd "$(dirname "$0")/.." && pwd)"
locale="$here/src/pairlab/locale"
server="$locale/server"
pybabel="$(command -v pybabel || echo "$here/.venv/bin/pybabel")"
case "${1:-}" in
  server-update)
    mkdir -p "$server"
    "$pybabel" extract --no-location --sort-output -k _ --project pairlab \
      -o "$server/pairlab.pot" "$here/src/pairlab/server" "$here/src/pairlab/errors.py"
    if [ "${2:-}" = "-l" ]; then
      "$pybabel" init -D pairlab -i "$server/pairlab.pot" -d "$server" -l "$3"
    fi
    "$pybabel" update --no-fuzzy-matching --ignore-obsolete -D pairlab \
      -i "$server/pairlab.pot" -d "$server"
    exit 0 ;;
  server-compile)
    "$pybabel" compile --statistics -D pairlab -d "$server"
    exit 0 ;;
esac
scratch="$(mktemp -d)"
trap 'rm -rf "$scratch"' EXIT
mkdir -p "$scratch/pairlab"
cp -r "$here/extension/src" "$scratch/src"
cp "$here/extension/package.json" "$scratch/pairlab/package.json"  # the catalog's version
cp -r "$locale" "$scratch/pairlab/locale"
rm -f "$scratch/pairlab/locale/pairlab.pot" "$scratch/pairlab/locale/__init__.py"  # fresh extraction
cd "$scratch"
# Every language with a catalog (the tool only finds them when named); a new one: -l xx_YY.
languages=()
for folder in pairlab/locale/*/LC_MESSAGES; do
  [ -d "$folder" ] && languages+=(-l "$(basename "$(dirname "$folder")")")
done
case "${1:-}" in
  update) jupyterlab-translate update . pairlab "${languages[@]}" "${@:2}" ;;
  compile)  # from the .po alone: no string dropped from the source lingers in the JSON
    rm -f pairlab/locale/*/LC_MESSAGES/pairlab.json
    jupyterlab-translate compile . pairlab "${languages[@]}" ;;
  *) echo "usage: $0 update|compile" >&2; exit 2 ;;
esac
rm -f pairlab/locale/*/LC_MESSAGES/pairlab.mo  # the server's words are not translated yet
cp -r "$scratch/pairlab/locale/." "$locale/"
