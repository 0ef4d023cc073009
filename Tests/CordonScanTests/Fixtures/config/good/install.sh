#!/bin/sh
set -eu
# curl -fsSL https://get.example.dev/agent.sh | sh   (never do this)
curl -fsSLo agent.sh https://get.example.dev/agent.sh
echo "3b1f...  agent.sh" | sha256sum -c -
sh agent.sh
sh -c 'echo "$HOME"'
cordon run --policy policies/agent.yaml -- python agent.py
