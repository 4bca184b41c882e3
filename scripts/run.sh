#!/usr/bin/env bash
# `make run`: migrate, load the demo country once, start the web server and the worker,
# print how to log in, and stop everything it started on Ctrl-C.
set -euo pipefail
cd "$(dirname "$0")/.."
BIN=.venv/bin
export SANAD_DEMO_MODE=1
export DJANGO_SETTINGS_MODULE=sanad.settings
PORT="${PORT:-8000}"
started_db=0
if [[ "${DATABASE_URL}" == *"host=$(pwd)/var/pgdata"* ]]; then started_db=1; fi

$BIN/python manage.py migrate --no-input -v 0
if [[ "$($BIN/python manage.py shell -c 'from sanad.institutions.models import Country; print(Country.objects.exists())')" != "True" ]]; then
  echo "Empty database: loading the Bahrain country pack and the demo users..."
  $BIN/python manage.py load_country_pack bh
  $BIN/python manage.py load_demo_users bh > var/demo-logins.txt
  echo "Generating a few synthetic reports and cases for the demo..."
  $BIN/python manage.py generate_synthetic --cases 40 --seed 1
  $BIN/python manage.py load_demo_referrals
  echo "Loading the national strategy and a demo reporting round..."
  $BIN/python manage.py load_strategy bh --demo-round
  # The generator above writes through the services, but nothing drains the queue before the worker
  # starts: build every statistics fact now so the dashboards are not empty.
  $BIN/python manage.py rebuild_statistics
fi
$BIN/python manage.py collectstatic --no-input -v 0

pids=()
cleanup() {
  trap - INT TERM EXIT
  echo; echo "Stopping..."
  for pid in "${pids[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
  wait 2>/dev/null || true
  if ((started_db)); then $BIN/python -m sanad.embedded_db stop || true; fi
  echo "Stopped."
}
trap cleanup INT TERM EXIT

$BIN/gunicorn sanad.wsgi:application --bind "127.0.0.1:${PORT}" --workers 2 --threads 4 \
  --access-logfile - --log-level warning &
pids+=($!)
$BIN/python manage.py procrastinate worker --concurrency 2 &
pids+=($!)

sleep 2
cat <<MSG

  Sanad is running at http://127.0.0.1:${PORT}/  (API docs: http://127.0.0.1:${PORT}/api/v1/docs/)
  Demo mode: synthetic data only.
$(sed 's/^/  /' var/demo-logins.txt 2>/dev/null || true)

  Ctrl-C stops the server, the worker and the embedded database.
MSG
wait -n "${pids[@]}"
