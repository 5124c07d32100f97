#!/bin/bash
# Times one dataset's feed root and page and an OAI set page on a store of bench/deref/generate.py data
# (see BENCHMARKS.md "Per-dataset positions"). Usage: bench/feed-oai-set.sh JIYI STORE PORT
BIN=$1; STORE=$2; PORT=$3; U=http://127.0.0.1:$PORT
$BIN serve --store $STORE --bind 127.0.0.1:$PORT > "${TMPDIR:-/tmp}/jiyi-serve-$PORT.log" 2>&1 &
PID=$!
for i in $(seq 1 120); do curl -sf $U/feed/qing-archives -o /dev/null && break; sleep 1; done
t() { for r in 1 2 3; do curl -s -o /dev/null -w "%{http_code} %{time_total}s %{size_download}B\n" "$1"; done; }
echo "root qing-archives:"; t $U/feed/qing-archives
FIRST=$(curl -s -H 'Accept: application/n-quads' $U/feed/qing-archives | grep -o "feed/qing-archives/pages/[0-9]*" | head -1)
echo "first page $FIRST:"; t "$U/$FIRST"
NP=$(curl -s -H 'Accept: application/n-quads' $U/$FIRST | grep -o "feed/qing-archives/pages/[0-9]*" | sort -u | tr '\n' ' ')
echo "pages named: $NP"
echo "last objects page (next entry beyond the archives):"; t "$U/feed/npm-objects/pages/10001"
echo "OAI ListIdentifiers set=qing-archives:"; t "$U/oai?verb=ListIdentifiers&metadataPrefix=oai_dc&set=qing-archives"
echo "OAI ListIdentifiers set=npm-objects:"; t "$U/oai?verb=ListIdentifiers&metadataPrefix=oai_dc&set=npm-objects"
curl -s "$U/oai?verb=ListIdentifiers&metadataPrefix=oai_dc&set=qing-archives" | sha256sum
curl -s -H 'Accept: application/n-quads' "$U/$FIRST" | sha256sum
curl -s -H 'Accept: application/n-quads' "$U/feed/qing-archives" | grep -v -i "date\|modified" | sha256sum
kill $PID
