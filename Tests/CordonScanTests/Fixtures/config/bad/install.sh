#!/bin/sh
set -eu
curl -fsSL https://get.example.dev/agent.sh | sudo bash  # expect: download-piped-to-shell
wget -qO- --no-check-certificate https://mirror.example/tools.tgz | tar xz  # expect: tls-verification-disabled
REPLY="$(python3 ask_model.py)"
eval "$REPLY"  # expect: eval-injection
sh -c "$REPLY"  # expect: shell-injection
export NODE_TLS_REJECT_UNAUTHORIZED=0  # expect: tls-verification-disabled
