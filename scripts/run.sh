#!/bin/sh
# make run: migrate, load the demo on first start, start the task worker and gunicorn.
set -eu
BIN=${BIN:-.venv/bin}
HOST=${HOST:-127.0.0.1}
PORT=${PORT:-8000}
export DJANGO_SETTINGS_MODULE=gonghui.settings

"$BIN/gonghui" migrate --noinput -v 0
"$BIN/gonghui" demo --if-empty
"$BIN/gonghui" collectstatic --noinput -v 0
"$BIN/gonghui" stats --snapshot --schedule   # history for large dashboards, then nightly by the worker
"$BIN/gonghui" reminders --schedule > /dev/null   # idle scores, working-life counters, reminders; then nightly

"$BIN/gonghui" worker --queue-name default > "${GONGHUI_DATA_DIR:-var}/worker.log" 2>&1 &
WORKER=$!
trap 'kill $WORKER 2>/dev/null || true' EXIT INT TERM

"$BIN/gonghui" demo_logins
echo ""
echo "  gonghui 已启动: http://$HOST:$PORT/   (Ctrl-C 停止 / to stop)"
echo ""
"$BIN/gunicorn" gonghui.wsgi:application --bind "$HOST:$PORT" --workers "${GONGHUI_WEB_WORKERS:-3}" \
  --threads 2 --timeout 120 --access-logfile - --log-level warning
