#!/bin/sh
# make test: the whole suite on SQLite and on PostgreSQL — from GONGHUI_TEST_POSTGRES_URL, or a
# throwaway cluster started here when PostgreSQL's binaries are installed — then the Citus part.
# The SQLite and PostgreSQL runs go side by side (each is one process; together they keep two
# cores busy while one waits on a browser or on its database), their output printed when both end.
# GONGHUI_TEST_SERIAL=1 runs them one after the other instead.
set -eu
BIN=${BIN:-.venv/bin}
PYTEST_ARGS=${PYTEST_ARGS:-}
LOGS=$(mktemp -d /tmp/gonghui-test-logs-XXXXXX)

PG_URL=${GONGHUI_TEST_POSTGRES_URL:-}
PG_DIR=""
CITUS_DIR=""
cleanup() {
  [ -z "$CITUS_DIR" ] || sh scripts/citus.sh stop "$CITUS_DIR"
  [ -z "$PG_DIR" ] || sh scripts/pg.sh stop "$PG_DIR"
}
trap cleanup EXIT INT TERM
if [ -z "$PG_URL" ] && ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1; then
  PG_DIR=$(mktemp -d /tmp/gonghui-pg-XXXXXX)
  PG_PORT=${GONGHUI_TEST_PG_PORT:-55432}
  PG_URL=$(sh scripts/pg.sh start "$PG_DIR" "$PG_PORT")
fi
if [ -z "$PG_URL" ]; then
  echo "== PostgreSQL not available: set GONGHUI_TEST_POSTGRES_URL or install postgresql-15 =="
  exit 1
fi

run_sqlite() { "$BIN/pytest" $PYTEST_ARGS; }
run_postgres() { GONGHUI_DATABASE_URL=$PG_URL "$BIN/pytest" $PYTEST_ARGS; }

if [ "${GONGHUI_TEST_SERIAL:-}" = 1 ]; then
  echo "== tests on SQLite =="
  run_sqlite
  echo "== tests on PostgreSQL =="
  run_postgres
else
  echo "== tests on SQLite and on PostgreSQL, side by side (logs in $LOGS) =="
  start=$(date +%s)
  (rc=0; run_sqlite >"$LOGS/sqlite.log" 2>&1 || rc=$?; echo $rc >"$LOGS/sqlite.rc") &
  (rc=0; run_postgres >"$LOGS/postgres.log" 2>&1 || rc=$?; echo $rc >"$LOGS/postgres.rc") &
  wait
  for db in sqlite postgres; do
    echo "== tests on $db: exit $(cat "$LOGS/$db.rc") =="
    cat "$LOGS/$db.log"
  done
  echo "== both runs took $(($(date +%s) - start)) s =="
  [ "$(cat "$LOGS/sqlite.rc")" = 0 ] && [ "$(cat "$LOGS/postgres.rc")" = 0 ] || exit 1
fi

# Citus: the tests marked `citus` and the register's own tests on a coordinator with two workers —
# from GONGHUI_TEST_CITUS_URL, or a cluster started here when the citus extension is installed.
# pytest reuses the cluster's prepared test_gonghui database (scripts/citus.sh): Django's CREATE
# DATABASE would make one without the extension and without the workers.
CITUS_URL=${GONGHUI_TEST_CITUS_URL:-}
if [ -z "$CITUS_URL" ] && ls /usr/lib/postgresql/*/lib/citus.so >/dev/null 2>&1; then
  CITUS_DIR=$(mktemp -d /tmp/gonghui-citus-XXXXXX)
  CITUS_URL=$(sh scripts/citus.sh start "$CITUS_DIR" "${GONGHUI_TEST_CITUS_PORT:-57000}")
fi
if [ -n "$CITUS_URL" ]; then
  echo "== tests on Citus =="
  # the register's races and its acts from the main suite — every act of tests/members/test_actions.py,
  # employer closure, dues, a union merge and a worklife act; a transfer's page, the portal's staff
  # queue, the 实名制 figures, care's files and aid rounds, a union formed from members written by
  # tests/elections add_members; and a sample of each area's pages and API — a card batch's page and
  # sheet, women committees, union groups, hardship file search, a portal transfer request, roster
  # imports; the gatekeeper's tests and the public pages; every menu page of six roles in Chromium
  # with every link shape on them (tests/browser/test_walk.py). The whole suite would take over an
  # hour on a 3-node cluster on 2 cores; docs/decisions.md "National scale on Citus" says what runs.
  GONGHUI_DATABASE_URL=$CITUS_URL GONGHUI_TEST_CITUS_URL=$CITUS_URL "$BIN/pytest" $PYTEST_ARGS --reuse-db \
    tests/citus "tests/members/test_concurrency.py::test_eight_concurrent_approvers_on_postgresql" \
    "tests/members/test_concurrency.py::test_two_unions_register_the_same_person_at_once_on_postgresql" \
    tests/members/test_actions.py tests/orgs/test_closure.py tests/finance/test_dues.py \
    "tests/orgs/test_actions.py::test_merge_moves_employers_and_marks_source" \
    "tests/worklife/test_congress_groups.py::test_session_proposal_and_the_employers_that_held_one" \
    "tests/members/test_issue18.py::test_transfer_names_both_unions_and_revokes_the_old_card" \
    "tests/portal/test_portal.py::test_requests_go_to_the_union_queue" \
    "tests/campaigns/test_api.py::test_create_split_follow_and_supervise" \
    "tests/care/test_actions.py::test_review_once_a_year_and_relief_ends_file" \
    "tests/care/test_actions.py::test_round_list_pay_and_summary" \
    "tests/care/test_actions.py::test_aid_amounts_and_year_figures" \
    "tests/elections/test_formation.py::test_approval_puts_the_founding_roster_on_the_register" \
    "tests/members/test_views.py::test_pages_render_for_a_clerk" \
    "tests/members/test_views.py::test_paper_application_review_and_card_flow" \
    "tests/members/test_views.py::test_transfer_pages_both_sides" \
    "tests/members/test_views.py::test_search_by_id_number_and_phone_through_the_blind_index" \
    "tests/members/test_views.py::test_export_is_masked_by_default_and_full_only_with_the_right" \
    tests/members/test_api.py "tests/members/test_pdf.py::test_seal_image_setting_is_used" \
    tests/orgs/test_views.py tests/care/test_views.py tests/elections/test_views.py \
    "tests/campaigns/test_views.py::test_board_page_shows_units_chart_data_and_terms" \
    "tests/campaigns/test_views.py::test_supervision_note_and_follow_up" \
    "tests/elections/test_issue17.py::test_women_committee_from_ten_female_members" \
    "tests/elections/test_issue17.py::test_pages_keep_a_fixed_query_count" \
    "tests/elections/test_elections.py::test_candidate_must_be_a_member_of_this_union" \
    tests/finance/test_funds.py tests/finance/test_payroll.py tests/worklife/test_scoping.py \
    tests/campaigns/test_daycount.py tests/campaigns/test_actions.py \
    "tests/portal/test_portal.py::test_a_transfer_request_is_taken_up_by_the_receiving_union" \
    tests/portal/test_access.py tests/reports/test_dashboard.py \
    "tests/rosters/test_import.py::test_import_creates_persons_memberships_and_join_events" \
    "tests/rosters/test_import.py::test_the_same_file_twice_creates_nobody_twice" \
    "tests/rosters/test_import.py::test_statistics_counters_move_with_the_batches" \
    "tests/rosters/test_import.py::test_cancel_stops_between_batches_and_resume_finishes_exactly" \
    tests/rosters/test_identity_key.py tests/members/test_roll.py \
    tests/accounts/test_gatekeeper.py tests/members/test_public.py tests/browser/test_walk.py
else
  echo "== Citus not installed: its tests were skipped (sh ../shared/citus/install.sh) =="
fi
