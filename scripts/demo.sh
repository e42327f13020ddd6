#!/usr/bin/env bash
# `make demo`: migrate the embedded SQLite database, load the demo organisation,
# start the background worker and serve Cadence.
set -euo pipefail
cd "$(dirname "$0")/.."
set -a
# shellcheck source=demo.env
source scripts/demo.env
set +a
PORT="${PORT:-8000}"
cadence=.venv/bin/cadence

$cadence migrate --noinput -v0
if [[ "$CADENCE_DEBUG" != 1 ]]; then
    # Without debug, Django serves no static files: WhiteNoise serves the collected,
    # fingerprinted copies under var/static.
    $cadence collectstatic --noinput -v0
fi
$cadence demo
# The demo's stale goals and overdue KPI values are reminded of now, whatever the hour
# (the scheduler below keeps to people's daytime); idempotent, like every sweep.
for sweep in stale-goals stale-goal-escalations kpi-overdue; do
    CADENCE_REMINDER_HOURS=0-24 $cadence run-scheduled "$sweep"
done

$cadence db_worker --queue-name '*' --no-reload >var/worker.log 2>&1 &
worker=$!
# The scheduler queues each sweep (reminders, digests, mail retries) at its time; the
# worker above runs them (docs/architecture.md, "Schedules").
$cadence crontask --no-heartbeat >var/scheduler.log 2>&1 &
scheduler=$!
trap 'kill $worker $scheduler 2>/dev/null || true' EXIT INT TERM

echo
echo "Cadence is running at http://127.0.0.1:${PORT}/  (Ctrl+C stops it; logs: background worker var/worker.log, scheduler var/scheduler.log)"
$cadence runserver "127.0.0.1:${PORT}" --noreload
