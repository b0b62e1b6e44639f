#!/usr/bin/env bash
# The repository stands on its own: no file names the project's former shared folder (a sibling directory a
# clone does not have), except tests/vectors/README.md, which records where the vectors came from; and every
# docs/ Markdown path cited anywhere in the tree exists. Files are those git tracks (git ls-files) inside a git
# checkout, every regular file outside build directories otherwise. Each offence is printed as file:line.
source "$(dirname "$0")/lib.sh"
cd "$ROOT" || exit 1

# The list of files to read, NUL-separated, relative to the repository root.
list_files() {
  if git rev-parse --is-inside-work-tree >/dev/null 2>&1; then
    git ls-files -z
  else
    find . -type f ! -path './.git/*' ! -path './build*' -printf '%P\0'
  fi
}

# file:line:text of every line (text files only) matching the extended regex $1, in files that exist.
grep_tree() { # regex
  list_files | while IFS= read -r -d '' f; do [ -f "$f" ] && printf '%s\0' "$f"; done |
    xargs -0 -r grep -InHE -e "$1" --
}

# Built in two pieces so that this script does not name the folder itself.
shared_re='\.\./'"shared"
exempt='tests/vectors/README.md'

no_shared_refs() {
  local hits
  hits=$(grep_tree "$shared_re" | grep -v "^$exempt:")
  [ -z "$hits" ] && return 0
  echo "  files naming ${shared_re//\\/} (only $exempt may):"
  sed 's/^/    /' <<<"$hits"
  return 1
}

# Every docs/<path>.md cited (a path that starts at docs/, not a longer word ending in "docs") must exist.
docs_citations_exist() {
  local bad=0 n=0 file line path
  while IFS= read -r hit; do
    file=${hit%%:*}; line=${hit#*:}; line=${line%%:*}
    while IFS= read -r path; do
      n=$((n + 1))
      if [ ! -f "$path" ]; then echo "    $file:$line: cites $path, which does not exist"; bad=1; fi
    done < <(grep -oE '(^|[^A-Za-z0-9_./-])docs/[A-Za-z0-9_./-]+\.md' <<<"${hit#*:*:}" | sed -E 's/^[^d]//')
  done < <(grep_tree '(^|[^A-Za-z0-9_./-])docs/[A-Za-z0-9_./-]+\.md')
  echo "  $n docs/ citations read"
  [ "$n" -gt 0 ] && [ "$bad" -eq 0 ]
}

check "no file but $exempt names the shared folder" no_shared_refs
check "every cited docs/ Markdown file exists" docs_citations_exist
finish
