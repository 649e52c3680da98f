#!/bin/sh
# usage: sync_test.sh BATON SCRATCH_DIR
# Two syncs of one csv mapping into ws.baton with --since auto: the first
# reads everything; the second reads only rows whose "updated" column is
# after the first sync started (the high-water mark saved in ws.baton).
set -eu
BATON=$1
DIR=$2
rm -rf "$DIR"
mkdir -p "$DIR"
cd "$DIR"

fail() { echo "FAIL: $*" >&2; exit 1; }
# expect FILE LINE: FILE must contain the exact line LINE.
expect() { grep -qxF "$2" "$1" || { cat "$1" >&2; fail "expected the line \"$2\" in $1"; }; }

cat > map.toml <<'TOML'
[[people]]
file = "people.csv"
person_id = "id"
owner = "owner"
source = "source"
modified_at = "updated"

[[touches]]
file = "touches.csv"
person_id = "id"
at = "at"
channel = "channel"
modified_at = "updated"

[[stages]]
file = "stages.csv"
person_id = "id"
stage = "stage"
at = "at"
modified_at = "updated"
TOML

cat > people.csv <<'CSV'
id,owner,source,updated
p1,ann,web,2024-01-10T08:00:00Z
p2,bob,event,2024-01-11T08:00:00Z
p3,ann,web,2024-01-12T08:00:00Z
CSV
cat > touches.csv <<'CSV'
id,at,channel,updated
p1,2024-01-10T09:00:00Z,email,2024-01-10T09:00:00Z
p2,2024-01-11T09:00:00Z,ads,2024-01-11T09:00:00Z
p3,2024-01-12T09:00:00Z,email,2024-01-12T09:00:00Z
CSV
cat > stages.csv <<'CSV'
id,stage,at,updated
p1,mql,2024-01-15T00:00:00Z,2024-01-15T00:00:00Z
p2,mql,2024-01-16T00:00:00Z,2024-01-16T00:00:00Z
CSV

# First night: everything (3 people, 3 touches, 2 stages added).
"$BATON" sync map.toml --into ws.baton --since auto --format csv > first.csv 2> first.err \
  || { cat first.err >&2; fail "first sync"; }
expect first.csv "people,3,0,0,3"
expect first.csv "touches,3,0,0,3"
expect first.csv "stages,2,0,0,2"
[ -f ws.baton ] || fail "ws.baton was not written"

# The CRM changes after the first sync started: p2 gets a new owner, p4 is
# new with a touch and a stage. The old rows stay in the export.
sleep 1
NOW=$(date -u +%Y-%m-%dT%H:%M:%SZ)
cat >> people.csv <<CSV
p4,dee,partner,$NOW
CSV
sed -i "s/^p2,bob,event,.*/p2,cy,event,$NOW/" people.csv
cat >> touches.csv <<CSV
p4,2024-02-01T09:00:00Z,email,$NOW
CSV
cat >> stages.csv <<CSV
p4,mql,2024-02-02T00:00:00Z,$NOW
CSV

# Second night: only the changed rows are read: p2 replaced, p4 added,
# one touch and one stage added; nothing of p1 or p3 is read again.
"$BATON" sync map.toml --into ws.baton --since auto --format csv > second.csv 2> second.err \
  || { cat second.err >&2; fail "second sync"; }
expect second.csv "people,1,1,0,4"
expect second.csv "touches,1,0,0,4"
expect second.csv "stages,1,0,0,3"
grep -q "read only rows modified since" second.err || { cat second.err >&2; fail "no since warning"; }
grep -q "people.csv: 2 rows modified before the since time" second.err \
  || { cat second.err >&2; fail "the skipped rows were not counted"; }

# Every command reads the saved workspace: 3 of 4 people reached mql.
"$BATON" funnel ws.baton --format csv > funnel.csv 2> funnel.err \
  || { cat funnel.err >&2; fail "funnel on ws.baton"; }
grep -q "^all,mql,3," funnel.csv || { cat funnel.csv >&2; fail "funnel: mql reached should be 3"; }

# A damaged file is refused with the file and section named.
head -c 100 ws.baton > broken.baton
if "$BATON" funnel broken.baton > /dev/null 2> broken.err; then fail "broken.baton was read"; fi
grep -q "broken.baton" broken.err || { cat broken.err >&2; fail "the error does not name the file"; }

echo "cli_sync: ok"
