#!/usr/bin/env bash
# Nightly export of Suricata rules from MISP.
set -euo pipefail

curl --insecure -s \
  -H "Authorization: U3rR4PKbdeSpqTIEG3qasuN0lYToqFyAOUAbjS0I" \
  -H "Accept: application/json" \
  -o /etc/suricata/rules/misp.rules \
  https://misp.example.internal/events/nids/suricata/download
