#!/bin/sh
# Makes the scripted agent's project in $1: a small C project under git.
set -e
cd "$1"
# The test workspace belongs to the sandbox user when the tests run as root: git must not refuse it.
export GIT_CONFIG_COUNT=1 GIT_CONFIG_KEY_0=safe.directory GIT_CONFIG_VALUE_0="*"
mkdir -p src tests build
printf '# demo\nA small project.\n' > README.md
printf '#include <stdio.h>\nint main(void) { /* TODO: args */ return 0; }\n' > src/main.c
printf '#include <stdio.h>\nint util(int x) { return x + 1; }\n' > src/util.c
printf 'test -f src/main.c && grep -c include src/main.c >/dev/null && expr 1 + 1 >/dev/null\n/usr/bin/python3 -c "import socket; s=socket.socket(); s.settimeout(0.2); s.connect_ex((\\"127.0.0.1\\", 8080))"\necho ok\n' > tests/run.sh
git init -q . && git config user.email agent@example.com && git config user.name agent
git add -A && git commit -q -m init
