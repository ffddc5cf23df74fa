#!/bin/sh
# t-golden.sh - the parser against the corpus in tests/data/mail
cd "$(dirname "$0")/.." || exit 2
exec sh tests/golden.sh -c tests/data/jubao-test.conf "${JUBAO_BUILD:-.}/tests/tools/jubao-parse"
