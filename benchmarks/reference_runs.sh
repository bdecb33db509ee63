#!/usr/bin/env bash
# The second reference runs, continued across sittings with no idle time between their steps.
#
#   benchmarks/reference_runs.sh go     # in the background: mkdir -p runs; nohup benchmarks/reference_runs.sh go > runs/reference.log 2>&1 &
#   benchmarks/reference_runs.sh stop   # before a sitting ends: stop the runs, append their new cells to state/, then commit state/
#   benchmarks/reference_runs.sh status # cells finished per run
#
# `go` waits for any sweep already writing under runs/, then, for each active run (the large track), restores it
# from its committed shards when its store is missing and runs it to the end. `finished` does the same for the
# published keel_full, ir_ladder_full and budget-check runs (each costs one export). Same config and seeds each time, so the finished runs are the ones an
# uninterrupted run would write. `stop` sends SIGTERM to the drivers (a driver stops its workers), waits for
# them, and saves every run's cells finished since its last shard (benchmarks/run_state.py).
set -euo pipefail
cd "$(dirname "$0")/.."

PY=.venv/bin/python
RUNS=(large keel_full ir_ladder_full keel_full_x2/logreg keel_full_x2/random_forest keel_full_x2/lightgbm keel_full_x2/xgboost)
ACTIVE=(large) # runs `go` continues; the others are finished and published (their shards restore them on demand)
DRIVERS='bin/imbench run .* --out runs/'

restore() { # restore runs/$1 from state/$1 unless its store exists or nothing was saved yet
  if [[ ! -e runs/$1/store.sqlite && -n $(compgen -G "state/$1/shard-*.sqlite.gz") ]]; then
    $PY benchmarks/run_state.py restore "state/$1" "runs/$1"
  fi
}

ours() { # PIDs of processes matching pattern $1 that run in this checkout (other checkouts' runs are left alone)
  local pid
  for pid in $(pgrep -f "$1" || true); do
    if [[ $pid != "$$" && $(readlink "/proc/$pid/cwd" 2> /dev/null) == "$PWD" ]]; then echo "$pid"; fi
  done
}

cells() { # finished cells in runs/$1 (0 without a store)
  if [[ -e runs/$1/store.sqlite ]]; then
    $PY -c "import sqlite3,sys; c=sqlite3.connect(f'file:{sys.argv[1]}?mode=ro', uri=True); print(c.execute('SELECT count(*) FROM cells').fetchone()[0])" "runs/$1/store.sqlite"
  else
    echo 0
  fi
}

case "${1:-}" in
  go)
    while [[ -n $(ours "$DRIVERS") ]]; do sleep 20; done
    for suite in "${ACTIVE[@]}"; do
      restore "$suite"
      echo "$(date -u +%FT%TZ) $suite: from $(cells "$suite") cells"
      .venv/bin/imbench run "$suite" --out "runs/$suite" --jobs 2 --no-mlflow --no-report -q
    done
    echo "$(date -u +%FT%TZ) all active runs finished"
    ;;
  finished) # the published runs, restored and run to their end (each costs one export): what `go` did before
    for suite in keel_full ir_ladder_full; do
      restore "$suite"
      .venv/bin/imbench run "$suite" --out "runs/$suite" --jobs 2 --no-mlflow --no-report -q
    done
    for run in "${RUNS[@]:3}"; do restore "$run"; done
    $PY benchmarks/stability.py run imbench/evaluation/builtin_suites/keel_full.yaml runs/keel_full_x2
    ;;
  stop)
    for pattern in "reference_runs.sh go" "stability.py run" "$DRIVERS"; do # the chain first: it starts no next step
      pids=$(ours "$pattern")
      if [[ -n $pids ]]; then kill -TERM $pids 2> /dev/null || true; fi
    done
    for _ in $(seq 120); do # a driver stops its workers on SIGTERM; give it two minutes, then force it
      [[ -z $(ours "$DRIVERS") ]] && break
      sleep 1
    done
    for pid in $(ours "$DRIVERS"); do # its workers first, or they would outlive it
      pkill -KILL -P "$pid" || true
      kill -KILL "$pid" 2> /dev/null || true
    done
    failed=0
    for run in "${RUNS[@]}"; do
      if [[ -e runs/$run/store.sqlite ]]; then $PY benchmarks/run_state.py save "runs/$run" "state/$run" || failed=1; fi
    done
    exit $failed
    ;;
  status)
    for run in "${RUNS[@]}"; do echo "$run: $(cells "$run") cells"; done
    ;;
  *)
    echo "usage: $0 go|stop|status|finished" >&2
    exit 2
    ;;
esac
