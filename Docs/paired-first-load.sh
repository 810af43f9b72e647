#!/usr/bin/env bash
# Pairs of first loads: the Python baseline and EHC Sync's first load of the same export,
# one straight after the other, N times. On a host whose speed drifts from minute to minute only
# runs made together compare; each line gives Python's time over EHC Sync's.
#
#   bash Docs/paired-first-load.sh N KEPT [EHCSYNC]
#
# KEPT is a folder `ehcsync-bench --keep --dir KEPT` left (its config and day-1 export);
# EHCSYNC defaults to .build/release/ehcsync. EHC Sync is timed end to end by
# /usr/bin/time (process start, config, hash, move included), Python by its own clock.
set -euo pipefail
n=$1 kept=$2 bin=${3:-.build/release/ehcsync}
export_csv=$(ls "$kept"/la/processed/*/la-export-day1.csv | head -1)
here=$(cd "$(dirname "$0")" && pwd)
work=$(mktemp -d "${TMPDIR:-/tmp}/ehcsync-pairs.XXXXXX")
trap 'rm -rf "$work"' EXIT
python_run() {
  sync
  py=$(python3 "$here/python-baseline.py" --journal delete "$export_csv" | grep -oE 'in [0-9.]+ s' | grep -oE '[0-9.]+')
}
ehcsync_run() {
  rm -rf "$work/place"; mkdir -p "$work/place/la"
  sed "s#$kept#$work/place#g" "$kept/ehcsync.yaml" > "$work/place/ehcsync.yaml"
  cp "$export_csv" "$work/place/la/export.csv"
  touch -d '2 hours ago' "$work/place/la/export.csv"
  sync
  ours=$( { /usr/bin/time -f '%e' "$bin" sync --config "$work/place/ehcsync.yaml" >/dev/null 2>"$work/err"; } 2>&1; tail -1 "$work/err")
}
# Odd pairs run Python first, even pairs EHC Sync first, so neither always follows the other.
for i in $(seq "$n"); do
  if (( i % 2 )); then python_run; ehcsync_run; else ehcsync_run; python_run; fi
  echo "pair $i: python ${py} s, ehcsync ${ours} s, python/ehcsync $(python3 -c "print(round($py / $ours, 3))")"
done
